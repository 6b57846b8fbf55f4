#!/usr/bin/env bash
# Benchmark of the VOC importer against merely reading the files' bytes (issue 17: at most 3x).
#
#   bench/voc/run.sh [RUNS] [BASE]
#
# 1. In process: runs BenchmarkVOC2012/ratio of importers/voc RUNS times (default 3): a
#    generated VOC2012-sized root (17,125 XML files, 2.4 objects each) is read (one goroutine,
#    fs.ReadFile of every file), converted with -obs-prefix (Read, the workers in parallel),
#    and converted into request bodies (Read + emit.Batches), the three passes alternating in
#    each iteration so that they see the same machine load, and prints one line per run with
#    the ratios side by side: wall time, and CPU time of the process (GC included), which a
#    loaded machine distorts far less than wall time.
# 2. The command: `convert voc -q -obs-prefix obs://bucket/voc/ -o DIR ROOT` on the same
#    root (DIR on tmpfs when /dev/shm is writable, so that the disk does not count), beside
#    reading every XML file's bytes with cat, RUNS times each in turn; it prints wall and CPU
#    time (user+sys from /usr/bin/time, all threads) of each, and the ratios to the read.
#
# 3. The two ways the importer can read a file (BenchmarkVOC2012Readers): build, the default,
#    and etree's own reader, CPU time over the read's, RUNS times.
#
# BASE is what the new code is compared with, run alternately with it so that both see the
# same load: a convert binary (e.g. /tmp/convert-main, built from main), timed as a command
# beside the new one in part 2; or a git revision (e.g. main), whose code the benchmark file
# of part 1 is also built against.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
base=${2:-}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d)
out=$work
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	out=$(mktemp -d /dev/shm/voc-bench.XXXXXX)
fi
trap 'rm -rf "$work" "$out"' EXIT
root=$work/root
mkdir "$root"
export VOC_BENCH_ROOT=$root # the benchmark generates the root there once, for both parts

go test -c -o "$work/new.test" ./importers/voc
go build -o "$work/convert" ./cmd/convert
bins=(new)
basebin=
if [ -n "$base" ] && [ -f "$base" ] && [ -x "$base" ]; then
	basebin=$base
elif [ -n "$base" ]; then
	mkdir "$work/base"
	git archive "$base" | tar -x -C "$work/base"
	cp importers/voc/bench_test.go "$work/base/importers/voc/"
	(cd "$work/base" && go test -c -o "$work/base.test" ./importers/voc)
	bins=(base new)
fi

echo "== in process (BenchmarkVOC2012/ratio)"
printf '%-5s %4s %8s %11s %8s %12s %7s %7s %6s %14s %13s %10s\n' code run read-ms convert-ms read-cpu convert-cpu wall-x cpu-x cores bodies-wall-x bodies-cpu-x allocs/op
for run in $(seq "$runs"); do
	for b in "${bins[@]}"; do
		out1=$(cd importers/voc && "$work/$b.test" -test.run '^$' -test.bench 'VOC2012/ratio$' -test.benchtime 2x -test.benchmem | grep '^BenchmarkVOC2012/ratio')
		# "name N ns/op v1 unit1 v2 unit2 ...": pick values by unit.
		echo "$out1" | awk -v code="$b" -v run="$run" '{
			for (i = 3; i < NF; i += 2) v[$(i+1)] = $i
			cores = v["convert-ms/op"] > 0 ? v["convert-cpu-ms/op"] / v["convert-ms/op"] : 0
			printf "%-5s %4d %8.0f %11.0f %8.0f %12.0f %7.2f %7.2f %6.2f %14.2f %13.2f %10.0f\n", code, run, v["read-ms/op"], v["convert-ms/op"],
				v["read-cpu-ms/op"], v["convert-cpu-ms/op"],
				v["x-read-bytes"], v["cpu-x-read-bytes"], cores, v["bodies-x-read-bytes"], v["bodies-cpu-x-read-bytes"], v["allocs/op"]
		}'
	done
done
echo "ms are per pass over the 17,125 files (cpu: the process's CPU time, all threads)."
echo "wall-x: convert wall time / read wall time (target <= 3); cpu-x: the same in CPU time; cores: convert's CPU time / its wall time (2 when both cores are kept busy); bodies-*: convert + validate + encode request bodies."
echo "allocs/op counts one read, one convert and one bodies pass of the 17,125 files."

# measure NAME CMD...: prints "NAME wall-seconds cpu-seconds".
measure() {
	local name=$1
	shift
	rm -rf "$out/requests"
	if ! /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr"; then
		cat "$work/stderr" >&2
		exit 1
	fi
	read -r wall user sys <"$work/time"
	echo "$name $wall $(echo "$user + $sys" | bc)"
}

echo
echo "== the command: convert voc -q -obs-prefix obs://bucket/voc/ -o DIR ROOT (DIR in $out), against cat of every XML file"
cmds=(new)
[ -n "$basebin" ] && cmds=(base new)
printf '%-5s %4s %8s %9s %9s %9s %8s %7s %6s\n' code run read-s read-cpu-s convert-s cpu-s wall-x cpu-x cores
for run in $(seq "$runs"); do
	r=$(measure read sh -c 'find "$1/Annotations" -name "*.xml" -print0 | xargs -0 cat >/dev/null' sh "$root")
	read -r _ rw rc <<<"$r"
	for c in "${cmds[@]}"; do
		bin=$work/convert
		[ "$c" = base ] && bin=$basebin
		m=$(measure "$c" "$bin" voc -q -obs-prefix obs://bucket/voc/ -o "$out/requests" "$root")
		read -r _ w cpu <<<"$m"
		awk -v c="$c" -v run="$run" -v rw="$rw" -v rc="$rc" -v w="$w" -v cpu="$cpu" 'BEGIN {
			rw = rw > 0.001 ? rw : 0.001; rc = rc > 0.001 ? rc : 0.001; ww = w > 0.001 ? w : 0.001
			printf "%-5s %4d %8.3f %9.3f %9.3f %9.3f %8.2f %7.2f %6.2f\n", c, run, rw, rc, w, cpu, w / rw, cpu / rc, cpu / ww
		}'
	done
done
echo "seconds per run over the 17,125 files; wall-x, cpu-x: the command's time / the read's (target <= 3); cores: the command's CPU time / its wall time."

echo
echo "== the two readers (BenchmarkVOC2012Readers/ratio, new code): build (encoding/xml tokens into reused etree nodes, the default) and etree's own reader, CPU time over the read's"
for run in $(seq "$runs"); do
	(cd importers/voc && "$work/new.test" -test.run '^$' -test.bench 'VOC2012Readers/ratio$' -test.benchtime 1x | grep '^BenchmarkVOC2012Readers/ratio') |
		awk -v run="$run" '{ for (i = 3; i < NF; i += 2) v[$(i+1)] = $i
			printf "run %d: read %.0f ms CPU; build %.0f ms (%.2fx); etree reader %.0f ms (%.2fx)\n", run, v["read-cpu-ms/op"], v["build-cpu-ms/op"], v["build-cpu-x-read"], v["etree-cpu-ms/op"], v["etree-cpu-x-read"] }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime) on $(nproc) cores"
