// Package extlinks checks that links to other sites still lead somewhere,
// for "handbook check --external". Each address is asked once, with a time
// limit; good answers are kept in a cache file for a day, so that checks
// run on every pull request do not ask every site every time.
package extlinks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Result is what an address answered.
type Result struct {
	Status  int       `json:"status,omitempty"` // HTTP status; 0 when there was no answer
	Err     string    `json:"error,omitempty"`  // why there was no answer
	Checked time.Time `json:"checked"`
}

// OK reports whether the link leads to a page.
func (r Result) OK() bool { return r.Err == "" && r.Status > 0 && r.Status < 400 }

// Gone reports whether the site says the page is not there.
func (r Result) Gone() bool { return r.Status == http.StatusNotFound || r.Status == http.StatusGone }

// Checker checks addresses. The zero value works, without a cache.
type Checker struct {
	Client    *http.Client     // nil: http.DefaultClient's transport
	Timeout   time.Duration    // for each address; 10 s when zero
	CacheFile string           // where answers are kept; "" for no cache
	MaxAge    time.Duration    // how long a good answer is kept; 24 h when zero
	Now       func() time.Time // the time; time.Now when nil
	Workers   int              // addresses asked at once; 4 when zero
}

func (c *Checker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Check asks every address in urls and returns what each answered. Only
// good answers are cached: a link that failed is asked again next time.
func (c *Checker) Check(ctx context.Context, urls []string) (map[string]Result, error) {
	timeout, maxAge, workers := c.Timeout, c.MaxAge, c.Workers
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if maxAge <= 0 {
		maxAge = 24 * time.Hour
	}
	if workers <= 0 {
		workers = 4
	}
	client := c.Client
	if client == nil {
		client = &http.Client{}
	}
	cache := c.load()
	out := make(map[string]Result, len(urls))
	var todo []string
	for _, u := range urls {
		if r, ok := cache[u]; ok && r.OK() && c.now().Sub(r.Checked) < maxAge {
			out[u] = r
		} else if _, dup := out[u]; !dup {
			out[u] = Result{}
			todo = append(todo, u)
		}
	}
	var mu sync.Mutex
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range min(workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				r := ask(ctx, client, u, timeout)
				r.Checked = c.now()
				mu.Lock()
				out[u] = r
				if r.OK() {
					cache[u] = r
				} else {
					delete(cache, u)
				}
				mu.Unlock()
			}
		}()
	}
	for _, u := range todo {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return out, err
	}
	return out, c.save(cache)
}

// ask asks for u: HEAD, then GET when the site does not answer HEAD.
func ask(ctx context.Context, client *http.Client, u string, timeout time.Duration) Result {
	var r Result
	for _, method := range []string{http.MethodHead, http.MethodGet} {
		r = askOnce(ctx, client, method, u, timeout)
		if r.Err == "" && r.Status != http.StatusMethodNotAllowed && r.Status != http.StatusNotImplemented && r.Status != http.StatusForbidden {
			break
		}
	}
	return r
}

func askOnce(ctx context.Context, client *http.Client, method, u string, timeout time.Duration) Result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return Result{Err: "not a web address"}
	}
	req.Header.Set("User-Agent", "handbook-link-check")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return Result{Err: fmt.Sprintf("no answer within %s", timeout)}
		}
		return Result{Err: "no answer: " + err.Error()}
	}
	resp.Body.Close()
	return Result{Status: resp.StatusCode}
}

func (c *Checker) load() map[string]Result {
	cache := map[string]Result{}
	if c.CacheFile == "" {
		return cache
	}
	if b, err := os.ReadFile(c.CacheFile); err == nil {
		_ = json.Unmarshal(b, &cache) // a damaged cache is started again
	}
	return cache
}

func (c *Checker) save(cache map[string]Result) error {
	if c.CacheFile == "" {
		return nil
	}
	b, err := json.MarshalIndent(cache, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.CacheFile), 0o755); err != nil {
		return err
	}
	tmp := c.CacheFile + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.CacheFile)
}
