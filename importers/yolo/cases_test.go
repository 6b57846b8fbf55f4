package yolo_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/yolo"
)

// Small layouts, each read with Read on a MapFS: what becomes samples, and every message.
func TestReadCases(t *testing.T) {
	png := makeImage(t, "a.png", 10, 10)
	for _, tc := range []struct {
		name    string
		files   map[string]string // "" values are the PNG
		opts    yolo.Options
		samples []string
		msgs    []string
	}{
		{
			name:    "darknet without obj.data",
			files:   map[string]string{"obj.names": "a\n", "train.txt": "x/a.png\n", "x/a.png": "", "x/a.txt": "0 0.5 0.5 0.5 0.5\n"},
			samples: []string{"x/a.png"},
		},
		{
			name:    "no names, nc given",
			files:   map[string]string{"data.yaml": "train: images\nnc: 2\n", "images/a.png": "", "labels/a.txt": "1 0.5 0.5 0.5 0.5\n"},
			samples: []string{"images/a.png"},
			msgs:    []string{"data.yaml:2: warning: no names: the 2 classes are named class_0..class_1"},
		},
		{
			name:    "a gap in the names, a webp",
			files:   map[string]string{"data.yaml": "train: images\nnc: 3\nnames: {0: a, 2: c}\n", "images/a.png": "", "images/b.webp": "x", "labels/a.txt": "1 0.5 0.5 0.5 0.5\n"},
			msgs:    []string{"labels/a.txt:1: rejected: class index outside the names: class 1 has an empty name; images/a.png is not converted", "images/b.webp: rejected: the service takes JPG, JPEG, PNG and BMP images only"},
			samples: nil,
		},
		{
			name:  "an image listed outside the root",
			files: map[string]string{"d/data.yaml": "path: sub\ntrain: list.txt\nnames: [a]\n", "d/sub/list.txt": "../x.png\n", "d/x.png": ""},
			msgs:  []string{"d/sub/list.txt:1: rejected: d/x.png is outside the dataset root d/sub"},
		},
		{
			name:    "nc disagrees",
			files:   map[string]string{"data.yaml": "train: images\nnc: 2\nnames: [a]\n", "images/a.png": ""},
			samples: []string{"images/a.png"},
			msgs:    []string{"data.yaml:2: warning: nc is 2, but there are 1 names; the names count"},
		},
		{
			name:    "-subset valid with val",
			files:   map[string]string{"data.yaml": "train: t\nval: v\nnames: [a]\n", "t/a.png": "", "v/b.png": ""},
			opts:    yolo.Options{Subset: "valid"},
			samples: []string{"v/b.png"},
		},
		{
			name:  "a subset that is not there",
			files: map[string]string{"data.yaml": "train: t\nnames: [a]\n", "t/a.png": ""},
			opts:  yolo.Options{Subset: "test"},
			msgs:  []string{"error: data.yaml: no test: the dataset lists no images"},
		},
		{
			name:  "a bad data.yaml",
			files: map[string]string{"data.yaml": "train: t\nnames: &x [a]\n"},
			msgs:  []string{"error: data.yaml:2: anchors and aliases are not supported"},
		},
		{
			name:  "a missing names file",
			files: map[string]string{"obj.data": "names = data/x.names\ntrain = train.txt\n", "train.txt": ""},
			msgs:  []string{`error: obj.data:1: names file "data/x.names" not found`},
		},
		{
			name:  "an image that is not one",
			files: map[string]string{"obj.data": "names = obj.names\ntrain = train.txt\n", "obj.names": "a\n", "train.txt": "a.jpg\n", "a.jpg": "<html>"},
			msgs:  []string{`train.txt:1: rejected: a.jpg: image format not recognized (JPEG, PNG, BMP or GIF expected)`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, d := range tc.files {
				if d == "" && (strings.HasSuffix(n, ".png")) {
					fsys[n] = &fstest.MapFile{Data: png}
				} else {
					fsys[n] = &fstest.MapFile{Data: []byte(d)}
				}
			}
			root := "."
			if strings.HasPrefix(tc.name, "an image listed outside") {
				root = "d"
			}
			var msgs []string
			opts := tc.opts
			opts.OBSPrefix = obs
			opts.Warn = func(w importers.Warning) { msgs = append(msgs, w.String()) }
			var names []string
			for s, err := range yolo.Read(context.Background(), fsys, root, opts) {
				if err != nil {
					msgs = append(msgs, "error: "+err.Error())
					continue
				}
				names = append(names, s.Name)
			}
			require.Equal(t, tc.samples, names)
			assert.Equal(t, tc.msgs, msgs)
		})
	}
}
