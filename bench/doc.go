// Package bench holds the benchmarks of the build's stages on a generated
// corpus. They run only with -bench:
//
//	go test ./bench -run '^$' -bench . -benchmem
//
// HANDBOOK_BENCH_PAGES sets the corpus size (default 2,000). The corpus
// generator is bench/corpus, with the command bench/gencorpus;
// bench/compare.sh times "handbook build" against Hugo on the same pages.
// docs/performance.md has the figures and how to reproduce them.
package bench
