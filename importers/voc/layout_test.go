package voc_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/voc"
)

func TestLayouts(t *testing.T) {
	tests := []struct {
		fixture  string
		subset   string
		roots    []string // root names
		layout   string   // DescribeRoots
		samples  []string // sample names, in order
		origins  []string // Sample.Origin of each, when checked
		warnings []string // substrings, in order
	}{
		{fixture: "devkit", roots: []string{"VOCdevkit/VOC2007", "VOCdevkit/VOC2012"},
			layout:  "2 roots: VOCdevkit/VOC2007, VOCdevkit/VOC2012",
			samples: []string{"000001.jpg", "000002.jpg", "2008_000001.jpg"},
			origins: []string{"devkit/VOCdevkit/VOC2007/Annotations/000001.xml", "devkit/VOCdevkit/VOC2007/Annotations/000002.xml", "devkit/VOCdevkit/VOC2012/Annotations/2008_000001.xml"}},
		{fixture: "devkit/VOCdevkit", roots: []string{"VOC2007", "VOC2012"}, layout: "2 roots: VOC2007, VOC2012",
			samples: []string{"000001.jpg", "000002.jpg", "2008_000001.jpg"}},
		{fixture: "devkit/VOCdevkit", subset: "val", roots: []string{"VOC2007", "VOC2012"}, layout: "2 roots: VOC2007, VOC2012",
			samples: []string{"000002.jpg", "2008_000001.jpg"}},
		{fixture: "devkit/VOCdevkit/VOC2007", subset: "train", roots: []string{"."}, layout: "VOC root",
			samples: []string{"000001.jpg"}},
		{fixture: "roboflow", roots: []string{"test", "train", "valid"}, layout: "3 roots: test, train, valid",
			samples:  []string{"a_jpg.rf.1.jpg", "train_a_jpg.rf.1.jpg", "b_jpg.rf.2.jpg"},
			warnings: []string{`roboflow/train/a_jpg.rf.1.xml: warning: the sample name "a_jpg.rf.1.jpg" is taken by an earlier root; named "train_a_jpg.rf.1.jpg"`}},
		{fixture: "roboflow/valid", roots: []string{"."}, layout: "1 XML files", samples: []string{"b_jpg.rf.2.jpg"}},
		{fixture: "kaggle", roots: []string{"."}, layout: "annotations/ + images/", samples: []string{"maksssksksss0.png"}},
		{fixture: "kaggle-upper", roots: []string{"."}, layout: "ANNOTATIONS/ + Images/", samples: []string{"m1.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture+"-"+tt.subset, func(t *testing.T) {
			dir := "testdata/layouts/" + tt.fixture
			fsys := imagefile.DirFS(dir)
			roots, err := voc.FindRoots(context.Background(), fsys, ".")
			require.NoError(t, err)
			var names []string
			for _, r := range roots {
				names = append(names, r.Name)
			}
			assert.Equal(t, tt.roots, names)
			assert.Equal(t, tt.layout, voc.DescribeRoots(fsys, roots))

			var warnings []string
			opts := voc.Options{Subset: tt.subset, Base: strings.TrimPrefix(dir, "testdata/layouts/"), Workers: 2,
				Warn: func(w importers.Warning) {
					if !strings.Contains(w.Reason, "size") { // the fixtures' images are smaller than their XML says
						warnings = append(warnings, w.String())
					}
				}}
			samples, err := importers.Collect(voc.Read(context.Background(), fsys, ".", opts))
			require.NoError(t, err)
			var got, origins []string
			for _, s := range samples {
				got = append(got, s.Name)
				origins = append(origins, s.Origin)
				assert.NotEmpty(t, s.Data, s.Name)
			}
			assert.Equal(t, tt.samples, got)
			if tt.origins != nil {
				assert.Equal(t, tt.origins, origins)
			}
			require.Len(t, warnings, len(tt.warnings), "%q", warnings)
			for i, w := range tt.warnings {
				assert.Contains(t, warnings[i], w)
			}
		})
	}
}

// TestReadRootOneByOne reads the roots of a VOCdevkit one at a time, as a caller that
// reports per root would.
func TestReadRootOneByOne(t *testing.T) {
	fsys := imagefile.DirFS("testdata/layouts/devkit")
	roots, err := voc.FindRoots(context.Background(), fsys, ".")
	require.NoError(t, err)
	require.Len(t, roots, 2)
	var counts []int
	for _, r := range roots {
		samples, err := importers.Collect(voc.ReadRoot(context.Background(), fsys, r, voc.Options{}))
		require.NoError(t, err)
		counts = append(counts, len(samples))
	}
	assert.Equal(t, []int{2, 1}, counts)
}

func TestFindRootsNone(t *testing.T) {
	for _, dir := range []string{"testdata/layouts/devkit/VOCdevkit/VOC2007/JPEGImages", "../../importers/coco/testdata"} {
		_, err := voc.FindRoots(context.Background(), os.DirFS(dir), ".")
		assert.True(t, errors.Is(err, voc.ErrNoRoot), "%s: %v", dir, err)
	}
	_, err := voc.FindRoots(context.Background(), os.DirFS("testdata"), "missing")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestSubsetNeedsListsPerRoot(t *testing.T) {
	_, err := importers.Collect(voc.Read(context.Background(), imagefile.DirFS("testdata/layouts/roboflow"), ".", voc.Options{Subset: "train"}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "needs a VOC root")
}

// TestLayoutOBSPrefix: with several roots, the OBS path keeps each images folder's path.
func TestLayoutOBSPrefix(t *testing.T) {
	tests := []struct{ dir, want string }{
		{"testdata/layouts/devkit", "obs://b/voc/VOCdevkit/VOC2007/JPEGImages/000001.jpg"},
		{"testdata/layouts/roboflow", "obs://b/voc/test/a_jpg.rf.1.jpg"},
		{"testdata/layouts/kaggle", "obs://b/voc/maksssksksss0.png"},
	}
	for _, tt := range tests {
		samples, err := importers.Collect(voc.Read(context.Background(), imagefile.DirFS(tt.dir), ".", voc.Options{OBSPrefix: "obs://b/voc/"}))
		require.NoError(t, err)
		require.NotEmpty(t, samples)
		require.NotNil(t, samples[0].DataSource, tt.dir)
		assert.Equal(t, tt.want, samples[0].DataSource.DataPath, tt.dir)
	}
}
