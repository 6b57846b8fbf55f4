package coco_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/coco"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func TestFindPairs(t *testing.T) {
	tests := []struct {
		dir     string
		pairs   []coco.Pair
		samples []string // sample names, in order
		labels  []string // the label of each
	}{
		{dir: "testdata/layouts/coco2017", pairs: []coco.Pair{
			{Annotations: "annotations/instances_train2017.json", Images: "train2017", Subset: "train2017"},
			{Annotations: "annotations/instances_val2017.json", Images: "val2017", Subset: "val2017"},
		}, samples: []string{"a.jpg", "b.jpg"}, labels: []string{"cat", "dog"}},
		{dir: "testdata/layouts/roboflow", pairs: []coco.Pair{
			{Annotations: "train/_annotations.coco.json", Images: "train", Subset: "train"},
			{Annotations: "valid/_annotations.coco.json", Images: "valid", Subset: "valid"},
		}, samples: []string{"a_jpg.rf.1.jpg", "b_jpg.rf.2.jpg"}, labels: []string{"cat", "dog"}},
		{dir: "testdata/layouts/roboflow/valid", pairs: []coco.Pair{
			{Annotations: "_annotations.coco.json", Images: ".", Subset: "."},
		}, samples: []string{"b_jpg.rf.2.jpg"}, labels: []string{"dog"}},
		{dir: "testdata/layouts/several", pairs: []coco.Pair{
			{Annotations: "a-part.json", Images: "images", Subset: "a-part"},
			{Annotations: "b-part.json", Images: "images", Subset: "b-part"},
		}, samples: []string{"b.jpg", "a.jpg"}, labels: []string{"dog", "cat"}},
		{dir: "../../../shared/peers/datumaro/coco_instances", pairs: []coco.Pair{
			{Annotations: "annotations/instances_train.json", Images: "images/train", Subset: "train"},
			{Annotations: "annotations/instances_val.json", Images: "images/val", Subset: "val"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			fsys := imagefile.DirFS(tt.dir)
			pairs, err := coco.FindPairs(context.Background(), fsys, ".")
			require.NoError(t, err)
			assert.Equal(t, tt.pairs, pairs)
			var rejected []string
			warn := func(w importers.Warning) {
				if w.Rejected {
					rejected = append(rejected, w.String())
				}
			}
			samples, err := importers.Collect(coco.ReadPairs(context.Background(), fsys, pairs, coco.Options{Warn: warn},
				func(p string) string { return "set/" + p }))
			require.NoError(t, err)
			if tt.samples == nil {
				assert.NotEmpty(t, samples)
				return
			}
			assert.Empty(t, rejected)
			var names, labels []string
			for _, s := range samples {
				names = append(names, s.Name)
				assert.NotEmpty(t, s.Data)
				require.Len(t, s.Labels, 1)
				labels = append(labels, s.Labels[0].Name)
			}
			assert.Equal(t, tt.samples, names)
			assert.Equal(t, tt.labels, labels)
		})
	}
}

func TestFindPairsFile(t *testing.T) {
	pairs, err := coco.FindPairs(context.Background(), os.DirFS("testdata/layouts/coco2017"), "annotations/instances_val2017.json")
	require.NoError(t, err)
	assert.Equal(t, []coco.Pair{{Annotations: "annotations/instances_val2017.json", Images: "annotations", Subset: "val2017"}}, pairs)
}

func TestFindPairsNone(t *testing.T) {
	for _, dir := range []string{"testdata/layouts/coco2017/train2017", "../voc/testdata/subset", "testdata/fuzz"} {
		_, err := coco.FindPairs(context.Background(), os.DirFS(dir), ".")
		assert.True(t, errors.Is(err, coco.ErrNoPairs), "%s: %v", dir, err)
	}
}

// TestReadPairsNamesFiles checks that a fatal error names the annotation file as display
// says (an archive's member, say).
func TestReadPairsNamesFiles(t *testing.T) {
	fsys := os.DirFS("testdata/layouts/coco2017")
	pairs := []coco.Pair{{Annotations: "annotations/missing.json", Images: "train2017"}}
	_, err := importers.Collect(coco.ReadPairs(context.Background(), fsys, pairs, coco.Options{},
		func(p string) string { return "export.zip:" + p }))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "export.zip:annotations/missing.json")
}

// TestReadPairsOBSPrefix: with several pairs, the OBS path keeps each images folder's path.
func TestReadPairsOBSPrefix(t *testing.T) {
	fsys := os.DirFS("testdata/layouts/coco2017")
	pairs, err := coco.FindPairs(context.Background(), fsys, ".")
	require.NoError(t, err)
	samples, err := importers.Collect(coco.ReadPairs(context.Background(), fsys, pairs,
		coco.Options{Images: &imagefile.Source{OBSPrefix: "obs://b/coco/"}}, nil))
	require.NoError(t, err)
	var paths []string
	for _, s := range samples {
		paths = append(paths, s.DataSource.DataPath)
	}
	assert.Equal(t, []string{"obs://b/coco/train2017/a.jpg", "obs://b/coco/val2017/b.jpg"}, paths)
}
