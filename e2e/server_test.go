package e2e

// The test's static server: it behaves like Netlify's for what the site uses
// (pretty URLs, _redirects, 404.html, [[headers]] from netlify.toml) and
// collects Content-Security-Policy violation reports.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

// HeaderRule is one [[headers]] table of netlify.toml.
type HeaderRule struct {
	For    string            `toml:"for"`
	Values map[string]string `toml:"values"`
}

// LoadNetlifyHeaders reads the [[headers]] rules of a netlify.toml.
func LoadNetlifyHeaders(file string) ([]HeaderRule, error) {
	var cfg struct {
		Headers []HeaderRule `toml:"headers"`
	}
	if _, err := toml.DecodeFile(file, &cfg); err != nil {
		return nil, err
	}
	for _, r := range cfg.Headers {
		// Only the path forms this server understands: an exact path or a
		// trailing splat. Anything else must be taught here first, so the
		// test never serves headers that differ from Netlify's.
		if !strings.HasPrefix(r.For, "/") || strings.Contains(r.For, ":") ||
			strings.Contains(strings.TrimSuffix(r.For, "*"), "*") {
			return nil, fmt.Errorf("%s: [[headers]] for = %q: the e2e server does not understand this path pattern", file, r.For)
		}
	}
	return cfg.Headers, nil
}

// matches reports whether a Netlify header path pattern applies to p.
func (r HeaderRule) matches(p string) bool {
	if prefix, ok := strings.CutSuffix(r.For, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return p == r.For || p == strings.TrimSuffix(r.For, "/")+"/"
}

// Redirect is one line of the site's _redirects file.
type Redirect struct {
	From, To string
	Status   int
}

func parseRedirects(data []byte) []Redirect {
	var out []Redirect
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		r := Redirect{From: f[0], To: f[1], Status: http.StatusMovedPermanently}
		if len(f) > 2 {
			if n, err := strconv.Atoi(strings.TrimSuffix(f[2], "!")); err == nil {
				r.Status = n
			}
		}
		out = append(out, r)
	}
	return out
}

// canaries are pages with known faults, served with the site's headers, on
// which run.mjs first proves that each of its detectors fires.
var canaries = map[string]string{
	"/__e2e/canary.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Canary</title></head>
<body><main><h1>Canary</h1>
<img src="/__e2e/missing.png">
<script>document.title = "inline script ran"</script>
<p style="color: red">Inline style</p>
<a href="/" target="_blank">A new tab without noopener</a>
<pre>` + strings.Repeat("wide ", 200) + `</pre>
</main></body></html>`,
	"/__e2e/canary-away.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Canary away</title></head>
<body><main><h1>Canary away</h1><script src="/__e2e/away.js"></script></main></body></html>`,
	"/__e2e/away.js": `location.replace("https://third-party.invalid/away");`,
}

// CSPReportPath is where the browser sends Content-Security-Policy
// violation reports (the Report-Only copy of the policy names it).
const CSPReportPath = "/__e2e/csp-report"

// SearchPaths are the paths netlify.toml sends to the search function
// (forced rewrites: the built search/index.html is only its shell).
var SearchPaths = map[string]bool{"/search": true, "/search/": true, "/search.json": true}

// Server serves a built site from memory as Netlify would.
type Server struct {
	Files     map[string][]byte // slash paths without a leading slash
	Headers   []HeaderRule
	redirects []Redirect
	// Search answers SearchPaths, as the Netlify function does on the
	// hosted site; nil serves the built shell like any other page.
	Search http.Handler

	mu      sync.Mutex
	reports []string
}

// NewServer serves files with the given header rules.
func NewServer(files map[string][]byte, headers []HeaderRule) *Server {
	return &Server{Files: files, Headers: headers, redirects: parseRedirects(files["_redirects"])}
}

// CSPReports returns the violation reports received so far: those from the
// site's pages and those from the canaries.
func (s *Server) CSPReports() (site, canary []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.reports {
		if strings.Contains(r, "/__e2e/canary") {
			canary = append(canary, r)
		} else {
			site = append(site, r)
		}
	}
	return site, canary
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == CSPReportPath {
		s.collect(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	s.setHeaders(w, p)
	if c, ok := canaries[p]; ok {
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(p)))
		_, _ = io.WriteString(w, c)
		return
	}
	if s.Search != nil && SearchPaths[p] {
		s.Search.ServeHTTP(w, r)
		return
	}
	for _, rd := range s.redirects {
		if rd.From == p || rd.From == p+"/" {
			http.Redirect(w, r, rd.To, rd.Status)
			return
		}
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if strings.HasSuffix(p, "/") || name == "" {
		name = path.Join(name, "index.html")
	} else if _, ok := s.Files[name]; !ok {
		// Netlify's pretty URLs: /a/b serves /a/b/ by redirecting to it.
		if _, ok := s.Files[name+"/index.html"]; ok {
			http.Redirect(w, r, p+"/", http.StatusMovedPermanently)
			return
		}
	}
	status := http.StatusOK
	data, ok := s.Files[name]
	if !ok || strings.HasPrefix(name, "_") {
		status = http.StatusNotFound
		name = "404.html"
		data = s.Files[name]
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

// setHeaders adds the headers of every rule that matches p, and a
// Report-Only copy of the Content-Security-Policy that reports to the
// collector (the enforced policy is left exactly as netlify.toml has it).
func (s *Server) setHeaders(w http.ResponseWriter, p string) {
	h := w.Header()
	for _, rule := range s.Headers {
		if !rule.matches(p) {
			continue
		}
		for k, v := range rule.Values {
			h.Add(k, v)
		}
	}
	for _, csp := range h.Values("Content-Security-Policy") {
		h.Add("Content-Security-Policy-Report-Only", strings.TrimRight(csp, "; ")+"; report-uri "+CSPReportPath)
	}
}

func (s *Server) collect(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a report", http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		body = pretty.Bytes()
	}
	s.mu.Lock()
	s.reports = append(s.reports, string(body))
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Exists reports whether path p (as the site links it) is a page.
func (s *Server) Exists(p string) bool {
	name := strings.TrimPrefix(p, "/")
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	}
	_, ok := s.Files[name]
	return ok
}

func init() {
	// Debian's /etc/mime.types may be missing on a minimal machine; these
	// are the types the site serves, with nosniff in force.
	for ext, t := range map[string]string{
		".html": "text/html; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".png":  "image/png",
		".mjs":  "text/javascript; charset=utf-8",
		".svg":  "image/svg+xml",
		".xml":  "application/xml",
		".txt":  "text/plain; charset=utf-8",
		".json": "application/json",
	} {
		_ = mime.AddExtensionType(ext, t)
	}
}
