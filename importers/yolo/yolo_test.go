package yolo_test

import (
	"context"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/yolo"
	"github.com/modelarts-convert/convert/internal/golden"
)

const obs = "obs://bucket/yolo/"

// open runs `convert yolo ARGS` through the registry: the format's flags, then its Opener.
func open(t testing.TB, args ...string) (*importers.Source, *[]importers.Warning, error) {
	t.Helper()
	f, ok := importers.Lookup("yolo")
	require.True(t, ok, "the yolo format registers itself")
	fset := flag.NewFlagSet("yolo", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	opener := f.Flags(fset)
	require.NoError(t, fset.Parse(args))
	warnings := &[]importers.Warning{}
	src, err := opener(context.Background(), fset.Args(), importers.Env{Warn: func(w importers.Warning) { *warnings = append(*warnings, w) }})
	return src, warnings, err
}

// run converts and returns everything the run produced.
func run(t testing.TB, args ...string) importertest.Result {
	t.Helper()
	src, warnings, err := open(t, args...)
	require.NoError(t, err)
	var r importertest.Result
	for s, err := range src.Samples {
		if err != nil {
			r.Err = err
			continue
		}
		r.Samples = append(r.Samples, s)
	}
	r.Warnings = *warnings
	return r
}

func rejections(r importertest.Result) int {
	n := 0
	for _, w := range r.Warnings {
		if w.Rejected {
			n++
		}
	}
	return n
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		// samples and rejected are asserted besides the golden file.
		samples, rejected int
	}{
		{"darknet", []string{"-obs-prefix", obs, "testdata/darknet"}, 4, 0},
		{"darknet-inline", []string{"testdata/darknet"}, 4, 0},
		{"darknet-obj-data", []string{"-obs-prefix", obs, "testdata/darknet/obj.data"}, 4, 0},
		{"darknet-valid", []string{"-obs-prefix", obs, "-subset", "valid", "testdata/darknet"}, 2, 0},
		{"darknet-precision0", []string{"-obs-prefix", obs, "-precision", "0", "testdata/darknet"}, 4, 0},
		{"darknet-precision6", []string{"-obs-prefix", obs, "-precision", "6", "testdata/darknet"}, 4, 0},
		{"cvat", []string{"-obs-prefix", obs, "testdata/cvat"}, 1, 0},
		{"ultralytics", []string{"-obs-prefix", obs, "testdata/ultralytics"}, 2, 0},
		{"ultralytics-val", []string{"-obs-prefix", obs, "-subset", "val", "testdata/ultralytics/data.yaml"}, 1, 0},
		{"roboflow", []string{"-obs-prefix", obs, "testdata/roboflow"}, 2, 0},
		{"rejections", []string{"-obs-prefix", obs, "testdata/rejections"}, 1, 10},
		{"ultralytics-lists", []string{"-obs-prefix", obs, "testdata/ultralytics-lists"}, 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			require.NoError(t, r.Err)
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample("samples", s), "sample %d", i)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tc.name+".golden"), importertest.Transcript(r))
			assert.Len(t, r.Samples, tc.samples)
			assert.Equal(t, tc.rejected, rejections(r), "rejections: %v", r.Warnings)
		})
	}
}

// The pixel values of the platform page's own example rows, checked by hand: a 100x60 image,
// "0 0.25 0.4 0.3 0.4" is x 10..40, y 12..36.
func TestPlatformExample(t *testing.T) {
	r := run(t, "-obs-prefix", obs, "testdata/darknet")
	require.NoError(t, r.Err)
	require.NotEmpty(t, r.Samples)
	s := r.Samples[0]
	assert.Equal(t, "obj_train_data/image1.jpg", s.Name)
	assert.Equal(t, obs+"obj_train_data/image1.jpg", s.DataSource.DataPath)
	require.Len(t, s.Labels, 2)
	assert.Equal(t, "cat", s.Labels[0].Name)
	assert.Equal(t, api.Feature{{"10", "12"}, {"40", "36"}}, s.Labels[0].Property[api.PropFeature])
	// 0.266667 of 60 pixels: y 15.99999..32.00001, rounded to 2 decimals.
	assert.Equal(t, api.Feature{{"40", "16"}, {"80", "32"}}, s.Labels[1].Property[api.PropFeature])
	size, ok := s.Metadata.Size()
	require.True(t, ok)
	assert.Equal(t, []int{100, 60, 3}, size)
}

func TestConformance(t *testing.T) {
	for _, dir := range []string{"testdata/darknet", "testdata/ultralytics", "testdata/rejections"} {
		t.Run(dir, func(t *testing.T) {
			importertest.Run(t, openDir(dir), sized)
		})
	}
}

// openDir reads the dataset folder dir as `convert yolo -obs-prefix` does.
func openDir(dir string) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return yolo.Read(ctx, imagefile.DirFS(dir), ".", yolo.Options{OBSPrefix: obs, Precision: 2, Warn: warn})
	}
}

// sized is the harness's input of n labelled images: the benchmark's Darknet set, smaller.
func sized(t testing.TB, n int) importertest.Opener {
	dir := t.TempDir()
	generateDarknet(t, dir, n)
	return openDir(dir)
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{"-subset", "training", "testdata/darknet"},
		{"-precision", "-1", "testdata/darknet"},
		{"-precision", "21", "testdata/darknet"},
		{"-obs-prefix", "s3://x/", "testdata/darknet"},
		{"-workers", "-2", "testdata/darknet"},
		{},
		{"-"},
		{"testdata/nothing-here"},
	} {
		_, _, err := open(t, args...)
		var ue *importers.UsageError
		assert.True(t, errors.As(err, &ue), "%v: want a usage error, got %v", args, err)
	}
}

func TestFatal(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-subset", "test", "testdata/darknet"}, `subset "test": the dataset has no such list (it has train, valid)`},
		{[]string{"testdata/golden"}, "not a YOLO dataset"},
		{[]string{"-subset", "test", "testdata/roboflow"}, `no test images found in the dataset (testdata/roboflow/data.yaml:3: test: "../test/images" is neither a folder nor a list file of the dataset: no images read from it)`},
		{[]string{"testdata/darknet/obj.names"}, "not a YOLO dataset"},
	} {
		r := run(t, tc.args...)
		require.Error(t, r.Err, "%v", tc.args)
		assert.Contains(t, r.Err.Error(), tc.want)
		var ie *importers.Error
		assert.True(t, errors.As(r.Err, &ie))
	}
}

// A zip of a dataset folder reads like the folder, its files named archive:member.
func TestArchive(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "darknet.zip")
	writeZip(t, zipPath, "testdata/darknet")
	r := run(t, "-obs-prefix", obs, zipPath)
	require.NoError(t, r.Err)
	want := run(t, "-obs-prefix", obs, "testdata/darknet")
	require.Equal(t, len(want.Samples), len(r.Samples))
	for i := range r.Samples {
		assert.Equal(t, want.Samples[i].Name, r.Samples[i].Name)
		assert.Equal(t, want.Samples[i].Labels, r.Samples[i].Labels)
		assert.True(t, strings.HasPrefix(r.Samples[i].Origin, zipPath+":"), r.Samples[i].Origin)
	}
}

// Only files inside the dataset are read: a label file or an image that is a link out of
// the dataset is refused, a FIFO is not waited on.
func TestConfinement(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	require.NoError(t, os.WriteFile(secret, []byte("0 0.5 0.5 0.5 0.5\n"), 0o644))
	img := filepath.Join(outside, "img.png")
	require.NoError(t, os.WriteFile(img, makeImage(t, "x.png", 10, 10), 0o644))

	dir := t.TempDir()
	write := func(name, data string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	write("obj.data", "names = obj.names\ntrain = train.txt\n")
	write("obj.names", "a\n")
	write("train.txt", "d/linked-label.png\nd/linked-image.png\n")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "d"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d", "linked-label.png"), makeImage(t, "x.png", 10, 10), 0o644))
	require.NoError(t, os.Symlink(secret, filepath.Join(dir, "d", "linked-label.txt")))
	require.NoError(t, os.Symlink(img, filepath.Join(dir, "d", "linked-image.png")))

	r := run(t, "-obs-prefix", obs, dir)
	require.NoError(t, r.Err)
	assert.Empty(t, r.Samples)
	require.Equal(t, 2, rejections(r), "%v", r.Warnings)
	assert.Contains(t, r.Warnings[0].String(), "linked-label.txt")
	assert.Contains(t, r.Warnings[1].String(), "outside the images folder")
}

func TestDetect(t *testing.T) {
	f, _ := importers.Lookup("yolo")
	for _, tc := range []struct {
		dir, name string
		want      bool
	}{
		{"testdata/darknet", ".", true},
		{"testdata/darknet", "obj.data", true},
		{"testdata/cvat", ".", true},
		{"testdata/ultralytics", ".", true},
		{"testdata/ultralytics", "data.yaml", true},
		{"testdata/roboflow", ".", true},
		{"testdata/golden", ".", false},
		{"../voc/testdata", ".", false},
		{"../../testdata/voc", ".", false},
		{"../coco/testdata", ".", false},
		{"../coco/testdata", "instances.json", false},
		{"../../../shared/peers/datumaro/voc_dataset1", ".", false},
		{"../../../shared/peers/datumaro/voc_dataset2", ".", false},
		{"../../../shared/peers/datumaro/coco_instances", ".", false},
		{"../../../shared/peers/modelarts-sdk", ".", false},
	} {
		_, ok := f.Detect(context.Background(), os.DirFS(tc.dir), tc.name)
		assert.Equal(t, tc.want, ok, "%s %s", tc.dir, tc.name)
	}
}

// What `convert validate` checks: every fixture's request bodies, as the writer encodes
// them, decode strictly and pass the validator, and the writer rejects nothing.
func TestRequestsValidate(t *testing.T) {
	for _, args := range [][]string{
		{"testdata/darknet"},
		{"-obs-prefix", obs, "testdata/darknet"},
		{"testdata/cvat"},
		{"testdata/ultralytics"},
		{"-precision", "0", "testdata/roboflow"},
		{"testdata/rejections"},
	} {
		src, _, err := open(t, args...)
		require.NoError(t, err)
		bodies := 0
		opts := emit.Options{Reject: func(s *api.Sample, reason string) { t.Errorf("%v: the writer rejected %s: %s", args, s.Name, reason) }}
		for batch, err := range emit.Batches(context.Background(), src.Samples, opts) {
			require.NoError(t, err)
			req, err := api.DecodeRequest(batch.Body)
			require.NoError(t, err, "%v", args)
			assert.Empty(t, api.Validate(req), "%v", args)
			bodies++
		}
		assert.Equal(t, 1, bodies, "%v", args)
	}
}
