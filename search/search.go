// Package search builds and queries the site's full-text index.
//
// The index is built once, at site build time, from the same pages the site
// shows ([Build]), and is then opened read-only ([Open]) by `handbook search`,
// `handbook serve` and the hosted search function. The storage engine (bleve)
// is an implementation detail: nothing in this package's API mentions it.
//
// Every page is one record of the bleve index (title, summary, the headings
// of its h2/h3 sections, body), which stores nothing but the page URL. The
// text results show, and where each section is, are in a compact file
// beside it; for each result the section that matches the query best (or
// the page as a whole) is chosen at query time, so a match inside a section
// links to that section's anchor. See docs/search.md.
package search

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword" // registers "keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"          // registers "en"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/rscp/handbook/internal/scratch"
)

// Doc is one page of the site as the index sees it.
type Doc struct {
	URL      string    // "/procedures/escalation/"
	Title    string    // page title
	Summary  string    // one-line summary shown in results
	Type     string    // arrangement|threshold|briefing|procedure|report|page
	Audience []string  // practitioner, public, editor
	Level    int       // threshold level, 0 if none
	Section  string    // top-level section title, e.g. "Procedures"
	Version  string    // edition name, e.g. "current"
	Body     string    // plain text of the page, headings included
	Headings []Heading // h2/h3 of the page, in order, with the plain text under each
}

// Heading is one h2/h3 section of a page.
type Heading struct {
	Anchor string // id of the heading, without "#"
	Text   string // heading text
	Body   string // plain text under the heading, up to the next heading
}

// Synonym says that Acronym and Term (and each alias) mean the same thing.
type Synonym struct {
	Acronym string
	Term    string
	Aliases []string
}

// Types lists the page types a [Query] may filter on, in the order the search
// form offers them, with the label shown to readers.
var Types = []struct{ Value, Label string }{
	{"arrangement", "Arrangements"},
	{"threshold", "Threshold guidance"},
	{"briefing", "Briefings"},
	{"procedure", "Procedures"},
	{"report", "Reports"},
	{"page", "Pages"},
}

// Field names. Each page is one record, with the page URL as ID.
const (
	fTitle    = "title"
	fHeading  = "heading" // the headings of the page's sections, one a line
	fSummary  = "summary"
	fBody     = "body" // the page's text, headings and sections included
	fType     = "type"
	fAudience = "audience"
	fLevel    = "level"
	fSection  = "section"
	fVersion  = "version"

	analyzerText = "en"

	synonymsFile = "handbook-synonyms.json"
	unitPages    = 250 // pages analysed and written as one segment by one goroutine
)

// keywordFields are the fields matched whole, for filters and the level.
var keywordFields = []string{fType, fAudience, fLevel, fSection, fVersion}

// textFields are the stemmed full-text fields with their query-time boosts.
var textFields = []struct {
	name  string
	boost float64
}{
	{fTitle, 6},
	{fHeading, 4},
	{fSummary, 2},
	{fBody, 1},
}

// newMapping describes the index for queries: which analyzer each field
// uses. Build analyses the records itself (see prepare.go) with the same
// analyzers; nothing is stored but the record ID, no field has doc values.
func newMapping() *mapping.IndexMappingImpl {
	text := func(vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerText
		f.Store = false
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fTitle, text(true))
	dm.AddFieldMappingsAt(fHeading, text(true))
	dm.AddFieldMappingsAt(fSummary, text(true))
	dm.AddFieldMappingsAt(fBody, text(bodyVectors != 0))
	for _, k := range keywordFields {
		dm.AddFieldMappingsAt(k, keyword())
	}
	all := bleve.NewDocumentDisabledMapping()
	dm.AddSubDocumentMapping("_all", all)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = dm
	m.DefaultAnalyzer = analyzerText
	m.DefaultField = fBody
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	m.ScoringModel = index.BM25Scoring
	return m
}

// Build writes a fresh index of docs at dir, which must not exist or be empty.
// The result is one compact segment plus the text files results are shown
// from. Synonyms are stored beside the index and used by every later query.
//
// The work is split into units of unitPages pages (in URL order), each
// analysed and written as a segment by one of GOMAXPROCS goroutines; the
// segments are then merged, in order, into one (see writeIndex).
func Build(dir string, docs []Doc, syns []Synonym) (err error) {
	urls := make([]string, len(docs))
	for i, d := range docs {
		if d.URL == "" {
			return fmt.Errorf("search: build: doc %d (%q) has no URL", i, d.Title)
		}
		urls[i] = d.URL
	}
	if err := checkURLs(urls); err != nil {
		return err
	}
	if err := prepareDir(dir); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	out := dirOutput(dir)
	if err := build(dir, urls, func(i int, index func(Doc)) { index(docs[i]) }, syns, out); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	return nil
}

// File is one file of a built index: its path in the index folder
// (slash-separated, e.g. "store/root.bolt") and its contents.
type File struct {
	Name string
	Data []byte
}

// BuildFiles builds the same index as Build and returns its files, in name
// order, instead of leaving them in a folder. The pages are made on
// demand: urls[i] is the URL of page i, and doc(i, index) makes its Doc
// (whose URL must be urls[i]) and calls index with it, or does not, to
// leave the page out. doc is called once per page, from several goroutines
// at once. A Doc is only lent to index: nothing of it is kept once index
// returns, so doc may make its strings in memory it then reuses. The text
// of every page is never in memory at once. Scratch files go in a
// temporary folder that is removed.
func BuildFiles(urls []string, doc func(i int, index func(Doc)), syns []Synonym) ([]File, error) {
	if err := checkURLs(urls); err != nil {
		return nil, err
	}
	tmp, err := scratch.Dir("handbook-index")
	if err != nil {
		return nil, fmt.Errorf("search: build: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	dir := filepath.Join(tmp, "index.bleve")
	var files []File
	out := func(name string, data ...[]byte) error {
		if len(data) == 1 {
			files = append(files, File{Name: name, Data: data[0]})
			return nil
		}
		files = append(files, File{Name: name, Data: bytes.Join(data, nil)})
		return nil
	}
	if err := build(dir, urls, doc, syns, out); err != nil {
		return nil, fmt.Errorf("search: build: %w", err)
	}
	// What bleve wrote is read back.
	for _, name := range []string{"index_meta.json", "store/000000000002.zap", "store/root.bolt"} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, fmt.Errorf("search: build: %w", err)
		}
		files = append(files, File{Name: name, Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// checkURLs checks that every page has a URL of its own, without a
// fragment (results link to a page's sections with one).
func checkURLs(urls []string) error {
	seen := make(map[string]bool, len(urls))
	for _, u := range urls {
		if u == "" {
			return fmt.Errorf("search: build: a page has no URL")
		}
		if strings.Contains(u, "#") {
			return fmt.Errorf("search: build: doc URL %q must not contain '#'", u)
		}
		if seen[u] {
			return fmt.Errorf("search: build: duplicate URL %q", u)
		}
		seen[u] = true
	}
	return nil
}

// prepareDir checks that dir is empty or missing and makes its parent.
func prepareDir(dir string) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return err
	}
	// bleve wants to create the directory itself.
	_ = os.Remove(dir)
	return nil
}

// output receives the files Build makes itself (the side files and the
// synonyms), each the concatenation of data; bleve's files are always
// written into the index folder.
type output func(name string, data ...[]byte) error

func dirOutput(dir string) output {
	return func(name string, data ...[]byte) error {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 64<<10)
		for _, d := range data {
			_, _ = w.Write(d)
		}
		if err := w.Flush(); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
}

// build indexes the pages doc makes (see BuildFiles) into dir, which
// prepareDir has checked, and hands the side files to out. urls are valid.
func build(dir string, urls []string, doc func(i int, index func(Doc)), syns []Synonym, out output) error {
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".hb-search-build-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	m := newMapping()
	an := m.AnalyzerNamed(analyzerText)
	if an == nil {
		return fmt.Errorf("analyzer %q missing", analyzerText)
	}

	order := make([]int, len(urls))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return urls[order[i]] < urls[order[j]] })

	// Units of unitPages pages, in URL order, are analysed and written as
	// segments on every core, then merged in order into one segment. The
	// units do not depend on the number of cores, so neither does the index.
	units := make([]*unit, (len(order)+unitPages-1)/unitPages)
	work := make(chan int)
	var wg sync.WaitGroup
	analyzers := make([]*textAnalyzer, min(runtime.GOMAXPROCS(0), len(units)))
	for w := range analyzers {
		wg.Add(1)
		an := newTextAnalyzer(an)
		analyzers[w] = an
		go func() {
			defer wg.Done()
			p := &preparer{an: an}
			for i := range work {
				end := min((i+1)*unitPages, len(order))
				units[i] = p.unit(urls, order[i*unitPages:end], doc, len(units) > 1, filepath.Join(tmp, fmt.Sprintf("unit-%06d.zap", i)))
			}
		}()
	}
	for i := range units {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, u := range units {
		if u.err != nil {
			return u.err
		}
	}
	if err := writeIndex(dir, tmp, m, units); err != nil {
		return err
	}

	words := map[string]struct{}{}
	for _, an := range analyzers {
		for w := range an.words {
			words[w] = struct{}{}
		}
	}
	wordList := make([]string, 0, len(words))
	for w := range words {
		wordList = append(wordList, w)
	}
	if err := writeSideFiles(out, units, wordList); err != nil {
		return err
	}
	return writeSynonyms(out, syns)
}

func writeSynonyms(out output, syns []Synonym) error {
	clean := make([]Synonym, 0, len(syns))
	for _, s := range syns {
		if s.Acronym == "" && s.Term == "" {
			continue
		}
		clean = append(clean, s)
	}
	data, err := json.Marshal(clean)
	if err != nil {
		return fmt.Errorf("synonyms: %w", err)
	}
	if err := out(synonymsFile, data); err != nil {
		return fmt.Errorf("synonyms: %w", err)
	}
	return nil
}

// Index is an open, read-only search index. It is safe for concurrent use.
type Index struct {
	idx      bleve.Index
	text     analysis.Analyzer // stemming analyzer of the text fields
	side     *sideFiles        // what results show, and the typo dictionary
	thes     *thesaurus
	typeSet  map[string]bool
	maxLimit int
}

// Open opens the index at dir read-only. It writes nothing, starts no
// background work, and works on a read-only file system.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("search: open %s: not an index: %w", dir, err)
	}
	idx, err := bleve.OpenUsing(dir, map[string]any{"read_only": true})
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	var syns []Synonym
	data, err := os.ReadFile(filepath.Join(dir, synonymsFile))
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &syns); err != nil {
			_ = idx.Close()
			return nil, fmt.Errorf("search: open %s: synonyms: %w", dir, err)
		}
	case errors.Is(err, os.ErrNotExist):
	default:
		_ = idx.Close()
		return nil, fmt.Errorf("search: open %s: synonyms: %w", dir, err)
	}
	side, err := openSideFiles(dir)
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	m := idx.Mapping()
	ix := &Index{
		idx:      idx,
		text:     m.AnalyzerNamed(analyzerText),
		side:     side,
		typeSet:  map[string]bool{},
		maxLimit: 50,
	}
	if ix.text == nil {
		_ = ix.Close()
		return nil, fmt.Errorf("search: open %s: analyzer missing", dir)
	}
	for _, t := range Types {
		ix.typeSet[t.Value] = true
	}
	ix.thes = newThesaurus(syns, ix.text)
	return ix, nil
}

// Close releases the index.
func (ix *Index) Close() error {
	if ix == nil || ix.idx == nil {
		return nil
	}
	err := ix.idx.Close()
	if serr := ix.side.close(); err == nil {
		err = serr
	}
	return err
}
