package search

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const testShell = `<!DOCTYPE html><html lang="en-GB"><head><title>Search</title></head><body><main id="main-content"><h1>Search</h1>` +
	ResultsMarker + `</main></body></html>`

func serve(t *testing.T, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	h := NewHandler(sharedIndex(t), []byte(testShell))
	req := httptest.NewRequest(method, target, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q", method, target, got)
	}
	return rec
}

func TestHandlerHTML(t *testing.T) {
	rec := serve(t, "GET", "/search?q=escalation")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		`<main id="main-content"><h1>Search</h1><div class="hb-search-page">`,
		`<form class="hb-search-page-form" method="get" action="/search"`,
		`<label class="govuk-label govuk-label--m" for="hb-search-q">`,
		`class="govuk-input" id="hb-search-q" name="q" type="search" value="escalation"`,
		`<select class="govuk-select" id="hb-search-type" name="type">`,
		`<option value="" selected>All</option>`,
		`<option value="threshold">Threshold guidance</option>`,
		`<button type="submit" class="govuk-button"`,
		`results for ‘escalation’</h2>`,
		`<ol class="hb-search-results govuk-list"`,
		`<a class="govuk-link" href="/procedures/escalation/">Escalation and resolving professional disagreements</a>`,
		`<strong class="govuk-tag govuk-tag--grey hb-search-result__type">Procedure</strong>`,
		`</main></body></html>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q\n%s", want, body)
		}
	}
	if strings.Contains(body, ResultsMarker) {
		t.Error("marker left in page")
	}
	if strings.Contains(body, "<script") {
		t.Error("page has a script")
	}
}

func TestHandlerEscapes(t *testing.T) {
	q := `<script>alert("x")</script> protection`
	rec := serve(t, "GET", "/search?q="+url.QueryEscape(q))
	body := rec.Body.String()
	if strings.Contains(body, "<script>") {
		t.Fatalf("query not escaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;") {
		t.Errorf("escaped query missing:\n%s", body)
	}
	// The information sharing page has "<data>" in a heading and "<script>" in its summary.
	rec = serve(t, "GET", "/search?q=myths")
	body = rec.Body.String()
	if strings.Contains(body, "<data>") || strings.Contains(body, "<script>") {
		t.Errorf("result text not escaped:\n%s", body)
	}
	if !strings.Contains(body, "Myths about &lt;data&gt; protection") {
		t.Errorf("section title missing:\n%s", body)
	}
}

func TestHandlerTypeFilterAndNoResults(t *testing.T) {
	rec := serve(t, "GET", "/search?q=escalation&type=report")
	body := rec.Body.String()
	if !strings.Contains(body, `<option value="report" selected>Reports</option>`) {
		t.Error("type not kept selected")
	}
	if strings.Contains(body, "/procedures/escalation/") {
		t.Error("type filter ignored")
	}
	rec = serve(t, "GET", "/search?q=xylophone")
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "0 results for ‘xylophone’") || !strings.Contains(body, "No pages matched your search.") {
		t.Errorf("no-results page wrong (%d):\n%s", rec.Code, body)
	}
	if strings.Contains(body, `<ol class="hb-search-results`) {
		t.Error("empty results list rendered")
	}
	rec = serve(t, "GET", "/search?q=level+4")
	if !strings.Contains(rec.Body.String(), "1 result for ‘level 4’") && !strings.Contains(rec.Body.String(), "results for ‘level 4’") {
		t.Errorf("heading wrong:\n%s", rec.Body.String())
	}
}

func TestHandlerFirstVisit(t *testing.T) {
	rec := serve(t, "GET", "/search")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "hb-search-page-form") || strings.Contains(body, "results for") || strings.Contains(body, "govuk-error-summary") {
		t.Errorf("first visit (%d):\n%s", rec.Code, body)
	}
}

func TestHandlerErrors(t *testing.T) {
	tests := []struct {
		method, target string
		status         int
		want           string
	}{
		{"GET", "/search?q=" + strings.Repeat("a", 300), 400, "Your search is too long"},
		{"GET", "/search?q=-neglect", 400, "not only words to leave out"},
		{"GET", "/search?q=the", 400, "very common words"},
		{"GET", "/search?q=neglect&type=video", 400, "Choose a type of page"},
		{"GET", "/search?q=" + strings.Repeat("%41", 700), 400, "too long"},
		{"GET", "/search?q=%ff%fe", 400, "Enter a word"},
		{"POST", "/search?q=neglect", 405, "only answers GET"},
	}
	for _, tt := range tests {
		rec := serve(t, tt.method, tt.target)
		body := rec.Body.String()
		if rec.Code != tt.status {
			t.Errorf("%s %.40s: status %d, want %d", tt.method, tt.target, rec.Code, tt.status)
		}
		if !strings.Contains(body, tt.want) {
			t.Errorf("%s %.40s: body lacks %q:\n%s", tt.method, tt.target, tt.want, body)
		}
		if !strings.Contains(body, `<div class="govuk-error-summary"`) || !strings.Contains(body, `govuk-form-group--error`) {
			t.Errorf("%s %.40s: no error summary", tt.method, tt.target)
		}
	}
	if rec := serve(t, "GET", "/elsewhere"); rec.Code != 404 {
		t.Errorf("other path: %d", rec.Code)
	}
}

func TestHandlerJSON(t *testing.T) {
	rec := serve(t, "GET", "/search.json?q=children")
	if rec.Code != 200 {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var res []Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || len(res) > 8 {
		t.Errorf("got %d results, want 1..8", len(res))
	}
	var raw []map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &raw)
	for _, k := range []string{"url", "title", "type", "score", "snippet"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("JSON result lacks %q: %s", k, rec.Body)
		}
	}
	rec = serve(t, "GET", "/search.json?q=xylophone")
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "[]" {
		t.Errorf("no results: %d %s", rec.Code, rec.Body)
	}
	for _, target := range []string{"/search.json?q=", "/search.json?q=" + strings.Repeat("b", 257), "/search.json?q=a&type=nope"} {
		rec = serve(t, "GET", target)
		var e map[string]string
		if rec.Code != 400 || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] == "" {
			t.Errorf("%.40s: %d %s", target, rec.Code, rec.Body)
		}
	}
	rec = serve(t, "DELETE", "/search.json?q=a")
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	// HEAD is answered as GET is (a server sends no body with it).
	for _, target := range []string{"/search", "/search?q=children", "/search.json?q=children"} {
		get, head := serve(t, "GET", target), serve(t, "HEAD", target)
		if head.Code != get.Code || head.Code != 200 || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") {
			t.Errorf("HEAD %s: %d %q, GET: %d %q", target, head.Code, head.Header().Get("Content-Type"), get.Code, get.Header().Get("Content-Type"))
		}
	}
}

func TestHandlerShellWithoutMarker(t *testing.T) {
	h := NewHandler(sharedIndex(t), []byte("<html><body>no marker</body></html>"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/search?q=neglect", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "hb-search-results") {
		t.Errorf("fallback page: %d %s", rec.Code, rec.Body)
	}
}

// TestHandlerConcurrencyCap fills every search slot: the next search waits
// a moment, then gets 503 with Retry-After; the form alone still works;
// once a slot is free, searches answer again.
func TestHandlerConcurrencyCap(t *testing.T) {
	h := NewHandler(sharedIndex(t), []byte(testShell), WithMaxSearches(2)).(*handler)
	h.slots <- struct{}{}
	h.slots <- struct{}{}
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		return rec
	}
	for _, target := range []string{"/search?q=escalation", "/search.json?q=escalation"} {
		start := time.Now()
		rec := get(target)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Errorf("%s while saturated: %d, Retry-After %q", target, rec.Code, rec.Header().Get("Retry-After"))
		}
		if !strings.Contains(rec.Body.String(), "Search is busy") {
			t.Errorf("%s while saturated: body %s", target, rec.Body)
		}
		// Only the lower bound: a loaded machine can wake the waiter late.
		if took := time.Since(start); took < queueWait {
			t.Errorf("%s waited %s for a slot, want at least %s", target, took, queueWait)
		}
	}
	if rec := get("/search"); rec.Code != 200 {
		t.Errorf("the empty form needs no slot: %d", rec.Code)
	}
	// A search queued while saturated runs as soon as a slot frees.
	done := make(chan int)
	go func() { done <- get("/search?q=escalation").Code }()
	time.Sleep(queueWait / 5)
	<-h.slots
	if code := <-done; code != 200 {
		t.Errorf("queued search: %d, want 200", code)
	}
	<-h.slots
	if rec := get("/search.json?q=escalation"); rec.Code != 200 {
		t.Errorf("after the burst: %d", rec.Code)
	}
	if len(h.slots) != 0 {
		t.Errorf("%d slots still taken after every search ended", len(h.slots))
	}
}

// TestHandlerRefusesLongQueryStrings: the limit is on the raw query string,
// whatever parameters it holds.
func TestHandlerRefusesLongQueryStrings(t *testing.T) {
	for _, target := range []string{
		"/search?q=neglect&pad=" + strings.Repeat("x", maxRawQuery),
		"/search.json?" + strings.Repeat("a=1&", maxRawQuery/4+1) + "q=neglect",
	} {
		rec := serve(t, "GET", target)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("%.40s… (%d bytes): %d, want 400", target, len(target), rec.Code)
		}
	}
}

// TestLoadingHandler is what the dev server answers while the index is
// being made: the search page with the reader's query kept in the form and
// a notice, 503 with Retry-After, and the same from /search.json.
func TestLoadingHandler(t *testing.T) {
	h := LoadingHandler([]byte(testShell))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/search?q=neglect&type=procedure", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("GET /search: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	for _, want := range []string{"<h1>Search</h1>", `role="status">` + loadingMessage, `value="neglect"`, `value="procedure" selected`} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /search has no %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "No pages matched") || strings.Contains(body, "0 results") {
		t.Errorf("GET /search says nothing matched while the index is being made:\n%s", body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/search.json?q=neglect", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(rec.Body.String(), loadingMessage) {
		t.Errorf("GET /search.json: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}
