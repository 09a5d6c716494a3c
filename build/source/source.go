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
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	yast "github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
	"github.com/yuin/goldmark/ast"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/markdown"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/internal/par"
)

// Limits that keep a hostile or broken file from exhausting the machine.
const (
	MaxFileSize        = 8 << 20 // a page larger than this is refused: it is surely a mistake
	MaxFrontMatterSize = 256 << 10
)

// ReservedIDs are element ids used by the page templates; headings never take them.
var ReservedIDs = []string{"main-content", "search", "search-input", "top", "site-nav", "on-this-page", "page-updates", "related", "footer"}

// Load reads the site in fsys (the site folder). Problems are returned as
// diagnostics; pages with errors are left out of the result.
func Load(fsys fs.FS) (*site.Input, *diag.List) {
	var diags diag.List
	cfg := loadConfig(fsys, &diags)
	in := &site.Input{
		Config: cfg,
		Markdown: markdown.New(markdown.Options{
			UnsafeHTML:  cfg.Markdown.UnsafeHTML,
			ReservedIDs: ReservedIDs,
		}),
	}
	in.Glossary = loadList[site.Term](fsys, "data/glossary.yaml", &diags)
	in.Contacts = loadList[site.Contact](fsys, "data/contacts.yaml", &diags)
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
		if err := unmarshal(data, &cfg, yaml.DisallowUnknownField()); err != nil {
			line, msg := yamlError(err)
			diags.Errorf("handbook.yaml", line, "%s", msg)
		}
	}
	cfg.Defaults()
	return cfg
}

// loadList decodes a YAML list of T from file, recording each item's line.
func loadList[T any](fsys fs.FS, file string, diags *diag.List) []T {
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
	if err := unmarshal(data, &items, yaml.DisallowUnknownField()); err != nil {
		line, msg := yamlError(err)
		diags.Errorf(file, line, "%s", msg)
		return nil
	}
	lines := itemLines(data)
	for i := range items {
		if i < len(lines) {
			reflect.ValueOf(&items[i]).Elem().FieldByName("Line").SetInt(int64(lines[i]))
		}
	}
	return items
}

// itemLines finds the line of each item of a top-level block sequence.
func itemLines(data []byte) []int {
	var out []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("- ")) || bytes.Equal(bytes.TrimRight(line, " "), []byte("-")) {
			out = append(out, i+1)
		}
	}
	return out
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
		// Stat and read apart, as before, so that problems are worded the same.
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
	data, ok := cleanText(file, data, diags)
	if !ok {
		return nil
	}
	rel := strings.TrimPrefix(file, dir+"/")
	p := &site.Page{File: file, Path: rel} // decodeFrontMatter makes FieldLines
	p.URL, p.IsSection = urlFor(rel)
	if p.URL == "" {
		diags.Errorf(file, 0, "the file name %q gives no web address: use letters or digits in it", path.Base(rel))
		return nil
	}
	front, body, bodyLine, err := splitFrontMatter(data)
	if err != nil {
		diags.Errorf(file, 1, "%v", err)
		return nil
	}
	if !decodeFrontMatter(p, front, diags) {
		return nil
	}
	p.Body = conv.Parse(body, bodyLine)
	takeTitle(p, diags)
	if p.Briefing != nil {
		line := p.Line("boxes")
		for _, box := range p.Briefing.Boxes {
			p.BoxBodies = append(p.BoxBodies, conv.Parse([]byte(box.Body), line))
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

// urlFor maps a content path to its clean URL.
func urlFor(rel string) (url string, isSection bool) {
	dir, name := path.Split(strings.TrimSuffix(rel, ".md"))
	// The URL is built in one buffer: "/" and each folder's slug and "/".
	b := make([]byte, 1, len(rel)+2)
	b[0] = '/'
	for s := range strings.SplitSeq(strings.Trim(dir, "/"), "/") {
		if s == "" {
			continue
		}
		n := len(b)
		if b = markdown.AppendSlug(b, s); len(b) == n {
			return "", false
		}
		b = append(b, '/')
	}
	if name == "_index" || name == "index" {
		isSection = true
	} else {
		n := len(b)
		if b = markdown.AppendSlug(b, name); len(b) == n {
			return "", false
		}
		b = append(b, '/')
	}
	return string(b), isSection
}

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

var (
	nestedKeyLine = regexp.MustCompile(`^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*)\s*:`)
)

// lineOfQuoted finds the line holding the first quoted value of msg, for
// errors from our own decoders, which carry no position.
func lineOfQuoted(yamlText []byte, msg string) int {
	m := regexp.MustCompile(`"([^"]+)"`).FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	for i, l := range bytes.Split(yamlText, []byte("\n")) {
		if bytes.Contains(l, []byte(m[1])) {
			return i + 1
		}
	}
	return 0
}

// keyOnLine returns the field named on line n (1-based) of the YAML.
func keyOnLine(yamlText []byte, n int) string {
	lines := bytes.Split(yamlText, []byte("\n"))
	if n < 1 || n > len(lines) {
		return ""
	}
	if m := nestedKeyLine.FindSubmatch(lines[n-1]); m != nil {
		return string(m[1])
	}
	return ""
}

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

// fieldLines records the line of each top-level key of front in
// p.FieldLines: a line that starts with a name such as "field_name" and a
// colon, spaces between allowed.
func fieldLines(p *site.Page, front []byte) {
	// Names and lines first, so that the map is made at its size; most
	// front matter has fewer keys than this.
	type keyAt struct {
		name []byte
		line int
	}
	var buf [32]keyAt
	found := buf[:0]
	for i, line := 0, 2; i < len(front); line++ { // line 1 is the opening ---
		l := front[i:]
		if end := bytes.IndexByte(l, '\n'); end >= 0 {
			l, i = l[:end], i+end+1
		} else {
			i = len(front)
		}
		n := keyLen(l)
		k := n
		for k < len(l) && (l[k] == ' ' || l[k] == '\t' || l[k] == '\f' || l[k] == '\r') { // regexp's \s
			k++
		}
		if n > 0 && k < len(l) && l[k] == ':' {
			found = append(found, keyAt{l[:n], line})
		}
	}
	if p.FieldLines == nil {
		p.FieldLines = make(map[string]int, len(found))
	}
	for _, f := range found {
		if _, seen := p.FieldLines[string(f.name)]; !seen {
			name, known := knownFields[string(f.name)]
			if !known {
				name = string(f.name)
			}
			p.FieldLines[name] = f.line
		}
	}
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

func decodeFrontMatter(p *site.Page, front []byte, diags *diag.List) bool {
	if len(front) > MaxFrontMatterSize {
		diags.Errorf(p.File, 1, "the front matter is larger than %d KB: move long text into the page body", MaxFrontMatterSize>>10)
		return false
	}
	fieldLines(p, front)
	if len(bytes.TrimSpace(front)) == 0 {
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
	keys, fast := decodeFast(front, fm)
	if !fast {
		// Anything unusual, including every error, takes the full path,
		// which also words the problem for the editor.
		*fm = frontMatter{}
		var raw map[string]any
		if err := unmarshal(front, &raw); err != nil {
			line, msg := yamlError(err)
			diags.Errorf(p.File, line+1, "%s", msg)
			return false
		}
		if err := unmarshal(front, fm); err != nil {
			line, msg := yamlError(err)
			if line == 0 {
				line = lineOfQuoted(front, msg)
			}
			if key := keyOnLine(front, line); key != "" {
				msg = fmt.Sprintf("field %q: %s", key, msg)
			}
			diags.Errorf(p.File, line+1, "%s", msg)
			return false
		}
		keys = slices.Sorted(maps.Keys(raw))
	}
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
		if s := suggest(k, allowed); s != "" {
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

// decodeFast decodes plain front matter with one YAML parse instead of two,
// which halves the time and memory of the source stage's largest cost, and
// decodes the parsed nodes itself (see decode.go) rather than with goccy. It
// returns the top-level keys, sorted (as the full path's map would hold
// them), and ok == false for anything it does not handle exactly like the
// full path: errors, several documents, a top level that is not a mapping,
// keys that are not plain strings, anchors, aliases, merge keys, tags and
// values our own decoder leaves to goccy.
func decodeFast(front []byte, fm *frontMatter) (keys []string, ok bool) {
	defer func() {
		if recover() != nil {
			keys, ok = nil, false // the full path reports it
		}
	}()
	pf := prepareFront(front, true)
	m, ok := parseFront(pf)
	if !ok && len(pf.quotes) > 0 {
		// Perhaps a quoted value was taken out where goccy found none
		// (inside a block left in the text, say): parse it with its quotes.
		m, ok = parseFront(prepareFront(front, false))
	}
	if !ok {
		return nil, false
	}
	keys = make([]string, len(m.Values))
	for i, mv := range m.Values {
		keys[i] = mv.Key.(*yast.StringNode).Value
	}
	slices.Sort(keys)
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] {
			return nil, false
		}
	}
	if !decodeNode(frontMatterDecoder, reflect.ValueOf(fm).Elem(), m) {
		return nil, false
	}
	return keys, true
}

// parseFront parses prepared front matter with goccy and puts back what was
// taken out of it. It reports false for what decodeFast does not take, and
// when anything taken out was not found where it was taken from.
func parseFront(pf preparedFront) (*yast.MappingNode, bool) {
	// ParseBytes would copy the text once more before tokenising it.
	file, err := parser.Parse(lexer.Tokenize(pf.text), 0)
	if err != nil || len(file.Docs) != 1 {
		return nil, false
	}
	m, isMap := file.Docs[0].Body.(*yast.MappingNode)
	if !isMap || !plainYAML(m, pf) {
		return nil, false
	}
	return m, true
}

// plainYAML reports whether n holds no anchors, aliases, tags or merge keys
// and every mapping key is a plain string. It also puts the values taken
// out of the text into their nodes, and reports false unless each was found.
func plainYAML(n yast.Node, pf preparedFront) bool {
	v := &plainVisitor{ok: true, blocks: pf.blocks, quotes: pf.quotes}
	yast.Walk(v, n)
	for _, b := range v.blocks {
		v.ok = v.ok && b.used
	}
	return v.ok && v.quote == len(v.quotes)
}

type plainVisitor struct {
	ok     bool
	blocks []literalBlock
	quotes []quotedValue
	quote  int // the next of quotes to find: nodes are visited in text order
}

func (v *plainVisitor) Visit(n yast.Node) yast.Visitor {
	if !v.ok {
		return nil
	}
	switch n := n.(type) {
	case *yast.AnchorNode, *yast.AliasNode, *yast.TagNode, *yast.MergeKeyNode, *yast.DirectiveNode:
		v.ok = false
		return nil
	case *yast.MappingValueNode:
		key, str := n.Key.(*yast.StringNode)
		if !str || v.quote < len(v.quotes) && v.isQuote(key, v.quotes[v.quote]) {
			v.ok = false // a key taken out as a value would be wrong
			return nil
		}
	case *yast.StringNode:
		if v.quote < len(v.quotes) && v.isQuote(n, v.quotes[v.quote]) {
			n.Value = v.quotes[v.quote].value
			n.Token.Value = n.Value
			v.quote++
		}
	case *yast.LiteralNode:
		pos := n.Start.Position
		for i := range v.blocks {
			if b := &v.blocks[i]; b.line == pos.Line && b.column == pos.Column && !b.used {
				n.Value.Value = b.value
				b.used = true
			}
		}
	}
	return v
}

// isQuote reports whether n is the double-quoted scalar q was taken from.
func (v *plainVisitor) isQuote(n *yast.StringNode, q quotedValue) bool {
	tk := n.GetToken()
	return tk != nil && tk.Type == token.DoubleQuoteType && tk.Position != nil &&
		tk.Position.Line == q.line && tk.Position.Column == q.column
}

// suggest returns the known field closest to a misspelt one.
func suggest(k string, typed map[string]bool) string {
	best, bestDist := "", 3
	try := func(c string) {
		if d := editDistance(k, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	for c := range metaFields {
		try(c)
	}
	for c := range typed {
		try(c)
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

// unmarshal is goccy's UnmarshalWithOptions, with a panic turned into an
// error: goccy v1.19.2 panics on a tag it does not know on a list field
// ("boxes: !", goccy/go-yaml issue 735), and a build must report it, not crash.
func unmarshal(data []byte, v any, opts ...yaml.DecodeOption) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML cannot be read (%v): look for a stray ! or & before a value", r)
		}
	}()
	return yaml.UnmarshalWithOptions(data, v, opts...)
}

// yamlError extracts the line (within the YAML) and a plain message.
func yamlError(err error) (int, string) {
	var te *yaml.TypeError
	if errors.As(err, &te) && te.Token != nil && te.Token.Position != nil {
		name, example := kindHint(te.DstType)
		return te.Token.Position.Line, fmt.Sprintf("%q should be %s: write it like %s", te.Token.Value, name, example)
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		line := 0
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return line, ye.GetMessage()
	}
	msg := err.Error()
	if m := regexp.MustCompile(`^\[(\d+):\d+\]\s*(.*)`).FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		first, _, _ := strings.Cut(m[2], "\n")
		return line, first
	}
	first, _, _ := strings.Cut(msg, "\n")
	return 0, first
}

// kindHint says in plain words what a field of type t holds, and how to
// write one.
func kindHint(t reflect.Type) (name, example string) {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number", "3"
	case reflect.Bool:
		return "true or false", "true"
	case reflect.String:
		return "text", "\"some text\""
	case reflect.Slice:
		return "a list", "[first, second] or one \"- item\" per line"
	case reflect.Struct, reflect.Map:
		return "a group of fields", "indented \"name: value\" lines"
	}
	return t.String(), "\"some text\""
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
