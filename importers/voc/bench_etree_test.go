package voc_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/importers/voc"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// BenchmarkVOC2012Readers compares the two ways parse reads a file, on BenchmarkVOC2012's
// root (VOC_BENCH_ROOT too): build (encoding/xml's tokens into reused etree nodes, the
// default) and etree's own reader (etree.Document.ReadFromBytes), each converting the root
// with -obs-prefix. ratio runs reading the bytes, build and etree alternately and reports
// their CPU time over the read's; build and etree report allocations.
//
//	go test ./importers/voc -run '^$' -bench VOC2012Readers -benchmem -benchtime 2x
func BenchmarkVOC2012Readers(b *testing.B) {
	fsys := os.DirFS(benchRoot(b))
	readAll := func(b *testing.B) { readAllXML(b, fsys) }
	convertWith := func(etree bool) func(b *testing.B) {
		return func(b *testing.B) {
			voc.SetEtreeReader(etree)
			defer voc.SetEtreeReader(false)
			convertAllVOC(b, fsys)
		}
	}
	for _, r := range []struct {
		name  string
		etree bool
	}{{"build", false}, {"etree", true}} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				convertWith(r.etree)(b)
			}
		})
	}
	b.Run("ratio", func(b *testing.B) {
		var cpu [3]time.Duration
		passes := []func(*testing.B){readAll, convertWith(false), convertWith(true)}
		for b.Loop() {
			for i, f := range passes {
				runtime.GC()
				c0 := cputime.Now()
				f(b)
				cpu[i] += cputime.Now() - c0
			}
		}
		if cpu[0] > 0 {
			b.ReportMetric(float64(cpu[0].Milliseconds())/float64(b.N), "read-cpu-ms/op")
			b.ReportMetric(float64(cpu[1].Milliseconds())/float64(b.N), "build-cpu-ms/op")
			b.ReportMetric(float64(cpu[2].Milliseconds())/float64(b.N), "etree-cpu-ms/op")
			b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "build-cpu-x-read")
			b.ReportMetric(float64(cpu[2])/float64(cpu[0]), "etree-cpu-x-read")
		}
	})
}
