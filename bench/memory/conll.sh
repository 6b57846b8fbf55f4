#!/usr/bin/env bash
# Peak memory of `convert conll` on one huge record (issue 11: no input may make a run pass
# 256 MiB of peak RSS).
#
#   bench/memory/conll.sh [MB] [CONVERT]
#
# Generates, in a temporary folder, CoNLL files of MB megabytes each (default 96) that are all
# one record, then runs `convert conll -q -o DIR FILE` on each under `/usr/bin/time -f %M` and
# prints its peak RSS (KiB and MiB) and exit status. Every run is expected to exit 1 (the record
# is rejected: it passes the 12,582,912-byte sample limit). CONVERT is a convert binary to
# measure (default: one built from ./cmd/convert).
#
# Files (all of MB megabytes):
#   sentence      one sentence of CoNLL-2003 lines (`token POS chunk tag`), every other token an
#                 entity, no blank line;
#   entities      one sentence of single-character tokens, each its own entity (S-PER): the most
#                 labels per byte;
#   line          one token line of MB megabytes ("xxx...x O");
#   document      `-group document` over short sentences and no -DOCSTART- (one document);
#   cr            the `sentence` file with CR-only line ends;
#   fits          (whatever MB) the largest kind of record the importer lets through: one
#                 sentence of 1,300,000 tokens, 11.7 MB of text, just under the sample limit;
#                 it becomes a sample, which the writer then rejects as over the body limit;
#   fits-gbk      the same in GBK with -keep-encoding: 6,200,000 single-character tokens,
#                 12.4 MB of GBK text (18.6 MB as UTF-8), needs iconv.
# This is a measurement script, not a test: run it by hand and copy the figures to the README
# (Performance, "Memory for one huge record").
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-96}
bytes=$((mb << 20))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

convert=${2:-}
if [ -z "$convert" ]; then
	convert=$work/convert
	go build -o "$convert" ./cmd/convert
fi
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

# generate NAME: writes $work/NAME.conll of $bytes bytes.
generate() {
	local f=$work/$1.conll
	set +o pipefail # yes and head -c end each other with SIGPIPE
	case $1 in
	sentence) yes "$(printf 'Rockwell NNP I-NP B-ORG\nsaid VBD I-VP O')" | head -c "$bytes" >"$f" ;;
	entities) yes '中 S-PER' | head -c "$bytes" >"$f" ;;
	line) { head -c "$bytes" /dev/zero | tr '\0' x; echo ' O'; } >"$f" ;;
	document) yes "$(printf 'EU B-ORG\nrejects O\nGerman B-MISC\ncall O\n')" | head -c "$bytes" >"$f" ;;
	cr) yes "$(printf 'Rockwell NNP I-NP B-ORG\nsaid VBD I-VP O')" | head -c "$bytes" | tr '\n' '\r' >"$f" ;;
	fits) yes 'Rockwell O' | head -n 1300000 >"$f" ;;
	fits-gbk) yes '中 O' | head -n 6200000 | iconv -f utf-8 -t gbk >"$f" ;;
	esac
	set -o pipefail
}

printf '%-10s %10s %8s %s\n' file peak-KiB peak-MiB exit
for name in sentence entities line document cr fits fits-gbk; do
	generate "$name"
	args=(conll -q -o "$work/out-$name")
	[ "$name" = document ] && args+=(-group document)
	[ "$name" = fits-gbk ] && args+=(-keep-encoding)
	set +e
	/usr/bin/time -f %M -o "$work/time" "$convert" "${args[@]}" "$work/$name.conll" >/dev/null 2>"$work/stderr"
	code=$?
	set -e
	kib=$(tail -n 1 "$work/time")
	printf '%-10s %10s %8s %s\n' "$name" "$kib" "$((kib / 1024))" "$code"
	if [ "$code" -gt 1 ]; then
		head -c 2000 "$work/stderr" >&2
	fi
	rm -rf "$work/$name.conll" "$work/out-$name"
done
