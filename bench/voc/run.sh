#!/usr/bin/env bash
# Benchmark of the VOC importer against merely reading the files' bytes (issue 17: at most 3x).
#
#   bench/voc/run.sh [RUNS] [BASE]
#
# Runs BenchmarkVOC2012/ratio of importers/voc RUNS times (default 3): a generated
# VOC2012-sized root (17,125 XML files, 2.4 objects each) is read (one goroutine, fs.ReadFile
# of every file), converted with -obs-prefix (Read, the workers in parallel), and converted into
# request bodies (Read + emit.Batches), the three passes alternating in each iteration so that
# they see the same machine load, and prints one line per run with the baseline and the ratios
# side by side: wall time, and CPU time of the process (GC included), which a loaded machine
# distorts far less than wall time.
#
# With BASE (a git revision, e.g. main), the same benchmark file is also built against that
# revision's code and the two binaries run alternately, so that the old and the new code are
# compared under the same load.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
base=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go test -c -o "$work/new.test" ./importers/voc
bins=(new)
if [ -n "$base" ]; then
	mkdir "$work/base"
	git archive "$base" | tar -x -C "$work/base"
	cp importers/voc/bench_test.go "$work/base/importers/voc/"
	(cd "$work/base" && go test -c -o "$work/base.test" ./importers/voc)
	bins=(base new)
fi

printf '%-5s %4s %8s %11s %8s %12s %7s %7s %14s %13s %10s\n' code run read-ms convert-ms read-cpu convert-cpu wall-x cpu-x bodies-wall-x bodies-cpu-x allocs/op
for run in $(seq "$runs"); do
	for b in "${bins[@]}"; do
		out=$(cd importers/voc && "$work/$b.test" -test.run '^$' -test.bench 'VOC2012/ratio$' -test.benchtime 2x -test.benchmem | grep '^BenchmarkVOC2012/ratio')
		# "name N ns/op v1 unit1 v2 unit2 ...": pick values by unit.
		echo "$out" | awk -v code="$b" -v run="$run" '{
			for (i = 3; i < NF; i += 2) v[$(i+1)] = $i
			printf "%-5s %4d %8.0f %11.0f %8.0f %12.0f %7.2f %7.2f %14.2f %13.2f %10.0f\n", code, run, v["read-ms/op"], v["convert-ms/op"],
				v["read-cpu-ms/op"], v["convert-cpu-ms/op"],
				v["x-read-bytes"], v["cpu-x-read-bytes"], v["bodies-x-read-bytes"], v["bodies-cpu-x-read-bytes"], v["allocs/op"]
		}'
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"
echo "ms are per pass over the 17,125 files (cpu: the process's CPU time, all threads)."
echo "wall-x: convert wall time / read wall time (target <= 3); cpu-x: the same in CPU time; bodies-*: convert + validate + encode request bodies."
echo "allocs/op counts one read, one convert and one bodies pass of the 17,125 files."
