package search

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv17 "github.com/blevesearch/zapx/v17"
)

// preDoc is a record analysed before it reaches bleve's offline builder.
// The builder analyses the documents it is given on one goroutine; handing it
// documents whose fields are already analysed (Analyze is a no-op) lets the
// analysis run on every core while the builder writes segments.
type preDoc struct {
	id     string
	fields []index.Field
	plain  uint64
}

func (d *preDoc) ID() string                                 { return d.id }
func (d *preDoc) Size() int                                  { return len(d.id) + int(d.plain) }
func (d *preDoc) VisitFields(v index.FieldVisitor)           { visitAll(d.fields, v) }
func (d *preDoc) VisitComposite(index.CompositeFieldVisitor) {}
func (d *preDoc) HasComposite() bool                         { return false }
func (d *preDoc) NumPlainTextBytes() uint64                  { return d.plain }
func (d *preDoc) AddIDField()                                {} // added, analysed, by prepare
func (d *preDoc) StoredFieldsBytes() uint64                  { return uint64(len(d.id)) }
func (d *preDoc) Indexed() bool                              { return true }
func visitAll(fs []index.Field, v index.FieldVisitor) {
	for _, f := range fs {
		v(f)
	}
}

// preField is an analysed field that stores nothing.
type preField struct {
	name   string
	opts   index.FieldIndexingOptions
	length int
	freqs  index.TokenFrequencies
	plain  uint64
}

func (f *preField) Name() string                                     { return f.name }
func (f *preField) Value() []byte                                    { return nil }
func (f *preField) ArrayPositions() []uint64                         { return nil }
func (f *preField) EncodedFieldType() byte                           { return 't' }
func (f *preField) Analyze()                                         {}
func (f *preField) Options() index.FieldIndexingOptions              { return f.opts }
func (f *preField) AnalyzedLength() int                              { return f.length }
func (f *preField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }
func (f *preField) NumPlainTextBytes() uint64                        { return f.plain }

// Indexing options. Term vectors (positions) are kept where phrase queries
// need them; see newMapping.
const (
	optsShort   = index.IndexField | index.IncludeTermVectors // title, heading, summary
	optsBody    = index.IndexField | bodyVectors
	optsKeyword = index.IndexField
)

// bodyVectors: term positions in bodies, for "quoted phrases" and "level N".
const bodyVectors = index.FieldIndexingOptions(0)

// preparer turns pages into analysed records and text blocks.
type preparer struct {
	an  *textAnalyzer
	buf bytes.Buffer
}

type prepared struct {
	docs  []*preDoc
	block []byte // compressed
	recs  []string
}

func keywordField(name, value string) index.Field {
	tf := &index.TokenFreq{Term: []byte(value)}
	tf.SetFrequency(1)
	return &preField{name: name, opts: optsKeyword, length: 1, plain: uint64(len(value)),
		freqs: index.TokenFrequencies{value: tf}}
}

func idField(id string) index.Field {
	f := document.NewTextFieldCustom("_id", nil, []byte(id), index.IndexField|index.StoreField, nil)
	f.Analyze()
	return f
}

// page analyses one page into one record (title, summary, the headings of
// its sections, body) and its text block, which also records where each
// section is, so a result can link to the section that matches best.
func (p *preparer) page(d Doc) prepared {
	common := func(fs []index.Field) []index.Field {
		fs = append(fs, keywordField(fType, d.Type))
		if d.Section != "" {
			fs = append(fs, keywordField(fSection, d.Section))
		}
		if d.Version != "" {
			fs = append(fs, keywordField(fVersion, d.Version))
		}
		for _, a := range d.Audience {
			if a != "" {
				fs = append(fs, keywordField(fAudience, a))
			}
		}
		return fs
	}

	// Sections with an anchor, in order, and where their text is in the body.
	b := &block{url: d.URL, title: d.Title, typ: d.Type, summary: d.Summary, body: d.Body}
	seen := map[string]bool{}
	for _, h := range d.Headings {
		if h.Anchor == "" || seen[h.Anchor] || len(b.secs) >= maxRecs {
			continue
		}
		seen[h.Anchor] = true
		b.secs = append(b.secs, secText{anchor: h.Anchor, heading: h.Text, text: h.Body})
	}
	spans := sectionSpans(d.Body, b.secs)

	// One record per page. Section texts are part of the body; a section
	// whose text is not in the body is added to it.
	var heads strings.Builder
	var missing []string
	for i, sec := range b.secs {
		if i > 0 {
			heads.WriteByte('\n')
		}
		heads.WriteString(sec.heading)
		if spans[i][0] < 0 {
			missing = append(missing, sec.text)
		}
	}
	body := d.Body
	if len(missing) > 0 {
		body += "\n" + strings.Join(missing, "\n")
	}
	fs := []index.Field{idField(d.URL),
		p.an.analyze(fTitle, d.Title, optsShort),
		p.an.analyze(fSummary, d.Summary, optsShort),
		p.an.analyze(fHeading, heads.String(), optsShort),
		p.an.analyze(fBody, body, optsBody),
	}
	if d.Level != 0 {
		fs = append(fs, keywordField(fLevel, strconv.Itoa(d.Level)))
	}
	out := prepared{
		docs: []*preDoc{{id: d.URL, fields: common(fs), plain: uint64(len(d.Title) + len(d.Summary) + heads.Len() + len(body))}},
		recs: []string{d.URL},
	}
	p.buf.Reset()
	encodeBlock(&p.buf, b, spans)
	out.block = compress(p.buf.Bytes())
	return out
}

// sectionSpans finds each section's text in body, in order: a span of -1,
// -1 when it is not there.
func sectionSpans(body string, secs []secText) [][2]int {
	cursor := 0
	spans := make([][2]int, len(secs))
	for i, s := range secs {
		spans[i] = [2]int{-1, -1}
		if s.text == "" {
			spans[i] = [2]int{cursor, cursor}
			continue
		}
		j := strings.Index(body[cursor:], s.text)
		if j < 0 {
			continue
		}
		spans[i] = [2]int{cursor + j, cursor + j + len(s.text)}
		cursor = spans[i][1]
	}
	return spans
}

// splitSections returns sectionSpans and the rest of the body: the text of
// the page record. A section's heading, just before its text, goes with the
// section. Open calls it to check phrases in page records.
func splitSections(body string, secs []secText) (spans [][2]int, rest string) {
	spans = sectionSpans(body, secs)
	var b strings.Builder
	cursor := 0
	for i, s := range secs {
		if s.text == "" || spans[i][0] < 0 {
			continue
		}
		before := body[cursor:spans[i][0]]
		if k := strings.LastIndex(before, s.heading); k >= 0 && s.heading != "" {
			before = before[:k]
		}
		b.WriteString(before)
		b.WriteByte('\n')
		cursor = spans[i][1]
	}
	b.WriteString(body[cursor:])
	return spans, b.String()
}

// unit is a run of pages analysed and written as one segment.
type unit struct {
	blocks [][]byte  // compressed text blocks, one per page
	ids    []idEntry // block numbers relative to this unit
	seg    string    // path of the segment file
	err    error
}

var zapPlugin = &zapv17.ZapPlugin{}

// buildUnit analyses pages and writes their records, in order, as the
// segment at path.
func buildUnit(an *textAnalyzer, pages []Doc, path string) *unit {
	p := &preparer{an: an}
	u := &unit{seg: path, blocks: make([][]byte, 0, len(pages))}
	var docs []index.Document
	for _, d := range pages {
		pg := p.page(d)
		for r, doc := range pg.docs {
			docs = append(docs, doc)
			u.ids = append(u.ids, idEntry{id: pg.recs[r], block: len(u.blocks), rec: r})
		}
		u.blocks = append(u.blocks, pg.block)
	}
	seg, _, err := zapPlugin.New(docs)
	if err != nil {
		u.err = err
		return u
	}
	defer func() { _ = seg.Close() }()
	sp, ok := seg.(segment.UnpersistedSegment)
	if !ok {
		u.err = fmt.Errorf("segment %T cannot be written", seg)
		return u
	}
	u.err = sp.Persist(path)
	return u
}

// writeIndex merges the units' segments, in order, into one, and makes dir
// a bleve index of it. bleve's offline builder writes index_meta.json and
// store/root.bolt (one snapshot naming store/000000000002.zap, the segment
// type and version, and the mapping: no counts or statistics of the
// segment) for a placeholder record; the merged segment then takes the
// placeholder segment's place. TestBuildDeterministic and every search test
// open the result.
func writeIndex(dir, tmp string, m *mapping.IndexMappingImpl, units []*unit) error {
	merged := filepath.Join(tmp, "merged.zap")
	switch len(units) {
	case 0:
		seg, _, err := zapPlugin.New(nil)
		if err != nil {
			return err
		}
		err = seg.(segment.UnpersistedSegment).Persist(merged)
		_ = seg.Close()
		if err != nil {
			return err
		}
	case 1:
		merged = units[0].seg
	default:
		segs := make([]segment.Segment, 0, len(units))
		defer func() {
			for _, s := range segs {
				_ = s.Close()
			}
		}()
		for _, u := range units {
			s, err := zapPlugin.Open(u.seg)
			if err != nil {
				return err
			}
			segs = append(segs, s)
		}
		if _, _, err := zapPlugin.Merge(segs, make([]*roaring.Bitmap, len(segs)), merged, nil, nil); err != nil {
			return fmt.Errorf("merge: %w", err)
		}
	}

	cfg := map[string]any{
		"buildPathPrefix":     tmp,
		"forceSegmentType":    zapPlugin.Type(),
		"forceSegmentVersion": int(zapPlugin.Version()),
	}
	// bleve.NewBuilder writes index_meta.json and puts the mapping and the
	// store path into cfg; scorch's builder writes the root.
	if _, err := bleve.NewBuilder(dir, m, cfg); err != nil {
		return err
	}
	bld, err := scorch.NewBuilder(cfg)
	if err != nil {
		return err
	}
	if err := bld.Index(&preDoc{id: "_", fields: []index.Field{idField("_")}}); err != nil {
		_ = bld.Close()
		return err
	}
	if err := bld.Close(); err != nil {
		return err
	}
	return os.Rename(merged, filepath.Join(dir, "store", "000000000002.zap"))
}
