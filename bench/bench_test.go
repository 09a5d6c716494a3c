package bench

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rscp/handbook/bench/corpus"
	"github.com/rscp/handbook/build"
	"github.com/rscp/handbook/build/history"
	"github.com/rscp/handbook/build/output"
	"github.com/rscp/handbook/build/render"
	"github.com/rscp/handbook/build/searchdocs"
	"github.com/rscp/handbook/build/site"
	"github.com/rscp/handbook/build/source"
	"github.com/rscp/handbook/internal/cpuclock"

	"github.com/rscp/handbook/search"
	"github.com/rscp/handbook/themes"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusErr  error
)

// benchSite generates the corpus once per test binary, in a temporary folder
// removed by TestMain.
func benchSite(b *testing.B) string {
	b.Helper()
	corpusOnce.Do(func() {
		n := 2000
		if v, err := strconv.Atoi(os.Getenv("HANDBOOK_BENCH_PAGES")); err == nil && v > 0 {
			n = v
		}
		corpusDir, corpusErr = os.MkdirTemp("", "handbook-bench-")
		if corpusErr == nil {
			corpusErr = corpus.Generate(filepath.Join(corpusDir, "site"), n)
		}
		if corpusErr == nil {
			// A real site lives in git: commit the corpus so that the build
			// reads its history as it would in production.
			corpusErr = corpus.Commit(filepath.Join(corpusDir, "site"))
		}
	})
	if corpusErr != nil {
		b.Fatal(corpusErr)
	}
	return filepath.Join(corpusDir, "site")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(corpusDir)
	}
	os.Exit(code)
}

func load(b *testing.B, fsys fs.FS) *site.Input {
	in, diags := source.Load(fsys)
	if err := diags.Err(); err != nil {
		b.Fatal(err)
	}
	return in
}

func model(b *testing.B, in *site.Input) *site.Site {
	s, diags := site.New(in, site.Options{})
	if err := diags.Err(); err != nil {
		b.Fatal(err)
	}
	return s
}

func theme(b *testing.B) *render.Theme {
	t, err := render.LoadTheme(themes.Default())
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// BenchmarkParse is the source stage: read every file, decode front matter,
// parse Markdown.
func BenchmarkParse(b *testing.B) {
	fsys := os.DirFS(benchSite(b))
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		load(b, fsys)
	}
}

// BenchmarkParseSequential is BenchmarkParse on one processor, to show
// what reading files in parallel gives.
func BenchmarkParseSequential(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	BenchmarkParse(b)
}

// BenchmarkModel is the site stage: tree, references, links, acronyms.
func BenchmarkModel(b *testing.B) {
	fsys := os.DirFS(benchSite(b))
	b.ReportAllocs()
	var cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		in := load(b, fsys) // the model changes the pages: start afresh
		start := cpuclock.Used()
		b.StartTimer()
		model(b, in)
		cpu += cpuclock.Used() - start
	}
	b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkRender is the render stage: every page through the templates.
func BenchmarkRender(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	t := theme(b)
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		if _, err := renderSite(t, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite is the output stage: write every file into a fresh folder
// and swap it in, replacing the previous build.
func BenchmarkWrite(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	files, err := renderSite(theme(b), s)
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		if err := output.WriteDir(out, files); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchIndex is the search stage: the bleve index of every page.
func BenchmarkSearchIndex(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	docs := searchdocs.Docs(s)
	var syns []search.Synonym
	for _, t := range s.Glossary {
		syns = append(syns, search.Synonym{Acronym: t.Acronym, Term: t.Term, Aliases: t.Aliases})
	}
	tmp := b.TempDir()
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	i := 0
	for b.Loop() {
		i++
		if err := search.Build(filepath.Join(tmp, strconv.Itoa(i)), docs, syns); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStaticSearch is the static search data (search.Static) made
// from a built index, as `handbook build` makes it after the index: its
// share of BenchmarkBuild is what publishing the static search costs.
func BenchmarkStaticSearch(b *testing.B) {
	s := model(b, load(b, os.DirFS(benchSite(b))))
	dir := filepath.Join(b.TempDir(), "index")
	if err := search.Build(dir, searchdocs.Docs(s), searchdocs.Synonyms(s)); err != nil {
		b.Fatal(err)
	}
	var files []search.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files = append(files, search.File{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		out, err := search.Static(files)
		if err != nil {
			b.Fatal(err)
		}
		size := 0
		for _, f := range out {
			size += len(f.Data)
		}
		b.ReportMetric(float64(size), "bytes")
		b.ReportMetric(float64(len(out)), "files")
	}
}

// BenchmarkHistory is the git stage: one log of the whole repository.
func BenchmarkHistory(b *testing.B) {
	dir := benchSite(b)
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		b.Skip("git is not installed")
	}
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		if _, err := history.Load(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild is the whole build, as "handbook build" runs it.
func BenchmarkBuild(b *testing.B) {
	dir := benchSite(b)
	out := filepath.Join(b.TempDir(), "public")
	b.ReportAllocs()
	defer cpuclock.Report(b)()
	for b.Loop() {
		if _, err := build.BuildTo(context.Background(), build.Options{SiteDir: dir}, out); err != nil {
			b.Fatal(err)
		}
	}
}
