package render

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/site"
)

// PageHistory is what readers see of a page's history: dates, its major
// updates and, on its history page, every change.
type PageHistory struct {
	Published time.Time // the first commit (or the earliest front matter change)
	Updated   time.Time // the last commit (or the latest front matter change)
	Updates   []Update  // major changes (Change-Note or front matter changes:), newest first
	All       []Update  // every change, newest first
	// Git is set when the changes come from git, not only from front
	// matter: the dates are known and the page has a history page.
	Git bool
}

// Update is one change to a page.
type Update struct {
	Date    time.Time
	Note    string // the Change-Note or front matter note; "" for a minor change
	Subject string // the commit subject; "" for a front matter change
	Author  string
	Hash    string // the commit; "" for a front matter change
	Seq     int    // the commit's position in the log, newest first: orders changes of the same time
	Added   bool   // the first published version of the page
	// Older is set on a commit past the latest ones of the page that are
	// shown word by word: it is listed without its text.
	Older bool
	// Diff compares the page's text before and after, paragraph by
	// paragraph; nil when not known or when the text did not change.
	Diff [][]history.Segment
}

// Major reports whether readers are told about the change.
func (u Update) Major() bool { return u.Note != "" }

// Short is the abbreviated commit hash, used in URLs.
func (u Update) Short() string {
	if len(u.Hash) > 10 {
		return u.Hash[:10]
	}
	return u.Hash
}

// amendment is a major change listed on the amendments page and feed:
// one commit (or one front matter note) and the pages it changed.
type amendment struct {
	Date  time.Time
	Note  string
	Hash  string // "" for a note from front matter
	Seq   int
	Pages []*site.Page
}

// Anchor is the id of the amendment on the amendments page.
func (a amendment) Anchor() string {
	if a.Hash != "" {
		return "change-" + a.Hash[:min(10, len(a.Hash))]
	}
	return "change-" + a.Date.Format("2006-01-02") + "-" + a.Pages[0].ID
}

// month groups amendments for the amendments page.
type month struct {
	ID    string // "2024-06"
	Label string // "June 2024"
	Items []amendment
}

// siteAmendments returns the major changes of the pages of s, newest first,
// one per commit with every page it changed.
func siteAmendments(s *site.Site, hist map[*site.Page]*PageHistory) []amendment {
	var out []amendment
	index := map[string]int{}
	for _, p := range s.Pages {
		h := hist[p]
		if h == nil || p.Draft() {
			continue
		}
		for _, u := range h.Updates {
			key := u.Hash
			if key == "" {
				key = u.Date.Format(time.RFC3339) + "\x00" + u.Note
			}
			if i, ok := index[key]; ok {
				out[i].Pages = append(out[i].Pages, p)
				continue
			}
			index[key] = len(out)
			out = append(out, amendment{Date: u.Date, Note: u.Note, Hash: u.Hash, Seq: u.Seq, Pages: []*site.Page{p}})
		}
	}
	sortAmendments(out)
	return out
}

func sortAmendments(out []amendment) {
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		if (a.Hash == "") != (b.Hash == "") {
			return a.Hash != "" // commits before older notes of the same day
		}
		if a.Seq != b.Seq {
			return a.Seq < b.Seq
		}
		return a.Pages[0].URL < b.Pages[0].URL
	})
}

// byMonth groups amendments (newest first) by month.
func byMonth(items []amendment) []month {
	var out []month
	for _, a := range items {
		id := a.Date.Format("2006-01")
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, month{ID: id, Label: a.Date.Format("January 2006")})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, a)
	}
	return out
}

// historyURL is the site path of the full history of p (the model keeps
// the address free).
func historyURL(p *site.Page) string { return site.HistoryURL(p) }

// changeURL is the site path of the diff of one change to p.
func changeURL(p *site.Page, u Update) string { return historyURL(p) + u.Short() + "/" }

// feedURL is the site path of p's Atom feed of major changes.
func feedURL(p *site.Page) string { return site.FeedURL(p) }

// historyFiles renders a page's history page, one page per change with a
// diff, and its feed, handing each to emit (Data valid until it returns).
func (t *Theme) historyFiles(s *site.Site, p *site.Page, h *PageHistory, vs *Versions, emit func(output.File) error) error {
	// page renders one generated page, telling a template error (named
	// with what) from emit's.
	page := func(layout, what string, v *view, url string) error {
		var emitErr error
		err := t.executeTo(layout, v, func(data []byte) error {
			emitErr = emit(output.File{Path: outPath(url), Data: data})
			return emitErr
		})
		if emitErr != nil {
			return emitErr
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", p.File, what, err)
		}
		return nil
	}
	hp := t.syntheticPage(s, p, historyURL(p), "History of "+p.Title, p.ID)
	v, err := t.pageView(s, hp, "history", vs)
	if err != nil {
		return err
	}
	v.Subject, v.History = p, h
	if err := page("history", "history page", v, hp.URL); err != nil {
		return err
	}
	for i, u := range h.All {
		if u.Hash == "" || u.Diff == nil {
			continue
		}
		cp := t.syntheticPage(s, hp, changeURL(p, u), "Change of "+u.Date.Format("2 January 2006")+" to "+p.Title, "")
		v, err := t.pageView(s, cp, "change", vs)
		if err != nil {
			return err
		}
		v.Subject, v.History, v.Change = p, h, &h.All[i]
		if err := page("change", "change page", v, cp.URL); err != nil {
			return err
		}
	}
	if !p.Withdrawn() {
		var entries []amendment
		for _, u := range h.Updates {
			entries = append(entries, amendment{Date: u.Date, Note: u.Note, Hash: u.Hash, Seq: u.Seq, Pages: []*site.Page{p}})
		}
		updated := pageUpdated(p, vs)
		if updated.IsZero() {
			updated = newestDate(s, vs.now())
		}
		return t.writeAtomFeed(s, feedURL(p), p.URL, "Updates to "+p.Title+" – "+s.Config.Title, updated, entries,
			func(data []byte) error {
				return emit(output.File{Path: site.DecodedPath(strings.TrimPrefix(feedURL(p), "/")), Data: data})
			})
	}
	return nil
}

// syntheticPage is a generated page (history, a change, the compare page)
// placed under parent for breadcrumbs and navigation.
func (t *Theme) syntheticPage(s *site.Site, parent *site.Page, url, title, id string) *site.Page {
	return &site.Page{
		URL: url, File: "", Parent: parent,
		Meta: site.Meta{Title: title, ID: id, Status: site.StatusPublished},
		Body: t.siteData(s).empty,
	}
}

func outPath(url string) string { return site.FilePath(url) }

// atomFeed returns an Atom feed of entries (newest first). self is the
// feed's own site path, alt the page it belongs to. An entry links the
// page it changed or, when it changed several, its place on alt.
func (t *Theme) atomFeed(s *site.Site, self, alt, title string, updated time.Time, entries []amendment) []byte {
	var out []byte
	_ = t.writeAtomFeed(s, self, alt, title, updated, entries, func(b []byte) error {
		out = bytes.Clone(b)
		return nil
	})
	return out
}

// writeAtomFeed is atomFeed written into a pooled buffer handed to use,
// which must not keep it. It writes the XML itself, as encoding/xml's
// Encoder with a two-space indent would: the encoder finds every field
// by reflection, and every page has a feed.
func (t *Theme) writeAtomFeed(s *site.Site, self, alt, title string, updated time.Time, entries []amendment, use func([]byte) error) error {
	for _, e := range entries {
		if e.Date.After(updated) {
			updated = e.Date
		}
	}
	id := t.feedID(s, self)
	b := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(b)
	b.Reset()
	x := xmlWriter{b}
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"`)
	if lang := s.Config.Language; lang != "" {
		b.WriteString(` xml:lang="`)
		x.text(lang)
		b.WriteByte('"')
	}
	b.WriteString(">\n")
	x.element("  ", "id", id)
	x.element("  ", "title", title)
	x.element("  ", "updated", updated.UTC().Format(time.RFC3339))
	x.link("  ", "self", "application/atom+xml", t.absURL(s, self))
	x.link("  ", "alternate", "text/html", t.absURL(s, alt))
	b.WriteString("  <author>\n")
	x.element("    ", "name", s.Config.Title)
	b.WriteString("  </author>\n")
	for _, e := range entries {
		eid := t.entryID(s, self, e)
		link := t.absURL(s, e.Pages[0].URL)
		var titles []string
		for _, p := range e.Pages {
			titles = append(titles, p.Title)
		}
		entryTitle := e.Pages[0].Title
		if len(e.Pages) > 1 {
			link = t.absURL(s, alt) + "#" + e.Anchor()
			entryTitle = fmt.Sprintf("%s and %d other pages", e.Pages[0].Title, len(e.Pages)-1)
		}
		b.WriteString("  <entry>\n")
		x.element("    ", "id", eid)
		x.element("    ", "title", entryTitle+" – "+e.Date.Format("2 January 2006"))
		x.element("    ", "updated", e.Date.UTC().Format(time.RFC3339))
		x.link("    ", "alternate", "text/html", link)
		x.element("    ", "summary", e.Note+" Pages changed: "+strings.Join(titles, "; ")+".")
		b.WriteString("  </entry>\n")
	}
	b.WriteString("</feed>\n")
	return use(b.Bytes())
}

// feedID is the Atom id of the feed at the site path self: its absolute
// URL, unique to the site and stable while the address is. A site without
// a base URL has no address: its ids are name-based UUIDs of the site's
// title and the feed's path.
func (t *Theme) feedID(s *site.Site, self string) string {
	if s.HasAddress() {
		return t.absURL(s, self)
	}
	return uuidURN(s.Config.Title + "\n" + s.Link(self))
}

// entryID is the id of a change's entry in the feed at self. The same
// change has an entry in the amendments feed and in each changed page's
// feed, with a different title, link and summary: each gets its own id.
func (t *Theme) entryID(s *site.Site, self string, e amendment) string {
	if s.HasAddress() {
		return t.absURL(s, self) + "#" + e.Anchor()
	}
	return uuidURN(s.Config.Title + "\n" + s.Link(self) + "#" + e.Anchor())
}

// uuidURN is a name-based (SHA-1, version 5) UUID URN of name.
func uuidURN(name string) string {
	h := sha1.Sum([]byte(name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// xmlWriter writes the elements of a feed, escaping text as encoding/xml does.
type xmlWriter struct{ b *bytes.Buffer }

// text writes s escaped for XML text or an attribute value.
func (x xmlWriter) text(s string) {
	for _, r := range s {
		// What EscapeText changes: markup characters, control characters
		// (tab and line ends included), invalid UTF-8 (decoded as U+FFFD)
		// and U+FFFE, U+FFFF. Most text has none: no copy to a []byte.
		if r < 0x20 || r == '"' || r == '\'' || r == '&' || r == '<' || r == '>' || r >= 0xFFFD && r <= 0xFFFF {
			_ = xml.EscapeText(x.b, []byte(s)) // a bytes.Buffer does not fail
			return
		}
	}
	x.b.WriteString(s)
}

// element writes <name>text</name> on a line of its own.
func (x xmlWriter) element(indent, name, text string) {
	x.b.WriteString(indent)
	x.b.WriteByte('<')
	x.b.WriteString(name)
	x.b.WriteByte('>')
	x.text(text)
	x.b.WriteString("</")
	x.b.WriteString(name)
	x.b.WriteString(">\n")
}

// link writes an Atom link element, empty as the encoder writes it.
func (x xmlWriter) link(indent, rel, typ, href string) {
	x.b.WriteString(indent)
	x.b.WriteString(`<link rel="`)
	x.text(rel)
	x.b.WriteString(`" type="`)
	x.text(typ)
	x.b.WriteString(`" href="`)
	x.text(href)
	x.b.WriteString("\"></link>\n")
}

// diffBlockView is one paragraph of a diff, a heading or a table, ready for
// a template. A block with neither Segments nor Rows stands for unchanged
// paragraphs left out.
type diffBlockView struct {
	Segments []diffSegment
	Changed  bool
	// Heading is the level (2 to 6) of a heading on its page; 0 for a
	// paragraph. Level is its level in the diff, one lower: a diff sits
	// under a heading of level 2.
	Heading, Level int
	// Rows are a table's rows, each its cells' segments; nil for other blocks.
	Rows [][][]diffSegment
}

// diffSegment is a run of a paragraph's text that was kept, added or
// removed. Inserted and Deleted say what Op says (isInsert, isDelete) as
// fields, which a template reads without calling a function.
type diffSegment struct {
	Op                history.Op
	Text              string
	Inserted, Deleted bool
}

// changed reports whether a paragraph of a diff has added or removed text.
func changed(segs []history.Segment) bool {
	for _, sg := range segs {
		if sg.Op != history.Equal {
			return true
		}
	}
	return false
}

// diffBlock is the block of one paragraph of a diff; a heading or a
// table row when its text is marked as one (see headingMark, cellSep).
func diffBlock(segs []history.Segment) diffBlockView {
	b := diffBlockView{Segments: make([]diffSegment, len(segs)), Changed: changed(segs)}
	for i, sg := range segs {
		b.Segments[i] = segment(sg.Op, sg.Text)
	}
	if len(segs) == 0 {
		return b
	}
	first := segs[0].Text
	switch {
	case strings.HasPrefix(first, headingMark):
		level := len(first) - len(strings.TrimLeft(first, headingMark))
		if rest, ok := strings.CutPrefix(first[level:], " "); ok && level <= 6 {
			b.Heading = max(level, 2)
			b.Level = min(b.Heading+1, 6)
			b.Segments = trimFirst(b.Segments, len(first)-len(rest))
		}
	case strings.HasPrefix(first, strings.TrimLeft(cellSep, " ")):
		b.Rows = [][][]diffSegment{cells(b.Segments)}
		b.Segments = nil
	}
	return b
}

func segment(op history.Op, text string) diffSegment {
	return diffSegment{Op: op, Text: text, Inserted: op == history.Insert, Deleted: op == history.Delete}
}

// trimFirst drops the first n bytes of the segments' text.
func trimFirst(segs []diffSegment, n int) []diffSegment {
	for len(segs) > 0 && n > 0 {
		if n < len(segs[0].Text) {
			segs[0].Text = segs[0].Text[n:]
			break
		}
		n -= len(segs[0].Text)
		segs = segs[1:]
	}
	return segs
}

// cells splits the segments of a table row ("| a | b |") into the
// segments of each cell. A separator may span segments of different kinds
// (a cell added at the end): the split is made on the row's whole text.
func cells(segs []diffSegment) [][]diffSegment {
	var text strings.Builder
	for _, s := range segs {
		text.WriteString(s.Text)
	}
	row := strings.TrimSpace(text.String())
	lead := strings.Index(text.String(), row)
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	// Byte ranges of each cell's text in the whole.
	type span struct{ from, to int }
	var spans []span
	at := lead + 1
	for _, c := range strings.Split(row, "|") {
		spans = append(spans, span{at, at + len(c)})
		at += len(c) + 1
	}
	out := make([][]diffSegment, len(spans))
	pos := 0
	for _, s := range segs {
		end := pos + len(s.Text)
		for i, sp := range spans {
			from, to := max(pos, sp.from), min(end, sp.to)
			if from < to {
				out[i] = append(out[i], segment(s.Op, s.Text[from-pos:to-pos]))
			}
		}
		pos = end
	}
	for i := range out {
		out[i] = trimCell(out[i])
	}
	return out
}

// trimCell drops the spaces around a cell's text.
func trimCell(segs []diffSegment) []diffSegment {
	for len(segs) > 0 {
		segs[0].Text = strings.TrimLeft(segs[0].Text, " ")
		if segs[0].Text != "" {
			break
		}
		segs = segs[1:]
	}
	for len(segs) > 0 {
		last := &segs[len(segs)-1]
		last.Text = strings.TrimRight(last.Text, " ")
		if last.Text != "" {
			break
		}
		segs = segs[:len(segs)-1]
	}
	return segs
}

// diffBlocks turns a paragraph diff into blocks for a template, leaving
// out long runs of unchanged paragraphs so that a reader sees the changes
// with enough context to find them on the page. context is the number of
// unchanged paragraphs kept either side of a change (all of them when it
// is negative); a left-out run is an empty block.
func diffBlocks(paras [][]history.Segment, context int) []diffBlockView {
	keep := make([]bool, len(paras))
	for i, segs := range paras {
		if context < 0 {
			keep[i] = true
		} else if changed(segs) {
			for j := max(0, i-context); j <= min(len(paras)-1, i+context); j++ {
				keep[j] = true
			}
		}
	}
	var out []diffBlockView
	gap := false
	for i, segs := range paras {
		if !keep[i] {
			gap = true
			continue
		}
		if gap {
			out = append(out, diffBlockView{})
		}
		gap = false
		b := diffBlock(segs)
		// The rows of one table make one block.
		if n := len(out); b.Rows != nil && n > 0 && out[n-1].Rows != nil {
			out[n-1].Rows = append(out[n-1].Rows, b.Rows...)
			out[n-1].Changed = out[n-1].Changed || b.Changed
			continue
		}
		out = append(out, b)
	}
	if gap && len(out) > 0 {
		out = append(out, diffBlockView{})
	}
	return out
}
