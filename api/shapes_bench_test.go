package api_test

import (
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/benchdata"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// BenchmarkValidateShapes validates samples of the shapes the whole-command benchmarks
// make (see benchdata.Shapes): ns/cpu is CPU time per sample of the whole process.
func BenchmarkValidateShapes(b *testing.B) {
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		samples := benchdata.Shapes(kind, 2000)
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for i := 0; b.Loop(); i++ {
				if vs := api.ValidateSample("sample", samples[i%len(samples)]); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
			cputime.ReportPerOp(b, cpu0)
		})
	}
}
