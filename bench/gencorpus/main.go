// Command gencorpus writes a generated handbook site, and the same pages as
// a Hugo site, for benchmarks:
//
//	go run ./bench/gencorpus -n 2000 -o /tmp/corpus
//
// writes /tmp/corpus/handbook (build it with "handbook build -s") and
// /tmp/corpus/hugo (build it with "hugo -s"). The same -n and -seed always
// give the same files. With -trivial-theme the handbook site prints the
// same HTML as the Hugo site's layout, to compare the two tools doing the
// same rendering. With -hugo-govuk it also writes /tmp/corpus/hugo-govuk:
// the Hugo site with a port of handbook's default theme, the other way
// round.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rscp/handbook/bench/corpus"
)

func main() {
	n := flag.Int("n", 2000, "number of Markdown pages, section pages included")
	out := flag.String("o", "", "output folder (required); gets handbook/ and hugo/ inside")
	seed := flag.Uint64("seed", corpus.DefaultSeed, "random seed")
	noHandbook := flag.Bool("no-handbook", false, "do not write the handbook site")
	noHugo := flag.Bool("no-hugo", false, "do not write the Hugo site with the trivial layout")
	commit := flag.Bool("git", false, "commit the handbook site to a new git repository, so the build reads its history")
	trivial := flag.Bool("trivial-theme", false, "give the handbook site the Hugo site's trivial layout (themes/trivial) instead of the default theme")
	small := flag.Bool("small", false, "the small-pages variant: pages of about 1 KB, no front matter, file names of signs (!.md, %.md, [.md), clang++.md beside clang.md")
	history := flag.Int("history", 0, "write the handbook site as a git repository with this many commits of realistic history (most change 1-3 pages, some a section, a few every page)")
	govuk := flag.Bool("hugo-govuk", false, "also write hugo-govuk/: the Hugo site with a port of handbook's default theme")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	opts := corpus.Options{Pages: *n, Seed: *seed, TrivialTheme: *trivial, Small: *small}
	if !*noHandbook && *history > 0 {
		if err := corpus.History(filepath.Join(*out, "handbook"), opts, *history); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
	} else if !*noHandbook {
		if err := corpus.Write(filepath.Join(*out, "handbook"), opts); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
	}
	if *commit && !*noHandbook && *history == 0 {
		if err := corpus.Commit(filepath.Join(*out, "handbook")); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
	}
	if !*noHugo {
		if err := corpus.WriteHugo(filepath.Join(*out, "hugo"), opts); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
	}
	if *govuk {
		if err := corpus.WriteHugoGOVUK(filepath.Join(*out, "hugo-govuk"), opts); err != nil {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %d pages into %s\n", corpus.New(opts).Pages(), *out)
}
