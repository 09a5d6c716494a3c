package serve

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rscp/handbook/build/diag"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/search"
)

// Paths the dev server adds to the site. They are under a folder no site
// file can have ("_handbook" is not a slug the build makes).
const (
	ReloadScriptPath = "/_handbook/livereload.js"
	EventsPath       = "/_handbook/events"
)

const (
	maxSubscribers = 64  // open event streams (browser tabs)
	maxPanelItems  = 50  // errors listed in the panel
	maxInFlight    = 256 // requests answered at once, event streams apart
	heartbeat      = 25 * time.Second
)

// csp is the Content-Security-Policy of the published site (netlify.toml),
// so that a page that would break under it breaks in the preview too.
const csp = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

//go:embed livereload.js
var reloadScript []byte

// HTTPServer returns an http.Server for s with bounded header sizes and
// timeouts: a client that sends its headers too slowly, or holds an idle
// connection, is cut off. Event streams lift their own write deadline.
// ServeHTTP refuses a request with a body (400), answers at most
// maxInFlight requests at once (503 with Retry-After beyond that), and
// search requests have the search handler's own limits.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
	}
}

// ServeHTTP serves the built site from memory, the reload script and the
// reload event stream.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
		// A GET or HEAD has no body. One that announces a body and never
		// sends it would hold a slot while net/http waits to discard it:
		// refuse it before it takes one, and close the connection rather
		// than read what follows.
		h.Set("Connection", "close")
		http.Error(w, "a GET or HEAD request has no body", http.StatusBadRequest)
		return
	}
	if !s.hostAllowed(r) {
		http.Error(w, "this preview answers only to localhost", http.StatusForbidden)
		return
	}
	if r.URL.Path != EventsPath {
		select {
		case s.inFlight <- struct{}{}:
			defer func() { <-s.inFlight }()
		default:
			h.Set("Retry-After", "1")
			http.Error(w, "the preview is busy: try again in a moment", http.StatusServiceUnavailable)
			return
		}
	}
	switch r.URL.Path {
	case ReloadScriptPath:
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, "livereload.js", time.Time{}, bytes.NewReader(reloadScript))
		return
	case EventsPath:
		s.events(w, r)
		return
	}
	st := s.cur.Load()
	if st.site == nil && st.preview == nil && st.problems == nil {
		// Starting: nothing to show yet.
		if st = s.await(r, s.started); st == nil {
			return
		}
	}
	if r.URL.Path == "/search.json" || slices.Contains(searchPages, r.URL.Path) {
		switch {
		case st.search != nil:
			s.serveInjected(w, r, st, st.search)
			return
		case st.searchWait && (st.site != nil || st.preview != nil):
			s.serveInjected(w, r, st, search.LoadingHandler(st.file("search/index.html")))
			return
		}
	}
	s.serveSite(w, r, st)
}

// file returns the built file at p, rendering it from the preview before
// the site is built; nil when there is none (yet).
func (st *state) file(p string) []byte {
	if st.site != nil {
		data, _ := st.site.Get(p)
		return data
	}
	data, _ := st.preview.RenderFile(p)
	return data
}

// searchPages are the addresses of the search page, which Options.Search
// answers.
var searchPages = []string{"/search", "/search/"}

// hostAllowed refuses requests for other host names when the server listens
// on loopback only, so that a web page cannot reach the preview through DNS
// rebinding.
func (s *Server) hostAllowed(r *http.Request) bool {
	if !s.loopbackOnly() {
		return true
	}
	host := r.Host
	if hst, _, err := net.SplitHostPort(host); err == nil {
		host = hst
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) loopbackOnly() bool {
	a := s.listenAddr.Load()
	if a == nil {
		return false
	}
	host, _, err := net.SplitHostPort(*a)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// sitePath maps the path of a request to a file of the built site. It
// refuses anything that is not a plain path inside the site: "..",
// encoded dots, slashes or backslashes, empty segments and control bytes.
func sitePath(escaped, decoded string) (string, bool) {
	if !strings.HasPrefix(escaped, "/") || !strings.HasPrefix(decoded, "/") {
		return "", false
	}
	low := strings.ToLower(escaped)
	for _, bad := range []string{"%2e", "%2f", "%5c", "%00", "\\"} {
		if strings.Contains(low, bad) {
			return "", false
		}
	}
	for _, r := range decoded {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "", false
		}
	}
	p := decoded[1:]
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		if seg == "." || seg == ".." || seg == "" && i != len(segs)-1 {
			return "", false
		}
	}
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	if !output.ValidPath(p) {
		return "", false
	}
	return p, true
}

func (s *Server) serveSite(w http.ResponseWriter, r *http.Request, st *state) {
	if st.site == nil && st.preview != nil {
		if p, ok := sitePath(r.URL.EscapedPath(), r.URL.Path); ok {
			if data, ok := st.preview.RenderFile(p); ok {
				s.serveFile(w, r, st, p, data, http.StatusOK)
				return
			}
		}
		// Only the whole build makes the rest.
		if st = s.await(r, s.firstBuilt); st == nil {
			return
		}
	}
	h := w.Header()
	if st.site == nil {
		// Nothing has built yet: every address shows the errors.
		h.Set("Content-Security-Policy", csp)
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method != http.MethodHead {
			w.Write(failedPage(st))
		}
		return
	}
	p, ok := sitePath(r.URL.EscapedPath(), r.URL.Path)
	var data []byte
	if ok {
		data, ok = st.site.Get(p)
		if !ok && path.Ext(p) == "" {
			// /procedures/escalation → /procedures/escalation/
			if _, dir := st.site.Get(p + "/index.html"); dir {
				target := r.URL.Path + "/"
				if r.URL.RawQuery != "" {
					target += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return
			}
		}
	}
	status := http.StatusOK
	if !ok {
		status = http.StatusNotFound
		p = "404.html"
		data, ok = st.site.Get(p)
		if !ok {
			data = []byte("<!DOCTYPE html><title>Page not found</title><h1>Page not found</h1>")
		}
	}
	s.serveFile(w, r, st, p, data, status)
}

// serveFile answers with the site file at p, whose data is given.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, st *state, p string, data []byte, status int) {
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(p))
	if ctype == "" {
		ctype = "text/plain; charset=utf-8"
	}
	isHTML := strings.HasPrefix(ctype, "text/html")
	if isHTML {
		data = inject(data, st)
		h.Set("Content-Security-Policy", csp)
	}
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	if status != http.StatusOK || isHTML {
		// Pages change with every build and the error panel: never 304.
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(data)
		}
		return
	}
	http.ServeContent(w, r, path.Base(p), st.built, bytes.NewReader(data))
}

// serveInjected runs a handler whose HTML responses get the reload script
// and error panel, like the site's pages.
func (s *Server) serveInjected(w http.ResponseWriter, r *http.Request, st *state, next http.Handler) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r)
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	if strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") {
		body = inject(body, st)
		w.Header().Set("Content-Security-Policy", csp)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// recorder buffers a response (up to 16 MB) so that it can be amended.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	if r.body.Len()+len(b) > 16<<20 {
		return 0, fmt.Errorf("response too large")
	}
	return r.body.Write(b)
}

// events streams the number of each new build to a browser (server-sent
// events), followed by the addresses of the pages it changed when it did
// not change them all: "12 /procedures/escalation/". The first event,
// "hello", says which build is current, so that a page built before the
// stream opened reloads at once.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream stays open
	ch, unsubscribe, ok := s.subscribe()
	if !ok {
		http.Error(w, "too many open previews", http.StatusServiceUnavailable)
		return
	}
	defer unsubscribe()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 1000\nevent: hello\ndata: %d\n\n", s.cur.Load().gen)
	if rc.Flush() != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case ev := <-ch:
			fmt.Fprintf(w, "event: reload\ndata: %s\n\n", ev.data())
		case <-tick.C:
			fmt.Fprint(w, ": still here\n\n")
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// inject adds the reload script to an HTML page, and the error panel when
// the latest build failed.
func inject(page []byte, st *state) []byte {
	script := fmt.Sprintf(`<script src="%s" data-gen="%d" defer></script>`, ReloadScriptPath, st.gen)
	out := make([]byte, 0, len(page)+len(script)+1024)
	at := indexFold(page, "</head>")
	if at < 0 {
		at = 0
	}
	out = append(out, page[:at]...)
	out = append(out, script...)
	rest := page[at:]
	if len(st.problems) > 0 {
		at := afterTag(rest, "<main")
		if at < 0 {
			at = afterTag(rest, "<body")
		}
		if at < 0 {
			at = 0
		}
		out = append(out, rest[:at]...)
		out = append(out, panel(st.problems)...)
		rest = rest[at:]
	}
	return append(out, rest...)
}

// indexFold finds tag in page, ignoring case.
func indexFold(page []byte, tag string) int {
	n := len(tag)
	for i := 0; i+n <= len(page); i++ {
		if page[i] == '<' && bytes.EqualFold(page[i:i+n], []byte(tag)) {
			return i
		}
	}
	return -1
}

// afterTag returns the offset just after the opening tag that starts with
// prefix ("<main"), or -1.
func afterTag(page []byte, prefix string) int {
	for from := 0; ; {
		i := indexFold(page[from:], prefix)
		if i < 0 {
			return -1
		}
		i += from
		next := i + len(prefix)
		if next < len(page) && (page[next] == '>' || page[next] == ' ' || page[next] == '\n' || page[next] == '\t') {
			end := bytes.IndexByte(page[next:], '>')
			if end < 0 {
				return -1
			}
			return next + end + 1
		}
		from = next
	}
}

// panel is the error summary shown on every page while the site does not
// build. It uses GOV.UK Frontend's error summary styles.
func panel(problems []diag.Diagnostic) []byte {
	var b bytes.Buffer
	n := len(problems)
	title := "The site did not build: 1 error"
	if n != 1 {
		title = fmt.Sprintf("The site did not build: %d errors", n)
	}
	b.WriteString(`<div class="govuk-error-summary" id="handbook-build-errors" role="alert" aria-labelledby="handbook-build-errors-title">` + "\n")
	fmt.Fprintf(&b, `<h2 class="govuk-error-summary__title" id="handbook-build-errors-title">%s</h2>`+"\n", title)
	b.WriteString(`<div class="govuk-error-summary__body">` + "\n")
	b.WriteString(`<p class="govuk-body">This preview shows the last version that built. Fix these problems and save: the page reloads by itself.</p>` + "\n")
	b.WriteString(`<ul class="govuk-list govuk-error-summary__list">` + "\n")
	for i, p := range problems {
		if i == maxPanelItems {
			fmt.Fprintf(&b, "<li>and %d more: run <code>handbook check</code> to see them all</li>\n", n-i)
			break
		}
		b.WriteString("<li>")
		if p.File != "" {
			loc := p.File
			if p.Line > 0 {
				loc = fmt.Sprintf("%s:%d", p.File, p.Line)
			}
			fmt.Fprintf(&b, `<strong class="govuk-!-font-weight-bold">%s</strong> `, html.EscapeString(loc))
		}
		b.WriteString(strings.ReplaceAll(html.EscapeString(p.Message), "\n", "<br>"))
		b.WriteString("</li>\n")
	}
	b.WriteString("</ul>\n</div>\n</div>\n")
	return b.Bytes()
}

// failedPage is served for every address while nothing has built yet.
func failedPage(st *state) []byte {
	page := []byte(`<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The site did not build – handbook preview</title>
</head>
<body>
<main>
</main>
</body>
</html>
`)
	return inject(page, st)
}
