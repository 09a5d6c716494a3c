package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/diag"
)

// wait is how long a test waits for something that should happen at once.
const wait = time.Minute

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func smallSite() map[string]string {
	return map[string]string{
		"handbook.yaml":      "title: Test partnership\n",
		"content/_index.md":  "---\ntitle: Home\nsummary: The home page.\n---\nWelcome home.\n",
		"content/a.md":       "---\ntitle: Page A\nsummary: A page.\n---\n\nVersion one of page A.\n\nSee [b](b.md).\n",
		"content/b.md":       "---\ntitle: Page B\nsummary: Another page.\n---\nPage B.\n",
		"data/contacts.yaml": "- id: mash\n  service: MASH\n",
	}
}

// testServer is a Server running on a real listener.
type testServer struct {
	*Server
	dir  string
	base string // "http://127.0.0.1:port"
}

func start(t testing.TB, dir string, opts Options, configure ...func(*Server)) *testServer {
	t.Helper()
	ts := run(t, dir, opts, configure...)
	for _, ch := range []<-chan struct{}{ts.Watching(), ts.firstBuilt} {
		select {
		case <-ch:
		case <-time.After(wait):
			t.Fatal("the server did not start watching and build")
		}
	}
	return ts
}

// run starts a Server on a real listener without waiting for its first
// build, and stops it when the test ends.
func run(t testing.TB, dir string, opts Options, configure ...func(*Server)) *testServer {
	t.Helper()
	opts.SiteDir = dir
	if opts.Log == nil {
		opts.Log = testLog{t}
	}
	s := New(opts)
	for _, f := range configure {
		f(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-stopped:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(wait):
			t.Errorf("Run did not stop")
		}
	})
	return &testServer{Server: s, dir: dir, base: "http://" + ln.Addr().String()}
}

type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func (ts *testServer) get(t testing.TB, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(ts.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// rawGet sends the request target exactly as given, so that nothing on
// the client side cleans it.
func (ts *testServer) rawGet(t testing.TB, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, strings.TrimPrefix(ts.base, "http://"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type event struct {
	name  string
	gen   uint64
	pages []string // the pages the build changed; nil: all
}

// events is a browser's reload stream.
type events struct{ ch chan event }

func (ts *testServer) events(t testing.TB) *events {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.base+EventsPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("event stream has Content-Type %q", ct)
	}
	ev := &events{ch: make(chan event, 100)}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				f := strings.Fields(strings.TrimPrefix(line, "data: "))
				gen, _ := strconv.ParseUint(f[0], 10, 64)
				var pages []string
				if len(f) > 1 {
					pages = f[1:]
				}
				ev.ch <- event{name, gen, pages}
			}
		}
	}()
	return ev
}

func (e *events) next(t testing.TB) event {
	t.Helper()
	select {
	case x := <-e.ch:
		return x
	case <-time.After(wait):
		t.Fatal("no event from the server")
		return event{}
	}
}

// reload waits for the reload event of a build after gen.
func (e *events) reload(t testing.TB, after uint64) event {
	t.Helper()
	for {
		x := e.next(t)
		if x.name == "reload" && x.gen > after {
			return x
		}
	}
}

func TestEditReloadsBrowsers(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	ev := ts.events(t)
	hello := ev.next(t)
	if hello.name != "hello" || hello.gen != 1 {
		t.Fatalf("first event = %+v, want hello 1", hello)
	}
	code, body := ts.get(t, "/a/")
	if code != 200 || !strings.Contains(body, "Version one") {
		t.Fatalf("GET /a/ = %d before the edit:\n%s", code, body)
	}
	if !strings.Contains(body, `<script src="/_handbook/livereload.js" data-gen="1" defer></script></head>`) {
		t.Errorf("the page has no reload script in its head:\n%s", body)
	}

	writeFiles(t, dir, map[string]string{"content/a.md": "---\ntitle: Page A\nsummary: A page.\n---\n\nVersion two of page A.\n"})
	gen := ev.reload(t, 1).gen
	_, body = ts.get(t, "/a/")
	if !strings.Contains(body, "Version two") {
		t.Errorf("after the edit, /a/ shows:\n%s", body)
	}
	if !strings.Contains(body, fmt.Sprintf(`data-gen="%d"`, gen)) {
		t.Errorf("the page does not carry build %d", gen)
	}
	if strings.Contains(body, "govuk-error-summary") {
		t.Errorf("an error panel is shown after a good build")
	}

	// The script is a file, served with the right type.
	resp, err := http.Get(ts.base + ReloadScriptPath)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(js), "EventSource") {
		t.Errorf("GET %s = %d %s", ReloadScriptPath, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if csp := resp.Header.Get("X-Content-Type-Options"); csp != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", csp)
	}
}

func TestBrokenBuildKeepsLastGoodSite(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	ev := ts.events(t)
	gen := ev.next(t).gen

	// A broken link: the old page stays, with the error panel.
	writeFiles(t, dir, map[string]string{"content/a.md": "---\ntitle: Page A\nsummary: A page.\n---\n\nVersion two.\n\nSee [gone](gone.md).\n"})
	gen = ev.reload(t, gen).gen
	for _, path := range []string{"/a/", "/", "/b/", "/no/such/page/"} {
		code, body := ts.get(t, path)
		if path != "/no/such/page/" && code != 200 {
			t.Errorf("GET %s = %d while the build is broken", path, code)
		}
		for _, want := range []string{
			`class="govuk-error-summary"`,
			"The site did not build: 1 error",
			`content/a.md:8</strong> link to &#34;gone.md&#34;: content/gone.md does not exist`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s does not show %q:\n%s", path, want, body)
			}
		}
	}
	if _, body := ts.get(t, "/a/"); !strings.Contains(body, "Version one") || strings.Contains(body, "Version two") {
		t.Errorf("the last good page A is not served:\n%s", body)
	}
	// The panel sits inside <main>, where the page's content starts.
	if _, body := ts.get(t, "/a/"); !strings.Contains(body, `id="main-content">`+"\n"+`<div class="govuk-error-summary"`) &&
		!strings.Contains(body, `id="main-content"><div class="govuk-error-summary"`) {
		t.Errorf("the panel is not at the start of <main>")
	}

	// Bad YAML: the panel names the file and line.
	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B\nsummary: [unclosed\n---\nPage B.\n"})
	gen = ev.reload(t, gen).gen
	if _, body := ts.get(t, "/b/"); !strings.Contains(body, "content/b.md:3</strong>") {
		t.Errorf("the panel does not point at content/b.md:3:\n%s", body)
	}

	// Fixing both clears the panel and shows the change.
	writeFiles(t, dir, map[string]string{
		"content/a.md": "---\ntitle: Page A\nsummary: A page.\n---\n\nVersion three.\n",
		"content/b.md": "---\ntitle: Page B\nsummary: B.\n---\nPage B.\n",
	})
	// The two writes may land in two batches: the first build after them
	// can still see b.md broken, and the next must not.
	for {
		gen = ev.reload(t, gen).gen
		code, body := ts.get(t, "/a/")
		if code == 200 && !strings.Contains(body, "govuk-error-summary") && strings.Contains(body, "Version three") {
			break
		}
		if !strings.Contains(body, "content/b.md:3") {
			t.Fatalf("after the fix, /a/ = %d:\n%s", code, body)
		}
	}
}

func TestFirstBuildFails(t *testing.T) {
	dir := t.TempDir()
	files := smallSite()
	files["content/a.md"] = "---\ntitle: [\n---\n"
	writeFiles(t, dir, files)
	ts := start(t, dir, Options{})
	ev := ts.events(t)
	gen := ev.next(t).gen
	code, body := ts.get(t, "/a/")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "content/a.md:2") || !strings.Contains(body, ReloadScriptPath) {
		t.Errorf("before anything built, GET /a/ = %d:\n%s", code, body)
	}
	writeFiles(t, dir, map[string]string{"content/a.md": "---\ntitle: Fixed\n---\nFixed page.\n"})
	ev.reload(t, gen)
	if code, body := ts.get(t, "/a/"); code != 200 || !strings.Contains(body, "Fixed page") {
		t.Errorf("after the fix, GET /a/ = %d:\n%s", code, body)
	}
}

func TestServesOnlyTheBuiltSite(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"secret.md": "---\ntitle: Secret\n---\nTOPSECRET\n", "dir/x.md": "TOPSECRET\n", "secret.txt": "TOPSECRET"})
	writeFiles(t, dir, smallSite())
	writeFiles(t, dir, map[string]string{"private.txt": "TOPSECRET"})
	for link, target := range map[string]string{
		"content/secret.md":  filepath.Join(outside, "secret.md"),
		"content/linked":     filepath.Join(outside, "dir"),
		"content/secret.txt": filepath.Join(outside, "secret.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("symbolic links: %v", err)
		}
	}
	ts := start(t, dir, Options{})
	for _, target := range []string{
		"/../private.txt",
		"/a/../../private.txt",
		"/%2e%2e/private.txt",
		"/%2E%2E/%2E%2E/etc/passwd",
		"/a/%2e%2e/%2e%2e/private.txt",
		"/..%2fprivate.txt",
		"/..%2Fprivate.txt",
		"/%2fetc/passwd",
		"//etc/passwd",
		"/a\\..\\..\\private.txt",
		"/..%5cprivate.txt",
		"/a/%00",
		"/private.txt",
		"/handbook.yaml",
		"/content/a.md",
		"/etc/passwd",
		"/secret/",
		"/secret.txt",
		"/linked/x/",
		"/./a/",
		"/a/./",
		ts.base + "/../private.txt",
		ts.base + "/%2e%2e/private.txt",
	} {
		code, body := ts.rawGet(t, target)
		if code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 404", target, code)
		}
		if strings.Contains(body, "TOPSECRET") {
			t.Errorf("GET %s leaked a file from outside the site", target)
		}
	}
	if code, body := ts.rawGet(t, "/../private.txt"); code != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Errorf("a refused path does not get the site's 404 page: %d\n%s", code, body)
	}
	// Ordinary addresses still work.
	for target, want := range map[string]int{"/a/": 200, "/a/index.html": 200, "/": 200, "/sitemap.xml": 200, "/a": 301} {
		if code, _ := ts.rawGet(t, target); code != want {
			t.Errorf("GET %s = %d, want %d", target, code, want)
		}
	}
}

func TestRefusesOtherMethodsAndHosts(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	resp, err := http.Post(ts.base+"/a/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d, want 405", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.base+"/a/", nil)
	req.Host = "attacker.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("GET with Host attacker.example = %d, want 403", resp.StatusCode)
	}
	req.Host = "localhost:1313"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET with Host localhost = %d, want 200", resp.StatusCode)
	}
}

func TestNewFolderIsWatched(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	ev := ts.events(t)
	gen := ev.next(t).gen

	writeFiles(t, dir, map[string]string{"content/new/deeper/p.md": "---\ntitle: P\n---\nFirst text.\n"})
	gen = ev.reload(t, gen).gen
	if code, body := ts.get(t, "/new/deeper/p/"); code != 200 || !strings.Contains(body, "First text") {
		// The folder may have been seen before the file was written.
		gen = ev.reload(t, gen).gen
		if code, body = ts.get(t, "/new/deeper/p/"); code != 200 || !strings.Contains(body, "First text") {
			t.Fatalf("GET /new/deeper/p/ = %d:\n%s", code, body)
		}
	}
	// A change inside the new folder is seen: it is watched.
	writeFiles(t, dir, map[string]string{"content/new/deeper/p.md": "---\ntitle: P\n---\nSecond text.\n"})
	for {
		gen = ev.reload(t, gen).gen
		if _, body := ts.get(t, "/new/deeper/p/"); strings.Contains(body, "Second text") {
			break
		}
	}
}

func TestAtomicSave(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	ts := start(t, dir, Options{})
	ev := ts.events(t)
	gen := ev.next(t).gen
	// What editors do: write a temp file, then rename it over the page.
	tmp := filepath.Join(dir, "content", ".a.md.swp")
	if err := os.WriteFile(tmp, []byte("---\ntitle: Page A\n---\nSaved atomically.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "content", "a.md")); err != nil {
		t.Fatal(err)
	}
	for {
		gen = ev.reload(t, gen).gen
		if _, body := ts.get(t, "/a/"); strings.Contains(body, "Saved atomically") {
			break
		}
	}
	// handbook.yaml is watched too.
	writeFiles(t, dir, map[string]string{"handbook.yaml": "title: Renamed partnership\n"})
	for {
		gen = ev.reload(t, gen).gen
		if _, body := ts.get(t, "/"); strings.Contains(body, "Renamed partnership") {
			break
		}
	}
}

func TestIgnoredNames(t *testing.T) {
	for name, ignored := range map[string]bool{
		"a.md": false, "_index.md": false, "contacts.yaml": false, "chart.png": false,
		"a.md~": true, ".a.md.swp": true, "a.md.swp": true, "4913": true, ".#a.md": true, "#a.md#": true,
		".goutputstream-XYZ12": true, "a.md___jb_tmp___": true, "a.md___jb_old___": true, ".DS_Store": true, "a.tmp": true,
	} {
		if got := ignoredName(name); got != ignored {
			t.Errorf("ignoredName(%q) = %v, want %v", name, got, ignored)
		}
	}
}

// stubServer is a Server whose builds are counted and reported on a
// channel, for testing the batching loop without a file system.
func stubServer(t *testing.T, debounce time.Duration) (*Server, chan uint64) {
	built := make(chan uint64, 100)
	var n atomic.Uint64
	count := func(build.Options) (*build.Result, error) {
		built <- n.Add(1)
		return &build.Result{Diags: &diag.List{}}, nil
	}
	return New(Options{SiteDir: t.TempDir(), Debounce: debounce, Log: testLog{t}, Build: count}), built
}

func waitBuild(t *testing.T, built chan uint64) uint64 {
	t.Helper()
	select {
	case n := <-built:
		return n
	case <-time.After(wait):
		t.Fatal("no rebuild")
		return 0
	}
}

func TestBurstRebuildsOnce(t *testing.T) {
	s, built := stubServer(t, 100*time.Millisecond)
	evs := make(chan fsnotify.Event)
	errs := make(chan error)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &watcher{root: s.opts.SiteDir, logf: s.logf}
	go s.loop(ctx, evs, errs, w)
	// A git checkout of 500 files.
	for i := range 500 {
		evs <- fsnotify.Event{Name: filepath.Join(s.opts.SiteDir, "content", fmt.Sprintf("p%d.md", i)), Op: fsnotify.Write}
	}
	if n := waitBuild(t, built); n != 1 {
		t.Fatalf("build %d", n)
	}
	// The next change is the second build: the burst made one.
	evs <- fsnotify.Event{Name: filepath.Join(s.opts.SiteDir, "content", "x.md"), Op: fsnotify.Write}
	if n := waitBuild(t, built); n != 2 {
		t.Errorf("the burst of 500 changes made %d builds, want 1", n-1)
	}
}

// TestWatcherIgnores checks the watcher's decision itself, event by event: a
// batch test cannot, since one relevant event in the same debounce window
// hides any number of wrongly relevant ones.
func TestWatcherIgnores(t *testing.T) {
	root := t.TempDir()
	w := &watcher{root: root, logf: t.Logf}
	cases := []struct {
		name     string
		op       fsnotify.Op
		relevant bool
	}{
		{"content/a.md", fsnotify.Write, true},
		{"content/sub/b.md", fsnotify.Create, true},
		{"data/contacts.yaml", fsnotify.Write, true},
		{"themes/default/page.html", fsnotify.Write, true},
		{"editions/2019/content/a.md", fsnotify.Write, true},
		{"handbook.yaml", fsnotify.Write, true},
		{"content/a.md", fsnotify.Remove, true},
		{"content/a.md", fsnotify.Chmod, false},
		{"content/.a.md.swp", fsnotify.Create, false},
		{"content/a.md~", fsnotify.Create, false},
		{"content/4913", fsnotify.Create, false},
		{"content/.goutputstream-XYZ", fsnotify.Create, false},
		{"content/a.md___jb_tmp___", fsnotify.Write, false},
		{"content/#a.md#", fsnotify.Write, false},
		{"README.md", fsnotify.Write, false},
		{"public/index.html", fsnotify.Create, false},
		{"public/a/index.html", fsnotify.Write, false},
		{".git/index.lock", fsnotify.Create, false},
		{"notes/todo.md", fsnotify.Write, false},
	}
	for _, c := range cases {
		ev := fsnotify.Event{Name: filepath.Join(root, filepath.FromSlash(c.name)), Op: c.op}
		if relevant, _ := w.classify(ev); relevant != c.relevant {
			t.Errorf("%s %v: relevant = %v, want %v", c.name, c.op, relevant, c.relevant)
		}
	}
}

func TestOverflowRebuilds(t *testing.T) {
	s, built := stubServer(t, 10*time.Millisecond)
	evs := make(chan fsnotify.Event)
	errs := make(chan error)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.loop(ctx, evs, errs, nil)
	errs <- fsnotify.ErrEventOverflow
	waitBuild(t, built)
}

func TestPanickingBuildDoesNotCrash(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	var broken atomic.Bool
	buildOrPanic := func(opts build.Options) (*build.Result, error) {
		if broken.Load() {
			panic("a bug in a stage")
		}
		return build.Build(opts)
	}
	s := New(Options{SiteDir: dir, Log: testLog{t}, Build: buildOrPanic})
	if info := s.Rebuild(); !info.OK {
		t.Fatalf("first build failed: %+v", info)
	}
	broken.Store(true)
	if info := s.Rebuild(); info.OK || info.Errors != 1 {
		t.Errorf("Rebuild after a panic = %+v", info)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := s.HTTPServer()
	go hs.Serve(ln)
	defer hs.Close()
	resp, err := http.Get("http://" + ln.Addr().String() + "/a/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "internal error while building") || !strings.Contains(string(body), "Version one") {
		t.Errorf("after a panic, GET /a/ = %d:\n%s", resp.StatusCode, body)
	}
}

// The site is served before its search index is ready: until then the
// search page says the index is being made, and once it is, the browsers
// on the search page reload and it answers. Each build gets a new index.
func TestSearchHook(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	var closed atomic.Int32
	gate := make(chan struct{})
	search := func(src SearchSource) (http.Handler, func(), error) {
		<-gate
		if _, ok := File(src.Files, "a/index.html"); !ok || len(src.Docs) == 0 {
			t.Errorf("the search hook does not get the built site")
		}
		version := ""
		for _, d := range src.Docs {
			if strings.HasSuffix(d.URL, "/a/") {
				version = d.Title
			}
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/search.json" {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `[{"title":"A"}]`)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!DOCTYPE html><html><head><title>Search</title></head><body><main>Results for "+r.URL.Query().Get("q")+" in "+version+"</main></body></html>")
		}), func() { closed.Add(1) }, nil
	}
	ts := start(t, dir, Options{Search: search})
	ev := ts.events(t)
	gen := ev.next(t).gen

	if code, body := ts.get(t, "/a/"); code != 200 || !strings.Contains(body, "Version one") {
		t.Fatalf("the site is not served while its index is made: GET /a/ = %d:\n%s", code, body)
	}
	code, body := ts.get(t, "/search?q=neglect")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "still being made") || !strings.Contains(body, `value="neglect"`) || !strings.Contains(body, ReloadScriptPath) {
		t.Errorf("GET /search before the index is ready = %d:\n%s", code, body)
	}
	if code, body := ts.get(t, "/search.json?q=neglect"); code != http.StatusServiceUnavailable || !strings.Contains(body, "still being made") {
		t.Errorf("GET /search.json before the index is ready = %d %s", code, body)
	}

	close(gate)
	x := ev.reload(t, gen)
	if !slices.Contains(x.pages, "/search") {
		t.Errorf("when the index is ready the event names %v; want the search page", x.pages)
	}
	code, body = ts.get(t, "/search?q=neglect")
	if code != 200 || !strings.Contains(body, "Results for neglect in Page A") || !strings.Contains(body, ReloadScriptPath) {
		t.Errorf("GET /search = %d:\n%s", code, body)
	}
	if code, body := ts.get(t, "/search.json?q=neglect"); code != 200 || body != `[{"title":"A"}]` {
		t.Errorf("GET /search.json = %d %s", code, body)
	}

	// After an edit the search is made again from the new site.
	writeFiles(t, dir, map[string]string{"content/a.md": "---\ntitle: Page A two\n---\nText.\n"})
	for {
		x = ev.reload(t, x.gen)
		if _, body := ts.get(t, "/search?q=x"); strings.Contains(body, "in Page A two") {
			break
		}
	}
}

func TestSitePathRefusesEscapes(t *testing.T) {
	for _, tt := range []struct{ escaped, decoded, want string }{
		{"/", "/", "index.html"},
		{"/a/", "/a/", "a/index.html"},
		{"/assets/x/css/a.css", "/assets/x/css/a.css", "assets/x/css/a.css"},
		{"/a%20b/", "/a b/", "a b/index.html"},
		{"/../x", "/../x", ""},
		{"/%2e%2e/x", "/../x", ""},
		{"/a%2fb", "/a/b", ""},
		{"//x", "//x", ""},
		{"/a//b", "/a//b", ""},
		{"/a\\b", "/a\\b", ""},
		{"x", "x", ""},
		{"/.", "/.", ""},
	} {
		got, ok := sitePath(tt.escaped, tt.decoded)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("sitePath(%q) = %q, %v; want %q", tt.escaped, got, ok, tt.want)
		}
	}
}

// An edit of a page's Markdown is patched in: only that page's browsers
// reload, at once, and the whole build that follows changes nothing more.
func TestMarkdownEditPatchesOnePage(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	builds := make(chan BuildInfo, 10)
	// While held, whole builds wait for release: a reload that arrives
	// then was patched in.
	var held atomic.Bool
	release := make(chan struct{})
	holdable := func(opts build.Options) (*build.Result, error) {
		if held.Load() {
			<-release
		}
		return build.Build(opts)
	}
	ts := start(t, dir, Options{OnBuild: func(i BuildInfo) { builds <- i }, Build: holdable})
	<-builds // the first build
	ev := ts.events(t)
	gen := ev.next(t).gen

	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B\nsummary: Another page.\n---\nPage B, edited.\n"})
	x := ev.next(t)
	if x.name != "reload" || x.gen <= gen || !slices.Equal(x.pages, []string{"/b/"}) {
		t.Fatalf("after a Markdown edit of b.md the event is %+v; want a reload of /b/ only", x)
	}
	if _, body := ts.get(t, "/b/"); !strings.Contains(body, "Page B, edited.") {
		t.Errorf("/b/ does not show the edit:\n%s", body)
	}
	if info := <-builds; !info.OK || info.Gen != x.gen {
		t.Errorf("the whole build after the patch: %+v; want build %d unchanged, as the patch left it", info, x.gen)
	}

	// So is an edit of front matter no other page shows.
	held.Store(true)
	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B\nsummary: Another page.\nowner: The safeguarding unit\n---\nPage B, edited.\n"})
	x2 := ev.next(t)
	if x2.name != "reload" || x2.gen <= x.gen || !slices.Equal(x2.pages, []string{"/b/"}) {
		t.Fatalf("after a front matter edit of b.md the event is %+v; want a reload of /b/ only", x2)
	}
	if _, body := ts.get(t, "/b/"); !strings.Contains(body, "The safeguarding unit") {
		t.Errorf("/b/ does not show the new owner:\n%s", body)
	}
	held.Store(false)
	close(release)
	if info := <-builds; !info.OK || info.Gen != x2.gen {
		t.Errorf("the whole build after the patch: %+v; want build %d unchanged, as the patch left it", info, x2.gen)
	}
	x = x2

	// A title shows on other pages: a whole build, and every page that
	// shows it reloads.
	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B renamed\nsummary: Another page.\n---\nPage B, edited.\n"})
	y := ev.reload(t, x.gen)
	if !slices.Contains(y.pages, "/b/") || len(y.pages) < 2 {
		t.Errorf("after a title change the event names %v; want /b/ and the pages that list it", y.pages)
	}
	if _, body := ts.get(t, "/b/"); !strings.Contains(body, "Page B renamed") {
		t.Errorf("/b/ does not show the new title:\n%s", body)
	}
	<-builds

	// A broken link is not patched in: the build fails and every page
	// shows the error.
	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B renamed\nsummary: Another page.\n---\nSee [nothing](missing.md).\n"})
	z := ev.reload(t, y.gen)
	if z.pages != nil {
		t.Errorf("a build that failed reloads only %v; want every page", z.pages)
	}
	if _, body := ts.get(t, "/a/"); !strings.Contains(body, "missing.md") || !strings.Contains(body, "govuk-error-summary") {
		t.Errorf("/a/ does not show the error:\n%s", body)
	}
	if _, body := ts.get(t, "/b/"); !strings.Contains(body, "Page B, edited.") {
		t.Errorf("/b/ is not the last version that built:\n%s", body)
	}
}

// At start-up the pages are served as soon as the model is ready, rendered
// one by one, while the whole site renders; what only the whole build
// makes waits for it, and browsers do not reload when it arrives.
func TestServesPagesBeforeTheSiteIsRendered(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, smallSite())
	modelReady, release := make(chan struct{}), make(chan struct{})
	slowRender := func(opts build.Options) (*build.Result, error) {
		if show := opts.OnModel; show != nil {
			opts.OnModel = func(r *build.Result) {
				show(r)
				close(modelReady)
				<-release // the pages are rendering
			}
		}
		return build.Build(opts)
	}
	ts := run(t, dir, Options{Build: slowRender})
	select {
	case <-modelReady:
	case <-time.After(wait):
		t.Fatal("the model was never ready")
	}
	ev := ts.events(t)
	hello := ev.next(t)

	early := map[string]string{}
	for _, p := range []string{"/a/", "/"} {
		code, body := ts.get(t, p)
		if code != 200 {
			t.Fatalf("GET %s while the site renders = %d:\n%s", p, code, body)
		}
		early[p] = body
	}
	if !strings.Contains(early["/a/"], "Version one of page A") || !strings.Contains(early["/a/"], ReloadScriptPath) {
		t.Errorf("/a/ while the site renders:\n%s", early["/a/"])
	}
	// The feed is made by the whole build only: its request waits.
	feed := make(chan int, 1)
	go func() { code, _ := ts.get(t, "/sitemap.xml"); feed <- code }()
	select {
	case code := <-feed:
		t.Fatalf("GET /sitemap.xml answered %d before the whole build", code)
	default:
	}
	close(release)
	<-ts.firstBuilt
	if code := <-feed; code != 200 {
		t.Errorf("GET /sitemap.xml after the whole build = %d", code)
	}
	for p, body := range early {
		if _, now := ts.get(t, p); now != body {
			t.Errorf("%s from the model differs from the whole build's:\n%s\n---\n%s", p, body, now)
		}
	}
	// No reload: the pages shown were already the site's.
	writeFiles(t, dir, map[string]string{"content/b.md": "---\ntitle: Page B\nsummary: Another page.\n---\nPage B, edited.\n"})
	if x := ev.reload(t, hello.gen); !slices.Equal(x.pages, []string{"/b/"}) {
		t.Errorf("the first event after start-up is %+v; want the edit of /b/ only", x)
	}
}
