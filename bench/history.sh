#!/usr/bin/env bash
# history.sh times a build with a long git history against the same build
# without it, and against Hugo (which reads no history), on a generated
# site: PAGES pages in a repository of COMMITS commits (most change 1-3
# pages, some a section, a few every page; gencorpus -history).
#
#   bench/history.sh                           # 5,000 pages, 25,000 commits, 3 runs
#   PAGES=1000 COMMITS=5000 RUNS=3 bench/history.sh
#   CACHE=1 bench/history.sh                   # also: a CI build cache kept between builds
#
# Settings (environment): PAGES=5000, COMMITS=25000, RUNS=3, WORK=DIR
# (corpus, binaries, outputs; default a new folder under $TMPDIR or /tmp;
# the corpus is kept there and reused), CACHE=0.
#
# With CACHE=1 a clone of the corpus is built too, with --cache, as a CI or
# Netlify build that keeps its cache folder: before each of its timed
# builds one page is edited and committed (the clone gains a commit a run;
# the corpus is never changed).
#
# Each tool builds RUNS times into its own folder, alternating, after one
# untimed build that makes the folders: handbook on the repository,
# handbook on a copy of the same files without .git, Hugo on the same pages
# with the port of handbook's default theme. Printed: wall, CPU and peak
# memory of each run with the load average, medians, ratios, and the size
# of each output (the search index beside the site excluded).
set -euo pipefail

PAGES=${PAGES:-5000}
COMMITS=${COMMITS:-25000}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/handbook-history.XXXXXX")}
mkdir -p "$WORK/out"
# shellcheck source=bench/timing.sh
. "$ROOT/bench/timing.sh"

build_tools "$WORK"
corpus=$WORK/c$PAGES-$COMMITS
if [ ! -d "$corpus" ]; then
	echo "== generating $PAGES pages with $COMMITS commits"
	"$WORK/gencorpus" -n "$PAGES" -history "$COMMITS" -hugo-govuk -o "$corpus" >/dev/null
	mkdir -p "$corpus/nohistory"
	(cd "$corpus/handbook" && tar --exclude=.git -cf - .) | (cd "$corpus/nohistory" && tar -xf -)
fi
echo "== $PAGES pages, $(git -C "$corpus/handbook" rev-list --count HEAD) commits; $RUNS runs each, alternating; output in $WORK/out ($(df -T "$WORK/out" | awk 'NR==2{print $2}'))"

rm -f "$WORK"/*.times
runs=(history nohistory)
"$WORK/handbook" build -s "$corpus/handbook" -o "$WORK/out/history" >/dev/null 2>&1
"$WORK/handbook" build -s "$corpus/nohistory" -o "$WORK/out/nohistory" >/dev/null 2>&1
if [ -n "$HUGO" ]; then
	runs+=(hugo)
	"$HUGO" --quiet -s "$corpus/hugo-govuk" -d "$WORK/out/hugo" >/dev/null
fi
if [ "${CACHE:-0}" = 1 ]; then
	runs+=(cached)
	clone=$WORK/clone-$PAGES-$COMMITS
	[ -d "$clone" ] || git clone -q "$corpus/handbook" "$clone"
	# Two builds fill the cache folder and make the output and its spare.
	for _ in 1 2; do
		"$WORK/handbook" build -s "$clone" -o "$WORK/out/cached" --cache "$WORK/cache" >/dev/null 2>&1
	done
fi
for i in $(seq "$RUNS"); do
	if [ "${CACHE:-0}" = 1 ]; then
		page=$(git -C "$clone" ls-files content | sed -n "$((100 + i * 7))p")
		echo "Edited in run $i." >>"$clone/$page"
		git -C "$clone" -c user.name=Bench -c user.email=bench@example.org commit -qam "Edit $page"
		timed cached "$WORK/handbook" build -s "$clone" -o "$WORK/out/cached" --cache "$WORK/cache"
	fi
	timed history "$WORK/handbook" build -s "$corpus/handbook" -o "$WORK/out/history"
	timed nohistory "$WORK/handbook" build -s "$corpus/nohistory" -o "$WORK/out/nohistory"
	[ -n "$HUGO" ] && timed hugo "$HUGO" --quiet -s "$corpus/hugo-govuk" -d "$WORK/out/hugo"
	true
done
for name in "${runs[@]}"; do
	w=$(cut -d' ' -f1 "$WORK/$name.times" | median)
	m=$(cut -d' ' -f3 "$WORK/$name.times" | median)
	size=$(du -sb "$WORK/out/$name" | cut -f1)
	files=$(find "$WORK/out/$name" -type f | wc -l)
	eval "W_$name=$w M_$name=$m S_$name=$size"
	printf '  median %-10s %6.2f s wall %5d MB peak; output %d MB in %d files\n' "$name" "$w" "$m" $((size / 1000000)) "$files"
done
printf '  history / no history: wall %.2f×, output %.2f×\n' "$(echo "$W_history / $W_nohistory" | bc -l)" "$(echo "$S_history / $S_nohistory" | bc -l)"
[ "${CACHE:-0}" = 1 ] && printf '  history with a kept cache folder / no history: wall %.2f×\n' "$(echo "$W_cached / $W_nohistory" | bc -l)"
[ -n "$HUGO" ] && printf '  peak memory, history / Hugo: %.2f×\n' "$(echo "$M_history / $M_hugo" | bc -l)"
true
