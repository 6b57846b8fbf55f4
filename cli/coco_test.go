package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const cocoTestdata = "../importers/coco/testdata"

func TestCocoUsage(t *testing.T) {
	in := filepath.Join(cocoTestdata, "instances.json")
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"no image source", []string{"coco", in}, "-images DIR (inline data) or -obs-prefix"},
		{"both image sources", []string{"coco", "-images", ".", "-obs-prefix", "obs://b/d/", in}, "not both"},
		{"bad shape", []string{"coco", "-shape", "mask", "-obs-prefix", "obs://b/d/", in}, `-shape: must be bbox or polygon, not "mask"`},
		{"bad obs prefix", []string{"coco", "-obs-prefix", "s3://b/d/", in}, "must look like obs://bucket/dir/"},
		{"min-score without results", []string{"coco", "-obs-prefix", "obs://b/d/", "-min-score", "0.5", in}, "-min-score needs -results"},
		{"bad min-score", []string{"coco", "-obs-prefix", "obs://b/d/", "-min-score", "high", in}, "invalid value"},
		{"two inputs", []string{"coco", "-obs-prefix", "obs://b/d/", in, in}, "exactly one COCO annotation file, or a folder or archive of a COCO set (got 2 inputs)"},
		{"no input", []string{"coco", "-obs-prefix", "obs://b/d/"}, "no INPUT given"},
		{"images not a folder", []string{"coco", "-images", in, in}, "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tt.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.err)
		})
	}
}

func TestCocoConvert(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := runCmd(t, "coco", "-shape", "polygon", "-obs-prefix", "obs://bucket/coco/", "-o", out, filepath.Join(cocoTestdata, "instances.json"))
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "3 samples, 6 labels (6 object detection); 0 records rejected")
	samples := writtenSamples(t, out)
	require.Len(t, samples, 3)
	assert.Equal(t, "obs://bucket/coco/sub/000012.jpg", samples[1].DataSource.DataPath)
	assert.Len(t, samples[1].Labels, 2, "two crowd regions traced")
	assert.Empty(t, samples[2].Labels, "the image without annotations")
}

func TestCocoInlineImages(t *testing.T) {
	peers := "../../shared/peers/datumaro/coco_instances"
	if _, err := os.Stat(peers); err != nil {
		t.Skipf("shared peers not found: %v", err)
	}
	out := t.TempDir()
	code, _, stderr := runCmd(t, "coco", "-images", filepath.Join(peers, "images/val"), "-o", out, filepath.Join(peers, "annotations/instances_val.json"))
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, out)
	require.Len(t, samples, 1)
	assert.NotEmpty(t, samples[0].Data)
	assert.Len(t, samples[0].Labels, 2)
}

func TestCocoRejections(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-o", out, filepath.Join(cocoTestdata, "rejections.json"))
	assert.Equal(t, exitFailed, code, stderr)
	for _, want := range []string{
		"rejections.json: byte 661: annotations[1] (id 11): rejected: image_id 999 is not among the images",
		"annotations[2] (id 12): rejected: category_id 77 is not among the categories",
		"annotations[5] (id 15): rejected: bndbox [[10,10],[10,15]] must go from upper-left to lower-right",
		"annotations[6] (id 16): rejected: point 0 is [-1,10]; coordinates must be numbers >= 0",
		`images[1] (id 2): rejected: file_name "bad!name.jpg" contains "!"`,
		`images[2] (id 3): rejected: file_name "../outside.jpg": points outside the images folder`,
		"1 sample, 4 labels (4 object detection); 19 records rejected, 1 warning",
	} {
		assert.Contains(t, stderr, want)
	}
	assert.Len(t, writtenSamples(t, out), 1)

	code, _, stderr = runCmd(t, "coco", "-shape", "polygon", "-obs-prefix", "obs://b/d/", "-overwrite", "-o", out, filepath.Join(cocoTestdata, "rejections.json"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "annotations[3] (id 13): rejected: segmentation[0] has an odd number of coordinates (5)")
	assert.Contains(t, stderr, "annotations[4] (id 14): rejected: segmentation: RLE counts sum to 10, not h×w = 4×4 = 16")
}

func TestCocoMalformed(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"images":[],"annotations":[{"id":1,"bbox":[1,2,x]}]}`), 0o644))
	code, _, stderr := runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-o", filepath.Join(dir, "out"), bad)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, bad+": byte 48: annotations[0]: malformed JSON: invalid character 'x'")

	code, _, stderr = runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-o", filepath.Join(dir, "out"), filepath.Join(dir, "missing.json"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "missing.json")
}

func TestCocoResults(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-results", filepath.Join(cocoTestdata, "results.json"), "-min-score", "0.05", "-o", out,
		filepath.Join(cocoTestdata, "results_instances.json"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "1 of 4 results scored below -min-score 0.05 and were left out")
	samples := writtenSamples(t, out)
	require.Len(t, samples, 2)
	require.Len(t, samples[0].Labels, 2)
	assert.Equal(t, "0.98", string(samples[0].Labels[0].Score))

	code, _, stderr = runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-results", "nope.json", "-o", t.TempDir(), filepath.Join(cocoTestdata, "results_instances.json"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "-results")
}

func TestCocoStdin(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(cocoTestdata, "keypoints.json"))
	require.NoError(t, err)
	out := t.TempDir()
	var so, se bytes.Buffer
	code := run([]string{"coco", "-obs-prefix", "obs://b/d/", "-o", out, "-"}, bytes.NewReader(raw), &so, &se)
	require.Equal(t, exitOK, code, se.String())
	samples := writtenSamples(t, out)
	require.Len(t, samples, 1)
	assert.Len(t, samples[0].Labels, 6)
	assert.True(t, strings.Contains(se.String(), "1 sample, 6 labels"), se.String())
}

// A folder of a COCO set reads every annotation file with its images folder; so does the
// command without a format word.
func TestCocoFolder(t *testing.T) {
	peers := "../../shared/peers/datumaro/coco_instances"
	if _, err := os.Stat(peers); err != nil {
		t.Skipf("shared peers not found: %v", err)
	}
	for _, args := range [][]string{{"coco", peers}, {peers}} {
		out := t.TempDir()
		code, _, stderr := runCmd(t, append(args, "-o", out)...)
		require.Equal(t, exitOK, code, "%q: %s", args, stderr)
		samples := writtenSamples(t, out)
		require.NotEmpty(t, samples)
		for _, s := range samples {
			assert.NotEmpty(t, s.Data, "%s: the image inlined from its pair's folder", s.Name)
		}
	}
	code, _, stderr := runCmd(t, "coco", "-results", filepath.Join(cocoTestdata, "results.json"), "-o", t.TempDir(), peers)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-results goes with one annotation file")
}
