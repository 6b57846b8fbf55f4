#!/usr/bin/env bash
# Peak memory of reading a large VOC set from a .tar.gz (issue 14: under 256 MiB whatever
# the archive's size).
#
#   bench/memory/targz.sh [BYTES]
#
# Builds bench/memory/targz, generates VOCdevkit/VOC2007 as a .tar.gz of about BYTES
# (default 2 GiB) of JPEG-like images (a JPEG header, then pseudo-random bytes, so that the
# archive hardly compresses) with one XML each, then reads it as convert does
# (importers.OpenInput spills the tar to a temporary file; voc.FindRoots and voc.Read inline
# every image as base64) and prints the archive's size, the samples read and the peak RSS
# from /usr/bin/time -f %M. Needs about 2 x BYTES of free disk in TMPDIR (the archive and
# its spilled tar).
set -euo pipefail
cd "$(dirname "$0")/../.."
bytes=${1:-$((2 << 30))}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/targz" ./bench/memory/targz
"$work/targz" gen "$work/voc.tar.gz" "$bytes"
size=$(stat -c %s "$work/voc.tar.gz")
TMPDIR=$work /usr/bin/time -o "$work/time" -f %M "$work/targz" read "$work/voc.tar.gz" >"$work/out"
kib=$(tail -1 "$work/time")
printf 'archive %d bytes (%.2f GiB); %s; peak RSS %.1f MiB\n' "$size" "$(echo "$size / 1073741824" | bc -l)" "$(cat "$work/out")" "$(echo "$kib / 1024" | bc -l)"
