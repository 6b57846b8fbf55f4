package emit

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/modelarts-convert/convert/internal/benchdata"
)

// BenchmarkWriteShapes is Dir.Write (validate, check names, encode, batch, write the files)
// on 20,000 samples of each shape (4,000 polygon samples) of benchdata.Shapes, into a temporary folder ($TMPDIR: put it
// on tmpfs to leave the disk out). ns/cpu-sample is CPU time per sample of the whole process,
// which load on the machine disturbs less than wall time.
func BenchmarkWriteShapes(b *testing.B) {
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		n := 20000
		if kind == "polygon" {
			n = 4000
		}
		samples := benchdata.Shapes(kind, n)
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			dir := b.TempDir()
			var size int64
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				out := fmt.Sprintf("%s/%d", dir, i)
				st, err := WriteDir(context.Background(), out, stream(samples, nil), Options{}, nil)
				if err != nil || st.Samples != len(samples) {
					b.Fatal(st, err)
				}
				size = st.Bytes
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			b.SetBytes(size)
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*len(samples)), "ns/cpu-sample")
			}
		})
	}
}
