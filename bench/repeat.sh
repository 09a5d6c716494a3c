#!/usr/bin/env bash
# repeat.sh times repeated builds into the same output folder, as an editor
# or a CI cache does: handbook (with its search index) and Hugo, each
# building the same generated pages RUNS times in a row into its own
# existing folder, alternating, after WARMUP untimed builds of each that
# make the folders (and handbook's spare and its records of kept files:
# see "Tenth round" in docs/performance.md; with an empty OUT, the fifth
# build is the first that keeps files on a record).
#
#   bench/repeat.sh                          # 2,000 pages, then the small-pages variant
#   OUT=/dev/shm/hbrep bench/repeat.sh       # outputs on tmpfs
#   VARIANTS=small PAGES=2000 RUNS=5 bench/repeat.sh
#   HANDBOOK2=/tmp/handbook-old bench/repeat.sh   # also time another handbook binary
#
# Settings (environment):
#   PAGES=2000       pages of each corpus
#   RUNS=5           timed builds of each tool, alternating
#   WARMUP=1         untimed builds of each tool first (4: the steady state
#                    of repeated builds, even into an empty OUT)
#   VARIANTS="default small"   gencorpus variants: default (2-6 KB pages with
#                    front matter) and small (-small: 1 KB pages, no front
#                    matter, names of signs)
#   GIT=0            1 commits each corpus to git (one commit)
#   WORK=DIR         corpora, binaries (default: a new folder under $TMPDIR or /tmp)
#   OUT=DIR          output folders (default: $WORK/out)
#   HUGO_LAYOUT=govuk  govuk: Hugo builds the port of handbook's default theme
#                    (the same chrome on both sides); trivial: Hugo's trivial
#                    layout (title and content only)
#   HANDBOOK2=BIN    a second handbook binary timed in the same rotation
#
# Each line of output is one timed run: wall seconds, user+system CPU
# seconds, peak RSS in MB and the load average when it started; then the
# medians and the ratios to Hugo.
set -euo pipefail

PAGES=${PAGES:-2000}
WARMUP=${WARMUP:-1}
RUNS=${RUNS:-5}
VARIANTS=${VARIANTS:-"default small"}
GIT=${GIT:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/handbook-repeat.XXXXXX")}
OUT=${OUT:-$WORK/out}
mkdir -p "$WORK" "$OUT"
# shellcheck source=bench/timing.sh
. "$ROOT/bench/timing.sh"

echo "== machine: $(nproc) CPUs, $(uname -sr); output in $OUT ($(df -T "$OUT" | awk 'NR==2{print $2}'))"
build_tools "$WORK"


for variant in $VARIANTS; do
	dir=$WORK/$variant-$PAGES-${HUGO_LAYOUT:-govuk}
	flags=(-n "$PAGES")
	hugosite=hugo
	[ "${HUGO_LAYOUT:-govuk}" = govuk ] && flags+=(-hugo-govuk) hugosite=hugo-govuk
	case $variant in
	small) flags+=(-small) ;;
	default) ;;
	*) echo "unknown variant $variant" >&2; exit 2 ;;
	esac
	[ "$GIT" = 1 ] && flags+=(-git)
	[ -d "$dir" ] || "$WORK/gencorpus" "${flags[@]}" -o "$dir" >/dev/null
	echo "== $variant, $PAGES pages: $RUNS builds of each into the same folder, alternating"
	rm -f "$WORK"/*.times
	hb=(build -s "$dir/handbook")
	# Untimed builds of each make the folders the timed ones replace.
	for _ in $(seq "$WARMUP"); do
		"$WORK/handbook" "${hb[@]}" -o "$OUT/$variant-hb" >/dev/null 2>&1
		[ -n "${HANDBOOK2:-}" ] && "$HANDBOOK2" "${hb[@]}" -o "$OUT/$variant-hb2" >/dev/null 2>&1
		[ -n "$HUGO" ] && "$HUGO" --quiet -s "$dir/$hugosite" -d "$OUT/$variant-hugo" >/dev/null
		true
	done
	for _ in $(seq "$RUNS"); do
		timed handbook "$WORK/handbook" "${hb[@]}" -o "$OUT/$variant-hb"
		[ -n "${HANDBOOK2:-}" ] && timed handbook2 "$HANDBOOK2" "${hb[@]}" -o "$OUT/$variant-hb2"
		[ -n "$HUGO" ] && timed hugo "$HUGO" --quiet -s "$dir/$hugosite" -d "$OUT/$variant-hugo"
		true
	done
	for name in handbook handbook2 hugo; do
		[ -f "$WORK/$name.times" ] || continue
		w=$(cut -d' ' -f1 "$WORK/$name.times" | median)
		c=$(cut -d' ' -f2 "$WORK/$name.times" | median)
		m=$(cut -d' ' -f3 "$WORK/$name.times" | median)
		eval "W_$name=$w M_$name=$m"
		printf '  median %-15s %6.2f s wall %6.2f s cpu %5d MB\n' "$name" "$w" "$c" "$m"
	done
	if [ -n "$HUGO" ]; then
		printf '  ratio handbook/hugo: wall %.2f×, peak memory %.2f×\n' "$(echo "$W_handbook / $W_hugo" | bc -l)" "$(echo "$M_handbook / $M_hugo" | bc -l)"
		[ -n "${HANDBOOK2:-}" ] && printf '  ratio handbook2/hugo: wall %.2f×, peak memory %.2f×\n' "$(echo "$W_handbook2 / $W_hugo" | bc -l)" "$(echo "$M_handbook2 / $M_hugo" | bc -l)"
	fi
done
