package search

import (
	"bytes"
	"encoding/binary"
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
	"github.com/golang/snappy"
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
	value  []byte // stored: only the _id field
}

func (f *preField) Name() string                                     { return f.name }
func (f *preField) Value() []byte                                    { return f.value }
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

// preparer turns pages into analysed records and text blocks. Build
// makes one per goroutine.
type preparer struct {
	an       *textAnalyzer
	buf      bytes.Buffer         // a page's block before compression
	snap     []byte               // a page's block compressed
	keywords map[string]*preField // name, NUL, values joined by NUL → their field
	key      []byte               // a key of keywords, as it is made
	auds     []string             // a page's audiences
	seen     map[string]bool
	heads    strings.Builder
}

// keywordField is the keyword field name with values: what zap makes of a
// field per value, whose frequencies it merges into the first one's.
func keywordField(name string, values []string) *preField {
	f := &preField{name: name, opts: optsKeyword, length: len(values), freqs: make(index.TokenFrequencies, len(values))}
	for _, v := range values {
		f.plain += uint64(len(v))
		tf := f.freqs[v]
		if tf == nil {
			tf = &index.TokenFreq{Term: []byte(v)}
			f.freqs[strings.Clone(v)] = tf // a Doc's strings are lent
		}
		tf.SetFrequency(tf.Frequency() + 1)
	}
	return f
}

// keyword returns the keyword field name with values, one for every
// record that has it. A record has at most one field of a name: zap would
// merge a second one into the first one's frequencies.
func (p *preparer) keyword(name string, values ...string) *preField {
	p.key = append(p.key[:0], name...)
	for _, v := range values {
		p.key = append(append(p.key, 0), v...)
	}
	f := p.keywords[string(p.key)]
	if f == nil {
		if p.keywords == nil {
			p.keywords = map[string]*preField{}
		}
		f = keywordField(name, values)
		p.keywords[string(p.key)] = f
	}
	return f
}

// idField is the stored _id field of a record, as document.TextField
// with no analyzer makes it.
func idField(id string) index.Field {
	f := document.NewTextFieldCustom("_id", nil, []byte(id), index.IndexField|index.StoreField, nil)
	f.Analyze()
	return f
}

// pageIDField is idField in one allocation less per part.
func pageIDField(id string) *preField {
	v := []byte(id)
	f := &struct {
		preField
		tf index.TokenFreq
	}{}
	f.tf.Term = v
	f.tf.SetFrequency(1)
	f.preField = preField{name: "_id", opts: index.IndexField | index.StoreField, length: 1, plain: uint64(len(id)),
		value: v, freqs: index.TokenFrequencies{id: &f.tf}}
	return &f.preField
}

// page analyses one page into one record (title, summary, the headings of
// its sections, body) and its text block (uvarint length, snappy block),
// which also records where each section is, so a result can link to the
// section that matches best. url is d.URL, as a string that lasts: the
// record keeps it, and nothing else of d.
func (p *preparer) page(d Doc, url string) (*preDoc, []byte) {
	// Sections with an anchor, in order, and where their text is in the body.
	b := &block{url: url, title: d.Title, typ: d.Type, summary: d.Summary, body: d.Body}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	clear(p.seen)
	for _, h := range d.Headings {
		if h.Anchor == "" || p.seen[h.Anchor] || len(b.secs) >= maxRecs {
			continue
		}
		p.seen[h.Anchor] = true
		b.secs = append(b.secs, secText{anchor: h.Anchor, heading: h.Text, text: h.Body})
	}
	spans := sectionSpans(d.Body, b.secs)

	// One record per page. Section texts are part of the body; a section
	// whose text is not in the body is added to it (analysed as if joined
	// to it by newlines, without making the joined string).
	p.heads.Reset()
	body := []string{d.Body}
	plain := len(d.Body)
	for i, sec := range b.secs {
		if i > 0 {
			p.heads.WriteByte('\n')
		}
		p.heads.WriteString(sec.heading)
		if spans[i][0] < 0 {
			body = append(body, sec.text)
			plain += 1 + len(sec.text)
		}
	}
	heads := p.heads.String()
	fs := make([]index.Field, 0, 9)
	fs = append(fs, pageIDField(url),
		p.an.analyze(fTitle, d.Title, optsShort),
		p.an.analyze(fSummary, d.Summary, optsShort),
		p.an.analyze(fHeading, heads, optsShort),
		p.an.analyzeParts(fBody, body, optsBody),
	)
	if d.Level != 0 {
		fs = append(fs, p.keyword(fLevel, strconv.Itoa(d.Level)))
	}
	fs = append(fs, p.keyword(fType, d.Type))
	if d.Section != "" {
		fs = append(fs, p.keyword(fSection, d.Section))
	}
	if d.Version != "" {
		fs = append(fs, p.keyword(fVersion, d.Version))
	}
	p.auds = p.auds[:0]
	for _, a := range d.Audience {
		if a != "" {
			p.auds = append(p.auds, a)
		}
	}
	if len(p.auds) > 0 {
		fs = append(fs, p.keyword(fAudience, p.auds...))
	}

	p.buf.Reset()
	encodeBlock(&p.buf, b, spans)
	p.snap = snappy.Encode(p.snap[:cap(p.snap)], p.buf.Bytes())
	// Exactly as long as it is: blocks stay until the side files are written.
	blk := make([]byte, 0, binary.MaxVarintLen64+len(p.snap))
	blk = binary.AppendUvarint(blk, uint64(len(p.snap)))
	blk = append(blk, p.snap...)
	rec := &preDoc{id: url, fields: fs, plain: uint64(len(d.Title) + len(d.Summary) + len(heads) + plain)}
	return rec, blk
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
	b.Grow(len(body))
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
	blocks [][]byte  // each page's text block as in handbook-text.bin: uvarint length, snappy block
	ids    []idEntry // offsets in the unit's blocks
	seg    string    // path of the segment file
	err    error
}

var zapPlugin = &zapv17.ZapPlugin{}

// unit analyses the pages order names (indices of urls, in URL order) and
// writes their records, in order, as the segment at path. Each Doc is made
// here (see BuildFiles) and analysed at once; only the analysed records
// (which zap needs all at once) and the compressed text stay until the
// segment is written. merged says that the segment will be merged with
// others: see padFields.
func (p *preparer) unit(urls []string, order []int, doc func(int, func(Doc)), merged bool, path string) *unit {
	u := &unit{seg: path}
	p.an.release() // the last unit's records are written
	pa := &pageAdder{p: p, u: u, recs: make([]index.Document, 0, len(order))}
	add := pa.add
	for _, i := range order {
		pa.url, pa.added = urls[i], false
		doc(i, add)
		if pa.err != nil {
			u.err = pa.err
			return u
		}
	}
	if merged && len(pa.recs) > 0 {
		padFields(pa.recs[0].(*preDoc))
	}
	seg, _, err := zapPlugin.New(pa.recs)
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

// padFields gives rec an empty field (no terms, no length) for every
// keyword field it does not have, so that every unit's segment has the
// same fields. zap merges segments with the same fields by copying each
// term's encoded frequencies and positions; otherwise it decodes and
// encodes them again, which takes half of the merge's time. An empty field
// adds nothing to the merged segment: its fields and terms are those of
// the records.
func padFields(rec *preDoc) {
	have := make(map[string]bool, len(rec.fields))
	for _, f := range rec.fields {
		have[f.Name()] = true
	}
	for _, name := range keywordFields {
		if !have[name] {
			rec.fields = append(rec.fields, &preField{name: name, opts: optsKeyword, freqs: index.TokenFrequencies{}})
		}
	}
}

// pageAdder adds the page whose Doc it is given to a unit. The Doc is only
// lent: its record and text block are made at once, and what they keep of
// it is copied or comes from urls.
type pageAdder struct {
	p     *preparer
	u     *unit
	url   string // of the page being made: urls[i]
	added bool   // whether it is
	recs  []index.Document
	size  int // of the unit's blocks so far
	err   error
}

func (pa *pageAdder) add(d Doc) {
	switch {
	case pa.err != nil:
		return
	case pa.added:
		pa.err = fmt.Errorf("page %q is indexed twice", pa.url)
		return
	case d.URL != pa.url:
		pa.err = fmt.Errorf("page %q is made with URL %q", pa.url, d.URL)
		return
	}
	pa.added = true
	pa.u.ids = append(pa.u.ids, idEntry{id: pa.url, off: pa.size})
	rec, blk := pa.p.page(d, pa.url)
	pa.recs = append(pa.recs, rec)
	pa.u.blocks = append(pa.u.blocks, blk)
	pa.size += len(blk)
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
