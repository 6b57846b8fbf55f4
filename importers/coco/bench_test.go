package coco

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"testing/fstest"
	"time"

	"github.com/modelarts-convert/convert/bench/coco/cocogen"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// benchInput is a generated COCO file of train2017's shape (see package cocogen).
func benchInput(b *testing.B, images int) fstest.MapFS {
	b.Helper()
	var buf bytes.Buffer
	if err := cocogen.Write(&buf, images, 1); err != nil {
		b.Fatal(err)
	}
	return fstest.MapFS{"instances.json": {Data: buf.Bytes()}}
}

// benchImages is the number of images of the generated input: 2,000 (about 5 MB, 14,600
// annotations), or $COCO_BENCH_IMAGES.
func benchImages() int {
	if n, err := strconv.Atoi(os.Getenv("COCO_BENCH_IMAGES")); err == nil && n > 0 {
		return n
	}
	return 2000
}

func benchmarkRead(b *testing.B, shape Shape, bodies bool) { benchmarkReadSpill(b, shape, bodies, 0) }

// benchmarkReadSpill is benchmarkRead with Options.SpillMemory spill.
func benchmarkReadSpill(b *testing.B, shape Shape, bodies bool, spill int) {
	images := benchImages()
	fsys := benchInput(b, images)
	b.SetBytes(int64(len(fsys["instances.json"].Data)))
	b.ReportAllocs()
	opts := Options{Shape: shape, Images: &imagefile.Source{OBSPrefix: "obs://bucket/train2017/"}, TempDir: b.TempDir(), SpillMemory: spill}
	cpu0 := cputime.Now()
	for b.Loop() {
		samples := Read(context.Background(), fsys, "instances.json", opts)
		n := 0
		if bodies {
			for batch, err := range emit.Batches(context.Background(), samples, emit.Options{}) {
				if err != nil {
					b.Fatal(err)
				}
				n += batch.Samples
			}
		} else {
			for s, err := range samples {
				if err != nil {
					b.Fatal(err)
				}
				_ = s
				n++
			}
		}
		if n != images {
			b.Fatalf("%d samples, want %d", n, images)
		}
	}
	reportCPU(b, cputime.Now()-cpu0, len(fsys["instances.json"].Data))
}

// reportCPU reports the CPU time (user and system, all goroutines) per op and the input
// megabytes per CPU-second, which the machine's load disturbs far less than wall time.
func reportCPU(b *testing.B, cpu time.Duration, size int) {
	if cpu <= 0 {
		return
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "ns/cpu")
	b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
}

// The importer alone, and the importer with request bodies built (validation, batching,
// JSON encoding), on 2,000 images (about 5 MB, 14,600 annotations).
func BenchmarkReadBBox(b *testing.B)      { benchmarkRead(b, ShapeBBox, false) }
func BenchmarkReadPolygon(b *testing.B)   { benchmarkRead(b, ShapePolygon, false) }
func BenchmarkBodiesBBox(b *testing.B)    { benchmarkRead(b, ShapeBBox, true) }
func BenchmarkBodiesPolygon(b *testing.B) { benchmarkRead(b, ShapePolygon, true) }

// ReadPolygon with about two thirds of the records in the spill file (1 MiB of about 3.4
// MiB in memory), as the 38.9 MB file of bench/coco/run.sh has them with the default 8 MiB.
func BenchmarkReadPolygonSpilled(b *testing.B) { benchmarkReadSpill(b, ShapePolygon, false, 1<<20) }

// The walker alone (the document scanned and its elements handed over, nothing converted):
// the scanner-based one against the json.Decoder-based one it replaced, on the generated
// file of 2,000 images.
func BenchmarkWalk(b *testing.B) {
	data := benchInput(b, benchImages())["instances.json"].Data
	for _, bench := range []struct {
		name string
		walk func(*walker, io.Reader, string, bool) error
	}{{"scanner", walkDoc}, {"decoder", walkRef}} {
		b.Run(bench.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			defer func() { reportCPU(b, cputime.Now()-cpu0, len(data)) }()
			for b.Loop() {
				done := make(chan struct{})
				w := newWalker(context.Background(), bytes.NewReader(data), "instances.json", done)
				errc := make(chan error, 1)
				go func() {
					defer close(w.out)
					err := bench.walk(w, bytes.NewReader(data), "instances.json", false)
					w.send()
					errc <- err
				}()
				for ch := range w.out {
					select {
					case w.free <- ch:
					default:
					}
				}
				if err := <-errc; err != nil {
					b.Fatal(err)
				}
				close(done)
			}
		})
	}
}
