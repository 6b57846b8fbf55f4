#!/usr/bin/env bash
# Peak memory of `convert voc` on hostile single records (issue 11: no input may make a run
# pass 256 MiB of peak RSS, with the parallel workers).
#
#   bench/memory/voc.sh [WORKERS]
#
# Builds ./cmd/convert, generates each hostile dataset below in a temporary folder, runs
# `convert voc -q -obs-prefix obs://bucket/voc/ -workers WORKERS` (default 8, more than this
# machine's cores, so that the parallel path is the one measured) on it, and prints the exit
# status, the peak RSS from /usr/bin/time -f %M and the first line of the rejections:
#   million        one file with 1,000,000 objects (226 MB; today's main: 2.97 GB)
#   elements       one file just under the size limit, of 4 million empty elements
#   objects-max    4 files, each with as many compact objects as the element limit allows
#   props-max      4 files, each one object with as many attributes as the limit allows
#   pretty-max     4 files of pretty-printed objects (VOC2012 layout) up to the limit
#   long-name      one file just under the size limit whose <name> is 15 MiB of text
#   dense-many     16 files of empty elements, each an eighth of the in-flight budget, so
#                  that as many as fit are parsed at once
set -euo pipefail
cd "$(dirname "$0")/../.."
workers=${1:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/convert" ./cmd/convert

# MaxElements and MaxFileBytes of importers/voc.
max_elements=$(sed -n 's/^\tMaxElements = \([0-9_]*\)$/\1/p' importers/voc/limits.go | tr -d _)
max_bytes=$((16 << 20))
budget=$(($(sed -n 's/^\tbudgetBytes = \([0-9]*\) << 20$/\1/p' importers/voc/limits.go) << 20))

head='<annotation><filename>x.jpg</filename><size><width>4000</width><height>3000</height><depth>3</depth></size>'

# gen KIND N: writes a VOC file of N units of KIND to stdout.
gen() {
	awk -v kind="$1" -v n="$2" -v head="$head" 'BEGIN {
		print head
		if (kind == "pretty") {
			for (i = 0; i < n; i++) {
				x = i % 3000; y = int(i / 3000) % 2000
				printf "\t<object>\n\t\t<name>person</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>%d</xmin>\n\t\t\t<ymin>%d</ymin>\n\t\t\t<xmax>%d</xmax>\n\t\t\t<ymax>%d</ymax>\n\t\t</bndbox>\n\t</object>\n", x, y, x + 10, y + 20
			}
		} else if (kind == "compact") {
			for (i = 0; i < n; i++)
				printf "<object><name>a</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object>"
		} else if (kind == "empty") {
			for (i = 0; i < n; i++) printf "<a/>"
		} else if (kind == "props") {
			printf "<object><name>a</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox><properties>"
			for (i = 0; i < n; i++) printf "<p%d>v</p%d>", i, i
			printf "</properties></object>"
		} else if (kind == "long-name") {
			printf "<object><name>"
			s = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" # 64
			for (i = 0; i < n / 64; i++) printf "%s", s
			printf "</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object>"
		}
		print "</annotation>"
	}'
}

# dataset NAME KIND N COPIES: a folder of COPIES files.
dataset() {
	mkdir -p "$work/$1/Annotations"
	gen "$2" "$3" >"$work/$1/Annotations/f1.xml"
	for i in $(seq 2 "$4"); do # the same objects, another image
		sed "1s/x\.jpg/x$i.jpg/" "$work/$1/Annotations/f1.xml" >"$work/$1/Annotations/f$i.xml"
	done
}

dataset million pretty 1000000 1
dataset elements empty $(((max_bytes - 200) / 4)) 1
dataset objects-max compact $(((max_elements - 10) / 7)) 4
dataset props-max props $((max_elements - 20)) 4
dataset pretty-max pretty $(((max_elements - 10) / 10)) 4
dataset long-name long-name $((15 << 20)) 1
dataset dense-many empty $((budget / 8 / 4 - 40)) 16

printf '%-12s %10s %4s %10s  %s\n' dataset bytes exit peak-MiB rejection
for d in million elements objects-max props-max pretty-max long-name dense-many; do
	bytes=$(du -cb "$work/$d/Annotations" | tail -1 | cut -f1)
	set +e
	/usr/bin/time -o "$work/time" -f %M "$work/convert" voc -q -workers "$workers" \
		-obs-prefix obs://bucket/voc/ -o "$work/out-$d" "$work/$d" 2>"$work/err"
	rc=$?
	set -e
	kib=$(tail -1 "$work/time")
	why=$(grep -m1 rejected "$work/err" | sed 's/^[^ ]*: //' | cut -c1-90 || true)
	printf '%-12s %10s %4s %10.1f  %s\n' "$d" "$bytes" "$rc" "$(echo "$kib / 1024" | bc -l)" "$why"
done
