package search

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// The static search data is what the index decided, published as small
// files a browser script reads to answer queries on any static host
// (themes/default/assets/js/search-engine.js). See docs/search.md.
//
// For every (term, page) pair the score bleve gives a term query on each
// text field (BM25 with the field's query boost, without the query norm,
// which is the same for every page of a query) is written, with where on
// the page the term is (which fields, which sections); the script adds
// the numbers up as bleve's boolean queries do.
const (
	// StaticDir is the folder of the built site the static data goes in.
	StaticDir = "search-data"

	staticVersion = 2
	// scoreScale turns a float score into the integer written.
	scoreScale = 100000000
	// shardTarget is about how many bytes of postings one term shard holds.
	shardTarget = 2 << 10
	ownHead     = 1 << 10
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
	// Every word of a "multi:" term is in the title, or in the summary
	// (in a plain term, the same as inTitle and inSummary).
	allTitle
	allSummary
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
	ints   [5]int64   // the scores written: × scoreScale, rounded
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
			// A page of hits at a time: bleve sets aside room for as
			// many hits as asked for, and a phrase is in few titles.
			const size = 64
			for from := 0; ; from += size {
				req := bleve.NewSearchRequestOptions(phraseQ(f.name, text, 1), size, from, false)
				res, err := sd.ix.idx.Search(req)
				if err != nil {
					return err
				}
				for _, h := range res.Hits {
					if p, ok := sd.byID[h.ID]; ok {
						st.add(p, fi, 0)
					}
				}
				if len(res.Hits) < size {
					break
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
		ps.ints[r.field] = int64(math.Round(float64(r.score) * scoreScale))
	}
	for i := range st.posts {
		ps := &st.posts[i]
		if ps.flags&inTitle != 0 {
			ps.flags |= allTitle
		}
		if ps.flags&inSummary != 0 {
			ps.flags |= allSummary
		}
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
		spans, rest := splitSections(b.body, b.secs)
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
		// Section codes of a page's terms are appended together: each
		// term's codes are gathered, then copied in one run.
		codes := map[*stPosting][]uint32{}
		addCode := func(ps *stPosting, c uint32) {
			if cs := codes[ps]; len(cs) == 0 || cs[len(cs)-1]>>1 != c>>1 {
				codes[ps] = append(cs, c)
			}
		}
		// Headings: analysed, as the index did.
		for i, s := range b.secs {
			for term := range an.analyze(fHeading, s.heading, optsShort).freqs {
				if ps := posting(term); ps != nil {
					addCode(ps, uint32(i)*2+1)
				}
			}
			an.release()
		}
		// The body, word by word: which section's text each word is in
		// (or the text outside sections, whose headings in the body go
		// with their sections), and where each term first is, as the
		// server's rerank reads it. A section whose text is not in the
		// body is analysed apart.
		heads := make([][2]int, len(b.secs))
		for i, s := range b.secs {
			heads[i] = [2]int{-1, -1}
			if spans[i][0] < 0 || s.heading == "" {
				continue
			}
			if k := strings.LastIndex(b.body[:spans[i][0]], s.heading); k >= 0 {
				heads[i] = [2]int{k, k + len(s.heading)}
			}
		}
		pos := map[*stPosting][]int32{}
		n := int32(0)
		sec := 0
		forEachWord(b.body, func(start, end int) {
			n++
			w := b.body[start:end]
			stem, ok := sd.stemOf[w]
			if !ok {
				if toks := sd.ix.text.Analyze([]byte(w)); len(toks) == 1 {
					stem = string(toks[0].Term)
				}
				sd.stemOf[w] = stem
			}
			if stem == "" {
				return
			}
			ps := posting(stem)
			if ps == nil {
				return
			}
			if len(pos[ps]) < maxPositions {
				pos[ps] = append(pos[ps], n)
			}
			for sec < len(spans) && (spans[sec][0] < 0 || spans[sec][1] <= start) {
				sec++
			}
			switch {
			case sec < len(spans) && spans[sec][0] <= start:
				if c := codes[ps]; len(c) == 0 || c[len(c)-1]>>1 != uint32(sec) {
					codes[ps] = append(c, uint32(sec)*2)
				}
			case sec < len(heads) && heads[sec][0] <= start && start < heads[sec][1]:
			default:
				ps.flags |= inRest
			}
		})
		for i, s := range b.secs {
			if spans[i][0] >= 0 {
				continue
			}
			for term := range an.analyze(fBody, s.text, optsBody).freqs {
				if ps := posting(term); ps != nil {
					addCode(ps, uint32(i)*2)
				}
			}
			an.release()
		}
		for ps, c := range codes {
			// One code a section: its heading's when it holds the term.
			slices.SortFunc(c, func(x, y uint32) int { return cmp.Or(cmp.Compare(x>>1, y>>1), cmp.Compare(y&1, x&1)) })
			c = slices.CompactFunc(c, func(x, y uint32) bool { return x>>1 == y>>1 })
			ps.secOff = int32(len(sd.secs))
			ps.secLen = int32(len(c))
			sd.secs = append(sd.secs, c...)
		}
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
	sd.multis()
	for t := range sd.terms {
		if strings.HasPrefix(t, "phrase:") {
			delete(sd.terms, t) // in the "multi:" terms now
		}
	}

	// Each term's postings, best first, in tiers (see docs/search.md):
	// its head (the page set and the first tier) goes in a shard of heads
	// by a hash of the term, about shardTarget bytes each; the other tiers
	// each in a file of their own.
	names := make([]string, 0, len(sd.terms))
	for t := range sd.terms {
		names = append(names, t)
	}
	sort.Strings(names)
	heads := make(map[string][]byte, len(names))
	tiers := make(map[string][]tierFiles, len(names))
	total := 0
	var enc postingWriter
	for _, t := range names {
		h, ts := enc.term(sd, sd.terms[t], len(pages))
		heads[t], tiers[t] = h, ts
		total += len(h)
	}
	shards := 1
	for shards*shardTarget < total && shards < 1<<16 {
		shards *= 2
	}
	type entry struct {
		name string
		data []byte
	}
	byShard := make([][]entry, shards)
	for _, t := range names {
		k := termShard(t, shards)
		byShard[k] = append(byShard[k], entry{t, heads[t]})
	}
	// A head bigger than ownHead is a file of its own, t/K-J-0.bin,
	// and empty in its shard: two of them in one shard would make every
	// query for either read both.
	// Synonym groups go in the shard of each of their variants' first
	// stems, under "~syn:" and the stem (JSON): the script reads them with
	// the postings of the query's words, with no file of its own.
	syns := map[string][]string{}
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
			syns[first] = append(syns[first], group)
		}
	}
	sort.Strings(synStems)
	for _, st := range synStems {
		k := termShard(st, shards)
		byShard[k] = append(byShard[k], entry{"~syn:" + st, []byte("[" + strings.Join(syns[st], ",") + "]")})
	}
	for k, es := range byShard {
		if len(es) == 0 {
			continue
		}
		var b []byte
		b = binary.AppendUvarint(b, uint64(len(es)))
		for j, e := range es {
			b = binary.AppendUvarint(b, uint64(len(e.name)))
			b = append(b, e.name...)
			if len(e.data) > ownHead && !strings.HasPrefix(e.name, "~syn:") {
				add("t/"+strconv.Itoa(k)+"-"+strconv.Itoa(j)+"-0.bin", e.data)
				b = binary.AppendUvarint(b, 0)
			} else {
				b = binary.AppendUvarint(b, uint64(len(e.data)))
				b = append(b, e.data...)
			}
			// Tier i of the term: t/K-J-i.bin, its scores, and
			// t/K-J-i-C.bin, chunk C of its places.
			for i, tf := range tiers[e.name] {
				name := "t/" + strconv.Itoa(k) + "-" + strconv.Itoa(j) + "-" + strconv.Itoa(i+1)
				add(name+".bin", tf.scores)
				for c, d := range tf.places {
					add(name+"-"+strconv.Itoa(c)+".bin", d)
				}
			}
		}
		add("t/"+strconv.Itoa(k)+".bin", b)
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

// multis adds, for each synonym variant of several words and each
// "level N", the term "multi:" and its stems: the pages the server's query
// for it matches in the text fields, with, per field, the sum of the
// stems' scores (bleve's conjunction in the body; the phrase in the short
// fields, where the build found it with a phrase query). The browser
// reads it as one term, so it needs no other postings of these words to
// rank pages.
func (sd *staticData) multis() {
	var keys []string
	for _, g := range sd.ix.thes.groups {
		for _, v := range g {
			if len(v.stems) > 1 {
				keys = append(keys, strings.Join(v.stems, " "))
			}
		}
	}
	for key := range sd.terms {
		if n, ok := strings.CutPrefix(key, "level:"); ok {
			keys = append(keys, "level "+n)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		if sd.terms["multi:"+key] != nil {
			continue
		}
		stems := strings.Fields(key)
		phrase := sd.terms["phrase:"+key]
		st := &stTerm{}
		sd.terms["multi:"+key] = st
		lists := make([][]stPosting, len(stems))
		for i, s := range stems {
			if t := sd.terms[s]; t != nil {
				lists[i] = t.posts
			}
		}
		var ph []stPosting
		if phrase != nil {
			ph = phrase.posts
		}
		at := make([]int, len(stems))
		phAt := 0
		for _, p0 := range lists[0] {
			all := make([]*stPosting, len(stems))
			ok := true
			for i := range stems {
				for at[i] < len(lists[i]) && lists[i][at[i]].page < p0.page {
					at[i]++
				}
				if at[i] == len(lists[i]) || lists[i][at[i]].page != p0.page {
					ok = false
					break
				}
				all[i] = &lists[i][at[i]]
			}
			if !ok {
				continue
			}
			var phFlags uint8
			for phAt < len(ph) && ph[phAt].page < p0.page {
				phAt++
			}
			if phAt < len(ph) && ph[phAt].page == p0.page {
				phFlags = ph[phAt].flags
			}
			every := uint8(0xff)
			for _, x := range all {
				every &= x.flags
			}
			m := stPosting{page: p0.page}
			for f := 0; f < 4; f++ {
				bit := uint8(inTitle << f)
				has := every&bit != 0
				if phrase != nil && f < 3 {
					has = phFlags&bit != 0
				}
				if !has {
					continue
				}
				m.flags |= bit
				for _, x := range all {
					m.ints[f] += x.ints[f]
				}
			}
			if m.flags == 0 {
				continue
			}
			m.flags |= every & (inRest | allTitle | allSummary)
			sd.multiParts(&m, all)
			st.posts = append(st.posts, m)
		}
	}
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
func pageFiles(p pageText) (head pageHead, texts []string) {
	secs := make([][2]string, len(p.secs))
	texts = append(texts, excerpt(p.rest))
	for i, s := range p.secs {
		secs[i] = [2]string{s.anchor, s.heading}
		texts = append(texts, excerpt(s.text))
	}
	return pageHead{Summary: p.summary, Title: p.title, URL: p.url, Sections: secs, Type: p.typ}, texts
}

// pageHead is p/N.json.
type pageHead struct {
	Summary  string      `json:"s"`
	Title    string      `json:"t"`
	URL      string      `json:"u"`
	Sections [][2]string `json:"x"` // anchor, heading
	Type     string      `json:"y"`
}

// excerpt returns the start of text, at most excerptLen bytes, cut at a
// character, with runs of white space made one space. It reads no more
// of text than it needs.
func excerpt(text string) string {
	var b strings.Builder
	for b.Len() <= excerptLen {
		text = strings.TrimLeftFunc(text, unicode.IsSpace)
		if text == "" {
			break
		}
		end := strings.IndexFunc(text, unicode.IsSpace)
		if end < 0 {
			end = len(text)
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text[:end])
		text = text[end:]
	}
	out := b.String()
	if len(out) <= excerptLen {
		return out
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	return out[:cut]
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

// multiParts gives m, the posting of several words' term, the sections
// that hold every word and the words' first places in the body.
func (sd *staticData) multiParts(m *stPosting, all []*stPosting) {
	count := map[uint32]int{}
	var pos []int32
	for _, x := range all {
		seen := map[uint32]bool{}
		for _, c := range sd.secs[x.secOff : x.secOff+x.secLen] {
			if !seen[c>>1] {
				seen[c>>1] = true
				count[c>>1]++
			}
		}
		pos = append(pos, sd.pos[x.posOff:x.posOff+x.posLen]...)
	}
	var secs []uint32
	for sec, n := range count {
		if n == len(all) {
			secs = append(secs, sec*2)
		}
	}
	slices.Sort(secs)
	slices.Sort(pos)
	pos = slices.Compact(pos)
	m.secOff, m.secLen = int32(len(sd.secs)), int32(len(secs))
	sd.secs = append(sd.secs, secs...)
	m.posOff, m.posLen = int32(len(sd.pos)), int32(len(pos))
	sd.pos = append(sd.pos, pos...)
}

// Tiers of a term's postings, best first: the head holds headTier pages,
// each next tier tierGrowth times as many as the one before.
const (
	headTier   = 64
	tierGrowth = 4
	// The places of a tier's postings (which the ranking does not need)
	// are in files of detailChunk postings, apart from their scores.
	detailChunk = 64
)

// postingWriter writes terms' postings. Not safe for concurrent use.
type postingWriter struct {
	order []int // of the term's postings, best first
	c4    []int64
	buf   []byte
}

// term returns a term's head and its other tiers. The head is: the number
// of pages holding the term, the number of tiers, and for each tier its
// number of postings, the size of its file of scores (0 for the head)
// and, for the postings after it, the most any of them
// scores as the term's only query (c4: the field scores' sum × the number
// of fields, which is 4 × bleve's score), the most their field scores add
// up to, their average c4 and their average sum; then the pages that
// hold the term, as a bitmap of pages (kind 1) or as differences (kind
// 0), whichever is smaller; then the first tier.
// A tier is its postings in page order: in the head, each posting's
// scores and places (writeScores, writePlaces); in the others, the
// scores, with the places in files of detailChunk postings.
func (w *postingWriter) term(sd *staticData, st *stTerm, pages int) (head []byte, tiers []tierFiles) {
	n := len(st.posts)
	w.order = w.order[:0]
	w.c4 = w.c4[:0]
	for i, p := range st.posts {
		w.order = append(w.order, i)
		sum, k := int64(0), int64(0)
		for f := 0; f < 4; f++ {
			if p.flags&(inTitle<<f) != 0 {
				sum += p.ints[f]
				k++
			}
		}
		if p.flags&inLevel != 0 {
			sum, k = p.ints[4], 4
		}
		w.c4 = append(w.c4, sum*k)
	}
	sort.SliceStable(w.order, func(a, b int) bool { return w.c4[w.order[a]] > w.c4[w.order[b]] })
	// The most the field scores add up to among the postings from i on.
	// and their averages, and the average of the c4s.
	sums := make([]int64, n+1)
	sumAvg := make([]int64, n+1)
	c4Avg := make([]int64, n+1)
	var sumAll, c4All int64
	for i := n - 1; i >= 0; i-- {
		p := &st.posts[w.order[i]]
		s := p.ints[4]
		for f := 0; f < 4; f++ {
			s += p.ints[f]
		}
		sums[i] = max(sums[i+1], s)
		sumAll += s
		c4All += w.c4[w.order[i]]
		sumAvg[i] = sumAll / int64(n-i)
		c4Avg[i] = c4All / int64(n-i)
	}
	var cuts []int
	for at, size := 0, headTier; at < n; at, size = at+size, size*tierGrowth {
		cuts = append(cuts, min(at+size, n))
	}
	var first []byte
	from := 0
	for i, to := range cuts {
		tier := slices.Clone(w.order[from:to])
		slices.Sort(tier) // postings are in page order
		var b []byte
		last := int32(0)
		for _, k := range tier {
			b = sd.writeScores(b, &st.posts[k], last)
			last = st.posts[k].page
			if i == 0 {
				b = sd.writePlaces(b, &st.posts[k])
			}
		}
		if i == 0 {
			first = b
			from = to
			continue
		}
		tf := tierFiles{scores: b}
		for c := 0; c*detailChunk < len(tier); c++ {
			var d []byte
			for _, k := range tier[c*detailChunk : min((c+1)*detailChunk, len(tier))] {
				d = sd.writePlaces(d, &st.posts[k])
			}
			tf.places = append(tf.places, d)
		}
		tiers = append(tiers, tf)
		from = to
	}
	head = binary.AppendUvarint(head, uint64(n))
	head = binary.AppendUvarint(head, uint64(len(cuts)))
	from = 0
	for i, to := range cuts {
		head = binary.AppendUvarint(head, uint64(to-from))
		size := 0
		if i > 0 {
			size = len(tiers[i-1].scores)
		}
		head = binary.AppendUvarint(head, uint64(size))
		c4 := int64(0)
		if to < n {
			c4 = w.c4[w.order[to]]
		}
		head = binary.AppendUvarint(head, uint64(c4))
		head = binary.AppendUvarint(head, uint64(sums[to]))
		head = binary.AppendUvarint(head, uint64(c4Avg[to]))
		head = binary.AppendUvarint(head, uint64(sumAvg[to]))
		from = to
	}
	// The pages: as differences, the differences of the pages without
	// the term (kind 2), or a bitmap, whichever is smallest.
	bitmap := (pages + 7) / 8
	w.buf = w.buf[:0]
	last := int32(0)
	for _, p := range st.posts {
		w.buf = binary.AppendUvarint(w.buf, uint64(p.page-last))
		last = p.page
	}
	var without []byte
	if n > pages/2 {
		at, last := 0, int32(0)
		for pg := int32(0); pg < int32(pages); pg++ {
			if at < n && st.posts[at].page == pg {
				at++
				continue
			}
			without = binary.AppendUvarint(without, uint64(pg-last))
			last = pg
		}
		without = append(binary.AppendUvarint(nil, uint64(pages-n)), without...)
	}
	switch {
	case len(w.buf) <= bitmap && (without == nil || len(w.buf) <= len(without)):
		head = append(head, 0)
		head = append(head, w.buf...)
	case without != nil && len(without) < bitmap:
		head = append(head, 2)
		head = append(head, without...)
	default:
		head = append(head, 1)
		at := len(head)
		head = append(head, make([]byte, bitmap)...)
		for _, p := range st.posts {
			head[at+int(p.page>>3)] |= 1 << (p.page & 7)
		}
	}
	head = append(head, first...)
	return head, tiers
}

// writeScores appends what ranking needs of a posting: the page number's
// difference from the last, the flags, the score of each field the flags
// name (× scoreScale), and the number of distinct terms in the page's
// title when the title holds the term; every number an unsigned varint.
func (sd *staticData) writeScores(b []byte, p *stPosting, last int32) []byte {
	b = binary.AppendUvarint(b, uint64(p.page-last))
	b = append(b, p.flags)
	for f := 0; f < 4; f++ {
		if p.flags&(inTitle<<f) != 0 {
			b = binary.AppendUvarint(b, uint64(p.ints[f]))
		}
	}
	if p.flags&inLevel != 0 {
		b = binary.AppendUvarint(b, uint64(p.ints[4]))
	}
	if p.flags&(inTitle|allTitle) != 0 {
		b = binary.AppendUvarint(b, uint64(sd.titleN[p.page]))
	}
	return b
}

// writePlaces appends where on its page a posting's term is: the number
// of section codes and the codes (section × 2, + 1 when in its heading),
// and the number of the term's first places in the body (word numbers, at
// most maxPositions) and their differences.
func (sd *staticData) writePlaces(b []byte, p *stPosting) []byte {
	b = binary.AppendUvarint(b, uint64(p.secLen))
	for _, c := range sd.secs[p.secOff : p.secOff+p.secLen] {
		b = binary.AppendUvarint(b, uint64(c))
	}
	b = binary.AppendUvarint(b, uint64(p.posLen))
	at := int32(0)
	for _, n := range sd.pos[p.posOff : p.posOff+p.posLen] {
		b = binary.AppendUvarint(b, uint64(n-at))
		at = n
	}
	return b
}

// tierFiles are a tier's files: its postings' scores, and their places in
// chunks.
type tierFiles struct {
	scores []byte
	places [][]byte
}
