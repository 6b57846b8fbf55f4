package voc_test

import (
	"context"
	"io/fs"
	"os"
	"path"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers/voc"
)

// vocSize is VOC2012's trainval detection set: 17,125 annotation files.
const vocSize = 17125

// BenchmarkVOC2012 converts a generated VOC2012-sized root (17,125 XML files, 2.4 objects
// each on average) with -obs-prefix, and compares that with merely reading the same files'
// bytes (one goroutine, os.DirFS, fs.ReadFile). The ratio sub-benchmark runs the two
// alternately and reports convert time / read time as x-read-bytes (the target is
// at most 6). Run them together:
//
//	go test ./importers/voc -run '^$' -bench VOC2012 -benchmem -benchtime 5x
func BenchmarkVOC2012(b *testing.B) {
	dir := b.TempDir()
	generateDir(b, dir, vocSize)
	fsys := os.DirFS(dir)
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

	readAll := func(b *testing.B) {
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
	convertAll := func(b *testing.B) {
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
	// The ratio, from the two passes run alternately so that both see the same machine load.
	b.Run("ratio", func(b *testing.B) {
		var read, conv, bodies time.Duration
		for b.Loop() {
			t0 := time.Now()
			readAll(b)
			t1 := time.Now()
			convertAll(b)
			t2 := time.Now()
			bodiesAll(b)
			read += t1.Sub(t0)
			conv += t2.Sub(t1)
			bodies += time.Since(t2)
		}
		b.ReportMetric(float64(read.Milliseconds())/float64(b.N), "read-ms/op")
		b.ReportMetric(float64(conv.Milliseconds())/float64(b.N), "convert-ms/op")
		b.ReportMetric(float64(conv)/float64(read), "x-read-bytes")
		b.ReportMetric(float64(bodies)/float64(read), "bodies-x-read-bytes")
	})
}
