#!/usr/bin/env bash
# Peak memory of `convert coco` on hostile inputs: one record (an image, an annotation) that
# is far larger than a sample may be (12,582,912 bytes). Each must be rejected as soon as
# what it adds passes that limit, so that no input makes a run use more than 256 MiB.
#
#   bench/memory/coco.sh [ANNOTATIONS]
#
# Generates (with python3, streaming) and converts with -obs-prefix, measuring peak RSS with
# /usr/bin/time -f %M:
#   many     ANNOTATIONS annotations (default 5,000,000) on one image, bbox mode;
#   rle      a 4000x4000 crowd RLE whose counts alternate 1,1,... (16 million counts, a
#            checkerboard), -shape polygon;
#   regions  a 4000x4000 RLE of 1,000,000 counts (500,000 one-pixel regions), -shape polygon;
#   polygon  one polygon of 8,000,000 coordinates (-shape polygon);
#   keypoints one annotation with 3,000,000 keypoint triples;
#   element  one annotation of 100 MB (a polygon of 50,000,000 coordinates) in bbox mode: past
#            the 32 MiB of an element that are held, it is passed over without being held and
#            rejected alone (exit 1, the image still converts);
#   largest  a polygon of 3,800,000 one-digit coordinates: a sample just under the limit,
#            which converts (the most one record may legitimately take).
# It prints one line per case: name, input bytes, peak RSS in MiB, exit status, and the
# rejection (the first line of stderr that says "rejected").
set -euo pipefail
cd "$(dirname "$0")/../.."
annotations=${1:-5000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/convert" ./cmd/convert

python3 - "$work" "$annotations" <<'PY'
import sys
work, n = sys.argv[1], int(sys.argv[2])
head = '{"images":[{"id":1,"file_name":"a.jpg","width":4000,"height":4000}],"categories":[{"id":1,"name":"thing"}],"annotations":['
def write(name, parts):
    with open(f"{work}/{name}.json", "w") as f:
        f.write(head)
        for p in parts:
            f.write(p)
        f.write("]}")
def many():
    step = 10000
    for start in range(0, n, step):
        yield ",".join('{"id":%d,"image_id":1,"category_id":1,"bbox":[1,2,3,4]}' % i
                       for i in range(start, min(n, start + step))) + ("," if start + step < n else "")
def repeat(prefix, unit, count, suffix, step=1 << 20):
    yield prefix
    left = count
    while left > 0:
        k = min(step, left)
        left -= k
        yield unit * k if left > 0 else unit * (k - 1) + unit.rstrip(",")
    yield suffix
ann = '{"id":1,"image_id":1,"category_id":1,"iscrowd":1,"bbox":[0,0,4000,4000],'
write("many", many())
write("rle", repeat(ann + '"segmentation":{"size":[4000,4000],"counts":[', "1,", 4000 * 4000, "]}}"))
# 500,000 runs of one 1 after 31 0s: 16,000,000 pixels in 1,000,000 counts.
write("regions", repeat(ann.replace("4000,4000]", "4000,3999]") + '"segmentation":{"size":[3999,4000],"counts":[', "31,1,", 499875, "]}}"))
write("polygon", repeat(ann + '"segmentation":[[', "1,", 8000000, "]]}"))
write("keypoints", repeat('{"id":1,"image_id":1,"category_id":1,"bbox":[0,0,9,9],"keypoints":[', "1,1,2,", 3000000, "]}"))
write("element", repeat(ann + '"segmentation":[[', "1,", 50000000, "]]}"))
write("largest", repeat(ann + '"segmentation":[[', "1,", 3800000, "]]}"))
PY

run() {
	local name=$1 shape=$2
	local file="$work/$name.json" out="$work/out-$name"
	set +e
	/usr/bin/time -f %M -o "$work/rss" "$work/convert" coco -obs-prefix obs://bucket/coco/ -shape "$shape" -o "$out" "$file" >/dev/null 2>"$work/stderr"
	local status=$?
	set -e
	local kib
	kib=$(tail -n 1 "$work/rss")
	printf '%-9s %6d MB input  peak %4d MiB  exit %d  %s\n' "$name" $(( $(wc -c <"$file") / 1000000 )) $(( kib / 1024 )) "$status" \
		"$(grep -m1 -e rejected -e 'not converted' "$work/stderr" | sed "s|$work/||" | cut -c1-200)"
	rm -rf "$out"
}
[ -n "${ONLY:-}" ] || run many bbox
run rle polygon
run regions polygon
run polygon polygon
run keypoints bbox
run element bbox
run largest polygon
