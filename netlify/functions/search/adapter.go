package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/rscp/handbook/search"
)

// adapter turns Lambda proxy events into requests for an http.Handler.
type adapter struct {
	h http.Handler
}

// Limits on a request event, beyond those of search.NewHandler (a 2 KB
// query string, a cap on searches at once). Search reads no body.
const (
	maxEventBody    = 16 << 10
	maxEventHeaders = 32 << 10 // bytes of header names and values
)

func (a *adapter) serve(ctx context.Context, ev events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	if len(ev.Body) > maxEventBody {
		return plain(http.StatusRequestEntityTooLarge, "Request too large\n")
	}
	if headerBytes(ev) > maxEventHeaders {
		return plain(http.StatusRequestHeaderFieldsTooLarge, "Request headers too large\n")
	}
	req, err := toHTTPRequest(ctx, ev)
	if err != nil {
		return events.APIGatewayProxyResponse{
			StatusCode: http.StatusBadRequest,
			Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
			Body:       "Bad request\n",
		}
	}
	rec := newRecorder()
	a.h.ServeHTTP(rec, req)
	resp := rec.response()
	if req.Method == http.MethodHead {
		resp.Body, resp.IsBase64Encoded = "", false
	}
	return resp
}

func plain(status int, body string) events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
		Body:       body,
	}
}

func headerBytes(ev events.APIGatewayProxyRequest) int {
	n := 0
	for k, v := range ev.Headers {
		n += len(k) + len(v)
	}
	for k, vs := range ev.MultiValueHeaders {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	return n
}

// toHTTPRequest converts a Lambda proxy event into a GET-style request for
// /search or /search.json. The function may be reached at its own address
// (/.netlify/functions/search, …/search/json) or through a rewrite from
// /search or /search.json; both map to the handler's paths.
func toHTTPRequest(ctx context.Context, ev events.APIGatewayProxyRequest) (*http.Request, error) {
	vals := url.Values{}
	if len(ev.MultiValueQueryStringParameters) > 0 {
		for k, vs := range ev.MultiValueQueryStringParameters {
			for _, v := range vs {
				vals.Add(k, v)
			}
		}
	} else {
		for k, v := range ev.QueryStringParameters {
			vals.Set(k, v)
		}
	}
	u := &url.URL{Path: handlerPath(ev.Path), RawQuery: vals.Encode()}
	method := ev.HTTPMethod
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if ev.Body != "" {
		body = strings.NewReader(ev.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range ev.Headers {
		req.Header.Set(k, v)
	}
	for k, vs := range ev.MultiValueHeaders {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	return req, nil
}

func handlerPath(p string) string {
	p = strings.TrimSuffix(p, "/")
	if strings.HasSuffix(p, ".json") || strings.HasSuffix(p, "/json") {
		return "/search.json"
	}
	return "/search"
}

// recorder is a minimal http.ResponseWriter that keeps the response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// response converts the recorded response. Netlify reads the single-valued
// Headers map (it ignores MultiValueHeaders), so repeated values are joined.
func (r *recorder) response() events.APIGatewayProxyResponse {
	status := r.status
	if status == 0 {
		status = http.StatusOK
	}
	h := make(map[string]string, len(r.header))
	keys := make([]string, 0, len(r.header))
	for k := range r.header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		h[k] = strings.Join(r.header[k], ", ")
	}
	return events.APIGatewayProxyResponse{StatusCode: status, Headers: h, Body: r.body.String()}
}

func unavailable() events.APIGatewayProxyResponse {
	return events.APIGatewayProxyResponse{
		StatusCode: http.StatusServiceUnavailable,
		Headers:    map[string]string{"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
		Body:       "Search is not available at the moment. Please try again later.\n",
	}
}

// config says where to look for the index and the page shell.
type config struct {
	IndexPath, ShellPath string
	Roots                []string // directories relative paths are tried against
	Bundle               fs.FS    // embedded files: bundle/index.bleve, bundle/search.html
	TempDir              string   // where an embedded index is unpacked
}

func searchRoots() []string {
	var roots []string
	if r := os.Getenv("LAMBDA_TASK_ROOT"); r != "" {
		roots = append(roots, r)
	}
	if exe, err := os.Executable(); err == nil {
		roots = append(roots, filepath.Dir(exe))
	}
	if wd, err := os.Getwd(); err == nil {
		roots = append(roots, wd)
	}
	return roots
}

func (c config) find(p string) (string, bool) {
	if filepath.IsAbs(p) {
		_, err := os.Stat(p)
		return p, err == nil
	}
	for _, r := range c.Roots {
		full := filepath.Join(r, p)
		if _, err := os.Stat(full); err == nil {
			return full, true
		}
	}
	return "", false
}

// open finds the index and shell on disk, else unpacks the embedded ones.
func (c config) open() (*search.Index, []byte, error) {
	var shell []byte
	if p, ok := c.find(c.ShellPath); ok {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		shell = b
	} else if c.Bundle != nil {
		if b, err := fs.ReadFile(c.Bundle, "bundle/search.html"); err == nil {
			shell = b
		}
	}
	// A missing shell is not fatal: the handler has a plain page of its own.

	if p, ok := c.find(c.IndexPath); ok {
		ix, err := search.Open(p)
		return ix, shell, err
	}
	if c.Bundle == nil {
		return nil, nil, fmt.Errorf("no index at %s", c.IndexPath)
	}
	dir, err := unpack(c.Bundle, "bundle/index.bleve", c.TempDir)
	if err != nil {
		return nil, nil, err
	}
	ix, err := search.Open(dir)
	return ix, shell, err
}

// unpack copies the directory tree at root in fsys into a fresh directory
// under tmp and returns its path.
func unpack(fsys fs.FS, root, tmp string) (string, error) {
	if _, err := fs.Stat(fsys, root+"/index_meta.json"); err != nil {
		return "", fmt.Errorf("no index at %s (embedded): %w", root, err)
	}
	h := sha256.New()
	_ = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(h, "%s %d\n", p, info.Size())
			}
		}
		return nil
	})
	dest := filepath.Join(tmp, "handbook-search-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(dest, "index_meta.json")); err == nil {
		return dest, nil // unpacked by an earlier start of this instance
	}
	work, err := os.MkdirTemp(tmp, "handbook-search-unpack-")
	if err != nil {
		return "", err
	}
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
		target := filepath.Join(work, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		src, err := fsys.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		dst, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(dst, src); err != nil {
			_ = dst.Close()
			return err
		}
		return dst.Close()
	})
	if err != nil {
		_ = os.RemoveAll(work)
		return "", err
	}
	if err := os.Rename(work, dest); err != nil {
		_ = os.RemoveAll(work)
		if _, serr := os.Stat(filepath.Join(dest, "index_meta.json")); serr == nil {
			return dest, nil
		}
		return "", errors.Join(err, fmt.Errorf("cannot move index into %s", dest))
	}
	return dest, nil
}
