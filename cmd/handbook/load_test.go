package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeUnderLoad runs `handbook serve` on a copy of the default site on
// 127.0.0.1 and sends it concurrent page and search requests while a
// content file changes every 500 ms, so that it rebuilds all the time. It
// reports requests per second, latency percentiles and errors, and fails
// on any 5xx other than search's 503 when it is saturated, any failed
// request, or a server that stops.
//
// It is a benchmark, run when asked; each operation is one round of load:
//
//	go test -run '^$' -bench ServeUnderLoad -benchtime 1x -v ./cmd/handbook
//
// HANDBOOK_LOAD sets the length of a round (default 20s) and
// HANDBOOK_LOAD_CLIENTS the page clients (default 16; search gets half as
// many). It reports req/s and p50/p99 latency in ms as metrics.
func BenchmarkServeUnderLoad(b *testing.B) {
	dur, err := time.ParseDuration(os.Getenv("HANDBOOK_LOAD"))
	if err != nil || dur <= 0 {
		dur = 20 * time.Second
	}
	clients := 16
	if n, err := fmt.Sscan(os.Getenv("HANDBOOK_LOAD_CLIENTS"), &clients); n != 1 || err != nil {
		clients = 16
	}
	bin := filepath.Join(b.TempDir(), "handbook")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	site := b.TempDir()
	copyTree(b, filepath.Join("..", ".."), site, "content", "data", "editions", "handbook.yaml")

	// The server, in its own process.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve", "-s", site, "--addr", "127.0.0.1:0")
	srv.Cancel = func() error { return srv.Process.Signal(os.Interrupt) }
	srv.WaitDelay = 10 * time.Second
	stdout, _ := srv.StdoutPipe()
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	var builds, failedBuilds atomic.Int64
	searchReady := make(chan struct{})
	var readyOnce sync.Once
	var logTail []string
	var logMu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "built "):
				builds.Add(1)
			case strings.HasPrefix(line, "build failed"):
				failedBuilds.Add(1)
			case strings.HasPrefix(line, "search index ready"):
				readyOnce.Do(func() { close(searchReady) })
			}
			logMu.Lock()
			logTail = append(logTail, line)
			if len(logTail) > 40 {
				logTail = logTail[1:]
			}
			logMu.Unlock()
		}
	}()
	base := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Preview: "); ok {
			base = strings.TrimSuffix(u, "/")
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		b.Fatalf("serve printed no address on 127.0.0.1: %q", base)
	}
	select {
	case <-searchReady:
	case <-time.After(2 * time.Minute):
		b.Fatal("the search index was never ready")
	}

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients, MaxConnsPerHost: 4 * clients},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	pages := sitePages(b, client, base)
	queries := []string{"escalation", "CSE", "neglect", "level 3", "LADO", "child sexual exploitation",
		"missing from education", "strategy discussion", "early help", "MASH", "professional curiosity", "section 47"}
	b.Logf("%d pages and assets, %d queries, %d page clients, %d search clients, %s", len(pages), len(queries), clients, clients/2, dur)

	// The editor: change a page every 500 ms.
	stop := make(chan struct{})
	var editorDone sync.WaitGroup
	editorDone.Add(1)
	edits := 0
	go func() {
		defer editorDone.Done()
		page := filepath.Join(site, "content", "about.md")
		orig, err := os.ReadFile(page)
		if err != nil {
			b.Error(err)
			return
		}
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				edits++
				body := append(append([]byte(nil), orig...), fmt.Sprintf("\nEdit number %d, made under load.\n", edits)...)
				if err := os.WriteFile(page, body, 0o644); err != nil {
					b.Error(err)
					return
				}
			}
		}
	}()

	type sample struct {
		kind    int // 0 page, 1 search
		status  int
		latency time.Duration
		busy    bool
		err     error
	}
	results := make([][]sample, clients+clients/2)
	var wg sync.WaitGroup
	b.ResetTimer()
	deadline := time.Now().Add(dur)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 9))
			kind := 0
			if i >= clients {
				kind = 1
			}
			for time.Now().Before(deadline) {
				var target string
				if kind == 0 {
					target = base + pages[rng.IntN(len(pages))]
				} else {
					q := url.QueryEscape(queries[rng.IntN(len(queries))])
					if rng.IntN(2) == 0 {
						target = base + "/search.json?q=" + q
					} else {
						target = base + "/search/?q=" + q
					}
				}
				start := time.Now()
				resp, err := client.Get(target)
				s := sample{kind: kind, err: err}
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					s.err, s.status = err, resp.StatusCode
					s.busy = resp.StatusCode == http.StatusServiceUnavailable && kind == 1 && resp.Header.Get("Retry-After") != ""
				}
				s.latency = time.Since(start)
				if s.err != nil {
					s.err = fmt.Errorf("GET %s: %w", target, s.err)
				}
				results[i] = append(results[i], s)
			}
		}(i)
	}
	wg.Wait()
	close(stop)
	editorDone.Wait()

	// Report.
	var all []sample
	for _, r := range results {
		all = append(all, r...)
	}
	report := func(name string, keep func(sample) bool) {
		var lat []time.Duration
		var n, ok, busy, e5xx, e4xx, failed int
		for _, s := range all {
			if !keep(s) {
				continue
			}
			n++
			lat = append(lat, s.latency)
			switch {
			case s.err != nil:
				failed++
			case s.busy:
				busy++
			case s.status >= 500:
				e5xx++
			case s.status >= 400:
				e4xx++
			default:
				ok++
			}
		}
		if n == 0 {
			return
		}
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		if name == "all" {
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(float64(n)/dur.Seconds(), "req/s")
			b.ReportMetric(ms(pct(0.50)), "p50-ms")
			b.ReportMetric(ms(pct(0.99)), "p99-ms")
		}
		b.Logf("%-7s %7d requests %7.0f req/s  p50 %-9s p90 %-9s p99 %-9s max %-9s  ok %d, 503 busy %d, other 5xx %d, 4xx %d, failed %d",
			name, n, float64(n)/dur.Seconds(), pct(0.50).Round(10*time.Microsecond), pct(0.90).Round(10*time.Microsecond),
			pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(time.Millisecond), ok, busy, e5xx, e4xx, failed)
	}
	report("pages", func(s sample) bool { return s.kind == 0 })
	report("search", func(s sample) bool { return s.kind == 1 })
	report("all", func(sample) bool { return true })
	b.Logf("%d edits, %d rebuilds, %d failed rebuilds", edits, builds.Load(), failedBuilds.Load())

	var bad []string
	for _, s := range all {
		if s.err != nil || s.status >= 500 && !s.busy || s.status == 404 {
			if len(bad) < 10 {
				if s.err != nil {
					bad = append(bad, s.err.Error())
				} else {
					bad = append(bad, fmt.Sprintf("status %d", s.status))
				}
			}
		}
	}
	if len(bad) > 0 {
		b.Errorf("failed requests, first ones: %s", strings.Join(bad, "; "))
	}
	if builds.Load() < int64(dur/(2*time.Second)) {
		b.Errorf("only %d rebuilds for %d edits", builds.Load(), edits)
	}
	if failedBuilds.Load() > 0 {
		b.Errorf("%d rebuilds failed", failedBuilds.Load())
	}

	// The server is still up, and stops cleanly.
	if resp, err := client.Get(base + "/"); err != nil || resp.StatusCode != 200 {
		b.Errorf("after the load: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	cancel()
	err = srv.Wait()
	if ru, ok := srv.ProcessState.SysUsage().(*syscall.Rusage); ok {
		b.Logf("server: peak RSS %d MB, CPU user %s system %s", ru.Maxrss>>10,
			time.Duration(ru.Utime.Nano()).Round(time.Millisecond), time.Duration(ru.Stime.Nano()).Round(time.Millisecond))
	}
	if code := srv.ProcessState.ExitCode(); code != 0 {
		logMu.Lock()
		b.Errorf("serve exited with %d (%v) after Ctrl+C; last log lines:\n%s", code, err, strings.Join(logTail, "\n"))
		logMu.Unlock()
	}
}

// sitePages lists the pages of the served site from its sitemap, and the
// theme's assets from the home page, as paths.
func sitePages(t testing.TB, c *http.Client, base string) []string {
	t.Helper()
	get := func(p string) string {
		resp, err := c.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		return string(b)
	}
	var out []string
	for _, m := range regexp.MustCompile(`<loc>([^<]+)</loc>`).FindAllStringSubmatch(get("/sitemap.xml"), -1) {
		if u, err := url.Parse(m[1]); err == nil && u.Path != "" {
			out = append(out, u.Path)
		}
	}
	for _, m := range regexp.MustCompile(`(?:href|src)="(/[^"/][^"]*\.(?:css|js|svg|png|ico|woff2?))"`).FindAllStringSubmatch(get("/"), -1) {
		out = append(out, m[1])
	}
	if len(out) < 10 {
		t.Fatalf("only %d pages found in the sitemap", len(out))
	}
	return out
}

// copyTree copies the named files and folders of src into dst.
func copyTree(t testing.TB, src, dst string, names ...string) {
	t.Helper()
	for _, name := range names {
		err := filepath.WalkDir(filepath.Join(src, name), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}
