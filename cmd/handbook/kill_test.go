package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// killPages is the size of the generated site: big enough that a build
// takes a few seconds, so that it can be stopped half-way.
const killPages = 1200

// TestKilledBuildKeepsPreviousSite builds a large site, then starts builds
// of a changed version and stops them half-way: with SIGKILL while the
// site is built in memory, with SIGKILL while the output is being written,
// and with SIGINT (Ctrl+C). Each time the previous site must be intact,
// file for file. A build that finishes afterwards must replace it whole and
// leave no temporary folder behind.
func TestKilledBuildKeepsPreviousSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large site several times")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	site, out := filepath.Join(dir, "site"), filepath.Join(dir, "public")
	generateSite(t, site, killPages, "first")

	start := time.Now()
	fullCPU := runBuild(t, bin, site, out, 0)
	full := time.Since(start)
	before := manifest(t, out)
	t.Logf("a full build of %d pages takes %s (%d files)", killPages, full.Round(time.Millisecond), len(before))

	generateSite(t, site, killPages, "second")
	// The files of the second version, built alone: its words differ, so
	// its static search files may too.
	second := filepath.Join(dir, "second-alone")
	if b, err := exec.Command(bin, "build", "-s", site, "-o", second).CombinedOutput(); err != nil {
		t.Fatalf("the second version alone: %v\n%s", err, b)
	}
	want := manifest(t, second)
	// Each build is stopped half-way or once it has begun writing pages
	// (it writes them as they render, into a folder beside the output):
	// the previous site must stay as it was. Then a build left to finish
	// must leave the new site whole and clean up what the stopped builds
	// left.
	early := func(*exec.Cmd) { time.Sleep(full / 4) }
	writing := func(*exec.Cmd) { waitForTemp(t, dir, 3*full) }
	stops := []struct {
		name string
		sig  syscall.Signal
		when func(cmd *exec.Cmd) // returns when the signal is to be sent
	}{
		{"SIGKILL half-way", syscall.SIGKILL, early},
		{"SIGKILL while writing", syscall.SIGKILL, writing},
		{"SIGINT half-way", syscall.SIGINT, early},
		{"SIGINT while writing", syscall.SIGINT, writing},
	}
	for _, s := range stops {
		cmd := exec.Command(bin, "build", "-s", site, "-o", out)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		s.when(cmd)
		sent := time.Now()
		_ = cmd.Process.Signal(s.sig)
		_ = cmd.Wait()
		took := time.Since(sent)
		code := cmd.ProcessState.ExitCode()
		after := manifest(t, out)
		if s.sig == syscall.SIGINT {
			if code != 1 || !strings.Contains(stderr.String(), "build interrupted: "+out+" was not changed") {
				t.Errorf("%s: exit %d, stderr:\n%s", s.name, code, stderr.String())
			}
			// A build that went on to the end after Ctrl+C would use a whole
			// build's CPU time; CPU time, unlike the wall clock, does not
			// grow when other processes load the machine.
			if cpu := cpuTime(cmd); cpu >= fullCPU {
				t.Errorf("%s: the build used %s of CPU, as much as a whole build (%s): it did not stop at Ctrl+C",
					s.name, cpu.Round(time.Millisecond), fullCPU.Round(time.Millisecond))
			}
		}
		if diff := compare(before, after); diff != "" {
			t.Errorf("%s: the previous site changed: %s", s.name, diff)
		}
		t.Logf("%s: stopped in %s with exit %d; previous site intact", s.name, took.Round(time.Millisecond), code)
	}
	if stray, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*")); len(stray) == 0 {
		t.Errorf("no stopped build left its temporary folder, so the cleanup below tests nothing")
	}
	if b, err := exec.Command(bin, "build", "-s", site, "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("the build after the stopped ones: %v\n%s", err, b)
	}
	if siteVersion(t, out, killPages) != "second" || !samePaths(want, manifest(t, out)) {
		t.Errorf("the build after the stopped ones did not leave the new site whole")
	}
	if stray, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*")); len(stray) > 0 {
		t.Errorf("temporary folders left after the build: %v", stray)
	}
}

// TestConcurrentBuildsSameOutput runs two builds of different versions of
// a site into one output folder at the same time, twice: the result must be
// one of the two sites, complete, never a mixture, and no temporary folder
// is left.
func TestConcurrentBuildsSameOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large site several times")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	sites := map[string]string{}
	for _, v := range []string{"left", "right"} {
		sites[v] = filepath.Join(dir, "site-"+v)
		generateSite(t, sites[v], killPages/2, v)
	}
	// The files of each version built alone: the two versions differ in a
	// word, so their static search files may differ too.
	reference := map[string]map[string][32]byte{}
	for v, site := range sites {
		alone := filepath.Join(dir, "alone-"+v)
		if out, err := exec.Command(bin, "build", "-s", site, "-o", alone).CombinedOutput(); err != nil {
			t.Fatalf("build of %s alone: %v\n%s", v, err, out)
		}
		reference[v] = manifest(t, alone)
	}
	for round := range 2 {
		var wg sync.WaitGroup
		codes := map[string]int{}
		var mu sync.Mutex
		for v, site := range sites {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cmd := exec.Command(bin, "build", "-s", site, "-o", out)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				_ = cmd.Run()
				mu.Lock()
				codes[v] = cmd.ProcessState.ExitCode()
				mu.Unlock()
				if cmd.ProcessState.ExitCode() != 0 {
					t.Errorf("round %d, build of %s: exit %d\n%s", round, v, cmd.ProcessState.ExitCode(), stderr.String())
				}
			}()
		}
		wg.Wait()
		m := manifest(t, out)
		if v := siteVersion(t, out, killPages/2); v != "left" && v != "right" || !samePaths(reference[v], m) {
			t.Errorf("round %d: the output is neither site whole (%d files, version %q)", round, len(m), v)
		}
		if stray, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*")); len(stray) > 0 {
			t.Errorf("round %d: temporary folders left: %v", round, stray)
		}
	}
}

// generateSite writes a site of n pages into dir, replacing what was there.
// Every page says which version it is, so that a mixture of two builds
// shows.
func generateSite(t *testing.T, dir string, n int, version string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "handbook.yaml"), []byte("title: Load partnership\n"))
	writeFile(t, filepath.Join(dir, "data/contacts.yaml"), []byte("- id: mash\n  service: MASH\n  phone: unknown\n"))
	para := strings.Repeat("Practitioners share information with the partnership when a child may be at risk of harm. ", 6)
	for s := range 20 {
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/section-%02d/_index.md", s)),
			[]byte(fmt.Sprintf("---\ntitle: Section %d\nsummary: Pages of section %d.\n---\nVersion %s.\n", s, s, version)))
	}
	for i := range n {
		s := i % 20
		body := fmt.Sprintf("---\ntitle: Page %d\nsummary: Page %d of the %s version.\n---\n# Page %d\n\nVersion %s.\n\n## Stage one\n\n%s\n\n## Stage two\n\n%s See [a page in the same section](page-%04d.md#stage-one) and [MASH](contact:mash).\n",
			i, i, version, i, version, para, para, (i+20)%n)
		writeFile(t, filepath.Join(dir, fmt.Sprintf("content/section-%02d/page-%04d.md", s, i)), []byte(body))
	}
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "handbook")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runBuild(t *testing.T, bin, site, out string, want int) (cpu time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, "build", "-s", site, "-o", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != want {
		t.Fatalf("build: exit %d, want %d\n%s", code, want, stderr.String())
	}
	return cpuTime(cmd)
}

// cpuTime is the user and system CPU time a finished command used.
func cpuTime(cmd *exec.Cmd) time.Duration {
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// waitForTemp returns once a build has started writing a new temporary
// folder in dir (one that a killed build left does not count).
func waitForTemp(t *testing.T, dir string, limit time.Duration) {
	t.Helper()
	old := map[string]bool{}
	stale, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*"))
	for _, p := range stale {
		old[p] = true
	}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(dir, ".handbook-tmp-*"))
		for _, p := range m {
			if !old[p] {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("the build never started writing")
}

// manifest maps every file under dir to a hash of its contents.
func manifest(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	m := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = sha256.Sum256(b)
		return nil
	})
	if err != nil {
		t.Fatalf("reading %s: %v", dir, err)
	}
	return m
}

// compare describes how after differs from before, or returns "".
func compare(before, after map[string][32]byte) string {
	var missing, changed, added int
	for p, h := range before {
		if a, ok := after[p]; !ok {
			missing++
		} else if a != h {
			changed++
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			added++
		}
	}
	if missing+changed+added == 0 {
		return ""
	}
	return fmt.Sprintf("%d files missing, %d changed, %d added", missing, changed, added)
}

// siteVersion reads every generated page of the site in dir and returns
// the version they all show, or "" when a page is missing or the pages
// show different versions (a mixture of two builds).
func siteVersion(t *testing.T, dir string, n int) string {
	t.Helper()
	version := ""
	for i := range n {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("section-%02d/page-%04d/index.html", i%20, i)))
		if err != nil {
			t.Logf("page %d: %v", i, err)
			return ""
		}
		_, rest, ok := bytes.Cut(b, []byte("Version "))
		v, _, ok2 := bytes.Cut(rest, []byte("."))
		if !ok || !ok2 || version != "" && string(v) != version {
			t.Logf("page %d shows version %q, others %q", i, v, version)
			return ""
		}
		version = string(v)
	}
	return version
}

// samePaths reports whether two sites have the same files.
func samePaths(a, b map[string][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p := range a {
		if _, ok := b[p]; !ok {
			return false
		}
	}
	return true
}
