package search

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/rscp/handbook/internal/par"
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
	ints   [5]int64 // per text field, then the level field: the score × scoreScale, rounded
	secOff int32    // of its section codes in staticData.secs
	secLen int32
	posOff int32 // of its first positions in the body in staticData.pos
	posLen int32
}

type stTerm struct {
	raw   []stRaw
	posts []stPosting
	id    int32 // its number in staticData.termList
}

// stRaw is a term's score in one field of a page.
type stRaw struct {
	page  int32
	field uint8
	score float32
}

type staticData struct {
	ix       *Index
	urls     []string
	offs     []uint64
	byID     map[string]int32
	terms    map[string]*stTerm
	titleN   []uint16     // distinct terms of each page's title
	secs     runs[uint32] // section codes: section*2 (+1 when in its heading)
	pos      runs[int32]  // the first maxPositions word numbers of terms in bodies
	termList []*stTerm    // the terms of the sections pass, numbered
}

// Static makes the static search data of an open index. See [Static].
func (ix *Index) Static() ([]File, error) {
	sd := &staticData{ix: ix, byID: map[string]int32{}, terms: map[string]*stTerm{}}
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
	for _, st := range sd.terms {
		sd.termList = append(sd.termList, st)
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
	// The page of each record, by its number (scorch's internal IDs are
	// record numbers, 8 bytes big-endian); -1 for bleve's own records.
	var pageOf []int32
	for p, url := range sd.urls {
		id, err := r.InternalID(url)
		if err != nil {
			return err
		}
		k, err := recordNumber(id)
		if err != nil {
			return err
		}
		for len(pageOf) <= k {
			pageOf = append(pageOf, -1)
		}
		pageOf[k] = int32(p)
	}
	type field struct {
		name  string
		boost float64
		avg   float64  // its average length
		terms []string // its dictionary
	}
	var fields []field
	for _, f := range textFields {
		fields = append(fields, field{name: f.name, boost: f.boost})
	}
	fields = append(fields, field{name: fLevel, boost: boostLevelField})
	for i := range fields {
		f := &fields[i]
		card, err := bm.FieldCardinality(f.name)
		if err != nil {
			return err
		}
		f.avg = math.Ceil(float64(card) / float64(n))
		dict, err := r.FieldDict(f.name)
		if err != nil {
			return err
		}
		for de, err := dict.Next(); de != nil || err != nil; de, err = dict.Next() {
			if err != nil {
				_ = dict.Close()
				return err
			}
			f.terms = append(f.terms, de.Term)
		}
		_ = dict.Close()
	}

	// The terms are shared between the cores by a hash, each core
	// reading every field's postings of its own terms.
	type part struct {
		terms  map[string]*stTerm
		titleN []uint16
		err    error
	}
	parts := make([]part, runtime.GOMAXPROCS(0))
	par.Each(len(parts), func(w int) {
		pt := &parts[w]
		pt.terms, pt.titleN = map[string]*stTerm{}, make([]uint16, len(sd.urls))
		for fi, f := range fields {
			for _, term := range f.terms {
				key := term
				if f.name == fLevel {
					key = "level:" + term
				}
				if termShard(key, 1<<16)%len(parts) != w {
					continue
				}
				st := pt.terms[key]
				if st == nil {
					st = &stTerm{}
					pt.terms[key] = st
				}
				if pt.err = sd.termPostings(r, st, term, fi, f.name, f.boost, f.avg, float64(n), pageOf, pt.titleN); pt.err != nil {
					return
				}
			}
		}
	})
	for _, pt := range parts {
		if pt.err != nil {
			return pt.err
		}
		maps.Copy(sd.terms, pt.terms)
		for p, k := range pt.titleN {
			sd.titleN[p] += k
		}
	}
	if err := sd.phrases(); err != nil {
		return err
	}
	all := slices.Collect(maps.Values(sd.terms))
	par.Each(len(all), func(i int) { all[i].merge() })
	return nil
}

// termPostings adds to st the score of term in field fi (called name,
// with boost and average length avg) on every page that holds it, as
// bleve's term query scores it, and counts the title's terms in titleN.
func (sd *staticData) termPostings(r index.IndexReader, st *stTerm, term string, fi int, name string, boost, avg, n float64, pageOf []int32, titleN []uint16) error {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), name, true, true, false)
	if err != nil {
		return err
	}
	defer func() { _ = tfr.Close() }()
	df := float64(tfr.Count())
	idf := math.Log(1 + (n-df+0.5)/(df+0.5))
	// One TermFieldDoc for all the postings: Next fills it in.
	var reuse index.TermFieldDoc
	var tfd *index.TermFieldDoc
	for tfd, err = tfr.Next(&reuse); tfd != nil && err == nil; tfd, err = tfr.Next(&reuse) {
		k, err := recordNumber(tfd.ID)
		if err != nil {
			return err
		}
		if k >= len(pageOf) || pageOf[k] < 0 {
			continue
		}
		p := pageOf[k]
		// As bleve's TermQueryScorer: docScore × queryWeight
		// (boost × idf; the query norm is left out).
		tf := math.Sqrt(float64(tfd.Freq))
		length := 1 / (tfd.Norm * tfd.Norm)
		sat := tf * bsearch.BM25_k1 / (tf + bsearch.BM25_k1*(1-bsearch.BM25_b+bsearch.BM25_b*length/avg))
		if fi == 0 {
			titleN[p]++
		}
		st.add(p, fi, boost*idf*idf*sat)
	}
	return err
}

// recordNumber is the number of a record of the index from its internal
// ID, which scorch makes 8 bytes, big-endian.
func recordNumber(id index.IndexInternalID) (int, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("index record ID %x is not a record number", []byte(id))
	}
	k := binary.BigEndian.Uint64(id)
	if k >= 1<<31 {
		return 0, fmt.Errorf("index record number %d is too large", k)
	}
	return int(k), nil
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
	slices.SortStableFunc(st.raw, func(a, b stRaw) int { return cmp.Compare(a.page, b.page) })
	pages := 0
	for i, r := range st.raw {
		if i == 0 || r.page != st.raw[i-1].page {
			pages++
		}
	}
	st.posts = make([]stPosting, 0, pages)
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
// The pages are read in runs, one per core, each run's codes and places
// then following the last's.
func (sd *staticData) sections() ([]pageText, error) {
	for i, st := range sd.termList {
		st.id = int32(i)
	}
	out := make([]pageText, len(sd.urls))
	runs := make([]sectionsRun, max(1, min(runtime.GOMAXPROCS(0), len(sd.urls)/64)))
	var wg sync.WaitGroup
	for i := range runs {
		r := &runs[i]
		r.from, r.to = i*len(sd.urls)/len(runs), (i+1)*len(sd.urls)/len(runs)
		wg.Go(func() { r.err = r.read(sd, out) })
	}
	wg.Wait()
	secBase := make([]int32, len(sd.urls))
	posBase := make([]int32, len(sd.urls))
	for _, r := range runs {
		if r.err != nil {
			return nil, r.err
		}
		sb, pb := sd.secs.join(&r.secs), sd.pos.join(&r.pos)
		for p := r.from; p < r.to; p++ {
			secBase[p], posBase[p] = sb, pb
		}
	}
	for _, st := range sd.termList {
		for i := range st.posts {
			ps := &st.posts[i]
			if ps.secLen > 0 {
				ps.secOff += secBase[ps.page]
			}
			if ps.posLen > 0 {
				ps.posOff += posBase[ps.page]
			}
		}
	}
	return out, nil
}

// sectionsRun is the sections pass over pages from to to (not
// included), with codes and places numbered from its own start.
type sectionsRun struct {
	from, to int
	secs     runs[uint32]
	pos      runs[int32]
	err      error

	termOf map[string]*stTerm // a word of a body → its term, or nil
	// For each term (by id): where the run is in its postings, and its
	// slot on the page being read when slotPage is that page + 1.
	cur, slotPage, slotOf []int32
	page                  int32
	slots                 []placeSlot
	used                  int
}

type placeSlot struct {
	ps    *stPosting
	codes []uint32 // section codes, in the order found
	pos   []int32  // first word numbers in the body
}

// addCode records section code c, unless the last code recorded is of
// the same section.
func (sl *placeSlot) addCode(c uint32) {
	if n := len(sl.codes); n == 0 || sl.codes[n-1]>>1 != c>>1 {
		sl.codes = append(sl.codes, c)
	}
}

// slot returns the slot of term st on the page being read, or nil when
// st is nil or not on the page.
func (r *sectionsRun) slot(st *stTerm) *placeSlot {
	if st == nil {
		return nil
	}
	if r.slotPage[st.id] == r.page+1 {
		return &r.slots[r.slotOf[st.id]]
	}
	cur := int(r.cur[st.id])
	if cur == 0 {
		cur = sort.Search(len(st.posts), func(i int) bool { return st.posts[i].page >= int32(r.from) })
	}
	for cur < len(st.posts) && st.posts[cur].page < r.page {
		cur++
	}
	r.cur[st.id] = int32(cur)
	if cur == len(st.posts) || st.posts[cur].page != r.page {
		return nil
	}
	if r.used == len(r.slots) {
		r.slots = append(r.slots, placeSlot{})
	}
	sl := &r.slots[r.used]
	sl.ps, sl.codes, sl.pos = &st.posts[cur], sl.codes[:0], sl.pos[:0]
	r.slotPage[st.id], r.slotOf[st.id] = r.page+1, int32(r.used)
	r.used++
	return sl
}

func (r *sectionsRun) read(sd *staticData, out []pageText) error {
	an := newTextAnalyzer(sd.ix.text)
	r.termOf = map[string]*stTerm{}
	r.cur = make([]int32, len(sd.termList))
	r.slotPage = make([]int32, len(sd.termList))
	r.slotOf = make([]int32, len(sd.termList))
	for p := r.from; p < r.to; p++ {
		b, err := sd.ix.side.block(int64(sd.offs[p]))
		if err != nil {
			return err
		}
		spans, rest := splitSections(b.body, b.secs)
		out[p] = pageText{url: b.url, title: b.title, typ: b.typ, summary: b.summary, rest: rest, secs: b.secs}
		r.page, r.used = int32(p), 0
		// Headings: analysed, as the index did.
		for i, s := range b.secs {
			for term := range an.analyze(fHeading, s.heading, optsShort).freqs {
				if sl := r.slot(sd.terms[term]); sl != nil {
					sl.addCode(uint32(i)*2 + 1)
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
		n := int32(0)
		sec := 0
		forEachWord(b.body, func(start, end int) {
			n++
			st, ok := r.termOf[b.body[start:end]]
			if !ok {
				w := b.body[start:end]
				if toks := sd.ix.text.Analyze([]byte(w)); len(toks) == 1 {
					st = sd.terms[string(toks[0].Term)]
				}
				r.termOf[w] = st
			}
			sl := r.slot(st)
			if sl == nil {
				return
			}
			if len(sl.pos) < maxPositions {
				sl.pos = append(sl.pos, n)
			}
			for sec < len(spans) && (spans[sec][0] < 0 || spans[sec][1] <= start) {
				sec++
			}
			switch {
			case sec < len(spans) && spans[sec][0] <= start:
				sl.addCode(uint32(sec) * 2)
			case sec < len(heads) && heads[sec][0] <= start && start < heads[sec][1]:
			default:
				sl.ps.flags |= inRest
			}
		})
		for i, s := range b.secs {
			if spans[i][0] >= 0 {
				continue
			}
			for term := range an.analyze(fBody, s.text, optsBody).freqs {
				if sl := r.slot(sd.terms[term]); sl != nil {
					sl.addCode(uint32(i) * 2)
				}
			}
			an.release()
		}
		for i := range r.slots[:r.used] {
			sl := &r.slots[i]
			// One code a section: its heading's when it holds the term.
			c := sl.codes
			slices.SortFunc(c, func(x, y uint32) int { return cmp.Or(cmp.Compare(x>>1, y>>1), cmp.Compare(y&1, x&1)) })
			c = slices.CompactFunc(c, func(x, y uint32) bool { return x>>1 == y>>1 })
			if len(c) > 0 {
				sl.ps.secOff = r.secs.add(c)
				sl.ps.secLen = int32(len(c))
			}
			if len(sl.pos) > 0 {
				sl.ps.posOff = r.pos.add(sl.pos)
				sl.ps.posLen = int32(len(sl.pos))
			}
		}
	}
	return nil
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
	slices.Sort(names)
	headList := make([][]byte, len(names))
	tierList := make([][]tierFiles, len(names))
	par.Each(runtime.GOMAXPROCS(0), func(w int) {
		var enc postingWriter
		for i := w; i < len(names); i += runtime.GOMAXPROCS(0) {
			headList[i], tierList[i] = enc.term(sd, sd.terms[names[i]], len(pages))
		}
	})
	total := 0
	for _, h := range headList {
		total += len(h)
	}
	shards := 1
	for shards*shardTarget < total && shards < 1<<16 {
		shards *= 2
	}
	type entry struct {
		name  string
		data  []byte
		tiers []tierFiles
	}
	byShard := make([][]entry, shards)
	for i, t := range names {
		k := termShard(t, shards)
		byShard[k] = append(byShard[k], entry{t, headList[i], tierList[i]})
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
		byShard[k] = append(byShard[k], entry{name: "~syn:" + st, data: []byte("[" + strings.Join(syns[st], ",") + "]")})
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
			for i, tf := range e.tiers {
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
	pageOut := make([][]File, len(pages))
	errs := make([]error, len(pages))
	par.Each(len(pages), func(i int) {
		head, texts := pageFiles(pages[i])
		data, err := json.Marshal(head)
		if err != nil {
			errs[i] = err
			return
		}
		pageOut[i] = append(pageOut[i], File{Name: "p/" + strconv.Itoa(i) + ".json", Data: data})
		for k := 0; k*excerptParts < len(texts); k++ {
			if data, err = json.Marshal(texts[k*excerptParts : min((k+1)*excerptParts, len(texts))]); err != nil {
				errs[i] = err
				return
			}
			pageOut[i] = append(pageOut[i], File{Name: "e/" + strconv.Itoa(i) + "-" + strconv.Itoa(k) + ".json", Data: data})
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, fs := range pageOut {
		out = append(out, fs...)
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
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// The terms are made on every core, each core's places in a store of
	// its own, then joined to the others.
	made := make([]*stTerm, len(keys))
	writers := make([]placeWriter, runtime.GOMAXPROCS(0))
	par.Each(len(writers), func(w int) {
		for i := w; i < len(keys); i += len(writers) {
			made[i] = sd.multi(keys[i], &writers[w])
		}
	})
	for w := range writers {
		secBase, posBase := sd.secs.join(&writers[w].secs), sd.pos.join(&writers[w].pos)
		for i := w; i < len(keys); i += len(writers) {
			for j := range made[i].posts {
				m := &made[i].posts[j]
				if m.secLen > 0 {
					m.secOff += secBase
				}
				if m.posLen > 0 {
					m.posOff += posBase
				}
			}
		}
	}
	for i, key := range keys {
		sd.terms["multi:"+key] = made[i]
	}
}

// multi makes the term "multi:" + key (see multis), with its places in w.
func (sd *staticData) multi(key string, w *placeWriter) *stTerm {
	stems := strings.Fields(key)
	phrase := sd.terms["phrase:"+key]
	st := &stTerm{}
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
	all := make([]*stPosting, len(stems))
	for _, p0 := range lists[0] {
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
		w.multiParts(sd, &m, all)
		st.posts = append(st.posts, m)
	}
	return st
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
	b.Grow(excerptLen + 64)
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
// that hold every word and the words' first places in the body. Each
// word's codes are one per section, in order of section (sections).
func (w *placeWriter) multiParts(sd *staticData, m *stPosting, all []*stPosting) {
	common := w.scratch.secs[:0]
	for _, c := range sd.secs.get(all[0].secOff, all[0].secLen) {
		common = append(common, c&^1)
	}
	for _, x := range all[1:] {
		other := sd.secs.get(x.secOff, x.secLen)
		kept, j := common[:0], 0
		for _, c := range common {
			for j < len(other) && other[j]>>1 < c>>1 {
				j++
			}
			if j < len(other) && other[j]>>1 == c>>1 {
				kept = append(kept, c)
			}
		}
		common = kept
	}
	m.secOff, m.secLen = w.secs.add(common), int32(len(common))
	pos := w.scratch.pos[:0]
	for _, x := range all {
		pos = append(pos, sd.pos.get(x.posOff, x.posLen)...)
	}
	slices.Sort(pos)
	pos = slices.Compact(pos)
	m.posOff, m.posLen = w.pos.add(pos), int32(len(pos))
	w.scratch.secs, w.scratch.pos = common, pos
}

// placeWriter stores the places of multi-word terms made on one core,
// numbered from its own start until joined to staticData's.
type placeWriter struct {
	secs    runs[uint32]
	pos     runs[int32]
	scratch struct {
		secs []uint32
		pos  []int32
	}
}

// runs holds many short runs of values, each found by the number add
// returns, in chunks that are never moved: one growing slice would copy
// and clear tens of megabytes as it grows.
type runs[T any] struct {
	chunks [][]T
}

// runsShift: a chunk holds 1<<runsShift values; a run's number is its
// chunk's number << runsShift + where it starts in the chunk.
const runsShift = 16

// add stores v (shorter than a chunk) and returns its number.
func (r *runs[T]) add(v []T) int32 {
	n := len(r.chunks)
	if n == 0 || len(r.chunks[n-1])+len(v) > 1<<runsShift {
		r.chunks = append(r.chunks, make([]T, 0, 1<<runsShift))
		n++
	}
	c := &r.chunks[n-1]
	at := int32((n-1)<<runsShift + len(*c))
	*c = append(*c, v...)
	return at
}

// get returns the run of n values numbered at.
func (r *runs[T]) get(at, n int32) []T {
	if n == 0 {
		return nil
	}
	c := r.chunks[at>>runsShift]
	o := at & (1<<runsShift - 1)
	return c[o : o+n]
}

// join takes other's chunks after its own, and returns what to add to
// the numbers of other's runs.
func (r *runs[T]) join(other *runs[T]) int32 {
	base := int32(len(r.chunks) << runsShift)
	r.chunks = append(r.chunks, other.chunks...)
	other.chunks = nil
	return base
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
	sums  []int64
	keys  []uint64
	buf   []byte
}

// bestFirst sorts order (0 … n-1) by c4, highest first, and in page order
// among equals. A term on fewer pages than the head holds needs no order:
// its one tier is written in page order. Otherwise the two are packed in
// one number where they fit, which sorts several times faster than
// comparing through the slices.
func (w *postingWriter) bestFirst() {
	n := len(w.order)
	if n <= headTier {
		return
	}
	top := slices.Max(w.c4)
	if n >= 1<<24 || top >= 1<<39 || slices.Min(w.c4) < 0 {
		slices.SortFunc(w.order, func(a, b int) int { return cmp.Or(cmp.Compare(w.c4[b], w.c4[a]), cmp.Compare(a, b)) })
		return
	}
	w.keys = w.keys[:0]
	for i, c := range w.c4 {
		w.keys = append(w.keys, uint64(top-c)<<24|uint64(i))
	}
	slices.Sort(w.keys)
	for i, k := range w.keys {
		w.order[i] = int(k & (1<<24 - 1))
	}
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
	w.bestFirst()
	// The most the field scores add up to among the postings from i on.
	// and their averages, and the average of the c4s.
	w.sums = slices.Grow(w.sums[:0], 3*(n+1))[:3*(n+1)]
	sums, sumAvg, c4Avg := w.sums[:n+1], w.sums[n+1:2*(n+1)], w.sums[2*(n+1):]
	sums[n], sumAvg[n], c4Avg[n] = 0, 0, 0
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
	for _, c := range sd.secs.get(p.secOff, p.secLen) {
		b = binary.AppendUvarint(b, uint64(c))
	}
	b = binary.AppendUvarint(b, uint64(p.posLen))
	at := int32(0)
	for _, n := range sd.pos.get(p.posOff, p.posLen) {
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
