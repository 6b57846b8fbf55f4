#!/usr/bin/env bash
# CPU time of the CoNLL importer alone (package importers/conll's benchmarks), this tree side by
# side with another git revision, in one run (issue 17).
#
#   bench/text/conll-importer.sh [REV] [RUNS] [BENCHMARKS]
#
# Builds the package's test binary from this tree and from REV (default main, exported with
# git archive into a temporary folder), then, RUNS times (default 3), alternately, runs each
# benchmark of BENCHMARKS (default "Read ReadEmit") with each binary for 10 and for 60
# iterations under /usr/bin/time: the difference of the two CPU times (user+sys, all
# threads), over 50, is the CPU time of one iteration without the set-up, which neither the
# other jobs on a shared machine nor GC pacing at start-up distort much. It prints, per
# benchmark and binary, the best and the median MB per CPU-second over the runs, and the
# allocations per iteration (-benchmem). The file is the benchmarks' CoNLL-2003-shaped one
# (3.5 MB, 14,041 sentences). Read uses the library's default options; ReadEmit (read,
# validate, encode) reads as the command does (this tree: Options.SharedProperties).
#
# With CALLGRIND=1 it counts instructions instead, which other jobs on the machine do not
# change: both test binaries are built with CGO_ENABLED=0 and each benchmark is run under
# `valgrind --tool=callgrind` with GOGC=off (the reader's own work, not the collector's) for 5
# and for 15 iterations; the difference over 10 is printed per benchmark and tree, with the
# change. RUNS is then ignored (the counts repeat to within a few hundredths of a percent).
set -euo pipefail
cd "$(dirname "$0")/../.."
rev=${1:-main}
runs=${2:-3}
benches=${3:-Read ReadEmit}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/base"
git archive "$rev" | tar -x -C "$work/base"
if [ -n "${CALLGRIND:-}" ]; then
	command -v valgrind >/dev/null || { echo "CALLGRIND=1 needs valgrind" >&2; exit 2; }
	(cd "$work/base" && CGO_ENABLED=0 go test -c -o "$work/base.test" ./importers/conll)
	CGO_ENABLED=0 go test -c -o "$work/new.test" ./importers/conll
	# instr BIN BENCH N: instructions of N iterations of BENCH (set-up included).
	instr() {
		GODEBUG=asyncpreemptoff=1 GOGC=off valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$1" -test.run '^$' -test.bench "^Benchmark$2\$" -test.benchtime "$3x" 2>&1 >/dev/null |
			sed -n 's/.*Collected : //p'
	}
	echo "base: $rev ($(git rev-parse --short "$rev")); instructions per iteration (15 minus 5, over 10)"
	printf '%-10s %14s %14s %8s\n' benchmark base new change
	for bench in $benches; do
		per=()
		for bin in base new; do
			a=$(instr "$work/$bin.test" "$bench" 5)
			b=$(instr "$work/$bin.test" "$bench" 15)
			per+=($(((b - a) / 10)))
		done
		printf '%-10s %14d %14d %7.1f%%\n' "$bench" "${per[0]}" "${per[1]}" "$(echo "100 * (${per[1]} - ${per[0]}) / ${per[0]}" | bc -l)"
	done
	exit 0
fi
(cd "$work/base" && go test -c -o "$work/base.test" ./importers/conll)
go test -c -o "$work/new.test" ./importers/conll

# cpu BIN BENCH N: CPU seconds of N iterations of BENCH (and its output in $work/out).
cpu() {
	/usr/bin/time -f "%U %S" -o "$work/time" "$1" -test.run '^$' -test.bench "^Benchmark$2\$" \
		-test.benchtime "$3x" -test.benchmem >"$work/out"
	read -r user sys <"$work/time"
	echo "$user + $sys" | bc
}

: >"$work/results"
for _ in $(seq "$runs"); do
	for bench in $benches; do
		for bin in base new; do
			c10=$(cpu "$work/$bin.test" "$bench" 10)
			c60=$(cpu "$work/$bin.test" "$bench" 60)
			# bytes per op from MB/s and ns/op; allocations per op
			line=$(grep "^Benchmark$bench-" "$work/out")
			echo "$bench $bin $c10 $c60 $line" >>"$work/results"
		done
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; base: $rev ($(git rev-parse --short "$rev"))"
python3 - "$work/results" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    bench, binary, c10, c60 = f[0], f[1], float(f[2]), float(f[3])
    rest = " ".join(f[4:])
    ns = float(re.search(r"([\d.]+) ns/op", rest).group(1))
    mbs = float(re.search(r"([\d.]+) MB/s", rest).group(1))
    allocs = re.search(r"(\d+) allocs/op", rest).group(1)
    bop = re.search(r"(\d+) B/op", rest).group(1)
    size = mbs * ns / 1e3  # bytes per op
    per = max((c60 - c10) / 50, 1e-6)
    rows.setdefault((bench, binary), []).append((size / 1e6 / per, allocs, bop))
print("%-10s %-5s %14s %16s %12s %12s" % ("benchmark", "tree", "best MB/cpu-s", "median MB/cpu-s", "allocs/op", "B/op"))
for (bench, binary), v in rows.items():
    rates = [r for r, _, _ in v]
    print("%-10s %-5s %14.0f %16.0f %12s %12s" % (bench, binary, max(rates), statistics.median(rates), v[-1][1], v[-1][2]))
PY
