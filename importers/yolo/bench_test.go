package yolo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/internal/cputime"
)

// benchImages is the size of the benchmark set.
const benchImages = 100_000

// generateDarknet writes a Darknet dataset of n images (a tiny real JPEG each, 640x480 in
// its header) with a label file of three rows each, listed in train.txt and valid.txt.
func generateDarknet(b testing.TB, dir string, n int) {
	jpg := makeImage(b, "x.jpg", 640, 480)
	var train, valid strings.Builder
	for _, sub := range []string{"obj_train_data", "obj_valid_data"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		sub, list := "obj_train_data", &train
		if i%10 == 9 {
			sub, list = "obj_valid_data", &valid
		}
		name := fmt.Sprintf("%s/img%06d", sub, i)
		fmt.Fprintf(list, "%s.jpg\n", name)
		if err := os.WriteFile(filepath.Join(dir, name+".jpg"), jpg, 0o644); err != nil {
			b.Fatal(err)
		}
		rows := fmt.Sprintf("0 0.%06d 0.400000 0.300000 0.400000\n1 0.600000 0.400000 0.400000 0.266667\n2 0.5 0.5 0.123457 0.654321\n", 200000+i%100000)
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(rows), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for name, data := range map[string]string{
		"obj.data":  "classes = 3\nnames = obj.names\ntrain = train.txt\nvalid = valid.txt\n",
		"obj.names": "a\nb\nc\n",
		"train.txt": train.String(),
		"valid.txt": valid.String(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkYOLO converts a generated 100,000-image Darknet set the way `convert yolo
// -obs-prefix` does (through the registry's Opener: every image's header read through the
// dataset's os.Root, every label file parsed, exact pixels), and reports images/s (the
// issue's target is at least 15,000), and images per CPU-second:
//
//	go test ./importers/yolo -run '^$' -bench YOLO -benchmem -benchtime 3x
func BenchmarkYOLO(b *testing.B) {
	dir := b.TempDir()
	generateDarknet(b, dir, benchImages)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	for b.Loop() {
		src, _, err := open(b, "-obs-prefix", obs, dir)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for s, err := range src.Samples {
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Labels) != 3 {
				b.Fatalf("%s: %d labels", s.Name, len(s.Labels))
			}
			n++
		}
		if n != benchImages {
			b.Fatalf("%d samples, want %d", n, benchImages)
		}
	}
	b.ReportMetric(float64(benchImages)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
	// Images per CPU-second (all goroutines, kernel time included): what the machine's load
	// does not change; an idle machine gives about this times its cores.
	if cpu := cputime.Now() - cpu0; cpu > 0 {
		b.ReportMetric(float64(benchImages)*float64(b.N)/cpu.Seconds(), "images/cpu-s")
	}
}
