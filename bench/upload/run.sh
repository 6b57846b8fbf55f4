#!/usr/bin/env bash
# The uploader's throughput against a loopback endpoint that answers 50 ms after it has read
# a request (issue 17), this tree side by side with a baseline, alternately in one run.
#
#   bench/upload/run.sh [RUNS] [BASELINE-REF] [BENCHTIME] [CASES]
#
# Builds the test binary of ./upload (BenchmarkUploadFiles: `convert upload` of request files
# of 100 small detection samples, journal on, at -concurrency 1, 4, 16, 64, and the dry run)
# from this tree and, when BASELINE-REF is given (say main), from that commit with this
# tree's benchmark file copied in (the same endpoint and the same figures), then runs them
# alternately RUNS times each (default 3), so that both see the same load. CASES picks some
# (a -bench pattern after UploadFiles/, say 'concurrency=(16|64)'; default all). The journal is on
# the disk of TMPDIR (set TMPDIR=/dev/shm for tmpfs). It prints, per case, the range over the
# runs of:
#   %bound    samples/s over concurrency x 100 samples per 50 ms
#   %meas     the same with the latency the endpoint measured it gave (a 50 ms sleep takes
#             longer: latency-ms)
#   %bare     over a bare net/http loop posting the same bodies to the same endpoint right after
#   gap-ms    the time a slot spends per request outside the endpoint's measured latency (the
#             answer's way back, the uploader's work until its next request, that request's
#             way to the endpoint): what the uploader can take off a slot's path
#   inflight  requests in flight on average (the concurrency when every slot is always busy)
#   samples/s, and cpu-us per sample (the process's user+sys time, endpoint included)
#   conns     connections the uploader opened (one per slot when they are reused)
# Wall-clock figures are noise on a loaded machine; CPU per sample and %bare less so.
# Targets: >= 90% of the bound up to concurrency 16; at 64 every slot busy and >= 80,000
# samples/s; dry run >= 150,000 samples/s.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
baseline=${2:-}
benchtime=${3:-40000x}
cases=${4:-.}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go test -c -o "$work/new.test" ./upload
bins=(new)
if [ -n "$baseline" ]; then
	mkdir "$work/src"
	git archive "$baseline" | tar -x -C "$work/src"
	cp upload/throughput_bench_test.go "$work/src/upload/"
	(cd "$work/src" && go test -c -o "$work/base.test" ./upload)
	bins=(base new)
fi

: >"$work/results"
for _ in $(seq "$runs"); do
	for bin in "${bins[@]}"; do
		"$work/$bin.test" -test.run '^$' -test.bench "UploadFiles/($cases)" -test.benchtime "$benchtime" |
			awk -v bin="$bin" '/^BenchmarkUploadFiles/ {
				name = $1; sub(/^BenchmarkUploadFiles\//, "", name); sub(/-[0-9]+$/, "", name)
				line = bin " " name
				for (i = 3; i < NF; i += 2) line = line " " $(i+1) "=" $i
				print line
			}' >>"$work/results"
	done
done

echo "each run: code case %-of-bound %-of-measured-bound samples/s"
awk '{ b = "-"; m = "-"; r = "-"
	for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "%-of-bound") b = kv[2]; if (kv[1] == "%-of-measured-bound") m = kv[2]; if (kv[1] == "samples/s") r = kv[2] }
	printf "  %-5s %-18s %-8s %-8s %s\n", $1, $2, b, m, r }' "$work/results"
printf "%-5s %-18s %-11s %-11s %-11s %-11s %-11s %-13s %-15s %-14s %s\n" code case %bound %meas gap-ms %bare inflight latency-ms samples/s cpu-us/sample conns
awk '
function range(k,   lo, hi) {
	if (!(k in n)) return "-"
	lo = min[k]; hi = max[k]
	if (lo == hi) return fmt(lo)
	return fmt(lo) "-" fmt(hi)
}
function fmt(v) { return v >= 1000 ? sprintf("%d", v) : v < 10 ? sprintf("%.2f", v) : sprintf("%.1f", v) }
{
	key = $1 SUBSEP $2
	if (!($2 in seenCase)) { seenCase[$2] = 1; caseOrder[++cases] = $2 }
	if (!($1 in seenBin)) { seenBin[$1] = 1; binOrder[++bins] = $1 }
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		m = kv[1]; v = kv[2] + 0
		if (m == "cpu-ns/sample") { m = "cpu-us/sample"; v /= 1000 }
		k = key SUBSEP m
		if (!(k in n) || v < min[k]) min[k] = v
		if (!(k in n) || v > max[k]) max[k] = v
		n[k]++
	}
}
END {
	for (c = 1; c <= cases; c++) for (b = 1; b <= bins; b++) {
		key = binOrder[b] SUBSEP caseOrder[c]
		if (!((key SUBSEP "samples/s") in n)) continue
		split(key, p, SUBSEP)
		printf "%-5s %-18s %-11s %-11s %-11s %-11s %-11s %-13s %-15s %-14s %s\n", p[1], p[2], range(key SUBSEP "%-of-bound"),
			range(key SUBSEP "%-of-measured-bound"), range(key SUBSEP "gap-ms"), range(key SUBSEP "%-of-bare-loop"),
			range(key SUBSEP "avg-in-flight"), range(key SUBSEP "latency-ms"),
			range(key SUBSEP "samples/s"), range(key SUBSEP "cpu-us/sample"), range(key SUBSEP "conns")
	}
}' "$work/results"
echo "($runs runs each, benchtime $benchtime, journal under ${TMPDIR:-/tmp}; load average: $(cut -d' ' -f1-3 /proc/loadavg))"
