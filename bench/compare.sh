#!/usr/bin/env bash
# compare.sh times "handbook build" and "hugo" on the same generated pages,
# each with two layouts: handbook's default theme and Hugo's trivial one.
#
#   bench/compare.sh                 # 2,000 pages, 5 runs each, then 20,000 pages
#   PAGES=500 RUNS=3 SCALE=0 bench/compare.sh
#
# Settings (environment):
#   PAGES=2000      pages of the main comparison
#   RUNS=5          runs of each tool, alternating handbook and hugo
#   SCALE=20000     pages of the scaling run (0 skips it)
#   SCALE_RUNS=3    runs of the scaling run
#   GIT=1           commit the handbook corpus to git, so the build reads its
#                   history as a real site's build does (0: no git)
#   TRIVIAL=1       also time handbook with the Hugo site's trivial layout
#                   (gencorpus -trivial-theme): both tools render the same
#                   HTML, so the two engines are compared (0: skip it)
#   GOVUK=1         also time Hugo with a port of handbook's default theme
#                   (gencorpus -hugo-govuk): the same page chrome as
#                   handbook's own pages (0: skip it)
#   WORK=DIR        where the corpora, binaries and outputs go
#                   (default: a new folder under $TMPDIR or /tmp)
#   OUT=DIR         where the built sites go (default: $WORK/out); use a
#                   tmpfs such as /dev/shm to leave the disk out of it
#
# Every run is a clean build into a folder of its own that does not exist
# yet, as on a CI server; the folders are removed at the end (OUT needs room
# for all of them). Removing a site just before the next run would time the
# file system instead of the tool: for minutes after thousands of files are
# deleted, ext4 skips their inodes one by one when it allocates new ones.
# Times come from GNU time:
# wall time, user+system CPU time and peak resident memory, with medians.
set -euo pipefail

PAGES=${PAGES:-2000}
RUNS=${RUNS:-5}
SCALE=${SCALE:-20000}
SCALE_RUNS=${SCALE_RUNS:-3}
GIT=${GIT:-1}
TRIVIAL=${TRIVIAL:-1}
GOVUK=${GOVUK:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/handbook-compare.XXXXXX")}
OUT=${OUT:-$WORK/out}
mkdir -p "$WORK" "$OUT"
OUT=$(mktemp -d "$OUT/runs.XXXXXX") # this run's outputs, removed at the end

TIME=/usr/bin/time
if ! "$TIME" -v true >/dev/null 2>&1; then
	echo "compare.sh: GNU time is needed (Debian: apt-get install -y time)" >&2
	exit 1
fi

echo "== machine: $(nproc) CPUs, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "== go: $(go version | cut -d' ' -f3-)"
HUGO=$(command -v hugo || true)
if [ -n "$HUGO" ]; then
	echo "== hugo: $("$HUGO" version | cut -d' ' -f1-2)"
else
	echo "== hugo is not installed: its runs are skipped (Debian: apt-get install -y hugo)"
fi
echo "== work folder: $WORK"

echo "== building handbook"
(cd "$ROOT" && go build -o "$WORK/handbook" ./cmd/handbook)
(cd "$ROOT" && go build -o "$WORK/gencorpus" ./bench/gencorpus)

gen() { # gen N [gencorpus flags] → $WORK/cN (or $WORK/cN-trivial with -trivial-theme)
	local n=$1 dir=$WORK/c$1
	shift
	[ "${1:-}" = -trivial-theme ] && dir=$dir-trivial
	if [ ! -d "$dir" ]; then
		local flags=("$@")
		[ "$GIT" = 1 ] && flags+=(-git)
		"$WORK/gencorpus" -n "$n" -o "$dir" "${flags[@]}" >/dev/null
	fi
	echo "$dir"
}

# run NAME OUT CMD... : one clean timed run into the new folder OUT; appends
# "wall cpu rss" to $WORK/NAME.times
run() {
	local name=$1 out=$2
	shift 2
	if [ -e "$out" ]; then
		echo "compare.sh: $out exists; each run needs a new folder" >&2
		exit 1
	fi
	sync
	local log=$WORK/$name.log
	if ! "$TIME" -v "$@" >"$log.out" 2>"$log"; then
		echo "compare.sh: $name failed:" >&2
		tail -20 "$log" >&2
		exit 1
	fi
	awk -v name="$name" '
		/Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
		/User time \(seconds\)/ { user = $NF }
		/System time \(seconds\)/ { sys = $NF }
		/Maximum resident set size/ { rss = $NF }
		END { printf "%.2f %.2f %d\n", wall, user + sys, rss }
	' "$log" >>"$WORK/$name.times"
}

# median FILE COLUMN
median() {
	cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2] + v[NR/2+1]) / 2 }'
}

report() { # report NAME LABEL
	local f=$WORK/$1.times
	printf "%-40s %8s s %8s s %9.0f MB   (%s runs)\n" "$2" "$(median "$f" 1)" "$(median "$f" 2)" "$(echo "$(median "$f" 3) / 1024" | bc -l)" "$(wc -l <"$f")"
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }

C=$(gen "$PAGES")
echo "== corpus: $PAGES pages, $(du -sh "$C/handbook/content" | cut -f1) of Markdown in $C"
[ "$TRIVIAL" = 1 ] && T=$(gen "$PAGES" -trivial-theme -no-hugo) && echo "== the same pages with Hugo's trivial layout: $T"
[ -n "$HUGO" ] || GOVUK=0
if [ "$GOVUK" = 1 ] && [ ! -d "$C/hugo-govuk" ]; then
	"$WORK/gencorpus" -n "$PAGES" -o "$C" -no-handbook -no-hugo -hugo-govuk >/dev/null
fi
[ "$GOVUK" = 1 ] && echo "== the same pages for Hugo with a port of handbook's default theme: $C/hugo-govuk"
# One untimed run of each to warm the page cache.
"$WORK/handbook" build -s "$C/handbook" -o "$OUT/hb-warm" >/dev/null 2>&1 || true
[ "$TRIVIAL" = 1 ] && { "$WORK/handbook" build -s "$T/handbook" -o "$OUT/hb-trivial-warm" >/dev/null 2>&1 || true; }
[ -n "$HUGO" ] && "$HUGO" -s "$C/hugo" -d "$OUT/hugo-warm" --quiet >/dev/null 2>&1 || true
[ "$GOVUK" = 1 ] && { "$HUGO" -s "$C/hugo-govuk" -d "$OUT/hugo-govuk-warm" --quiet >/dev/null 2>&1 || true; }

# check NAME: stop when a timed handbook build reported an error.
check() {
	grep -E ": error:" "$WORK/$1.log" && { echo "compare.sh: the handbook build reported errors" >&2; exit 1; }
	return 0
}

rm -f "$WORK"/*.times
for i in $(seq "$RUNS"); do
	run handbook-$PAGES "$OUT/hb-$i" "$WORK/handbook" build -s "$C/handbook" -o "$OUT/hb-$i"
	if [ "$TRIVIAL" = 1 ]; then
		run handbook-trivial-$PAGES "$OUT/hb-trivial-$i" "$WORK/handbook" build -s "$T/handbook" -o "$OUT/hb-trivial-$i"
	fi
	if [ -n "$HUGO" ]; then
		run hugo-$PAGES "$OUT/hugo-$i" "$HUGO" -s "$C/hugo" -d "$OUT/hugo-$i" --quiet
	fi
	if [ "$GOVUK" = 1 ]; then
		run hugo-govuk-$PAGES "$OUT/hugo-govuk-$i" "$HUGO" -s "$C/hugo-govuk" -d "$OUT/hugo-govuk-$i" --quiet
	fi
done
grep -E "^built" "$WORK/handbook-$PAGES.log.out" | tail -1 || true
check handbook-$PAGES
[ "$TRIVIAL" = 1 ] && check handbook-trivial-$PAGES

# ratios NAME BASE LABEL: the ratios of NAME's medians to BASE's.
ratios() {
	echo "ratio $3: wall $(ratio "$(median "$WORK/$1.times" 1)" "$(median "$WORK/$2.times" 1)")," \
		"cpu $(ratio "$(median "$WORK/$1.times" 2)" "$(median "$WORK/$2.times" 2)")," \
		"peak RSS $(ratio "$(median "$WORK/$1.times" 3)" "$(median "$WORK/$2.times" 3)")"
}

echo
printf "%-40s %10s %10s %12s\n" "" "wall" "user+sys" "peak RSS"
report handbook-$PAGES "handbook, default theme"
[ "$GOVUK" = 1 ] && report hugo-govuk-$PAGES "hugo, port of the default theme"
[ "$TRIVIAL" = 1 ] && report handbook-trivial-$PAGES "handbook, Hugo's trivial layout"
[ -n "$HUGO" ] && report hugo-$PAGES "hugo, trivial layout"
if [ -n "$HUGO" ]; then
	echo "same layout on both sides:"
	[ "$GOVUK" = 1 ] && ratios handbook-$PAGES hugo-govuk-$PAGES "handbook/hugo, default theme"
	[ "$TRIVIAL" = 1 ] && ratios handbook-trivial-$PAGES hugo-$PAGES "handbook/hugo, trivial layout"
	echo "handbook's default theme against Hugo's trivial layout:"
	ratios handbook-$PAGES hugo-$PAGES "handbook default theme/hugo trivial layout"
fi

if [ "$SCALE" != 0 ]; then
	S=$(gen "$SCALE")
	echo
	echo "== scaling: $SCALE pages, $(du -sh "$S/handbook/content" | cut -f1) of Markdown"
	"$WORK/handbook" build -s "$S/handbook" -o "$OUT/hb-scale" >/dev/null 2>&1 || true
	for i in $(seq "$SCALE_RUNS"); do
		run handbook-$SCALE "$OUT/hb-scale-$i" "$WORK/handbook" build -s "$S/handbook" -o "$OUT/hb-scale-$i"
	done
	report handbook-$SCALE "handbook, $SCALE pages"
	echo "scaling: $SCALE pages take $(ratio "$(median "$WORK/handbook-$SCALE.times" 1)" "$(median "$WORK/handbook-$PAGES.times" 1)") x the wall time of $PAGES" \
		"(cpu $(ratio "$(median "$WORK/handbook-$SCALE.times" 2)" "$(median "$WORK/handbook-$PAGES.times" 2)") x)"
fi
rm -rf "$OUT"
