package conll

import "testing"

// BenchmarkScanColumns and BenchmarkScanFirstLast split every line of the benchmarks'
// CoNLL-2003-shaped file as scanLine and tokenLines do (the token first, the tag last).
func BenchmarkScanColumns(b *testing.B) {
	benchmarkScan(b, func(b []byte, cols *lineCols) (int, int, bool) { return scanColumns(b, 1, 0, cols) })
}

func BenchmarkScanFirstLast(b *testing.B) { benchmarkScan(b, scanFirstLast) }

func benchmarkScan(b *testing.B, scan func([]byte, *lineCols) (int, int, bool)) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	var cols lineCols
	for b.Loop() {
		n := 0
		for rest := data; ; {
			eol, cols, _ := scan(rest, &cols)
			if eol < 0 {
				break
			}
			n += cols
			rest = rest[eol+1:]
		}
		if n == 0 {
			b.Fatal("no columns")
		}
	}
}
