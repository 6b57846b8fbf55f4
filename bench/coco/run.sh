#!/usr/bin/env bash
# Benchmark of the COCO importer against what every Python COCO converter does first.
#
#   bench/coco/run.sh [IMAGES] [RUNS] [LINEAR_BASE] [OLD_CONVERT]
#
# Generates a COCO instances file of train2017's shape with IMAGES images (default 15000,
# about 39 MB; see bench/coco/cocogen), builds ./cmd/convert, then times in one run, RUNS
# times each (default 3, best of them reported):
#   - baseline: CPython json.load of the file plus the index pycocotools' COCO() builds
#     (bench/coco/baseline.py; createIndex reimplemented, pycocotools is not installable here);
#   - convert coco -obs-prefix obs://bucket/train2017/ writing request bodies with the default
#     flags (bbox, 100 samples per request file), and with -shape polygon.
#   - with OLD_CONVERT (another convert binary, say one built from main), the same two bbox
#     and polygon runs with it, alternating with the new binary so that both see the same
#     load, and the new binary's time and CPU time as a ratio to the old one's.
# Wall time, CPU time (user+sys) and peak RSS come from /usr/bin/time when present, else from
# Python's resource.getrusage; "cores" is CPU time over wall time, how much of the machine's
# cores the run kept busy. Targets (issue 17): bbox at most 0.12x the baseline's time and
# 0.2x its peak memory, -shape polygon at most 0.2x its time. On a shared, loaded machine wall
# times are noise: the ratios are taken in the same run, and the CPU-time ratio is printed too.
#
# Then, for linearity, the same at LINEAR_BASE images (default 2500) times 1, 4 and 16 (bbox
# and baseline, best of RUNS): seconds and CPU seconds per MB, and peak RSS, each as a ratio
# to the 1x run, and the memory per annotation ((RSS at 16x - RSS at 1x) / the annotations
# added). LINEAR_BASE=0 skips it.
set -euo pipefail
cd "$(dirname "$0")/../.."
images=${1:-15000}
runs=${2:-3}
linear=${3:-${LINEAR_BASE:-2500}}
old=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go run ./bench/coco/gen -images "$images" -o "$work/instances.json"
go build -o "$work/convert" ./cmd/convert
bytes=$(wc -c <"$work/instances.json")
python3 - "$work/instances.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = len(d["annotations"])
print("input: %d images, %d annotations (%.2f per image), %d crowd, %d categories (last key: %s)"
      % (len(d["images"]), n, n / len(d["images"]), sum(a["iscrowd"] for a in d["annotations"]),
         len(d["categories"]), list(d)[-1]))
PY
echo "input: $bytes bytes"

# measure NAME CMD... prints "NAME seconds peak-KiB cpu-seconds" for one run.
measure() {
	local name=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%e %M %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr"; return 1; }
		tail -n 1 "$work/time" | awk -v n="$name" '{printf "%s %s %s %.2f\n", n, $1, $2, $3 + $4}'
	else
		python3 - "$name" "$@" <<'PY'
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(sys.argv[1], "%.2f" % (time.perf_counter() - t), u.ru_maxrss, "%.2f" % (u.ru_utime + u.ru_stime))
PY
	fi
}

: >"$work/results"
# Request bodies go to a tmpfs when there is one (COCO_BENCH_OUT overrides), so that the
# figures measure the conversion, not the disk: emit writes each body atomically with an
# fsync, which on a slow disk costs more than converting it. The "disk" row shows that cost.
fast=${COCO_BENCH_OUT:-}
if [ -z "$fast" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	fast=$(mktemp -d /dev/shm/coco-bench.XXXXXX)
	trap 'rm -rf "$work" "$fast"' EXIT
fi
fast=${fast:-$work/fast}
convert=("$work/convert" coco -q -obs-prefix obs://bucket/train2017/)
for _ in $(seq "$runs"); do
	measure baseline python3 bench/coco/baseline.py "$work/instances.json" >>"$work/results"
	rm -rf "$fast/out"
	measure bbox "${convert[@]}" -o "$fast/out" "$work/instances.json" >>"$work/results"
	rm -rf "$work/out"
	measure bbox-disk "${convert[@]}" -o "$work/out" "$work/instances.json" >>"$work/results"
	rm -rf "$fast/out"
	measure polygon "${convert[@]}" -shape polygon -o "$fast/out" "$work/instances.json" >>"$work/results"
	if [ -n "$old" ]; then
		rm -rf "$fast/out"
		measure old-bbox "$old" coco -q -obs-prefix obs://bucket/train2017/ -o "$fast/out" "$work/instances.json" >>"$work/results"
		rm -rf "$fast/out"
		measure old-polygon "$old" coco -q -obs-prefix obs://bucket/train2017/ -shape polygon -o "$fast/out" "$work/instances.json" >>"$work/results"
		rm -rf "$fast/out"
		measure bbox "${convert[@]}" -o "$fast/out" "$work/instances.json" >>"$work/results"
		rm -rf "$fast/out"
		measure polygon "${convert[@]}" -shape polygon -o "$fast/out" "$work/instances.json" >>"$work/results"
	fi
done
echo "output: $(ls "$fast/out" | wc -l) request bodies (polygon: $(cat "$fast/out"/*.json | wc -c) bytes; bbox: $(cat "$work/out"/*.json | wc -c) bytes)"
echo "request bodies written to $fast (tmpfs when it is under /dev/shm) and, for the disk row, to $work"

python3 - "$work/results" "$bytes" <<'PY'
import sys
best = {}
for line in open(sys.argv[1]):
    name, secs, kib, cpu = line.split()
    t, m, c = best.get(name, (1e9, 1e12, 1e9))
    best[name] = (min(t, float(secs)), min(m, int(kib)), min(c, float(cpu)))
size = int(sys.argv[2])
bt, bm, bc = best["baseline"]
print("%-30s %8s %8s %6s %12s %7s %7s %7s" % ("", "wall s", "cpu s", "cores", "peak RSS", "time", "cpu", "memory"))
print("%-30s %8.2f %8.2f %6.2f %8.0f MiB %6.2fx %6.2fx %6.2fx" % ("python json.load + COCO index", bt, bc, bc / bt, bm / 1024, 1, 1, 1))
labels = {"bbox": "convert coco (bbox)", "bbox-disk": "convert coco (bbox), disk", "polygon": "convert coco -shape polygon"}
limits = {"bbox": 0.12, "bbox-disk": 0.12, "polygon": 0.2}
for name in ("bbox", "bbox-disk", "polygon"):
    t, m, c = best[name]
    ok = t <= limits[name] * bt and (name == "polygon" or m <= 0.2 * bm)
    print("%-30s %8.2f %8.2f %6.2f %8.0f MiB %6.2fx %6.2fx %6.2fx  %s" % (labels[name], t, c, c / t, m / 1024, t / bt, c / bc, m / bm, "meets the targets" if ok else "misses a target"))
print("input %.1f MB; best of the runs (cores: CPU seconds per wall second of those bests); targets: bbox <= 0.12x time and <= 0.2x peak memory, polygon <= 0.2x time" % (size / 1e6))
if "old-bbox" in best:
    print()
    print("%-30s %8s %8s %6s %12s %10s %10s" % ("against OLD_CONVERT", "wall s", "cpu s", "cores", "peak RSS", "new/old", "cpu new/old"))
    for name in ("bbox", "polygon"):
        t, m, c = best["old-" + name]
        nt, nm, nc = best[name]
        print("%-30s %8.2f %8.2f %6.2f %8.0f MiB %9.2fx %9.2fx" % ("old " + labels[name][len("convert "):], t, c, c / t, m / 1024, nt / t, nc / c))
PY

[ "$linear" -gt 0 ] || exit 0
echo
echo "linearity: $linear images x 1, 4, 16 (bbox; best of $runs)"
: >"$work/linear"
for k in 1 4 16; do
	n=$((linear * k))
	go run ./bench/coco/gen -images "$n" -o "$work/lin.json"
	b=$(wc -c <"$work/lin.json")
	anns=$(grep -o '"iscrowd"' "$work/lin.json" | wc -l)
	for _ in $(seq "$runs"); do
		rm -rf "$fast/out"
		echo "$k $b $anns $(measure bbox "${convert[@]}" -o "$fast/out" "$work/lin.json")" >>"$work/linear"
		echo "$k $b $anns $(measure baseline python3 bench/coco/baseline.py "$work/lin.json")" >>"$work/linear"
	done
done
rm -f "$work/lin.json"
python3 - "$work/linear" <<'PY'
import sys
best = {}
for line in open(sys.argv[1]):
    k, size, anns, name, secs, kib, cpu = line.split()
    key = (int(k), name)
    t, m, c = best.get(key, (1e9, 1e12, 1e9, 0, 0))[:3]
    best[key] = (min(t, float(secs)), min(m, int(kib)), min(c, float(cpu)), int(size), int(anns))
print("%4s %8s %9s %8s %8s %10s %11s %11s %9s %9s" % ("x", "MB", "anns", "wall s", "cpu s", "peak MiB", "s/MB vs 1x", "cpu/MB vs 1x", "RSS vs 1x", "time vs py"))
t1, m1, c1, s1, a1 = best[(1, "bbox")]
for k in (1, 4, 16):
    t, m, c, s, a = best[(k, "bbox")]
    bt = best[(k, "baseline")][0]
    print("%4d %8.1f %9d %8.2f %8.2f %10.0f %10.2fx %10.2fx %8.2fx %8.2fx" % (k, s / 1e6, a, t, c, m / 1024, (t / s) / (t1 / s1), (c / s) / (c1 / s1), m / m1, t / bt))
t16, m16, c16, s16, a16 = best[(16, "bbox")]
print("memory per annotation (RSS 16x - 1x over the annotations added): %.0f bytes" % ((m16 - m1) * 1024 / (a16 - a1)))
PY
