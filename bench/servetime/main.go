// Command servetime measures "handbook serve" as an editor meets it: the
// time from starting the command to the first page being served, and from
// saving an edit of one page to the reload event reaching the browser, for
// an edit of the page's Markdown and an edit of its front matter (the
// owner, which no other page shows).
//
//	go build -o /tmp/handbook ./cmd/handbook
//	go run ./bench/gencorpus -n 5000 -o /tmp/c5000 -no-hugo
//	go run ./bench/servetime -bin /tmp/handbook -s /tmp/c5000/handbook
//
// It starts the command -runs times, asking for / every 5 ms until it is
// served, and reports the median; then, in the last run, it makes -edits
// edits of each kind in turn, each once the server has finished the whole
// build and search index that follow the edit before (an editor saves every
// few seconds, not while the preview is busy), and reports the medians.
// The page edited is restored at the end.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	bin := flag.String("bin", "handbook", "the handbook binary")
	site := flag.String("s", "", "site folder (required)")
	page := flag.String("page", "", "page to edit, relative to the site folder (default: the first page under content/ in a sub-folder)")
	runs := flag.Int("runs", 5, "start-ups to time")
	edits := flag.Int("edits", 20, "edits of each kind to time")
	flag.Parse()
	if *site == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *site, *page, *runs, *edits); err != nil {
		fmt.Fprintln(os.Stderr, "servetime:", err)
		os.Exit(1)
	}
}

func run(bin, site, page string, runs, edits int) error {
	if page == "" {
		var err error
		if page, err = firstPage(site); err != nil {
			return err
		}
	}
	file := filepath.Join(site, filepath.FromSlash(page))
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	defer os.WriteFile(file, orig, 0o644)

	var starts, builds []time.Duration
	for i := range runs {
		srv, err := start(bin, site)
		if err != nil {
			return err
		}
		starts = append(starts, srv.firstPage)
		if err := srv.waitLog("built ", 5*time.Minute); err != nil {
			srv.stop()
			return err
		}
		builds = append(builds, time.Since(srv.t0))
		if i < runs-1 {
			srv.stop()
			continue
		}
		if err := srv.waitLog("search index ready", 5*time.Minute); err != nil {
			srv.stop()
			return err
		}
		body, front, err := srv.edit(file, pageURL(page), orig, edits)
		srv.stop()
		if err != nil {
			return err
		}
		fmt.Printf("start to first page: median %s (%s)\n", median(starts), list(starts))
		fmt.Printf("start to whole site built: median %s\n", median(builds))
		fmt.Printf("Markdown edit to reload event (%s): median %s, p90 %s\n", page, median(body), p90(body))
		fmt.Printf("front-matter edit to reload event: median %s, p90 %s\n", median(front), p90(front))
	}
	return nil
}

// firstPage is the first Markdown page in a sub-folder of content/.
func firstPage(site string) (string, error) {
	var found string
	err := filepath.WalkDir(filepath.Join(site, "content"), func(p string, d os.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") && d.Name() != "_index.md" && filepath.Dir(p) != filepath.Join(site, "content") {
			found = p
		}
		return nil
	})
	if found == "" {
		return "", fmt.Errorf("no page found under %s/content", site)
	}
	rel, _ := filepath.Rel(site, found)
	return filepath.ToSlash(rel), err
}

type server struct {
	cmd       *exec.Cmd
	base      string
	t0        time.Time
	firstPage time.Duration
	logs      chan string
}

func start(bin, site string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr, logs: make(chan string, 1000)}
	s.cmd = exec.Command(bin, "serve", "-s", site, "--addr", addr)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s.t0 = time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logs <- sc.Text()
		}
		close(s.logs)
	}()
	client := &http.Client{Timeout: time.Minute}
	for time.Since(s.t0) < 5*time.Minute {
		resp, err := client.Get(s.base + "/")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				s.firstPage = time.Since(s.t0)
				return s, nil
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("no page was served within five minutes")
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

// waitLog waits for a log line starting with prefix.
func (s *server) waitLog(prefix string, limit time.Duration) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		select {
		case line, ok := <-s.logs:
			if !ok {
				return fmt.Errorf("the server stopped before logging %q", prefix)
			}
			if os.Getenv("SERVETIME_LOG") != "" {
				fmt.Fprintln(os.Stderr, "  log:", line)
			}
			if strings.HasPrefix(line, prefix) {
				return nil
			}
			if strings.HasPrefix(line, "build failed") {
				return fmt.Errorf("%s", line)
			}
		case <-t.C:
			return fmt.Errorf("no %q in the log within %s", prefix, limit)
		}
	}
}

// edit makes n edits of each kind, alternating, and times each to its
// reload event.
func (s *server) edit(file, url string, orig []byte, n int) (body, front []time.Duration, err error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/_handbook/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	events := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok && name == "reload" {
				// Only the events that reload the page edited: the
				// search page's, when its index is ready, are not.
				if f := strings.Fields(v); len(f) == 1 || slices.Contains(f[1:], url) {
					events <- v
				}
			}
		}
		close(events)
	}()
	head, rest, ok := bytes.Cut(orig[4:], []byte("\n---\n"))
	if !bytes.HasPrefix(orig, []byte("---\n")) || !ok {
		return nil, nil, fmt.Errorf("%s has no front matter", file)
	}
	for i := range 2 * n {
		var data []byte
		if i%2 == 0 {
			data = fmt.Appendf(bytes.Clone(orig), "\nEdited %d times.\n", i)
		} else {
			data = fmt.Appendf(nil, "---\n%s\nowner: Edited %d times\n---\n%s", dropOwner(head), i, rest)
		}
		// The server is idle: its whole build and index after the last
		// edit are done.
		t0 := time.Now()
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return nil, nil, err
		}
		select {
		case _, ok := <-events:
			if !ok {
				return nil, nil, fmt.Errorf("the event stream ended")
			}
		case <-time.After(5 * time.Minute):
			return nil, nil, fmt.Errorf("no reload event within five minutes of edit %d", i)
		}
		if i%2 == 0 {
			body = append(body, time.Since(t0))
		} else {
			front = append(front, time.Since(t0))
		}
		if err := s.waitLog("built ", 5*time.Minute); err != nil {
			return nil, nil, err
		}
		if err := s.waitLog("search index ready", 5*time.Minute); err != nil {
			return nil, nil, err
		}
		drain(events)
	}
	return body, front, nil
}

// pageURL is the address of the page at path p of a generated site.
func pageURL(p string) string {
	return "/" + strings.TrimSuffix(strings.TrimPrefix(p, "content/"), ".md") + "/"
}

func dropOwner(head []byte) []byte {
	var out [][]byte
	for _, l := range bytes.Split(head, []byte("\n")) {
		if !bytes.HasPrefix(l, []byte("owner:")) {
			out = append(out, l)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

func drain(ch chan string) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return s[len(s)/2].Round(time.Millisecond)
}

func p90(d []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(d))
	return s[len(s)*9/10].Round(time.Millisecond)
}

func list(d []time.Duration) string {
	var out []string
	for _, x := range d {
		out = append(out, x.Round(time.Millisecond).String())
	}
	return strings.Join(out, ", ")
}
