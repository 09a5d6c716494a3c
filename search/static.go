package search

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// The static search data is what the index decided, published as small
// files a browser script reads to answer queries on any static host
// (themes/default/static/js/search-static.js). See docs/search.md.
//
// For every (term, page) pair the score bleve gives a term query on each
// text field (BM25 with the field's query boost, without the query norm,
// which is the same for every page of a query) is written, with where on
// the page the term is (which fields, which sections); the script adds
// the numbers up as bleve's boolean queries do.
const (
	// StaticDir is the folder of the built site the static data goes in.
	StaticDir = "search-data"

	staticVersion = 1
	// scoreScale turns a float score into the integer written.
	scoreScale = 1000000
	// shardTarget is about how many bytes of postings one term shard holds.
	shardTarget = 4 << 10
	// excerptLen is how many bytes of each part's text are kept for
	// snippets (a snippet is about 220), in files of excerptParts parts.
	excerptLen   = 260
	excerptParts = 8
)

// Posting flags: which fields of the page hold the term, and whether the
// text of the page outside its sections does.
const (
	inTitle = 1 << iota
	inHeading
	inSummary
	inBody
	inRest
	inLevel
)

// Static makes the static search data from the files of a built index
// (those BuildFiles returns). The names it returns are relative to
// StaticDir.
func Static(files []File) ([]File, error) {
	tmp, err := os.MkdirTemp("", "handbook-static-")
	if err != nil {
		return nil, fmt.Errorf("search: static data: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	dir := filepath.Join(tmp, "index.bleve")
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("search: static data: %w", err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, fmt.Errorf("search: static data: %w", err)
		}
	}
	ix, err := Open(dir)
	if err != nil {
		return nil, err
	}
	defer func() { _ = ix.Close() }()
	out, err := ix.Static()
	if err != nil {
		return nil, fmt.Errorf("search: static data: %w", err)
	}
	return out, nil
}

// stPosting is one page holding a term.
type stPosting struct {
	page   int32
	flags  uint8
	scores [5]float32 // per text field, then the level field
	secOff int32      // of its section codes in staticData.secs
	secLen int32
	posOff int32 // of its first positions in the body in staticData.pos
	posLen int32
}

type stTerm struct {
	raw   []stRaw
	posts []stPosting
	cur   int // cursor of the sections pass
}

// stRaw is a term's score in one field of a page.
type stRaw struct {
	page  int32
	field uint8
	score float32
}

type staticData struct {
	ix     *Index
	urls   []string
	offs   []uint64
	byID   map[string]int32
	terms  map[string]*stTerm
	titleN []uint16 // distinct terms of each page's title
	secs   []uint32 // section codes: section*2 (+1 when in its heading)
	pos    []int32  // the first maxPositions word numbers of terms in bodies
	stemOf map[string]string
}

// Static makes the static search data of an open index. See [Static].
func (ix *Index) Static() ([]File, error) {
	sd := &staticData{ix: ix, byID: map[string]int32{}, terms: map[string]*stTerm{}, stemOf: map[string]string{}}
	it, err := ix.side.ids.Iterator(nil, nil)
	for err == nil {
		k, v := it.Current()
		sd.byID[string(k)] = int32(len(sd.urls))
		sd.urls = append(sd.urls, string(k))
		sd.offs = append(sd.offs, v>>recBits)
		err = it.Next()
	}
	sd.titleN = make([]uint16, len(sd.urls))
	if err := sd.postings(); err != nil {
		return nil, err
	}
	blocks, err := sd.sections()
	if err != nil {
		return nil, err
	}
	return sd.files(blocks)
}

// postings reads every term of every text field (and the level field)
// from the index and scores it on each page as bleve's term query does.
func (sd *staticData) postings() error {
	adv, err := sd.ix.idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }()
	n, err := r.DocCount()
	if err != nil {
		return err
	}
	bm, ok := r.(index.BM25Reader)
	if !ok {
		return fmt.Errorf("index reader has no field statistics")
	}
	pageOf := map[string]int32{}
	page := func(id index.IndexInternalID) (int32, error) {
		if p, ok := pageOf[string(id)]; ok {
			return p, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return 0, err
		}
		p, ok := sd.byID[ext]
		if !ok {
			p = -1 // bleve's own records
		}
		pageOf[string(id)] = p
		return p, nil
	}
	fields := append(append([]struct {
		name  string
		boost float64
	}{}, textFields...), struct {
		name  string
		boost float64
	}{fLevel, boostLevelField})
	for fi, f := range fields {
		card, err := bm.FieldCardinality(f.name)
		if err != nil {
			return err
		}
		avg := math.Ceil(float64(card) / float64(n))
		dict, err := r.FieldDict(f.name)
		if err != nil {
			return err
		}
		var terms []string
		for de, err := dict.Next(); de != nil || err != nil; de, err = dict.Next() {
			if err != nil {
				_ = dict.Close()
				return err
			}
			terms = append(terms, de.Term)
		}
		_ = dict.Close()
		for _, term := range terms {
			tfr, err := r.TermFieldReader(context.Background(), []byte(term), f.name, true, true, false)
			if err != nil {
				return err
			}
			df := tfr.Count()
			idf := math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
			key := term
			if f.name == fLevel {
				key = "level:" + term
			}
			st := sd.terms[key]
			if st == nil {
				st = &stTerm{}
				sd.terms[key] = st
			}
			var tfd *index.TermFieldDoc
			for tfd, err = tfr.Next(nil); tfd != nil && err == nil; tfd, err = tfr.Next(nil) {
				p, err := page(tfd.ID)
				if err != nil {
					_ = tfr.Close()
					return err
				}
				if p < 0 {
					continue
				}
				// As bleve's TermQueryScorer: docScore × queryWeight
				// (boost × idf; the query norm is left out).
				tf := math.Sqrt(float64(tfd.Freq))
				length := 1 / (tfd.Norm * tfd.Norm)
				sat := tf * bsearch.BM25_k1 / (tf + bsearch.BM25_k1*(1-bsearch.BM25_b+bsearch.BM25_b*length/avg))
				score := f.boost * idf * idf * sat
				if fi == 0 {
					sd.titleN[p]++
				}
				st.add(p, fi, score)
			}
			_ = tfr.Close()
			if err != nil {
				return err
			}
		}
	}
	if err := sd.phrases(); err != nil {
		return err
	}
	for _, st := range sd.terms {
		st.merge()
	}
	return nil
}

// phrases records, for each glossary term of several words and each
// "level N", the short fields (title, heading, summary) that hold it as
// a phrase, under the term "phrase:" and its stems: the server asks for
// these as phrases there, which the words' own postings cannot tell.
func (sd *staticData) phrases() error {
	var texts []string
	for _, g := range sd.ix.thes.groups {
		for _, v := range g {
			if len(v.stems) > 1 {
				texts = append(texts, v.text)
			}
		}
	}
	for key := range sd.terms {
		if n, ok := strings.CutPrefix(key, "level:"); ok {
			texts = append(texts, "level "+n)
		}
	}
	for _, text := range texts {
		key := "phrase:" + strings.Join(stems(sd.ix.text, text), " ")
		if sd.terms[key] != nil {
			continue
		}
		st := &stTerm{}
		sd.terms[key] = st
		for fi, f := range textFields[:3] {
			req := bleve.NewSearchRequestOptions(phraseQ(f.name, text, 1), len(sd.urls)+1, 0, false)
			res, err := sd.ix.idx.Search(req)
			if err != nil {
				return err
			}
			for _, h := range res.Hits {
				if p, ok := sd.byID[h.ID]; ok {
					st.add(p, fi, 0)
				}
			}
		}
	}
	return nil
}

// add records that field fi of page p holds the term with score.
func (st *stTerm) add(p int32, fi int, score float64) {
	st.raw = append(st.raw, stRaw{page: p, field: uint8(fi), score: float32(score)})
}

// merge makes the term's postings, in page order, from what add recorded.
func (st *stTerm) merge() {
	sort.SliceStable(st.raw, func(i, j int) bool { return st.raw[i].page < st.raw[j].page })
	for _, r := range st.raw {
		if n := len(st.posts); n == 0 || st.posts[n-1].page != r.page {
			st.posts = append(st.posts, stPosting{page: r.page})
		}
		ps := &st.posts[len(st.posts)-1]
		if r.field == 4 {
			ps.flags |= inLevel
		} else {
			ps.flags |= inTitle << r.field
		}
		ps.scores[r.field] = r.score
	}
	st.raw = nil
}

// pageText is what a page file keeps of a page.
type pageText struct {
	url, title, typ, summary string
	rest                     string
	secs                     []secText
}

// sections reads each page's text and records, for each term of the
// page, the sections whose heading or text hold it, and whether the text
// outside sections does. It returns the pages' texts for the page files.
func (sd *staticData) sections() ([]pageText, error) {
	an := newTextAnalyzer(sd.ix.text)
	out := make([]pageText, len(sd.urls))
	for p, off := range sd.offs {
		b, err := sd.ix.side.block(int64(off))
		if err != nil {
			return nil, err
		}
		_, rest := splitSections(b.body, b.secs)
		out[p] = pageText{url: b.url, title: b.title, typ: b.typ, summary: b.summary, rest: rest, secs: b.secs}
		posting := func(term string) *stPosting {
			st := sd.terms[term]
			if st == nil {
				return nil
			}
			for st.cur < len(st.posts) && st.posts[st.cur].page < int32(p) {
				st.cur++
			}
			if st.cur < len(st.posts) && st.posts[st.cur].page == int32(p) {
				return &st.posts[st.cur]
			}
			return nil
		}
		for term := range an.analyze(fBody, rest, optsBody).freqs {
			if ps := posting(term); ps != nil {
				ps.flags |= inRest
			}
		}
		// Section codes of a page's terms are appended together: each
		// term's codes are gathered, then copied in one run.
		codes := map[*stPosting][]uint32{}
		for i, s := range b.secs {
			for term := range an.analyze(fHeading, s.heading, optsShort).freqs {
				if ps := posting(term); ps != nil {
					codes[ps] = append(codes[ps], uint32(i)*2+1)
				}
			}
			for term := range an.analyze(fBody, s.text, optsBody).freqs {
				if ps := posting(term); ps != nil {
					if c := codes[ps]; len(c) == 0 || c[len(c)-1] != uint32(i)*2+1 {
						codes[ps] = append(c, uint32(i)*2)
					}
				}
			}
			an.release()
		}
		an.release()
		for ps, c := range codes {
			ps.secOff = int32(len(sd.secs))
			ps.secLen = int32(len(c))
			sd.secs = append(sd.secs, c...)
		}
		// Where each term first is in the body, word by word as the
		// server's rerank reads it.
		pos := map[*stPosting][]int32{}
		n := int32(0)
		forEachWord(b.body, func(start, end int) {
			n++
			w := strings.ToLower(b.body[start:end])
			stem, ok := sd.stemOf[w]
			if !ok {
				if toks := sd.ix.text.Analyze([]byte(b.body[start:end])); len(toks) == 1 {
					stem = string(toks[0].Term)
				}
				sd.stemOf[w] = stem
			}
			if stem == "" {
				return
			}
			if ps := posting(stem); ps != nil && len(pos[ps]) < maxPositions {
				pos[ps] = append(pos[ps], n)
			}
		})
		for ps, ns := range pos {
			ps.posOff = int32(len(sd.pos))
			ps.posLen = int32(len(ns))
			sd.pos = append(sd.pos, ns...)
		}
	}
	return out, nil
}

// staticMeta is meta.json: what the script needs before anything else.
type staticMeta struct {
	Version int       `json:"v"`
	Pages   int       `json:"pages"`
	Shards  int       `json:"shards"`
	Scale   int       `json:"scale"`
	Fields  []float64 `json:"boosts"` // title, heading, summary, body
	Stop    []string  `json:"stop"`
	// MaxSynonym is the most stems of any synonym's variant.
	MaxSynonym int         `json:"maxSyn"`
	Types      [][2]string `json:"types"`
	Letters    []string    `json:"letters"` // the dictionary's files
	MinFuzzy   int         `json:"minFuzzy"`
	Fuzzy      float64     `json:"fuzzyBoost"`
	Synonym    float64     `json:"synonymBoost"`
}

func (sd *staticData) files(pages []pageText) ([]File, error) {
	var out []File
	add := func(name string, data []byte) { out = append(out, File{Name: name, Data: data}) }

	// Term shards: terms grouped by a hash of the term, about shardTarget
	// bytes each.
	total := 0
	for _, st := range sd.terms {
		total += 12 * len(st.posts) // about what a posting takes written
	}
	shards := 1
	for shards*shardTarget < total && shards < 1<<16 {
		shards *= 2
	}
	bufs := make([]*bytes.Buffer, shards)
	names := make([]string, 0, len(sd.terms))
	for t := range sd.terms {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		k := termShard(t, shards)
		b := openShard(bufs, k)
		sd.writeTerm(b, t, sd.terms[t])
	}
	// Synonym groups go in the shard of each of their variants' first
	// stems, under "~syn:" and the stem: the script reads them with the
	// postings of the query's words, with no file of its own.
	syns := map[string][][]string{}
	var synStems []string
	maxSyn := 0
	for _, g := range sd.ix.thes.groups {
		var vs []string
		for _, v := range g {
			maxSyn = max(maxSyn, len(v.stems))
			q, _ := json.Marshal(append([]string{v.text}, v.stems...))
			vs = append(vs, string(q))
		}
		group := "[" + strings.Join(vs, ",") + "]"
		seen := map[string]bool{}
		for _, v := range g {
			first := v.stems[0]
			if seen[first] {
				continue
			}
			seen[first] = true
			if syns[first] == nil {
				synStems = append(synStems, first)
			}
			syns[first] = append(syns[first], []string{group})
		}
	}
	sort.Strings(synStems)
	for _, st := range synStems {
		k := termShard(st, shards)
		b := openShard(bufs, k)
		q, _ := json.Marshal("~syn:" + st)
		b.Write(q)
		b.WriteString(":[")
		for i, g := range syns[st] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(g[0])
		}
		b.WriteByte(']')
	}
	for k, b := range bufs {
		if b == nil {
			continue
		}
		b.WriteByte('}')
		add("t/"+strconv.Itoa(k)+".json", b.Bytes())
	}

	// The dictionary: every word of the text (4 letters or more), with its
	// stem and on how many pages the stem is, in files by first letter.
	words := map[string][][]any{}
	it, err := sd.ix.side.words.Iterator(nil, nil)
	for err == nil {
		k, _ := it.Current()
		w := string(k)
		// A word with no stem (a stop word) is there too: the server's
		// typo search counts it among the near words it looks at.
		stem, df := "", 0
		if toks := sd.ix.text.Analyze(k); len(toks) == 1 {
			stem = string(toks[0].Term)
			if st := sd.terms[stem]; st != nil {
				df = len(st.posts)
			}
		}
		r, _ := utf8.DecodeRuneInString(w)
		words[string(r)] = append(words[string(r)], []any{w, stem, df})
		err = it.Next()
	}
	var letters []string
	for l, ws := range words {
		letters = append(letters, l)
		data, err := json.Marshal(ws)
		if err != nil {
			return nil, err
		}
		add("w/"+letterFile(l)+".json", data)
	}
	sort.Strings(letters)

	// Two files per page: what a result shows (p/), and the start of each
	// part's text for its snippet (e/), which suggestions do without.
	for i, p := range pages {
		head, texts := pageFiles(p)
		data, err := json.Marshal(head)
		if err != nil {
			return nil, err
		}
		add("p/"+strconv.Itoa(i)+".json", data)
		for k := 0; k*excerptParts < len(texts); k++ {
			if data, err = json.Marshal(texts[k*excerptParts : min((k+1)*excerptParts, len(texts))]); err != nil {
				return nil, err
			}
			add("e/"+strconv.Itoa(i)+"-"+strconv.Itoa(k)+".json", data)
		}
	}
	var types strings.Builder
	for _, p := range pages {
		types.WriteString(typeCode(p.typ))
	}
	add("types.txt", []byte(types.String()))

	meta := staticMeta{
		Version: staticVersion, Pages: len(pages), Shards: shards, Scale: scoreScale,
		Stop: stopWords(), Letters: letters, MinFuzzy: minFuzzyLen, Fuzzy: boostFuzzy, Synonym: boostSynonym,
	}
	for _, f := range textFields {
		meta.Fields = append(meta.Fields, f.boost)
	}
	for _, t := range Types {
		meta.Types = append(meta.Types, [2]string{typeCode(t.Value), t.Value})
	}
	meta.MaxSynonym = maxSyn
	data, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	add("meta.json", data)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// writeTerm writes "term":[postings] where each posting is the page
// number's difference from the last, the flags, the score of each field
// the flags name (as an integer: score × scoreScale), the number of
// distinct terms in the page's title when the title holds the term, the
// number of section codes and the codes, and the number of the term's
// first positions in the body (word numbers, at most maxPositions) and
// their differences.
func (sd *staticData) writeTerm(b *bytes.Buffer, term string, st *stTerm) {
	q, _ := json.Marshal(term)
	b.Write(q)
	b.WriteString(":[")
	last := int32(0)
	var tmp []byte
	num := func(v int64, first bool) {
		if !first {
			b.WriteByte(',')
		}
		tmp = strconv.AppendInt(tmp[:0], v, 10)
		b.Write(tmp)
	}
	for i, p := range st.posts {
		num(int64(p.page-last), i == 0)
		last = p.page
		num(int64(p.flags), false)
		for fi := 0; fi < 5; fi++ {
			f := uint8(inTitle << fi)
			if fi == 4 {
				f = inLevel
			}
			if p.flags&f != 0 {
				num(int64(math.Round(float64(p.scores[fi])*scoreScale)), false)
			}
		}
		if p.flags&inTitle != 0 {
			num(int64(sd.titleN[p.page]), false)
		}
		num(int64(p.secLen), false)
		for _, c := range sd.secs[p.secOff : p.secOff+p.secLen] {
			num(int64(c), false)
		}
		num(int64(p.posLen), false)
		at := int32(0)
		for _, n := range sd.pos[p.posOff : p.posOff+p.posLen] {
			num(int64(n-at), false)
			at = n
		}
	}
	b.WriteByte(']')
}

// termShard is the shard a term's postings are in: FNV-1a of its UTF-8
// bytes, modulo the number of shards (a power of two).
func termShard(term string, shards int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(term))
	return int(h.Sum32() & uint32(shards-1))
}

// letterFile names the dictionary file of words starting with l: the
// letter itself when it is a-z, else its code point.
func letterFile(l string) string {
	if len(l) == 1 && l[0] >= 'a' && l[0] <= 'z' {
		return l
	}
	r, _ := utf8.DecodeRuneInString(l)
	return "u" + strconv.Itoa(int(r))
}

// typeCode is the one-letter code of a page type in types.txt.
func typeCode(t string) string {
	for i, tt := range Types {
		if tt.Value == t {
			return string(rune('a' + i))
		}
	}
	return string(rune('a' + len(Types) - 1)) // "page"
}

// pageFiles are what a page's files hold: its URL, title, type, summary
// and sections (anchor, heading); and the excerpts of its parts, the text
// outside sections first, then each section's text.
func pageFiles(p pageText) (head map[string]any, texts []string) {
	secs := make([][2]string, len(p.secs))
	texts = append(texts, excerpt(p.rest))
	for i, s := range p.secs {
		secs[i] = [2]string{s.anchor, s.heading}
		texts = append(texts, excerpt(s.text))
	}
	return map[string]any{"u": p.url, "t": p.title, "y": p.typ, "s": p.summary, "x": secs}, texts
}

// excerpt returns the start of text, at most excerptLen bytes, cut at a
// character, with runs of white space made one space.
func excerpt(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= excerptLen {
		return text
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// stopWords lists the English stop words the analyzer drops.
func stopWords() []string {
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(en.EnglishStopWords)
	out := make([]string, 0, len(tm))
	for w := range tm {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// openShard returns shard k's buffer, ready for the next "term":value
// pair: started with "{" when new, continued with "," otherwise.
func openShard(bufs []*bytes.Buffer, k int) *bytes.Buffer {
	b := bufs[k]
	if b == nil {
		b = &bytes.Buffer{}
		b.WriteByte('{')
		bufs[k] = b
	} else {
		b.WriteByte(',')
	}
	return b
}
