package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

var tempDirs []string

func mkTemp(prefix string) (string, error) {
	d, err := os.MkdirTemp("", prefix)
	if err == nil {
		tempDirs = append(tempDirs, d)
	}
	return d, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if testIndex != nil {
		_ = testIndex.Close()
	}
	for _, d := range tempDirs {
		_ = os.RemoveAll(d)
	}
	os.Exit(code)
}

func search(t *testing.T, q Query) []Result {
	t.Helper()
	res, err := sharedIndex(t).Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func urls(res []Result) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.URL
	}
	return out
}

func pageOf(u string) string { p, _, _ := strings.Cut(u, "#"); return p }

func TestSearchFinds(t *testing.T) {
	tests := []struct {
		name  string
		q     Query
		first string   // URL (page part) expected first
		has   []string // page URLs expected somewhere
		not   []string // page URLs that must not appear
	}{
		{name: "stemming escalate", q: Query{Text: "escalate"}, first: "/procedures/escalation/"},
		{name: "stemming escalating", q: Query{Text: "escalating"}, first: "/procedures/escalation/"},
		{name: "stemming escalations", q: Query{Text: "Escalations"}, has: []string{"/procedures/escalation/", "/reports/annual-report-2024/"}},
		{name: "acronym to term", q: Query{Text: "CSE"}, first: "/procedures/child-sexual-exploitation/"},
		{name: "acronym lower case", q: Query{Text: "cse"}, first: "/procedures/child-sexual-exploitation/"},
		{name: "term to acronym page", q: Query{Text: "local authority designated officer"}, first: "/procedures/lado/"},
		{name: "acronym LADO", q: Query{Text: "LADO"}, first: "/procedures/lado/"},
		{name: "alias to term", q: Query{Text: "missing from education"}, first: "/procedures/children-missing-education/"},
		{name: "CME acronym", q: Query{Text: "CME"}, first: "/procedures/children-missing-education/"},
		{name: "CCE not CSE", q: Query{Text: "CCE"}, first: "/procedures/child-criminal-exploitation/", not: []string{"/procedures/child-sexual-exploitation/"}},
		{name: "typo escalaton", q: Query{Text: "escalaton"}, first: "/procedures/escalation/"},
		{name: "typo exploitaton", q: Query{Text: "exploitaton"}, has: []string{"/procedures/child-sexual-exploitation/", "/procedures/child-criminal-exploitation/"}},
		{name: "typo with exact word", q: Query{Text: "neglcet briefing"}, first: "/briefings/neglect/"},
		{name: "level 3", q: Query{Text: "level 3"}, first: "/thresholds/level-3/"},
		{name: "Level 4 capitalised", q: Query{Text: "Level 4"}, first: "/thresholds/level-4/"},
		{name: "level3 joined", q: Query{Text: "level3"}, first: "/thresholds/level-3/"},
		{name: "level with words", q: Query{Text: "level 2 early help"}, first: "/thresholds/level-2/"},
		{name: "type filter", q: Query{Text: "exploitation", Type: "procedure"}, has: []string{"/procedures/child-sexual-exploitation/"}},
		{name: "type filter excludes", q: Query{Text: "escalation", Type: "report"}, first: "/reports/annual-report-2024/", not: []string{"/procedures/escalation/"}},
		{name: "phrase", q: Query{Text: `"return interview"`}, first: "/procedures/missing-from-home/"},
		{name: "exclude word", q: Query{Text: "exploitation -criminal"}, has: []string{"/procedures/child-sexual-exploitation/"}, not: []string{"/procedures/child-criminal-exploitation/"}},
		{name: "exclude phrase", q: Query{Text: `exploitation -"county lines"`}, has: []string{"/procedures/child-sexual-exploitation/"}, not: []string{"/procedures/child-criminal-exploitation/"}},
		{name: "or fallback", q: Query{Text: "neglect zzzzqqq"}, first: "/briefings/neglect/"},
		{name: "unbalanced quote", q: Query{Text: `"section 47`}, first: "/thresholds/level-4/"},
		{name: "section 47", q: Query{Text: "section 47"}, first: "/thresholds/level-4/"},
		{name: "curly quotes", q: Query{Text: "“home education”"}, first: "/procedures/children-missing-education/"},
		{name: "EHE", q: Query{Text: "EHE"}, first: "/procedures/children-missing-education/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := search(t, tt.q)
			got := urls(res)
			if tt.first != "" && (len(res) == 0 || pageOf(res[0].URL) != tt.first) {
				t.Errorf("first = %v, want %s", got, tt.first)
			}
			for _, w := range tt.has {
				found := false
				for _, u := range got {
					found = found || pageOf(u) == w
				}
				if !found {
					t.Errorf("results %v lack %s", got, w)
				}
			}
			for _, w := range tt.not {
				for _, u := range got {
					if pageOf(u) == w {
						t.Errorf("results %v include %s", got, w)
					}
				}
			}
			if tt.q.Type != "" {
				for _, r := range res {
					if r.Type != tt.q.Type {
						t.Errorf("result %s has type %s, want %s", r.URL, r.Type, tt.q.Type)
					}
				}
			}
		})
	}
}

func TestSynonymsBothWays(t *testing.T) {
	// "child sexual exploitation" finds the page, and so does "CSE": the
	// page that only says the acronym must be found by the term too.
	docs := []Doc{
		{URL: "/a/", Title: "Screening tool", Type: "page", Body: "Use the CSE screening tool for every referral."},
		{URL: "/b/", Title: "Risks", Type: "page", Body: "Child sexual exploitation is a form of abuse."},
	}
	ix := indexOf(t, docs, testSynonyms())
	for _, q := range []string{"CSE", "child sexual exploitation"} {
		res, err := ix.Search(context.Background(), Query{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 2 {
			t.Errorf("%q: got %v, want both pages", q, urls(res))
		}
	}
}

func TestFuzzyOnlyLongWords(t *testing.T) {
	tests := []struct {
		q    string
		want bool
	}{
		{"escalaton", true},   // 9 letters, one deletion
		{"esclation", true},   // one deletion elsewhere
		{"negelct", true},     // a transposition counts as one edit
		{"nelgcet", false},    // two edits
		{"neglet", true},      // 6 letters, one deletion
		{"LAOD", false},       // 4 letters: no typo tolerance
		{"lado", true},        // exact acronym
		{"gofts", true},       // 5 letters, one edit from "gifts"
		{"escalationn", true}, // one insertion
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := search(t, Query{Text: tt.q})
			if got := len(res) > 0; got != tt.want {
				t.Errorf("%q: found=%v (%v), want %v", tt.q, got, urls(res), tt.want)
			}
		})
	}
	// A 4-letter word one edit from an indexed word must not match it.
	if res := search(t, Query{Text: "gilt"}); len(res) != 0 {
		t.Errorf("gilt: %v, want nothing (gift is only one edit away but too short)", urls(res))
	}
}

func TestExactRanksAboveFuzzy(t *testing.T) {
	docs := []Doc{
		{URL: "/fuzzy/", Title: "Neglected gardens", Type: "page", Body: "The neglects of parks."},
		{URL: "/exact/", Title: "Other", Type: "page", Body: "Planning meetings happen monthly."},
		{URL: "/fuzzy2/", Title: "Planing wood", Type: "page", Body: "Planing planing planing the planks."},
	}
	ix := indexOf(t, docs, nil)
	res, err := ix.Search(context.Background(), Query{Text: "planning"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || res[0].URL != "/exact/" {
		t.Fatalf("planning: got %v, want /exact/ first", urls(res))
	}
	res, err = ix.Search(context.Background(), Query{Text: "plannning"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) == 0 || res[0].URL != "/exact/" {
		t.Fatalf("plannning (typo): got %v, want /exact/", urls(res))
	}
}

func TestSectionAnchors(t *testing.T) {
	tests := []struct {
		q, want, title string
	}{
		{"stage 2", "/procedures/escalation/#stage-2", "Escalation and resolving professional disagreements: Stage 2: managers discuss"},
		{"escalation stage 3", "/procedures/escalation/#stage-3", ""},
		{"return interview", "/procedures/missing-from-home/#return-interview", ""},
		{"elective home education", "/procedures/children-missing-education/#elective-home-education", ""},
		{"escalation", "/procedures/escalation/", "Escalation and resolving professional disagreements"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := search(t, Query{Text: tt.q})
			if len(res) == 0 || res[0].URL != tt.want {
				t.Fatalf("got %v, want %s first", urls(res), tt.want)
			}
			if tt.title != "" && res[0].Title != tt.title {
				t.Errorf("title = %q, want %q", res[0].Title, tt.title)
			}
			seen := map[string]bool{}
			for _, r := range res {
				p := pageOf(r.URL)
				if seen[p] {
					t.Errorf("page %s appears twice in %v", p, urls(res))
				}
				seen[p] = true
			}
		})
	}
}

func TestSnippets(t *testing.T) {
	res := search(t, Query{Text: "data protection"})
	if len(res) == 0 {
		t.Fatal("no results")
	}
	s := res[0].Snippet
	if !strings.Contains(s, "<mark>protection</mark>") {
		t.Errorf("snippet %q lacks marked match", s)
	}
	if strings.Contains(s, "<data>") || strings.Contains(s, "& ") {
		t.Errorf("snippet %q not escaped", s)
	}
	if strings.Count(s, "<") != strings.Count(s, "<mark>")+strings.Count(s, "</mark>") {
		t.Errorf("snippet %q has tags other than mark", s)
	}
	// Fuzzy matches are marked too.
	res = search(t, Query{Text: "disagrements"})
	if len(res) == 0 || !strings.Contains(res[0].Snippet, "<mark>disagreements</mark>") {
		t.Errorf("typo snippet: %+v", res)
	}
	// Escaped summary when the body has nothing to mark.
	res = search(t, Query{Text: "script"})
	for _, r := range res {
		if strings.Contains(r.Snippet, "<script") {
			t.Errorf("unescaped snippet %q", r.Snippet)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	ix := sharedIndex(t)
	tests := []struct{ name, q, typ string }{
		{"empty", "", ""},
		{"spaces", "   \t ", ""},
		{"too long", strings.Repeat("a", MaxQueryLen+1), ""},
		{"only exclusions", "-neglect -abuse", ""},
		{"lone operators", `- + " "`, ""},
		{"only stop words", "the of and", ""},
		{"only symbols", "*** ??? !!!", ""},
		{"control characters", "\x00\x01\x02", ""},
		{"invalid utf8 only", "\xff\xfe", ""},
		{"bad type", "neglect", "video"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), Query{Text: tt.q, Type: tt.typ})
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Message == "" {
				t.Fatalf("err = %v, want *QueryError", err)
			}
		})
	}
	// Odd but searchable input falls back to plain words.
	for _, q := range []string{`neglect"`, "neg\x00lect neglect", "neglect \xff", `""neglect`, "-- neglect", "neglect AND OR NOT (", "(neglect)", "neglect*", "title:neglect", strings.Repeat("a", MaxQueryLen)} {
		if _, err := ix.Search(context.Background(), Query{Text: q}); err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Errorf("%q: non-query error %v", q, err)
			}
		}
	}
	if res, err := ix.Search(context.Background(), Query{Text: `neglect"`}); err != nil || len(res) == 0 {
		t.Errorf(`neglect": %v %v`, res, err)
	}
}

func TestLimit(t *testing.T) {
	res := search(t, Query{Text: "children", Limit: 2})
	if len(res) != 2 {
		t.Errorf("got %d results, want 2", len(res))
	}
	if _, err := sharedIndex(t).Search(context.Background(), Query{Text: "children", Limit: 500}); err == nil {
		t.Error("limit 500 accepted")
	}
}

func dirSize(t *testing.T, dir string) (int64, int) {
	t.Helper()
	var n int64
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += info.Size()
		if strings.HasSuffix(p, ".zap") {
			files++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, files
}

// TestBuildDeterministic builds the same pages three times. Each build must be
// one segment with the same answers, and the same files: byte for byte but
// for store/, whose files must have the same sizes (root.bolt holds the time
// it was written; in the segment, a few bytes of zap's footer come out in
// map order). Pages are analysed and written in units of unitPages in URL
// order, so this holds whatever the number of cores; more than one unit is
// built here.
func TestBuildDeterministic(t *testing.T) {
	docs := append(testDocs(), genDocs(2*unitPages+10)...)
	var answers, files []string
	for i := 0; i < 3; i++ {
		dir := filepath.Join(t.TempDir(), "index.bleve")
		if err := Build(dir, docs, testSynonyms()); err != nil {
			t.Fatal(err)
		}
		_, segs := dirSize(t, dir)
		if segs != 1 {
			t.Errorf("build %d: %d segment files, want 1", i, segs)
		}
		var fb strings.Builder
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			if filepath.Base(filepath.Dir(p)) == "store" {
				fmt.Fprintf(&fb, "%s %d bytes\n", rel, len(data))
			} else {
				fmt.Fprintf(&fb, "%s %x\n", rel, sha256.Sum256(data))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fb.String())
		ix, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, q := range []string{"escalation", "CSE", "level 3", "child protection", "missing from education", `"core group"`, "escalaton"} {
			res, err := ix.Search(context.Background(), Query{Text: q})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				fmt.Fprintf(&b, "%s %s %.6f|", r.URL, r.Snippet, r.Score)
			}
		}
		_ = ix.Close()
		answers = append(answers, b.String())
	}
	for i := range files {
		if files[i] != files[0] {
			t.Errorf("build %d differs:\n%s\nbuild 0:\n%s", i, files[i], files[0])
		}
		if answers[i] != answers[0] {
			t.Errorf("build %d answers differently", i)
		}
	}
	t.Logf("%d pages:\n%s", len(docs), files[0])
}

// TestConcurrentSearch runs searches from many goroutines at once (run
// with -race): each must answer as it does alone.
func TestConcurrentSearch(t *testing.T) {
	ix := sharedIndex(t)
	qs := []string{"escalation", "CSE", "level 3", `"return interview"`, "escalaton", "exploitation -criminal", "stage 2", "data protection"}
	want := map[string]string{}
	answer := func(q string) string {
		res, err := ix.Search(context.Background(), Query{Text: q})
		if err != nil {
			return err.Error()
		}
		var b strings.Builder
		for _, r := range res {
			fmt.Fprintf(&b, "%s %s %s|", r.URL, r.Title, r.Snippet)
		}
		return b.String()
	}
	for _, q := range qs {
		want[q] = answer(q)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				q := qs[(g+i)%len(qs)]
				if got := answer(q); got != want[q] {
					errs <- q
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for q := range errs {
		t.Errorf("%q answered differently under concurrency", q)
	}
}

func TestBuildRejects(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Build(dir, testDocs(), nil); err == nil {
		t.Error("Build into a non-empty directory succeeded")
	}
	if err := Build(filepath.Join(t.TempDir(), "a"), []Doc{{URL: "/a/"}, {URL: "/a/"}}, nil); err == nil {
		t.Error("duplicate URLs accepted")
	}
	// An existing empty directory is fine.
	if err := Build(t.TempDir(), testDocs()[:2], nil); err != nil {
		t.Errorf("Build into empty dir: %v", err)
	}
}

func TestOpenReadOnly(t *testing.T) {
	src := filepath.Join(t.TempDir(), "index.bleve")
	if err := Build(src, testDocs(), testSynonyms()); err != nil {
		t.Fatal(err)
	}
	before, _ := dirSize(t, src)
	ix, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	// chmod cannot prove read-only here: CI runs as root, which ignores file
	// modes. The lock on root.bolt can: a read-only bolt holds a shared lock,
	// a writer holds an exclusive one, so a second shared lock is granted
	// only while the index is open read-only. Many read-only processes (a
	// serverless function's instances) must be able to share one index.
	assertSharedLockGranted(t, filepath.Join(src, "store", "root.bolt"))
	res, err := ix.Search(context.Background(), Query{Text: "CSE"})
	if err != nil || len(res) == 0 {
		t.Errorf("search on read-only index: %v %v", res, err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if after, _ := dirSize(t, src); after != before {
		t.Errorf("read-only open changed the index: %d → %d bytes", before, after)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Open of a missing index succeeded")
	}
}

// TestAcronymsThatStemAlike: "EHE" and "EH" both stem to "eh"; a reader
// typing EHE must get elective home education, not early help.
func TestAcronymsThatStemAlike(t *testing.T) {
	docs := []Doc{
		{URL: "/ehe/", Title: "Children educated at home", Type: "procedure", Body: "When parents choose elective home education for their child."},
		{URL: "/eh/", Title: "Help for families", Type: "page", Body: "Early help is support for families. EH workers visit at home."},
	}
	syns := []Synonym{
		{Acronym: "EHE", Term: "Elective home education"},
		{Acronym: "EH", Term: "Early help"},
	}
	ix := indexOf(t, docs, syns)
	for q, want := range map[string]string{"EHE": "/ehe/", "ehe": "/ehe/", "EH": "/eh/"} {
		res, err := ix.Search(context.Background(), Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) == 0 || pageOf(res[0].URL) != want {
			t.Errorf("%q: top result %v, want %s", q, urls(res), want)
		}
	}
}

// TestPhrasesInBodies: bodies are indexed without positions, so a quoted
// phrase is checked against the text. Words in another order, or apart,
// must not match it; excluded phrases drop only records that contain them.
func TestPhrasesInBodies(t *testing.T) {
	docs := []Doc{
		{URL: "/adjacent/", Title: "One", Type: "page", Body: "Offer a return interview within 72 hours."},
		{URL: "/reversed/", Title: "Two", Type: "page", Body: "After the interview, the return home is planned."},
		{URL: "/apart/", Title: "Three", Type: "page", Body: "The return of the child and a later interview."},
		{URL: "/stop/", Title: "Four", Type: "page", Body: "Children in care of the authority. Children and care."},
		{URL: "/section/", Title: "Five", Type: "page", Body: "Intro.\nReturn\nNothing here about it.",
			Headings: []Heading{{Anchor: "s", Text: "Return", Body: "Nothing here about it."}}},
		{URL: "/section2/", Title: "Six", Type: "page", Body: "Intro.\nVisits\nA return interview is offered.",
			Headings: []Heading{{Anchor: "visits", Text: "Visits", Body: "A return interview is offered."}}},
	}
	ix := indexOf(t, docs, nil)
	tests := []struct {
		q    string
		want []string
	}{
		{`"return interview"`, []string{"/adjacent/", "/section2/#visits"}},
		{`"interview return"`, nil},
		{`"children in care"`, []string{"/stop/"}},
		{`interview -"return interview"`, []string{"/apart/", "/reversed/"}},
		{`return -"return home"`, []string{"/adjacent/", "/apart/", "/section/#s", "/section2/#visits"}},
	}
	for _, tt := range tests {
		res, err := ix.Search(context.Background(), Query{Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		got := urls(res)
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: got %v, want %v", tt.q, got, tt.want)
		}
	}
}

// indexOf builds an index of docs in a temporary folder and opens it; the
// test closes it when it ends.
func indexOf(t *testing.T, docs []Doc, syns []Synonym) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ix")
	if err := Build(dir, docs, syns); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// TestBuildFiles checks that BuildFiles gives Build's files (store/ by
// size, as in TestBuildDeterministic), and that a page it is told to leave
// out is not indexed.
func TestBuildFiles(t *testing.T) {
	docs := append(testDocs(), genDocs(unitPages+10)...)
	skip := 3 // left out of the second build
	for _, leaveOut := range []bool{false, true} {
		want := docs
		if leaveOut {
			want = append(append([]Doc(nil), docs[:skip]...), docs[skip+1:]...)
		}
		dir := filepath.Join(t.TempDir(), "index.bleve")
		if err := Build(dir, want, testSynonyms()); err != nil {
			t.Fatal(err)
		}
		urls := make([]string, len(docs))
		for i, d := range docs {
			urls[i] = d.URL
		}
		files, err := BuildFiles(urls, func(i int, index func(Doc)) {
			if !leaveOut || i != skip {
				lendDoc(docs[i], index)
			}
		}, testSynonyms())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(f.Name, "store/") {
				if len(data) != len(f.Data) {
					t.Errorf("%s: %d bytes, Build wrote %d", f.Name, len(f.Data), len(data))
				}
				if strings.HasSuffix(f.Name, ".zap") && dumpZap(t, data) != dumpZap(t, f.Data) {
					t.Errorf("%s holds other records or terms than Build's", f.Name)
				}
			} else if !bytes.Equal(data, f.Data) {
				t.Errorf("%s differs from Build's", f.Name)
			}
		}
		n, _ := dirSize(t, dir)
		if len(files) != 7 || !sort.StringsAreSorted(names) {
			t.Errorf("files %v (Build wrote %d bytes)", names, n)
		}
	}
	if _, err := BuildFiles([]string{"/a/", "/a/"}, func(int, func(Doc)) {}, nil); err == nil {
		t.Error("duplicate URLs: no error")
	}
	if _, err := BuildFiles([]string{"/a/"}, func(_ int, index func(Doc)) { index(Doc{URL: "/b/"}) }, nil); err == nil {
		t.Error("doc with another URL: no error")
	}
	twice := func(_ int, index func(Doc)) { index(Doc{URL: "/a/"}); index(Doc{URL: "/a/"}) }
	if _, err := BuildFiles([]string{"/a/"}, twice, nil); err == nil {
		t.Error("a page indexed twice: no error")
	}
}

// dumpZap is dumpSegment of the zap segment data.
func dumpZap(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "segment.zap")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	seg, err := zapPlugin.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Close()
	return dumpSegment(t, seg)
}

// lendDoc calls index with d's strings in one buffer, which it overwrites
// once index returns: if BuildFiles kept any of them, its files would not
// be Build's.
func lendDoc(d Doc, index func(Doc)) {
	size := len(d.URL) + len(d.Title) + len(d.Summary) + len(d.Type) + len(d.Section) + len(d.Version) + len(d.Body)
	for _, a := range d.Audience {
		size += len(a)
	}
	for _, h := range d.Headings {
		size += len(h.Anchor) + len(h.Text) + len(h.Body)
	}
	buf := make([]byte, 0, size)
	lend := func(s string) string {
		if s == "" {
			return ""
		}
		buf = append(buf, s...)
		return unsafe.String(&buf[len(buf)-len(s)], len(s))
	}
	l := Doc{URL: lend(d.URL), Title: lend(d.Title), Summary: lend(d.Summary), Type: lend(d.Type), Level: d.Level,
		Section: lend(d.Section), Version: lend(d.Version), Body: lend(d.Body)}
	for _, a := range d.Audience {
		l.Audience = append(l.Audience, lend(a))
	}
	for _, h := range d.Headings {
		l.Headings = append(l.Headings, Heading{Anchor: lend(h.Anchor), Text: lend(h.Text), Body: lend(h.Body)})
	}
	index(l)
	for i := range buf {
		buf[i] = '#'
	}
}
