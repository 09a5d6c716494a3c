package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/aws/aws-lambda-go/events"

	"github.com/rscp/handbook/search"
)

const shell = `<html><body><main>` + search.ResultsMarker + `</main></body></html>`

func buildIndex(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "_search", "index.bleve")
	docs := []search.Doc{
		{URL: "/procedures/escalation/", Title: "Escalation", Type: "procedure", Summary: "Resolving disagreements.",
			Body:     "Stage 2: managers discuss. Managers meet within 5 working days.",
			Headings: []search.Heading{{Anchor: "stage-2", Text: "Stage 2: managers discuss", Body: "Managers meet within 5 working days."}}},
		{URL: "/procedures/cse/", Title: "Child sexual exploitation", Type: "procedure", Body: "Signs of exploitation."},
	}
	if err := search.Build(dir, docs, []search.Synonym{{Acronym: "CSE", Term: "child sexual exploitation"}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func newTestAdapter(t *testing.T) *adapter {
	t.Helper()
	ix, err := search.Open(buildIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return &adapter{h: search.NewHandler(ix, []byte(shell))}
}

func TestAdapter(t *testing.T) {
	a := newTestAdapter(t)
	tests := []struct {
		name   string
		ev     events.APIGatewayProxyRequest
		status int
		ctype  string
		want   string
	}{
		{"rewritten page", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", QueryStringParameters: map[string]string{"q": "CSE"}},
			200, "text/html; charset=utf-8", `href="/procedures/cse/"`},
		{"function path", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/.netlify/functions/search", MultiValueQueryStringParameters: map[string][]string{"q": {"stage 2"}}},
			200, "text/html; charset=utf-8", `href="/procedures/escalation/#stage-2"`},
		{"json rewrite", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search.json", QueryStringParameters: map[string]string{"q": "escalation"}},
			200, "application/json; charset=utf-8", `"url":"/procedures/escalation/"`},
		{"json function path", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/.netlify/functions/search/json", QueryStringParameters: map[string]string{"q": "exploitation"}},
			200, "application/json; charset=utf-8", `"title":"Child sexual exploitation"`},
		{"empty query", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search.json", QueryStringParameters: map[string]string{"q": ""}},
			400, "application/json; charset=utf-8", `"error"`},
		{"long query", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", QueryStringParameters: map[string]string{"q": strings.Repeat("x", 3000)}},
			400, "text/html; charset=utf-8", "govuk-error-summary"},
		{"post", events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/search", Body: "q=x"},
			405, "text/html; charset=utf-8", "only answers GET"},
		{"no method", events.APIGatewayProxyRequest{Path: "/search", QueryStringParameters: map[string]string{"q": "escalation"}},
			200, "text/html; charset=utf-8", "1 result for ‘escalation’"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := a.serve(context.Background(), tt.ev)
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if got := resp.Headers["Content-Type"]; got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if resp.Headers["Cache-Control"] != "no-store" {
				t.Errorf("Cache-Control %q", resp.Headers["Cache-Control"])
			}
			if !strings.Contains(resp.Body, tt.want) {
				t.Errorf("body lacks %q:\n%s", tt.want, resp.Body)
			}
			if len(resp.MultiValueHeaders) != 0 {
				t.Error("MultiValueHeaders set: Netlify ignores them")
			}
		})
	}
	// HEAD gets GET's status and headers, and no body.
	for _, path := range []string{"/search", "/.netlify/functions/search/json"} {
		ev := events.APIGatewayProxyRequest{HTTPMethod: "HEAD", Path: path, QueryStringParameters: map[string]string{"q": "CSE"}}
		head := a.serve(context.Background(), ev)
		ev.HTTPMethod = "GET"
		get := a.serve(context.Background(), ev)
		if head.StatusCode != 200 || head.Headers["Content-Type"] != get.Headers["Content-Type"] || head.Body != "" {
			t.Errorf("HEAD %s: %d %q, body %.40q; GET: %d %q", path, head.StatusCode, head.Headers["Content-Type"], head.Body, get.StatusCode, get.Headers["Content-Type"])
		}
	}
	resp := a.serve(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search.json", QueryStringParameters: map[string]string{"q": "CSE"}})
	var res []search.Result
	if err := json.Unmarshal([]byte(resp.Body), &res); err != nil || len(res) == 0 {
		t.Errorf("JSON: %v %s", err, resp.Body)
	}
}

func TestConfigFindsFilesOnDisk(t *testing.T) {
	idx := buildIndex(t)
	root := filepath.Dir(filepath.Dir(idx)) // holds _search/index.bleve
	if err := os.MkdirAll(filepath.Join(root, "search"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "search", "index.html"), []byte(shell), 0o644); err != nil {
		t.Fatal(err)
	}
	c := config{IndexPath: "_search/index.bleve", ShellPath: "search/index.html", Roots: []string{t.TempDir(), root}, TempDir: t.TempDir()}
	ix, sh, err := c.open()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if string(sh) != shell {
		t.Errorf("shell %q", sh)
	}
}

func TestConfigUnpacksEmbeddedIndex(t *testing.T) {
	idx := buildIndex(t)
	mfs := fstest.MapFS{"bundle/search.html": {Data: []byte(shell)}}
	err := filepath.WalkDir(idx, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(idx, p)
		mfs["bundle/index.bleve/"+filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	c := config{IndexPath: "_search/index.bleve", ShellPath: "search/index.html", Roots: []string{t.TempDir()}, Bundle: mfs, TempDir: tmp}
	for i := 0; i < 2; i++ { // the second start reuses the unpacked copy
		ix, sh, err := c.open()
		if err != nil {
			t.Fatal(err)
		}
		a := &adapter{h: search.NewHandler(ix, sh)}
		resp := a.serve(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", QueryStringParameters: map[string]string{"q": "escalation"}})
		if resp.StatusCode != 200 || !strings.Contains(resp.Body, "/procedures/escalation/") {
			t.Errorf("start %d: %d %s", i, resp.StatusCode, resp.Body)
		}
		_ = ix.Close()
	}
	entries, _ := os.ReadDir(tmp)
	if len(entries) != 1 {
		t.Errorf("unpacked %d copies, want 1", len(entries))
	}
	// The repository's own bundle holds only the README: no index embedded.
	c = config{IndexPath: "_search/index.bleve", Roots: []string{t.TempDir()}, Bundle: bundle, TempDir: t.TempDir()}
	if _, _, err := c.open(); err == nil {
		t.Error("open without any index succeeded")
	}
}

// TestAdapterLimits: a body or headers over the limits are refused before
// the handler runs; a long query string gets the handler's 400.
func TestAdapterLimits(t *testing.T) {
	a := newTestAdapter(t)
	big := strings.Repeat("x", maxEventBody+1)
	tests := []struct {
		name   string
		ev     events.APIGatewayProxyRequest
		status int
	}{
		{"large body", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", Body: big, QueryStringParameters: map[string]string{"q": "CSE"}}, 413},
		{"large header", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", Headers: map[string]string{"X-Pad": strings.Repeat("h", maxEventHeaders)}}, 431},
		{"many headers", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", MultiValueHeaders: map[string][]string{"X-Pad": manyValues(2000, 20)}}, 431},
		{"many parameters", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search.json", MultiValueQueryStringParameters: map[string][]string{"q": {"CSE"}, "p": manyValues(1000, 3)}}, 400},
		{"body within the limit", events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", Body: "x", QueryStringParameters: map[string]string{"q": "CSE"}}, 200},
	}
	for _, tt := range tests {
		resp := a.serve(context.Background(), tt.ev)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if resp.Headers["Cache-Control"] != "no-store" {
			t.Errorf("%s: Cache-Control %q", tt.name, resp.Headers["Cache-Control"])
		}
	}
}

// TestAdapterPassesBusy: the handler's 503 when it is saturated reaches
// Netlify with its Retry-After.
func TestAdapterPassesBusy(t *testing.T) {
	a := &adapter{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
	})}
	resp := a.serve(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/search", QueryStringParameters: map[string]string{"q": "x"}})
	if resp.StatusCode != 503 || resp.Headers["Retry-After"] != "1" {
		t.Errorf("%d %v", resp.StatusCode, resp.Headers)
	}
}

func manyValues(n, size int) []string {
	vs := make([]string, n)
	for i := range vs {
		vs[i] = strings.Repeat("v", size)
	}
	return vs
}
