#!/usr/bin/env bash
# Throughput of the whole `convert conll` and `convert csv` commands writing request files,
# side by side with merely reading the input (issue 17).
#
#   bench/text/run.sh [MB] [RUNS] [BASELINE] [KINDS]
#
# Generates (bench/text/gen) a CoNLL-2003-shaped NER file and a CSV text-classification file
# of about MB megabytes each (default 50; the CSV also in GBK, about 0.78x the size), builds
# ./cmd/convert, then, RUNS times each (default 3), in turn:
#   - read:    cat FILE > /dev/null (ten times in one process, the time divided by ten: once
#              is under the timer's 10 ms resolution);
#   - convert: convert conll|csv -q -o DIR FILE (DIR on tmpfs when /dev/shm is writable, so
#              that the figures measure the conversion, not the disk; each request file is
#              still written to a temporary file, synced and renamed);
#   - write:   cp -r of the request files that convert run wrote into a fresh folder beside
#              them: what the kernel alone takes to write that output (on this VM mostly the
#              first touch of fresh tmpfs pages), a floor no conversion goes under; its "MB/s"
#              is the input's MB over that time, comparable with convert's;
#   - BASELINE, when given: the same command with another convert binary (say one built from
#              main), run alternately with the new one so that both see the same load.
# It prints, per file and command, the best wall-clock MB/s, the best MB per CPU-second
# (input bytes over user+sys time from /usr/bin/time, all threads) and the cores used
# (CPU time over wall time). On a machine other jobs load, wall-clock figures are noise and
# MB per CPU-second is the figure to compare; with two idle cores the command's wall-clock
# rate is at most about twice its MB per CPU-second. KINDS (default "conll csv") limits the
# run to some of the files: conll (eng.train), csv (utf8.csv and gbk.csv). Targets (issue 17):
# CoNLL >= 150 MB/s, CSV >= 200 MB/s, GBK CSV >= 120 MB/s, on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-50}
runs=${2:-3}
baseline=${3:-}
kinds=${4:-conll csv}
files=
case " $kinds " in *" conll "*) files="eng.train" ;; esac
case " $kinds " in *" csv "*) files="$files utf8.csv gbk.csv" ;; esac
[ -n "$files" ] || { echo "KINDS: conll and/or csv" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }
work=$(mktemp -d)
out=$work
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	out=$(mktemp -d /dev/shm/text-bench.XXXXXX)
fi
trap 'rm -rf "$work" "$out"' EXIT

case $files in *eng.train*) go run ./bench/text/gen -kind conll -mb "$mb" -o "$work/eng.train" ;; esac
case $files in *utf8.csv*)
	go run ./bench/text/gen -kind csv -mb "$mb" -o "$work/utf8.csv"
	go run ./bench/text/gen -kind csv -mb "$mb" -gbk -o "$work/gbk.csv"
	;;
esac
go build -o "$work/convert" ./cmd/convert

# measure NAME FILE CMD...: appends "NAME FILE wall-seconds cpu-seconds" to the results.
measure() {
	local name=$1 file=$2
	shift 2
	if [ "$name" = write ]; then
		rm -rf "$out/copy"
	else
		rm -rf "$out/requests"
	fi
	if ! /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr"; then
		cat "$work/stderr" >&2
		exit 1
	fi
	read -r wall user sys <"$work/time"
	local times=1
	[ "$name" = read ] && times=10
	echo "$name $file $(echo "scale=4; $wall / $times" | bc) $(echo "scale=4; ($user + $sys) / $times" | bc)" >>"$work/results"
}

: >"$work/results"
for _ in $(seq "$runs"); do
	for f in $files; do
		verb=csv
		[ "$f" = eng.train ] && verb=conll
		measure read "$f" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do cat "$1"; done >/dev/null' sh "$work/$f"
		measure convert "$f" "$work/convert" "$verb" -q -o "$out/requests" "$work/$f"
		measure write "$f" cp -r "$out/requests" "$out/copy"
		rm -rf "$out/copy"
		if [ -n "$baseline" ]; then
			measure baseline "$f" "$baseline" "$verb" -q -o "$out/requests" "$work/$f"
		fi
	done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; output to $out"

python3 - "$work/results" "$work" <<'PY'
import os, sys
best = {}
for line in open(sys.argv[1]):
    name, f, wall, cpu = line.split()
    w, c = best.get((name, f), (1e9, 1e9))
    best[(name, f)] = (min(w, float(wall)), min(c, float(cpu)))
labels = {"eng.train": "CoNLL", "utf8.csv": "CSV UTF-8", "gbk.csv": "CSV GBK"}
targets = {"eng.train": 150, "utf8.csv": 200, "gbk.csv": 120}
print("%-10s %-9s %7s %10s %12s %6s" % ("file", "command", "MB", "wall MB/s", "MB/cpu-s", "cores"))
for f in ("eng.train", "utf8.csv", "gbk.csv"):
    if not os.path.exists(os.path.join(sys.argv[2], f)):
        continue
    mb = os.path.getsize(os.path.join(sys.argv[2], f)) / 1e6
    for name in ("read", "write", "convert", "baseline"):
        if (name, f) not in best:
            continue
        w, c = best[(name, f)]
        w, c = max(w, 0.001), max(c, 0.001)
        print("%-10s %-9s %7.1f %10.0f %12.0f %6.2f" % (labels[f], name, mb, mb / w, mb / c, c / w))
print("best of the runs; target on 2 cores: CoNLL >= 150, CSV >= 200, GBK >= 120 MB/s (wall)")
PY
