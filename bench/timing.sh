# timing.sh: what repeat.sh, history.sh and tree.sh share. Source it after
# setting ROOT (this checkout) and WORK (where the timings go); it needs GNU
# time. HUGO is the hugo program, or empty when there is none.

TIME=/usr/bin/time
"$TIME" -v true >/dev/null 2>&1 || { echo "$0: GNU time is needed (apt-get install -y time)" >&2; exit 1; }

HUGO=$(command -v hugo || true)

# build_tools DIR: builds handbook and gencorpus from this checkout into DIR.
build_tools() {
	(cd "$ROOT" && go build -o "$1/handbook" ./cmd/handbook && go build -o "$1/gencorpus" ./bench/gencorpus)
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# timed NAME CMD... : runs CMD once under GNU time, appends "wall cpu rssMB"
# to $WORK/NAME.times and prints them with the load average at the start.
timed() {
	local name=$1 load
	shift
	load=$(cut -d' ' -f1 /proc/loadavg)
	"$TIME" -f "%e %U %S %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
	read -r wall user sys rss <"$WORK/t"
	local cpu mb
	cpu=$(echo "$user + $sys" | bc)
	mb=$((rss / 1024))
	echo "$wall $cpu $mb" >>"$WORK/$name.times"
	printf '  %-22s %6.2f s wall %6.2f s cpu %5d MB  (load %s)\n' "$name" "$wall" "$cpu" "$mb" "$load"
}
