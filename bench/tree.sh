#!/usr/bin/env bash
# tree.sh times repeated builds of a folder of Markdown that nobody here
# wrote (for example the English pages of a clone of tldr-pages), as the
# outsider who filed issue 21 did: handbook (search index included, no git
# history) and Hugo, each building the same pages RUNS times in a row into
# its own existing folder, alternating, after WARMUP untimed builds of each.
#
#   TREE=/path/to/tldr/pages bench/tree.sh
#   TREE=... GOVUK=1 RUNS=3 bench/tree.sh     # also Hugo with the port of the default theme
#
# Settings (environment):
#   TREE=DIR    the folder of Markdown (required); it becomes content/
#   RUNS=5      timed builds of each tool, alternating
#   WARMUP=4    untimed builds of each first (4: handbook's steady state,
#               see "Tenth round" in docs/performance.md)
#   GOVUK=0     1 also times Hugo building the port of handbook's default
#               theme (the same chrome on both sides; slow on a folder of
#               thousands of pages, whose side navigation lists them all)
#   WORK=DIR    the sites, outputs and binaries (default: a new folder under
#               $TMPDIR or /tmp)
#
# Hugo builds its trivial layout (a title, the content, a list of child
# pages on section pages; gencorpus writes it). Hugo stops at a shortcode
# it does not know, and a tree not written for Hugo may hold "{{<": in
# Hugo's copy only, such text is broken up ("{ {<") and the files counted.
set -euo pipefail

: "${TREE:?set TREE to a folder of Markdown}"
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-4}
GOVUK=${GOVUK:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/handbook-tree.XXXXXX")}
mkdir -p "$WORK"
# shellcheck source=bench/timing.sh
. "$ROOT/bench/timing.sh"

build_tools "$WORK/bin"
if [ ! -d "$WORK/handbook/content" ]; then
	mkdir -p "$WORK/handbook"
	cp -r "$TREE" "$WORK/handbook/content"
	"$WORK/bin/gencorpus" -n 10 -no-handbook -hugo-govuk -o "$WORK/layouts" >/dev/null
	for h in hugo hugo-govuk; do
		mkdir -p "$WORK/$h"
		cp -r "$WORK/layouts/$h/hugo.toml" "$WORK/layouts/$h/layouts" "$WORK/$h/"
		cp -r "$TREE" "$WORK/$h/content"
	done
	# grep finds nothing in most trees, which is not a failure here.
	broken=$({ grep -rlZ '{{[<%]' "$WORK/hugo/content" || true; } | tr -cd '\0' | wc -c)
	for h in hugo hugo-govuk; do
		{ grep -rlZ '{{[<%]' "$WORK/$h/content" || true; } | xargs -0 -r sed -i 's/{{\([<%]\)/{ {\1/g'
	done
	echo "== Hugo's copies: shortcode-like text broken up in $broken files"
fi
pages=$(find "$WORK/handbook/content" -name '*.md' | wc -l)
echo "== $TREE: $pages Markdown files; $(nproc) CPUs; output in $WORK ($(df -T "$WORK" | awk 'NR==2{print $2}'))"

rm -f "$WORK"/*.times
hb=("$WORK/bin/handbook" build -s "$WORK/handbook" -o "$WORK/out-handbook")
for _ in $(seq "$WARMUP"); do
	"${hb[@]}" >/dev/null 2>"$WORK/err" || { grep -v ': warning: ' "$WORK/err" | tail -20 >&2; echo "$0: handbook cannot build $TREE (above)" >&2; exit 1; }
	[ -n "$HUGO" ] && "$HUGO" --quiet -s "$WORK/hugo" -d "$WORK/out-hugo" >/dev/null
	true
done
for _ in $(seq "$RUNS"); do
	timed handbook "${hb[@]}"
	[ -n "$HUGO" ] && timed hugo "$HUGO" --quiet -s "$WORK/hugo" -d "$WORK/out-hugo"
	[ -n "$HUGO" ] && [ "$GOVUK" = 1 ] && timed hugo-govuk "$HUGO" --quiet -s "$WORK/hugo-govuk" -d "$WORK/out-hugo-govuk"
	true
done

for name in handbook hugo hugo-govuk; do
	[ -f "$WORK/$name.times" ] || continue
	printf '%-12s median %6.2f s wall %6.2f s cpu %5d MB peak\n' "$name" \
		"$(cut -d' ' -f1 "$WORK/$name.times" | median)" \
		"$(cut -d' ' -f2 "$WORK/$name.times" | median)" \
		"$(cut -d' ' -f3 "$WORK/$name.times" | median)"
done
if [ -f "$WORK/hugo.times" ]; then
	h=$(cut -d' ' -f1 "$WORK/handbook.times" | median)
	g=$(cut -d' ' -f1 "$WORK/hugo.times" | median)
	echo "handbook / Hugo (trivial layout), median wall: $(echo "scale=2; $h / $g" | bc)"
fi
