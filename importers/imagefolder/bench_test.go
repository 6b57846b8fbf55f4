package imagefolder_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/imagefolder"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchTree makes (once per test binary) 100,000 empty .jpg files in 100 class folders: with
// -obs-prefix the files are only listed, so their bytes do not matter.
func benchTree(b *testing.B) string {
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "imagefolder-bench-")
		if benchErr != nil {
			return
		}
		for c := range 100 {
			dir := filepath.Join(benchDir, fmt.Sprintf("class_%03d", c))
			if benchErr = os.Mkdir(dir, 0o755); benchErr != nil {
				return
			}
			for i := range 1000 {
				if benchErr = os.WriteFile(filepath.Join(dir, fmt.Sprintf("%06d.jpg", i)), nil, 0o644); benchErr != nil {
					return
				}
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

// BenchmarkOBSPrefix100k lists a 100,000-image imageNet folder with -obs-prefix (the
// contract: at least 100,000 images/s).
func BenchmarkOBSPrefix100k(b *testing.B) {
	dir := benchTree(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = 0
		opts := imagefolder.Options{Layout: imagefolder.ImageNet, OBSPrefix: "obs://bucket/cls/", Warn: func(w importers.Warning) { b.Fatal(w) }}
		for _, err := range imagefolder.Read(context.Background(), imagefile.DirFS(dir), ".", opts) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	if n != 100000 {
		b.Fatalf("%d samples", n)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}

// BenchmarkOBSPrefix100kAuto is the same with the default layout (auto), which first looks
// for a sidecar label file (and lists the tree once more when there is none).
func BenchmarkOBSPrefix100kAuto(b *testing.B) {
	dir := benchTree(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		n = 0
		opts := imagefolder.Options{OBSPrefix: "obs://bucket/cls/"}
		for _, err := range imagefolder.Read(context.Background(), imagefile.DirFS(dir), ".", opts) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
}
