package manifest_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/modelarts-convert/convert/importers/manifest"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// textLines generates n manifest lines of text samples (classification and entities, as the
// platform exports them) on the fly, so that the input itself takes no memory.
type textLines struct {
	n, i int
	buf  []byte // the current line
	off  int    // how much of it was read
	size int64
}

func (g *textLines) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		g.off = 0
		if g.i == g.n {
			return 0, io.EOF
		}
		g.i++
		if g.i > len(benchPool) {
			// Past the pool, lines repeat (content:// samples are named by line number, so
			// their names stay unique): generating them would cost more than converting.
			g.buf = append(g.buf[:0], benchPool[g.i%len(benchPool)]...)
		} else if g.i%2 == 0 {
			g.buf = fmt.Appendf(g.buf[:0], `{"source":"content://Sample %d: Michael Jordan is the most famous basketball player in the world.","usage":"TRAIN","id":"%032d","annotation":[{"type":"modelarts/text_entity","name":"Person","property":{"@modelarts:start_index":%d,"@modelarts:end_index":%d},"annotated-by":"human","creation-time":"2019-01-23 11:30:30"}]}`+"\n",
				g.i, g.i, len(fmt.Sprint(g.i))+9, len(fmt.Sprint(g.i))+23)
		} else {
			g.buf = fmt.Appendf(g.buf[:0], `{"source":"content://Review %d: I like this product, it works well and arrived on time.","usage":"TRAIN","id":"%032d","annotation":[{"type":"modelarts/text_classification","name":"positive","annotated-by":"human","creation-time":"2019-01-23 11:30:30"}]}`+"\n", g.i, g.i)
		}
		if g.i <= len(benchPool) {
			benchPool[g.i-1] = append([]byte(nil), g.buf...)
		}
		g.size += int64(len(g.buf))
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

// benchPool holds the first generated lines, which later ones repeat.
var benchPool = make([][]byte, 4096)

// BenchmarkMillionLines converts a manifest of 1,000,000 text samples (about 250 MB). MB/s
// is the manifest's bytes; peak-heap-MB is the largest live heap seen (sampled every 100,000
// samples), which stays flat: lines are converted one at a time.
func BenchmarkMillionLines(b *testing.B) {
	lines := benchLines()
	b.ReportAllocs()
	var size int64
	peak := uint64(0)
	cpu0 := cputime.Now()
	for b.Loop() {
		g := &textLines{n: lines}
		n := 0
		for s, err := range manifest.ReadFrom(context.Background(), g, "bench.manifest", nil, manifest.Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Labels) != 1 {
				b.Fatalf("sample %d has %d labels", n, len(s.Labels))
			}
			n++
			if n%100_000 == 0 {
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if n != lines {
			b.Fatalf("%d samples, want %d", n, lines)
		}
		size = g.size
	}
	// Throughput per CPU-second of the whole process (all goroutines).
	cputime.ReportThroughput(b, size, cpu0)
	b.SetBytes(size)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// benchLines is 1,000,000; -short makes it 100,000 (for profiling).
func benchLines() int {
	if testing.Short() {
		return 100_000
	}
	return 1_000_000
}
