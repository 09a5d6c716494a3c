package main

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/aws/aws-lambda-go/events"
)

// TestHeadersMatchNetlifyToml: the function answers with exactly the
// security headers that netlify.toml sets on every page.
func TestHeadersMatchNetlifyToml(t *testing.T) {
	var cfg struct {
		Headers []struct {
			For    string            `toml:"for"`
			Values map[string]string `toml:"values"`
		} `toml:"headers"`
	}
	if _, err := toml.DecodeFile("../../../netlify.toml", &cfg); err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	for _, h := range cfg.Headers {
		if h.For == "/*" {
			want = h.Values
		}
	}
	if len(want) == 0 {
		t.Fatal(`netlify.toml has no [[headers]] for "/*"`)
	}
	if len(want) != len(siteHeaders) {
		t.Errorf("netlify.toml sets %d headers on every page, the function %d", len(want), len(siteHeaders))
	}
	for k, v := range want {
		if siteHeaders[k] != v {
			t.Errorf("%s: function sends %q, netlify.toml %q", k, siteHeaders[k], v)
		}
	}
	// Every answer of the function's entry point carries them.
	once.Do(func() {}) // no index: the test gives the app
	defer func() { app, initErr = nil, nil }()
	app = &adapter{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("results")) })}
	for name, ev := range map[string]events.APIGatewayProxyRequest{
		"a search":  {Path: "/search", HTTPMethod: "GET", QueryStringParameters: map[string]string{"q": "x"}},
		"too large": {Path: "/search", HTTPMethod: "GET", Body: string(make([]byte, maxEventBody+1))},
	} {
		r, _ := handle(context.Background(), ev)
		if r.Headers["Content-Security-Policy"] != want["Content-Security-Policy"] {
			t.Errorf("%s (status %d): Content-Security-Policy %q", name, r.StatusCode, r.Headers["Content-Security-Policy"])
		}
	}
	initErr = errors.New("no index")
	if r, _ := handle(context.Background(), events.APIGatewayProxyRequest{Path: "/search"}); r.StatusCode != http.StatusServiceUnavailable || r.Headers["Content-Security-Policy"] == "" {
		t.Errorf("unavailable: status %d, headers %v", r.StatusCode, r.Headers)
	}
}
