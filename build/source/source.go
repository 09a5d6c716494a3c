// Package source reads a site folder: handbook.yaml, content/**.md and
// data/*.yaml. It splits and decodes front matter into typed structs and
// parses Markdown, reporting every problem with its file and line.
package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"go.yaml.in/yaml/v3"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/internal/par"
)

// Limits that keep a hostile or broken file from exhausting the machine.
const (
	MaxFileSize        = 8 << 20 // a page larger than this is refused: it is surely a mistake
	MaxFrontMatterSize = 256 << 10
	// MaxLines bounds the blocks of a page, and so the memory its parse
	// takes: 8 MB of one-line blocks would take gigabytes.
	MaxLines = 100_000
)

// reservedIDs are element ids used by the page templates; headings never take them.
var reservedIDs = []string{"main-content", "search", "search-input", "top", "site-nav", "on-this-page", "page-updates", "related", "footer"}

// Load reads the site in fsys (the site folder). Problems are returned as
// diagnostics; pages with errors are left out of the result.
func Load(fsys fs.FS) (*site.Input, *diag.List) {
	var diags diag.List
	cfg := loadConfig(fsys, &diags)
	in := &site.Input{
		Config: cfg,
		Markdown: markdown.New(markdown.Options{
			UnsafeHTML:  cfg.Markdown.UnsafeHTML,
			ReservedIDs: reservedIDs,
		}),
	}
	in.Glossary = loadList[site.Term](fsys, "data/glossary.yaml", glossaryDecoder, &diags)
	in.Contacts = loadList[site.Contact](fsys, "data/contacts.yaml", contactsDecoder, &diags)
	in.Synonyms = loadList[site.SynonymGroup](fsys, "data/synonyms.yaml", synonymsDecoder, &diags)
	in.Redactions = loadList[site.Redaction](fsys, "data/redactions.yaml", redactionsDecoder, &diags)
	in.Pages = loadPages(fsys, "content", in.Markdown, &diags)
	return in, &diags
}

// LoadContent reads only the pages under dir, for an edition kept in its own folder.
func LoadContent(fsys fs.FS, dir string, conv *markdown.Converter) ([]*site.Page, *diag.List) {
	var diags diag.List
	return loadPages(fsys, dir, conv, &diags), &diags
}

func loadConfig(fsys fs.FS, diags *diag.List) site.Config {
	var cfg site.Config
	data, err := fs.ReadFile(fsys, "handbook.yaml")
	if errors.Is(err, fs.ErrNotExist) {
		cfg.Defaults()
		return cfg
	}
	if err != nil {
		diags.Errorf("handbook.yaml", 0, "cannot read: %v", err)
		cfg.Defaults()
		return cfg
	}
	data, ok := cleanText("handbook.yaml", data, diags)
	if ok {
		for _, err := range decodeYAML(data, configDecoder, reflect.ValueOf(&cfg).Elem()) {
			reportProblem(diags, "handbook.yaml", 0, err)
			ok = false
		}
	}
	if cfg.Status != "" && cfg.Status != "live" && cfg.Status != site.StatusExample {
		diags.Errorf("handbook.yaml", configLine(data, "status"), "status %q is not one of live, example: use example for a demonstration site, or leave it out", cfg.Status)
		cfg.Status = site.StatusExample
	}
	cfg.Defaults()
	if ok {
		checkQuickExit(cfg, data, diags)
		checkLogo(fsys, &cfg, data, diags)
	}
	return cfg
}

// configLine is the line of the top-level field name in handbook.yaml, or 0.
func configLine(data []byte, name string) int {
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, name+":") {
			return i + 1
		}
	}
	return 0
}

// decodeYAML decodes data, a whole YAML file, into v with dec. Unknown
// fields are errors, all of them returned, after the one that stopped the
// decoding if any.
func decodeYAML(data []byte, dec decodeFunc, v reflect.Value) []error {
	top, err := parseYAML(data)
	if err != nil {
		return []error{err}
	}
	if top == nil {
		return nil
	}
	d := newDecoder(data, 0, true)
	var errs []error
	if err := d.decode(dec, v, top); err != nil {
		errs = append(errs, err)
	}
	return append(errs, d.unknown...)
}

// reportProblem records err, a problem found in YAML that starts after
// lineOffset lines of file.
func reportProblem(diags *diag.List, file string, lineOffset int, err error) {
	line := 0
	if p, ok := err.(*yamlProblem); ok && p.line > 0 {
		line = p.line + lineOffset
	}
	diags.Errorf(file, line, "%s", err.Error())
}

// loadList decodes a YAML list of T from file, recording each item's line.
func loadList[T any](fsys fs.FS, file string, dec decodeFunc, diags *diag.List) []T {
	data, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		diags.Errorf(file, 0, "cannot read: %v", err)
		return nil
	}
	data, ok := cleanText(file, data, diags)
	if !ok {
		return nil
	}
	var items []T
	if errs := decodeYAML(data, dec, reflect.ValueOf(&items).Elem()); errs != nil {
		for _, err := range errs {
			reportProblem(diags, file, 0, err)
		}
		return nil
	}
	return items
}

// Decoders of the data files, built once.
var (
	glossaryDecoder   = listDecoder[site.Term]()
	contactsDecoder   = listDecoder[site.Contact]()
	synonymsDecoder   = listDecoder[site.SynonymGroup]()
	redactionsDecoder = listDecoder[site.Redaction]()
)

// listDecoder decodes a list of T and sets each item's Line field to the
// line the item starts on.
func listDecoder[T any]() decodeFunc {
	items := decoderFor(reflect.TypeFor[[]T]())
	return func(d *decoder, v reflect.Value, n *yaml.Node) error {
		if err := items(d, v, n); err != nil {
			return err
		}
		for i := range v.Len() {
			v.Index(i).FieldByName("Line").SetInt(int64(n.Content[i].Line))
		}
		return nil
	}
}

// cleanText checks that data is UTF-8, drops a byte order mark and turns
// CRLF line endings into LF so that line numbers match what editors show.
func cleanText(file string, data []byte, diags *diag.List) ([]byte, bool) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		bad := 0
		for bad < len(data) {
			r, size := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			bad += size
		}
		line := bytes.Count(data[:bad], []byte("\n")) + 1
		diags.Errorf(file, line, "the file is not valid UTF-8 text: save it with UTF-8 encoding")
		return nil, false
	}
	if bytes.Contains(data, []byte("\r")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	return data, true
}

func countLines(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}

func loadPages(fsys fs.FS, dir string, conv *markdown.Converter, diags *diag.List) []*site.Page {
	var files []string
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			diags.Errorf(p, 0, "cannot read: %v", err)
			return nil
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			if strings.Trim(name, ".") == "md" {
				// "..md", a page named for a command such as "..", reads
				// as a hidden file: say so rather than leave it out unseen.
				diags.Warnf(p, 0, "skipped: a name that starts with a dot is a hidden file; rename it (for example to dot-dot.md) to publish it as a page")
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			diags.Warnf(p, 0, "symbolic link skipped: put the file itself in the site folder")
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(name, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		diags.Errorf(dir, 0, "cannot read: %v", err)
	}
	sort.Strings(files)
	// Files are independent: read and parse them on every core. Each file
	// has its own slot and its own diagnostics, gathered in file order, so
	// the result is the same as reading them one after another.
	loaded := make([]*site.Page, len(files))
	fileDiags := make([]diag.List, len(files))
	par.Each(len(files), func(i int) {
		loaded[i] = loadPage(fsys, dir, files[i], conv, &fileDiags[i])
	})
	pages := make([]*site.Page, 0, len(files))
	for i, p := range loaded {
		diags.Merge(&fileDiags[i])
		if p != nil {
			pages = append(pages, p)
		}
	}
	return pages
}

func loadPage(fsys fs.FS, dir, file string, conv *markdown.Converter, diags *diag.List) *site.Page {
	data, size, err := readPage(fsys, file)
	if err != nil {
		// The fast read failed: stat and read apart, so that the message
		// names the step that failed in the usual words.
		info, err := fs.Stat(fsys, file)
		if err != nil {
			diags.Errorf(file, 0, "cannot read: %v", err)
			return nil
		}
		if size = info.Size(); size <= MaxFileSize {
			if data, err = fs.ReadFile(fsys, file); err != nil {
				diags.Errorf(file, 0, "cannot read: %v", err)
				return nil
			}
		}
	}
	if size > MaxFileSize {
		diags.Errorf(file, 1, "the file is %.1f MB, more than the limit of %d MB for one page: split it into several pages", float64(size)/(1<<20), MaxFileSize>>20)
		return nil
	}
	rel := strings.TrimPrefix(file, dir+"/")
	p := &site.Page{File: file, Path: rel} // decodeFrontMatter makes FieldLines
	p.URL, p.IsSection = urlFor(rel)
	if p.URL == "" {
		diags.Errorf(file, 0, "the file name %q gives no web address: use a letter, digit or sign in it", path.Base(rel))
		return nil
	}
	data, ok := cleanText(file, data, diags)
	if !ok {
		return unreadable(p, nil)
	}
	if lines := countLines(data); lines > MaxLines {
		diags.Errorf(file, MaxLines+1, "the file has %d lines, more than the limit of %d for one page: split it into several pages", lines, MaxLines)
		return unreadable(p, nil)
	}
	front, body, bodyLine, err := splitFrontMatter(data)
	if err != nil {
		diags.Errorf(file, 1, "%v", err)
		return unreadable(p, nil)
	}
	if !decodeFrontMatter(p, front, diags) {
		// The body is still parsed, so that its own problems are found
		// along with the front matter's.
		unreadable(p, front)
		p.Body = conv.Parse(body, bodyLine)
		reportMarkdown(file, p.Body, diags)
		return p
	}
	p.Body = conv.Parse(body, bodyLine)
	reportMarkdown(file, p.Body, diags)
	takeTitle(p, diags)
	if p.Briefing != nil {
		line := p.Line("boxes")
		for _, box := range p.Briefing.Boxes {
			d := conv.Parse([]byte(box.Body), line)
			reportMarkdown(file, d, diags)
			p.BoxBodies = append(p.BoxBodies, d)
		}
	}
	return p
}

// reportMarkdown reports what the Markdown parser refused in file. The
// page is kept, so that links to it do not add errors of their own.
func reportMarkdown(file string, d *markdown.Doc, diags *diag.List) {
	for _, pr := range d.Problems {
		diags.Errorf(file, pr.Line, "%s", pr.Message)
	}
}

// unreadable marks p as a page that could not be read, keeping what links
// to it need: its file, address, and the id its front matter gives, found
// line by line since the front matter as a whole is not valid.
func unreadable(p *site.Page, front []byte) *site.Page {
	*p = site.Page{File: p.File, Path: p.Path, URL: p.URL, IsSection: p.IsSection, Unreadable: true}
	for l := range bytes.SplitSeq(front, []byte("\n")) {
		if v, ok := bytes.CutPrefix(l, []byte("id:")); ok {
			p.ID = strings.Trim(strings.TrimSpace(string(v)), `"'`)
			break
		}
	}
	return p
}

// readPage reads file with one open and its size from the open file, not
// a separate stat: a path lookup and a system call less per page. A file
// over MaxFileSize is not read. Any error leaves the wording to the caller.
func readPage(fsys fs.FS, file string) (data []byte, size int64, err error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if size = info.Size(); size > MaxFileSize {
		return nil, size, nil
	}
	// One byte more than the size, as os.ReadFile does, so that reaching
	// the end needs no larger buffer; a file that grew meanwhile still
	// reads whole.
	data = make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, size, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// URLFor is the address of the page at rel, a path inside content/
// ("procedures/escalation.md" → "/procedures/escalation/"); "" when the
// path makes no address.
func URLFor(rel string) string {
	u, _ := urlFor(rel)
	return u
}

// urlFor maps a content path to its address.
func urlFor(rel string) (url string, isSection bool) { return site.AddressOf(rel) }

// splitFrontMatter separates YAML front matter between --- lines from the
// body. bodyLine is the number of file lines before the body.
func splitFrontMatter(data []byte) (front, body []byte, bodyLine int, err error) {
	if !bytes.HasPrefix(data, []byte("---\n")) {
		if bytes.Equal(bytes.TrimRight(data, " \t\n"), []byte("---")) {
			return nil, nil, 0, errUnclosed
		}
		return nil, data, 0, nil
	}
	rest := data[4:]
	line := 1
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l = rest[off:]
		} else {
			l = rest[off : off+end]
		}
		line++
		if t := bytes.TrimRight(l, " \t"); bytes.Equal(t, []byte("---")) || bytes.Equal(t, []byte("...")) {
			front = rest[:off]
			if end < 0 {
				return front, nil, line, nil
			}
			return front, rest[off+end+1:], line, nil
		}
		if off > MaxFrontMatterSize {
			break
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, nil, 0, errUnclosed
}

var errUnclosed = errors.New("the front matter that starts here is not closed: add a line with three dashes (---) after the last field")

// frontMatter is every field any page may have; which are allowed depends
// on the page's type.
type frontMatter struct {
	site.Meta        `yaml:",inline"`
	site.Arrangement `yaml:",inline"`
	site.Threshold   `yaml:",inline"`
	site.Briefing    `yaml:",inline"`
	site.Procedure   `yaml:",inline"`
	site.Report      `yaml:",inline"`
}

var (
	metaFields = yamlFields(site.Meta{})
	typeFields = map[string]map[string]bool{
		site.TypeArrangement: yamlFields(site.Arrangement{}),
		site.TypeThreshold:   yamlFields(site.Threshold{}),
		site.TypeBriefing:    yamlFields(site.Briefing{}),
		site.TypeProcedure:   yamlFields(site.Procedure{}),
		site.TypeReport:      yamlFields(site.Report{}),
	}
	requiredFields = map[string][]string{
		site.TypeArrangement: {"section"},
		site.TypeThreshold:   {"level", "label", "route"},
		site.TypeBriefing:    {"boxes"},
		site.TypeReport:      {"period_start", "period_end"},
	}
)

func yamlFields(v any) map[string]bool {
	out := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := 0; i < t.NumField(); i++ {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// fieldLines records the file line of each key of the front matter's
// mapping m in p.FieldLines and returns the keys, sorted. The decoder has
// checked that they are text, each given once.
func fieldLines(p *site.Page, m *yaml.Node, lineOffset int) []string {
	keys := make([]string, 0, len(m.Content)/2)
	p.FieldLines = make(map[string]int, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		key := resolveAlias(m.Content[i])
		name, known := knownFields[key.Value]
		if !known {
			name = key.Value
		}
		p.FieldLines[name] = key.Line + lineOffset
		keys = append(keys, name)
	}
	slices.Sort(keys)
	return keys
}

// knownFields holds the name of every field a page may have, so that
// FieldLines shares these strings rather than making one per page.
var knownFields = func() map[string]string {
	out := map[string]string{}
	for k := range metaFields {
		out[k] = k
	}
	for _, fields := range typeFields {
		for k := range fields {
			out[k] = k
		}
	}
	return out
}()

var frontMatterPool = sync.Pool{New: func() any { return new(frontMatter) }}

// decodeFrontMatter decodes front, the text between the --- lines, into p,
// with one parse into nodes and our own decoder over them.
func decodeFrontMatter(p *site.Page, front []byte, diags *diag.List) bool {
	if len(front) > MaxFrontMatterSize {
		diags.Errorf(p.File, 1, "the front matter is larger than %d KB: move long text into the page body", MaxFrontMatterSize>>10)
		return false
	}
	const lineOffset = 1 // the opening --- line
	top, err := parseYAML(front)
	if err != nil {
		reportProblem(diags, p.File, lineOffset, err)
		return false
	}
	if top == nil {
		p.FieldLines = map[string]int{} // not nil: the page is an editor's file (see site.editable)
		p.Status = site.StatusPublished
		return true
	}
	// Every page's fields are decoded into one reused frontMatter, and only
	// its own type's part is copied out: most of it is other types' fields.
	fm := frontMatterPool.Get().(*frontMatter)
	defer func() {
		*fm = frontMatter{}
		frontMatterPool.Put(fm)
	}()
	if err := newDecoder(front, lineOffset, false).decode(frontMatterDecoder, reflect.ValueOf(fm).Elem(), top); err != nil {
		reportProblem(diags, p.File, lineOffset, err)
		return false
	}
	keys := fieldLines(p, resolveAlias(top), lineOffset)
	p.Meta = fm.Meta
	allowed, typed := typeFields[p.Type]
	if p.Type != "" && !typed {
		diags.Errorf(p.File, p.Line("type"), "unknown type %q: use one of arrangement, threshold, briefing, procedure, report, or leave type out for a plain page", p.Type)
		return false
	}
	ok := true
	for _, k := range keys {
		if metaFields[k] || allowed[k] {
			continue
		}
		msg := fmt.Sprintf("unknown field %q", k)
		if s := closest(k, maps.Keys(metaFields), maps.Keys(allowed)); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		if typed {
			diags.Errorf(p.File, p.Line(k), "%s on a %s page: remove it or correct its name", msg, p.Type)
			ok = false
		} else {
			diags.Warnf(p.File, p.Line(k), "%s: it is ignored on a plain page", msg)
		}
	}
	for _, k := range requiredFields[p.Type] {
		if _, has := slices.BinarySearch(keys, k); !has {
			diags.Errorf(p.File, p.Line("type"), "a %s page needs the field %q", p.Type, k)
			ok = false
		}
	}
	switch p.Type {
	case site.TypeArrangement:
		v := fm.Arrangement
		p.Arrangement = &v
	case site.TypeThreshold:
		v := fm.Threshold
		p.Threshold = &v
	case site.TypeBriefing:
		v := fm.Briefing
		p.Briefing = &v
	case site.TypeProcedure:
		v := fm.Procedure
		p.Procedure = &v
	case site.TypeReport:
		v := fm.Report
		p.Report = &v
	}
	switch p.Status {
	case "":
		p.Status = site.StatusPublished
	case site.StatusDraft, site.StatusPublished, site.StatusWithdrawn:
	default:
		diags.Errorf(p.File, p.Line("status"), "status %q is not one of draft, published, withdrawn", p.Status)
		ok = false
	}
	return ok
}

// closest returns the name closest to a misspelt one, or "" when none is
// close.
func closest(k string, names ...iter.Seq[string]) string {
	best, bestDist := "", 3
	for _, seq := range names {
		for c := range seq {
			if d := editDistance(k, c); d < bestDist || d == bestDist && c < best {
				best, bestDist = c, d
			}
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// takeTitle sets the title from a leading "# Heading" when front matter has
// none, and removes that heading so the page has one h1.
func takeTitle(p *site.Page, diags *diag.List) {
	if len(p.Body.Headings) > 0 && p.Body.Headings[0].Level == 1 {
		if first := p.Body.Root.FirstChild(); first != nil && isH1(first) {
			if p.Title == "" {
				p.Title = p.Body.Headings[0].Text
			}
			p.Body.Root.RemoveChild(p.Body.Root, first)
			p.Body.Headings = p.Body.Headings[1:]
		}
	}
	if p.Title == "" {
		base := strings.TrimSuffix(path.Base(p.Path), ".md")
		if p.IsSection {
			base = path.Base(path.Dir(p.Path))
			if base == "." {
				base = "Home"
			}
		}
		t := strings.ReplaceAll(strings.ReplaceAll(base, "-", " "), "_", " ")
		if t != "" {
			p.Title = strings.ToUpper(t[:1]) + t[1:]
		}
	}
}

func isH1(n ast.Node) bool {
	h, ok := n.(*ast.Heading)
	return ok && h.Level == 1
}
