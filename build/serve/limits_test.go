package serve

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHTTPServerLimits: every limit of the dev server's http.Server is set
// and bounded.
func TestHTTPServerLimits(t *testing.T) {
	hs := New(Options{}).HTTPServer()
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": hs.ReadHeaderTimeout, "ReadTimeout": hs.ReadTimeout,
		"WriteTimeout": hs.WriteTimeout, "IdleTimeout": hs.IdleTimeout,
	} {
		if d <= 0 || d > 2*time.Minute {
			t.Errorf("%s = %s: want a limit, at most 2 minutes", name, d)
		}
	}
	if hs.ReadHeaderTimeout > 10*time.Second {
		t.Errorf("ReadHeaderTimeout = %s: a slow client holds a connection that long", hs.ReadHeaderTimeout)
	}
	if hs.MaxHeaderBytes <= 0 || hs.MaxHeaderBytes > 64<<10 {
		t.Errorf("MaxHeaderBytes = %d: want at most 64 KB", hs.MaxHeaderBytes)
	}
}

// TestRefusesLargeRequests: headers or a request line over MaxHeaderBytes
// get 431 and the server goes on answering; a body is refused unread.
func TestRefusesLargeRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	huge := strings.Repeat("x", 100<<10)

	req, _ := http.NewRequest("GET", ts.base+"/a/", nil)
	req.Header.Set("X-Pad", huge)
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Errorf("large header: %v", err)
	} else {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("large header: %d, want 431", resp.StatusCode)
		}
	}
	if code, _ := ts.rawGet(t, "/a/?"+huge); code != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("long request line: %d, want 431", code)
	}
	// A body that never ends: refused without reading it.
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /a/ HTTP/1.1\r\nHost: %s\r\nContent-Length: 1000000000\r\n\r\n", strings.TrimPrefix(ts.base, "http://"))
	conn.Write([]byte(strings.Repeat("y", 1<<20)))
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET with a 1 GB body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("GET with a 1 GB body: %d, want 400", resp.StatusCode)
	}
	if code, _ := ts.get(t, "/a/"); code != 200 {
		t.Errorf("after the large requests: %d", code)
	}
}

// TestDropsSlowClients: a client that sends its headers a byte at a time
// (slowloris) is cut off after ReadHeaderTimeout, with the real server.
func TestDropsSlowClients(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for ReadHeaderTimeout")
	}
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	limit := ts.HTTPServer().ReadHeaderTimeout

	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		// The server answers 408 or just closes: either way the read ends.
		_, _ = io.Copy(io.Discard, conn)
		closed <- time.Since(start)
	}()
	fmt.Fprintf(conn, "GET /a/ HTTP/1.1\r\nHost: %s\r\n", strings.TrimPrefix(ts.base, "http://"))
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case took := <-closed:
			if took < limit-time.Second || took > limit+5*time.Second {
				t.Errorf("slow client cut off after %s, want about %s", took.Round(time.Millisecond), limit)
			}
			if code, _ := ts.get(t, "/a/"); code != 200 {
				t.Errorf("after the slow client: %d", code)
			}
			return
		case <-tick.C:
			if time.Since(start) > limit+10*time.Second {
				t.Fatalf("a slow client still holds its connection after %s", time.Since(start))
			}
			_, _ = conn.Write([]byte("X")) // keep trickling a header
		}
	}
}

// TestRefusesTooManyRequests: when maxInFlight requests are being answered,
// the next gets 503 with Retry-After at once; reload streams have their own
// limit and still open.
func TestRefusesTooManyRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	for range maxInFlight {
		ts.inFlight <- struct{}{}
	}
	resp, err := http.Get(ts.base + "/a/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("saturated: %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	ev := ts.events(t)
	if e := ev.next(t); e.name != "hello" {
		t.Errorf("reload stream while saturated: first event %q", e.name)
	}
	for range maxInFlight {
		<-ts.inFlight
	}
	if code, _ := ts.get(t, "/a/"); code != 200 {
		t.Errorf("after the burst: %d", code)
	}
}

// TestStalledBodiesTakeNoSlot: GET and HEAD requests that announce a body
// and never send it are refused at once, on real connections, so that
// more of them than the server has slots cannot keep others waiting; a
// plain request made after them is answered.
func TestStalledBodiesTakeNoSlot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	site := smallSite()
	// A page larger than net/http's response buffer: writing it makes
	// the server deal with the unread body while the handler runs.
	site["content/a.md"] += strings.Repeat("Some words of page A. ", 4000) + "\n"
	writeFiles(t, dir, site)
	ts := start(t, dir, Options{})
	host := strings.TrimPrefix(ts.base, "http://")
	const stalled = maxInFlight + 44
	conns := make([]net.Conn, 0, stalled)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range stalled {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
		method, length := "GET", "Content-Length: 10"
		if i%3 == 1 {
			method = "HEAD"
		}
		if i%3 == 2 {
			length = "Transfer-Encoding: chunked"
		}
		fmt.Fprintf(conn, "%s /a/ HTTP/1.1\r\nHost: %s\r\n%s\r\n\r\n", method, host, length)
	}
	for i, conn := range conns {
		// The deadline only keeps a failing test from hanging.
		_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("stalled request %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("stalled request %d: %d, want 400", i, resp.StatusCode)
		}
	}
	if code, body := ts.get(t, "/a/"); code != 200 || !strings.Contains(body, "Version one of page A") {
		t.Errorf("a plain GET after %d stalled requests: %d", stalled, code)
	}
}
