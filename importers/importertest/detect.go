package importertest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
)

// CheckDetector requires the registered format name's detector to recognize every set of
// DetectSets that is of its kind (with a score of at least 80 and a layout), and no other.
func CheckDetector(t *testing.T, name string) {
	t.Helper()
	f, ok := importers.Lookup(name)
	require.True(t, ok)
	require.NotNil(t, f.Detect)
	for dir, want := range DetectSets(t) {
		d, got := f.Detect(context.Background(), os.DirFS(dir), ".")
		if want == name {
			if assert.True(t, got, "%s is a %s set", dir, name) {
				assert.GreaterOrEqual(t, d.Score, 80, "%s: %+v", dir, d)
				assert.NotEmpty(t, d.Layout)
			}
			continue
		}
		assert.False(t, got, "%s is not a %s set, yet detected: %+v", dir, name, d)
	}
}

// DetectSets are the datasets the folder formats' detectors are tried on, by their paths from
// a format package's folder (importers/NAME): the folder formats' fixtures, the repository's
// testdata/ sets, the peers' sets (when present), and YOLO and flat VOC layouts made here.
// The value names the folder format each one is ("" for none).
func DetectSets(t *testing.T) map[string]string {
	t.Helper()
	yolo := t.TempDir()
	for name, data := range map[string]string{
		"darknet/obj.names":              "cat\ndog\n",
		"darknet/obj.data":               "classes = 2\nnames = obj.names\ntrain = train.txt\n",
		"darknet/train.txt":              "obj_train_data/1.jpg\n",
		"darknet/obj_train_data/1.jpg":   "\xff\xd8\xff\xe0",
		"darknet/obj_train_data/1.txt":   "0 0.5 0.5 0.25 0.25\n1 0.1 0.1 0.05 0.05\n",
		"ultralytics/data.yaml":          "path: .\ntrain: images/train\nnames: [cat]\n",
		"ultralytics/images/train/1.jpg": "\xff\xd8\xff\xe0",
		"ultralytics/labels/train/1.txt": "0 0.5 0.5 0.25 0.25\n",
		"vocflat/a.jpg":                  "\xff\xd8\xff\xe0",
		"vocflat/a.xml":                  "<annotation><filename>a.jpg</filename><object><name>x</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>",
	} {
		p := filepath.Join(yolo, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	sets := map[string]string{
		"../imagefolder/testdata/imagenet":                     "imagefolder",
		"../imagefolder/testdata/sidecar":                      "imagefolder",
		"../soundfolder/testdata/sound":                        "soundfolder",
		"../segvoc/testdata/seg":                               "segvoc",
		"../../testdata/voc":                                   "",
		"../../testdata/csv":                                   "",
		"../../testdata/conll":                                 "",
		filepath.Join(yolo, "darknet"):                         "",
		filepath.Join(yolo, "darknet/obj_train_data"):          "",
		filepath.Join(yolo, "ultralytics"):                     "",
		filepath.Join(yolo, "vocflat"):                         "",
		"../../../shared/peers/datumaro/voc_dataset1":          "",
		"../../../shared/peers/datumaro/voc_dataset2":          "",
		"../../../shared/peers/datumaro/coco_instances":        "",
		"../../../shared/peers/datumaro/coco_person_keypoints": "",
		"../../../shared/peers/modelarts-sdk":                  "",
		"../../../shared/peers/modelarts-sdk/voc":              "",
	}
	for p := range sets {
		if _, err := os.Stat(p); err != nil {
			delete(sets, p) // the peers' sets live outside the repository
		}
	}
	return sets
}
