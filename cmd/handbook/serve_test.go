package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeCommand runs `handbook serve` on a free port, opens the address
// it prints, and stops it as Ctrl+C would.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	tmp := t.TempDir() // the preview's search index goes here, and must go away
	t.Setenv("TMPDIR", tmp)
	for name, data := range map[string]string{
		"content/_index.md": "---\ntitle: Home\nsummary: Home.\n---\nServed by the command.\n",
		"content/draft.md":  "---\ntitle: Not yet\nstatus: draft\n---\nA draft, served too.\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	url, stop := startServe(t, dir)
	for path, want := range map[string]string{"": "Served by the command.", "draft/": "Draft</strong>"} {
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("GET %s = %d, want a page with %q:\n%s", url+path, resp.StatusCode, want, body)
		}
	}
	// The preview's search answers from the site as it is now; the index
	// is built in the background, so wait for it.
	deadline := time.Now().Add(15 * time.Second)
	for {
		resp, err := http.Get(url + "search/?q=served")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && strings.Contains(string(body), `class="hb-search-result"`) {
			if strings.Contains(string(body), "Not yet") {
				t.Errorf("preview search found a draft page") // drafts are never indexed
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("preview search never answered with a result:\n%s", body)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Errorf("serve exited with %d after Ctrl+C", code)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("serve left %s in the temporary folder after Ctrl+C", left[0].Name())
	}
}

// startServe runs `handbook serve` on the site in dir at a free port and
// returns its address ("http://127.0.0.1:port/") and a function that
// stops it as Ctrl+C would and returns its exit status.
func startServe(t *testing.T, dir string) (url string, stop func() int) {
	t.Helper()
	stdout, w := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	exit := make(chan int, 1)
	m := &Main{Stdout: w, Stderr: io.Discard}
	go func() {
		exit <- m.Run(ctx, []string{"serve", "-s", dir, "--addr", "127.0.0.1:0"})
		w.Close()
	}()
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "Preview: "); ok {
			url = u
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		cancel()
		t.Fatalf("serve printed no local address: %q", url)
	}
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-exit:
			return code
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

func TestServeListensOnLoopbackByDefault(t *testing.T) {
	host, _, err := net.SplitHostPort(defaultAddr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Errorf("default address %s is not loopback", defaultAddr)
	}
}

func TestListenTriesTheNextPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ln, err := listen(busy.Addr().String(), true)
	if err != nil {
		t.Skipf("no free port next to %s: %v", busy.Addr(), err)
	}
	ln.Close()
	if ln.Addr().String() == busy.Addr().String() {
		t.Errorf("listen returned the busy address")
	}
	if _, err := listen(busy.Addr().String(), false); err == nil {
		t.Errorf("an address given with --addr that is busy did not fail")
	}
}
