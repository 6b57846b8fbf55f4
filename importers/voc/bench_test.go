package voc_test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers/voc"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// vocSize is VOC2012's trainval detection set: 17,125 annotation files.
const vocSize = 17125

// BenchmarkVOC2012 converts a generated VOC2012-sized root (17,125 XML files, 2.4 objects
// each on average) with -obs-prefix, and compares that with merely reading the same files'
// bytes (one goroutine, os.DirFS, fs.ReadFile). The ratio sub-benchmark runs the two
// alternately and reports convert time / read time as x-read-bytes (issue 17's target is at
// most 3), and the same ratio of CPU time as cpu-x-read-bytes (the figure a loaded machine
// does not distort). Run them together (bench/voc/run.sh prints them side by side):
//
//	go test ./importers/voc -run '^$' -bench VOC2012 -benchmem -benchtime 5x
//
// With VOC_BENCH_ROOT set, the root is that folder (generated there when it has no
// Annotations/ yet, and kept): bench/voc/run.sh times the convert command on it.
func BenchmarkVOC2012(b *testing.B) {
	fsys := os.DirFS(benchRoot(b))
	var total int64
	entries, err := fs.ReadDir(fsys, voc.AnnotationsDir)
	if err != nil || len(entries) != vocSize {
		b.Fatalf("generated %d files: %v", len(entries), err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			b.Fatal(err)
		}
		total += fi.Size()
	}

	readAll := func(b *testing.B) { readAllXML(b, fsys) }
	convertAll := func(b *testing.B) { convertAllVOC(b, fsys) }
	// bodiesAll is the whole job of `convert voc -obs-prefix`: samples, validated and
	// encoded into request bodies (discarded here, so the disk does not count).
	bodiesAll := func(b *testing.B) {
		n := 0
		for batch, err := range emit.Batches(context.Background(), voc.Read(context.Background(), fsys, ".", voc.Options{OBSPrefix: obs}), emit.Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			n += batch.Samples
		}
		if n != vocSize {
			b.Fatalf("%d samples in bodies, want %d", n, vocSize)
		}
	}
	b.Run("read-bytes", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(total)
		for b.Loop() {
			readAll(b)
		}
	})
	b.Run("convert", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(total)
		for b.Loop() {
			convertAll(b)
		}
	})
	// The ratios, from the passes run alternately so that both see the same machine load: wall
	// time (convert's workers run in parallel, the read is one goroutine) and CPU time (the
	// process's, GC included; a collection is forced before each pass so that none is
	// left over from the one before).
	b.Run("ratio", func(b *testing.B) {
		var read, conv, bodies, readCPU, convCPU, bodiesCPU time.Duration
		pass := func(f func(*testing.B), wall, cpu *time.Duration) {
			runtime.GC()
			t0, c0 := time.Now(), cputime.Now()
			f(b)
			*wall += time.Since(t0)
			*cpu += cputime.Now() - c0
		}
		for b.Loop() {
			pass(readAll, &read, &readCPU)
			pass(convertAll, &conv, &convCPU)
			pass(bodiesAll, &bodies, &bodiesCPU)
		}
		b.ReportMetric(float64(read.Milliseconds())/float64(b.N), "read-ms/op")
		b.ReportMetric(float64(conv.Milliseconds())/float64(b.N), "convert-ms/op")
		b.ReportMetric(float64(conv)/float64(read), "x-read-bytes")
		b.ReportMetric(float64(bodies)/float64(read), "bodies-x-read-bytes")
		if readCPU > 0 {
			b.ReportMetric(float64(readCPU.Milliseconds())/float64(b.N), "read-cpu-ms/op")
			b.ReportMetric(float64(convCPU.Milliseconds())/float64(b.N), "convert-cpu-ms/op")
			b.ReportMetric(float64(convCPU)/float64(readCPU), "cpu-x-read-bytes")
			b.ReportMetric(float64(bodiesCPU)/float64(readCPU), "bodies-cpu-x-read-bytes")
		}
	})
}

// benchRoot is the VOC2012-sized root the benchmarks read: VOC_BENCH_ROOT (generated there
// when it has no Annotations/ yet, and kept), else a temporary folder.
func benchRoot(b *testing.B) string {
	dir := os.Getenv("VOC_BENCH_ROOT")
	if dir == "" {
		dir = b.TempDir()
		generateDir(b, dir, vocSize)
	} else if _, err := os.Stat(filepath.Join(dir, voc.AnnotationsDir)); err != nil {
		generateDir(b, dir, vocSize)
	}
	return dir
}

// readAllXML reads every annotation file's bytes on one goroutine: the baseline convert is
// measured against.
func readAllXML(b *testing.B, fsys fs.FS) {
	entries, err := fs.ReadDir(fsys, voc.AnnotationsDir)
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		if _, err := fs.ReadFile(fsys, path.Join(voc.AnnotationsDir, e.Name())); err != nil {
			b.Fatal(err)
		}
	}
}

// convertAllVOC reads every sample of the VOC2012-sized root in fsys (see benchRoot) and
// checks that they are all there.
func convertAllVOC(b *testing.B, fsys fs.FS) {
	n := 0
	for _, err := range voc.Read(context.Background(), fsys, ".", voc.Options{OBSPrefix: obs}) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != vocSize {
		b.Fatalf("%d samples, want %d", n, vocSize)
	}
}
