package api_test

import (
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/benchdata"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// BenchmarkValidateShapes validates samples of the shapes the whole-command benchmarks
// make (see benchdata.Shapes): ns/cpu is CPU time per sample of the whole process. Each kind
// runs over 2,000 samples (for polygons, 20 MB: more than the caches hold) and, as "-hot",
// over 20 that stay in the caches, as a sample the importer has just built mostly is when
// emit validates it.
func BenchmarkValidateShapes(b *testing.B) {
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		for _, n := range []int{2000, 20} {
			name := kind
			if n == 20 {
				name += "-hot"
			}
			b.Run(name, func(b *testing.B) {
				samples := benchdata.Shapes(kind, n)
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
}
