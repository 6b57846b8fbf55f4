package yolo

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// realYAMLs are data.yaml files as the tools write them (shortened): the reader must take
// them, and read them as yaml/v3 does.
var realYAMLs = map[string]string{
	"coco8 (Ultralytics)": `# Ultralytics YOLO, AGPL-3.0 license
# COCO8 dataset (first 8 images from COCO train2017) by Ultralytics

# Train/val/test sets as 1) dir: path/to/imgs, 2) file: path/to/imgs.txt, or 3) list: [path/to/imgs1, path/to/imgs2, ..]
path: coco8 # dataset root dir
train: images/train # train images (relative to 'path') 4 images
val: images/val # val images (relative to 'path') 4 images
test: # test images (optional)

# Classes
names:
  0: person
  1: bicycle
  2: car
  9: traffic light

# Download script/URL (optional)
download: https://github.com/ultralytics/assets/releases/download/v0.0.0/coco8.zip
`,
	"Roboflow export": `train: ../train/images
val: ../valid/images
test: ../test/images

nc: 3
names: ['head', 'helmet', 'person']

roboflow:
  workspace: joseph-nelson
  project: hard-hat-workers
  version: 13
  license: Public Domain
  url: https://universe.roboflow.com/joseph-nelson/hard-hat-workers/dataset/13
`,
	"YOLOv5 (lists, flow list over lines)": `path: ../datasets/VOC
train: # train images (relative to 'path')  16551 images
  - images/train2012
  - images/train2007
  - images/val2012
  - images/val2007
val: # val images (relative to 'path')  4952 images
  - images/test2007
test: # test images (optional)
  - images/test2007

nc: 4
names: ['aeroplane', 'bicycle',
        'bird', "boat"]  # class names

download: |
  import xml.etree.ElementTree as ET
  from tqdm import tqdm
  def convert_label(path, lb_path, year, image_id):
      pass
`,
	"quoted and flow map":    "\ufeff---\n'path': \"./data\"\ntrain: 'train.txt'\nval: [val.txt]\nnames: {0: 'it''s', 1: \"a\\tb\", 2: plain text}\n...\n",
	"block list at column 0": "names:\n- cat\n- dog\ntrain: a\r\nval: b\r\n",
}

func TestParseDataYAMLReal(t *testing.T) {
	for name, text := range realYAMLs {
		t.Run(name, func(t *testing.T) {
			got, err := ParseDataYAML([]byte(text))
			require.NoError(t, err)
			want := viaYAMLv3(t, []byte(text))
			assert.Equal(t, want.Path, got.Path)
			assert.Equal(t, entries(want.Train), entries(got.Train))
			assert.Equal(t, entries(want.Val), entries(got.Val))
			assert.Equal(t, entries(want.Test), entries(got.Test))
			assert.Equal(t, want.Names, got.Names)
			assert.Equal(t, want.NC, got.NC)
		})
	}
	d, err := ParseDataYAML([]byte(realYAMLs["coco8 (Ultralytics)"]))
	require.NoError(t, err)
	assert.Equal(t, []string{"person", "bicycle", "car", "", "", "", "", "", "", "traffic light"}, d.Names, "a gap keeps indices")
	assert.Equal(t, []Entry{{Path: "images/train", Line: 6}}, d.Train)
	assert.Equal(t, 11, d.Lines["names"])
}

func entries(e []Entry) []string {
	var out []string
	for _, x := range e {
		out = append(out, x.Path)
	}
	return out
}

// viaYAMLv3 reads the same keys with go.yaml.in/yaml/v3 (a test-only reference).
func viaYAMLv3(t testing.TB, data []byte) *DataYAML {
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(data, &m))
	d := &DataYAML{NC: -1}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	d.Path = str(m["path"])
	list := func(v any) []Entry {
		switch x := v.(type) {
		case nil:
			return nil
		case []any:
			var out []Entry
			for _, it := range x {
				out = append(out, Entry{Path: str(it)})
			}
			return out
		}
		return []Entry{{Path: str(v)}}
	}
	d.Train, d.Val, d.Test = list(m["train"]), list(m["val"]), list(m["test"])
	if nc, ok := m["nc"].(int); ok {
		d.NC = nc
	}
	switch n := m["names"].(type) {
	case []any:
		for _, it := range n {
			d.Names = append(d.Names, str(it))
		}
	case map[any]any: // integer keys
		top := -1
		for k := range n {
			top = max(top, k.(int))
		}
		d.Names = make([]string, top+1)
		for k, v := range n {
			d.Names[k.(int)] = str(v)
		}
	case nil:
	default:
		t.Fatalf("names of type %T", n)
	}
	return d
}

func TestParseDataYAMLErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int
	}{
		{"names: &a [x]\n", 1},
		{"train: a\nval: *a\n", 2},
		{"names: !!seq [x]\n", 1},
		{"path: |\n  x\n", 1},
		{"names:\n  - a\n  - [b]\n", 3},
		{"names:\n  0: a\n    1: b\n", 3},
		{"names:\n  0: a\n  - b\n", 3},
		{"names: [a, [b]]\n", 1},
		{"names: [a, b\ntrain: x\n", 1},
		{"names: ['a]\n", 1},
		{"train: a\ntrain: b\n", 2},
		{"  indented: x\n", 1},
		{"just text\n", 1},
		{"names:\n  x: a\n", 2},
		{"names:\n  0: a\n  0: b\n", 3},
		{"nc: many\n", 1},
		{"names: a\n", 1},
		{"train: {a: b}\n", 1},
		{"a: 1\n---\nb: 2\n", 2},
		{"names: [\"\\q\"]\n", 1},
		{"names: [a,,b]\n", 1},
		{"path: [a]\n", 1},
		{"names: x\xff\n", 1},
	} {
		_, err := ParseDataYAML([]byte(tc.text))
		var ye *YAMLError
		if assert.True(t, errors.As(err, &ye), "%q: %v", tc.text, err) {
			assert.Equal(t, tc.line, ye.Line, "%q: %v", tc.text, err)
			assert.ErrorIs(t, err, ErrYAML)
		}
	}
}

// The fixtures' data.yaml files read the same way too.
func TestParseDataYAMLFixtures(t *testing.T) {
	for _, p := range []string{"testdata/ultralytics/data.yaml", "testdata/roboflow/data.yaml"} {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		got, err := ParseDataYAML(data)
		require.NoError(t, err)
		want := viaYAMLv3(t, data)
		assert.Equal(t, want.Names, got.Names, p)
		assert.Equal(t, entries(want.Train), entries(got.Train), p)
	}
}
