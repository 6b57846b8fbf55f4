#!/usr/bin/env bash
# Peak memory of `convert csv` on hostile input: one record far over the per-sample limit
# (12,582,912 bytes). Each case is a file with a few good rows around one huge record; the
# run must reject the record, convert the rows, and stay under 256 MiB of peak RSS.
#
#   bash bench/memory/csv.sh [MB] [CONVERT]   # MB: size of the huge record (default 200);
#                                             # CONVERT: a built binary (default: build this tree)
#
# Prints one line per case: its name, the peak RSS (/usr/bin/time -f %M, KiB), the exit
# status (1: the record was rejected, as it must be) and the run's summary line.
set -eu
mb=${1:-200}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${2:-}" ]; then
	cp "$2" "$work/convert"
else
	(cd "$root" && go build -o "$work/convert" ./cmd/convert)
fi

# gen NAME: writes $work/NAME.csv
gen() {
	local f="$work/$1.csv"
	{
		printf 'text,label\nfirst row,a\n'
		case $1 in
		unclosed-quote) # a quote that never closes, then MB of lines that are not rows
			printf '"never closed\n'
			yes 'inner line' | head -c "${mb}M" ;;
		long-quoted) # a quoted field of MB over many lines that does close
			printf '"'
			yes 'inner line' | head -c "${mb}M"
			printf '",c\n' ;;
		huge-row) # one unquoted row of MB without a line end
			head -c "${mb}M" /dev/zero | tr '\0' 'x'
			printf ',d\n' ;;
		cr-only) # 1 MB of CR-only rows (each one a sample), then a huge row
			yes 'row,e' | head -c 1M | tr '\n' '\r'
			head -c "${mb}M" /dev/zero | tr '\0' 'y'
			printf ',f\r' ;;
		esac
		printf 'last row,z\n'
	} >"$f"
}

printf '%-16s %12s %6s  %s\n' case peak_KiB exit summary
for c in unclosed-quote long-quoted huge-row cr-only; do
	gen "$c"
	rm -rf "$work/out"
	set +e
	/usr/bin/time -f %M -o "$work/rss" "$work/convert" csv -o "$work/out" "$work/$c.csv" 2>"$work/err"
	code=$?
	set -e
	printf '%-16s %12s %6s  %s\n' "$c" "$(tail -n1 "$work/rss")" "$code" "$(grep -a 'convert csv:' "$work/err" | tail -n1)"
	rm -f "$work/$c.csv"
done
