package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"runtime"
	"strings"
	"time"
)

// ResultsMarker is the comment in the site's built search page that the
// handler replaces with the search form and results.
const ResultsMarker = "<!-- handbook:search-results -->"

// ResultsEnd, when the shell has it after ResultsMarker, ends what the
// handler replaces: the page's own form and the static search's results.
const ResultsEnd = "<!-- /handbook:search-results -->"

const (
	maxRawQuery   = 2048 // bytes of query string accepted
	pageLimit     = 20   // results on the HTML page
	suggestLimit  = 8    // results in /search.json
	searchTimeout = 5 * time.Second
	// queueWait is how long a search waits for a free slot when
	// MaxSearches are running, before it is turned away with 503.
	queueWait = 250 * time.Millisecond
	// retryAfter is the Retry-After, in seconds, of that 503.
	retryAfter = "1"
)

// defaultMaxSearches is how many searches a handler runs at once unless
// WithMaxSearches says otherwise: a few per CPU, so that a burst of
// requests queues briefly instead of starving the server.
func defaultMaxSearches() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// HandlerOption changes a handler made by NewHandler.
type HandlerOption func(*handler)

// WithMaxSearches sets how many searches run at once (at least 1), for a
// host whose memory or CPU calls for another limit than the default.
func WithMaxSearches(n int) HandlerOption {
	return func(h *handler) { h.slots = make(chan struct{}, max(n, 1)) }
}

// NewHandler serves the search pages:
//
//	GET /search?q=…&type=…       the site's search page (shell) with the form and results
//	GET /search.json?q=…&type=…  up to 8 results as a JSON array, for suggestions
//
// The HTML page works without JavaScript. Errors in what the reader typed give
// 400 with a message; responses are never cached and nothing is logged.
// A query string over 2 KB gives 400; when the most searches allowed are
// running and none ends within a quarter of a second, the request gets 503
// with Retry-After.
func NewHandler(ix *Index, shell []byte, opts ...HandlerOption) http.Handler {
	h := &handler{ix: ix, slots: make(chan struct{}, defaultMaxSearches())}
	for _, o := range opts {
		o(h)
	}
	before, after, ok := bytes.Cut(shell, []byte(ResultsMarker))
	if !ok {
		before, after = []byte(fallbackShellStart), []byte(fallbackShellEnd)
	} else if _, rest, ok := bytes.Cut(after, []byte(ResultsEnd)); ok {
		after = rest
	}
	h.before, h.after = before, after
	return h
}

// LoadingHandler answers the same requests as NewHandler while its index
// is being made: 503 with Retry-After, and on the search page, in shell,
// the form and a message saying so.
func LoadingHandler(shell []byte) http.Handler {
	return NewHandler(nil, shell)
}

// loadingMessage is what LoadingHandler answers.
const loadingMessage = "The search index is still being made. Try again in a few seconds."

type handler struct {
	ix            *Index // nil: the index is being made (LoadingHandler)
	before, after []byte
	slots         chan struct{} // one token per running search
}

// search runs q when a slot is free. ok is false, and the 503 has been
// written, when the handler is saturated.
func (h *handler) search(w http.ResponseWriter, r *http.Request, asJSON bool, q Query) (res []Result, ok bool, err error) {
	select {
	case h.slots <- struct{}{}:
	default:
		t := time.NewTimer(queueWait)
		defer t.Stop()
		select {
		case h.slots <- struct{}{}:
		case <-t.C:
			h.busy(w, asJSON, q)
			return nil, false, nil
		case <-r.Context().Done():
			h.busy(w, asJSON, q)
			return nil, false, nil
		}
	}
	defer func() { <-h.slots }()
	ctx, cancel := context.WithTimeout(r.Context(), searchTimeout)
	defer cancel()
	res, err = h.ix.Search(ctx, q)
	return res, true, err
}

func (h *handler) busy(w http.ResponseWriter, asJSON bool, q Query) {
	w.Header().Set("Retry-After", retryAfter)
	h.fail(w, asJSON, http.StatusServiceUnavailable, "Search is busy at the moment. Try again in a few seconds.", q.Text, q.Type)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")

	path := strings.TrimSuffix(r.URL.Path, "/")
	var asJSON bool
	switch path {
	case "/search":
	case "/search.json":
		asJSON = true
	default:
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		h.fail(w, asJSON, http.StatusMethodNotAllowed, "Search only answers GET and HEAD requests.", "", "")
		return
	}
	if len(r.URL.RawQuery) > maxRawQuery {
		h.fail(w, asJSON, http.StatusBadRequest, "Your search is too long. Use fewer words.", "", "")
		return
	}
	vals := r.URL.Query()
	text, typ := cleanText(vals.Get("q")), vals.Get("type")
	if h.ix == nil {
		w.Header().Set("Retry-After", retryAfter)
		if asJSON {
			h.fail(w, true, http.StatusServiceUnavailable, loadingMessage, "", "")
			return
		}
		h.page(w, http.StatusServiceUnavailable, pageData{Query: text, Types: typeOptions(typ), Notice: loadingMessage})
		return
	}

	if asJSON {
		h.serveJSON(w, r, text, typ)
		return
	}
	if !vals.Has("q") && typ == "" {
		// First visit: just the form.
		h.page(w, http.StatusOK, pageData{Types: typeOptions(""), Initial: true})
		return
	}
	res, ok, err := h.search(w, r, false, Query{Text: text, Type: typ, Limit: pageLimit})
	if !ok {
		return
	}
	if err != nil {
		status, msg := errorStatus(err)
		h.fail(w, false, status, msg, text, typ)
		return
	}
	h.page(w, http.StatusOK, resultsData(text, typ, res))
}

func (h *handler) serveJSON(w http.ResponseWriter, r *http.Request, text, typ string) {
	res, ok, err := h.search(w, r, true, Query{Text: text, Type: typ, Limit: suggestLimit})
	if !ok {
		return
	}
	if err != nil {
		status, msg := errorStatus(err)
		h.fail(w, true, status, msg, "", "")
		return
	}
	if res == nil {
		res = []Result{}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(res)
}

// errorStatus maps an error to a status and a message for the reader: 400 for
// what they typed, 503 for anything else (the index could not answer).
func errorStatus(err error) (int, string) {
	var qe *QueryError
	if errors.As(err, &qe) {
		return http.StatusBadRequest, qe.Message
	}
	return http.StatusServiceUnavailable, "Search is not working at the moment. Try again later, or browse the sections of the site."
}

func (h *handler) fail(w http.ResponseWriter, asJSON bool, status int, msg, text, typ string) {
	if asJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	h.page(w, status, pageData{Query: text, Types: typeOptions(typ), Error: msg})
}

func (h *handler) page(w http.ResponseWriter, status int, d pageData) {
	var frag bytes.Buffer
	if err := fragmentTmpl.Execute(&frag, d); err != nil {
		status = http.StatusServiceUnavailable
		frag.Reset()
		frag.WriteString(`<p class="govuk-body">Search is not working at the moment.</p>`)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(h.before)
	_, _ = w.Write(frag.Bytes())
	_, _ = w.Write(h.after)
}

type typeOption struct {
	Value, Label string
	Selected     bool
}

func typeOptions(sel string) []typeOption {
	opts := []typeOption{{Value: "", Label: "All", Selected: sel == ""}}
	for _, t := range Types {
		opts = append(opts, typeOption{Value: t.Value, Label: t.Label, Selected: sel == t.Value})
	}
	return opts
}

func typeLabel(v string) string {
	switch v {
	case "arrangement":
		return "Arrangement"
	case "threshold":
		return "Threshold guidance"
	case "briefing":
		return "Briefing"
	case "procedure":
		return "Procedure"
	case "report":
		return "Report"
	}
	return "Page"
}

type pageData struct {
	Query   string
	Types   []typeOption
	Error   string
	Notice  string // why there are no results yet, when that is no one's mistake
	Initial bool
	Count   int
	Results []resultView
}

type resultView struct {
	URL, Title, Type, TypeLabel string
	Snippet                     template.HTML
}

func resultsData(text, typ string, res []Result) pageData {
	d := pageData{Query: text, Types: typeOptions(typ), Count: len(res)}
	for _, r := range res {
		d.Results = append(d.Results, resultView{
			URL:       r.URL,
			Title:     r.Title,
			Type:      r.Type,
			TypeLabel: typeLabel(r.Type),
			// Snippets are built by this package: all text escaped, only
			// our own <mark> elements added.
			Snippet: template.HTML(r.Snippet),
		})
	}
	return d
}

const fallbackShellStart = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Search</title></head>
<body class="govuk-template__body"><main class="govuk-main-wrapper" id="main-content"><h1 class="govuk-heading-l">Search</h1>
`
const fallbackShellEnd = `
</main></body></html>
`

var fragmentTmpl = template.Must(template.New("results").Parse(`<div class="hb-search-page">
{{- if .Error}}
<div class="govuk-error-summary" data-module="govuk-error-summary">
<div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body">
<ul class="govuk-list govuk-error-summary__list"><li><a href="#hb-search-q">{{.Error}}</a></li></ul>
</div>
</div>
</div>
{{- end}}
{{- if .Notice}}
<div class="govuk-inset-text" role="status">{{.Notice}}</div>
{{- end}}
<form class="hb-search-page-form" method="get" action="/search" role="search">
<div class="govuk-form-group{{if .Error}} govuk-form-group--error{{end}}">
<label class="govuk-label govuk-label--m" for="hb-search-q">Search this site</label>
{{- if .Error}}
<p id="hb-search-q-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {{.Error}}</p>
{{- end}}
<input class="govuk-input{{if .Error}} govuk-input--error{{end}}" id="hb-search-q" name="q" type="search" value="{{.Query}}" maxlength="256" autocomplete="off" spellcheck="false" data-hb-suggest{{if .Error}} aria-describedby="hb-search-q-error"{{end}}>
</div>
<div class="govuk-form-group">
<label class="govuk-label" for="hb-search-type">Type of page</label>
<select class="govuk-select" id="hb-search-type" name="type">
{{- range .Types}}
<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>
{{- end}}
</select>
</div>
<button type="submit" class="govuk-button" data-module="govuk-button">Search</button>
</form>
{{- if not (or .Error .Notice .Initial)}}
<h2 class="govuk-heading-m" id="hb-search-results-heading">{{.Count}} result{{if ne .Count 1}}s{{end}} for ‘{{.Query}}’</h2>
{{- if .Results}}
<ol class="hb-search-results govuk-list" aria-labelledby="hb-search-results-heading">
{{- range .Results}}
<li class="hb-search-result">
<h3 class="govuk-heading-s hb-search-result__title"><a class="govuk-link" href="{{.URL}}">{{.Title}}</a></h3>
<strong class="govuk-tag govuk-tag--grey hb-search-result__type">{{.TypeLabel}}</strong>
<p class="govuk-body hb-search-result__snippet">{{.Snippet}}</p>
</li>
{{- end}}
</ol>
{{- else}}
<p class="govuk-body">No pages matched your search.</p>
<p class="govuk-body">Try:</p>
<ul class="govuk-list govuk-list--bullet">
<li>checking the spelling</li>
<li>using fewer or more general words</li>
<li>choosing ‘All’ as the type of page</li>
</ul>
{{- end}}
{{- end}}
</div>
`))
