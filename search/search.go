// Package search builds and queries the site's full-text index.
//
// The index is built once, at site build time, from the same pages the site
// shows ([Build]), and is then opened read-only ([Open]) by `handbook search`,
// `handbook serve` and the hosted search function. The storage engine (bleve)
// is an implementation detail: nothing in this package's API mentions it.
//
// Every page is indexed twice over: once as a whole (title, summary, headings,
// body) and once per h2/h3 section (heading, section text). A query is run
// against both and the hits are grouped by page, so a match inside a section
// links to that section's anchor while a page still appears only once.
package search

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/keyword" // registers "keyword"
	_ "github.com/blevesearch/bleve/v2/analysis/analyzer/simple"  // registers "simple"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"          // registers "en"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
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

// Field names. A page record has the page URL as ID; a section record has
// URL#anchor.
const (
	fURL      = "url"     // page URL (stored)
	fTitle    = "title"   // page title (page docs)
	fPTitle   = "ptitle"  // page title on section docs (low boost)
	fHeading  = "heading" // this section's heading (section docs)
	fSummary  = "summary"
	fBody     = "body"
	fWords    = "words" // unstemmed, lower-cased words: the typo dictionary
	fType     = "type"
	fAudience = "audience"
	fLevel    = "level"
	fSection  = "section"
	fVersion  = "version"

	analyzerText  = "en"
	analyzerWords = "simple"

	synonymsFile = "handbook-synonyms.json"
	batchSize    = 2000 // records per segment written by the builder
	mergeMax     = 16   // segments merged at a time by the builder
)

// textFields are the stemmed full-text fields with their query-time boosts.
var textFields = []struct {
	name  string
	boost float64
}{
	{fTitle, 6},
	{fHeading, 4},
	{fSummary, 2},
	{fPTitle, 1.5},
	{fBody, 1},
}

// newMapping returns the index mapping. Text fields use the English analyzer
// (stemming, stop words) and keep term vectors, which phrase queries need for
// positions; keyword fields keep none. Doc values are off everywhere: nothing
// sorts or facets on a field, and they would only add size.
func newMapping() *mapping.IndexMappingImpl {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerText
		f.Store = store
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keyword := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	words := bleve.NewTextFieldMapping()
	words.Analyzer = analyzerWords
	words.Store = false
	words.IncludeTermVectors = false
	words.IncludeInAll = false
	words.DocValues = false
	stored := bleve.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeTermVectors = false
	stored.IncludeInAll = false
	stored.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fURL, stored)
	dm.AddFieldMappingsAt(fTitle, text(true))
	dm.AddFieldMappingsAt(fPTitle, text(true))
	dm.AddFieldMappingsAt(fHeading, text(true))
	dm.AddFieldMappingsAt(fSummary, text(true))
	dm.AddFieldMappingsAt(fBody, text(true))
	dm.AddFieldMappingsAt(fWords, words)
	dm.AddFieldMappingsAt(fType, keyword(true))
	dm.AddFieldMappingsAt(fAudience, keyword(false))
	dm.AddFieldMappingsAt(fLevel, keyword(false))
	dm.AddFieldMappingsAt(fSection, keyword(false))
	dm.AddFieldMappingsAt(fVersion, keyword(false))

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
// The result is one compact segment whose size depends only on the input.
// Synonyms are stored beside the index and used by every later query.
func Build(dir string, docs []Doc, syns []Synonym) (err error) {
	if entries, rerr := os.ReadDir(dir); rerr == nil && len(entries) > 0 {
		return fmt.Errorf("search: build: %s is not empty", dir)
	} else if rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
		return fmt.Errorf("search: build: %w", rerr)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(dir)), 0o755); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	// bleve wants to create the directory itself.
	_ = os.Remove(dir)

	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		if d.URL == "" {
			return fmt.Errorf("search: build: doc %d (%q) has no URL", i, d.Title)
		}
		if strings.Contains(d.URL, "#") {
			return fmt.Errorf("search: build: doc URL %q must not contain '#'", d.URL)
		}
		if seen[d.URL] {
			return fmt.Errorf("search: build: duplicate URL %q", d.URL)
		}
		seen[d.URL] = true
	}

	// bleve's offline builder writes segments straight to disk, merges them
	// into one segment at Close and writes the root with a single snapshot:
	// no background merger or persister, so nothing is left half-merged.
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".hb-search-build-")
	if err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	bld, err := bleve.NewBuilder(dir, newMapping(), map[string]any{
		"batchSize":       batchSize,
		"mergeMax":        mergeMax,
		"buildPathPrefix": tmp,
	})
	if err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	ordered := make([]Doc, len(docs))
	copy(ordered, docs)
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].URL < ordered[j].URL })
	for _, d := range ordered {
		for _, r := range records(d) {
			if err := bld.Index(r.id, r.fields); err != nil {
				_ = bld.Close()
				return fmt.Errorf("search: build: %s: %w", r.id, err)
			}
		}
	}
	if err := bld.Close(); err != nil {
		return fmt.Errorf("search: build: %w", err)
	}
	return writeSynonyms(filepath.Join(dir, synonymsFile), syns)
}

type record struct {
	id     string
	fields map[string]any
}

// records returns the page record and then one record per section.
func records(d Doc) []record {
	common := func() map[string]any {
		r := map[string]any{
			fURL:     d.URL,
			fType:    d.Type,
			fSection: d.Section,
			fVersion: d.Version,
		}
		if len(d.Audience) > 0 {
			r[fAudience] = d.Audience
		}
		return r
	}
	out := make([]record, 0, 1+len(d.Headings))
	seen := map[string]bool{d.URL: true}
	page := common()
	page[fTitle] = d.Title
	page[fSummary] = d.Summary
	page[fBody] = d.Body
	page[fWords] = d.Title + "\n" + d.Summary + "\n" + d.Body
	if d.Level != 0 {
		page[fLevel] = strconv.Itoa(d.Level)
	}
	out = append(out, record{d.URL, page})
	for _, h := range d.Headings {
		if h.Anchor == "" {
			continue
		}
		id := d.URL + "#" + h.Anchor
		if seen[id] {
			continue
		}
		seen[id] = true
		s := common()
		s[fPTitle] = d.Title
		s[fHeading] = h.Text
		s[fBody] = h.Body
		s[fWords] = h.Text + "\n" + h.Body
		out = append(out, record{id, s})
	}
	return out
}

func writeSynonyms(path string, syns []Synonym) error {
	clean := make([]Synonym, 0, len(syns))
	for _, s := range syns {
		if s.Acronym == "" && s.Term == "" {
			continue
		}
		clean = append(clean, s)
	}
	data, err := json.Marshal(clean)
	if err != nil {
		return fmt.Errorf("search: build: synonyms: %w", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("search: build: synonyms: %w", err)
	}
	return nil
}

// Index is an open, read-only search index. It is safe for concurrent use.
type Index struct {
	idx      bleve.Index
	text     analysis.Analyzer // stemming analyzer of the text fields
	words    analysis.Analyzer // plain analyzer of the typo dictionary
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
	m := idx.Mapping()
	ix := &Index{
		idx:      idx,
		text:     m.AnalyzerNamed(analyzerText),
		words:    m.AnalyzerNamed(analyzerWords),
		typeSet:  map[string]bool{},
		maxLimit: 50,
	}
	if ix.text == nil || ix.words == nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: open %s: analyzers missing", dir)
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
	return ix.idx.Close()
}
