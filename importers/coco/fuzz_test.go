package coco

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// FuzzRead feeds arbitrary annotation files (seeded from testdata/) to Read in both shapes:
// it must not panic, every sample it yields must validate, and every warning must say where
// and why.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
		f.Add(data, true)
	}
	f.Add([]byte(`{"images":[{"id":1,"file_name":"a.jpg","width":3,"height":2}],"annotations":[{"id":1,"image_id":1,"category_id":1,"segmentation":{"counts":"0P1","size":[2,3]},"bbox":[0,0,1,1]}],"categories":[{"id":1,"name":"a"}]}`), true)
	f.Fuzz(func(t *testing.T, data []byte, polygon bool) {
		shape := ShapeBBox
		if polygon {
			shape = ShapePolygon
		}
		fsys := fstest.MapFS{"in.json": {Data: data}}
		var bad []string
		opts := Options{Shape: shape, Images: obs(), SpillMemory: 512, Warn: func(w importers.Warning) {
			if w.Pos.File == "" || w.Reason == "" {
				bad = append(bad, w.String())
			}
		}}
		n := 0
		for s, err := range Read(context.Background(), fsys, "in.json", opts) {
			if err != nil {
				if s != nil {
					t.Fatal("a sample with an error")
				}
				continue
			}
			if vs := api.ValidateSample(fmt.Sprintf("samples[%d]", n), s); len(vs) > 0 {
				t.Fatalf("yielded an invalid sample: %v", vs)
			}
			n++
		}
		if len(bad) > 0 {
			t.Fatalf("warnings without a position or reason: %v", bad)
		}
	})
}
