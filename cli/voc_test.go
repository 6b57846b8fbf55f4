package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/testarchive"
)

const (
	vocQuickStart = "../testdata/voc"
	vocTestdata   = "../importers/voc/testdata"
)

// runVOC runs `convert voc -o TMP args...` and returns the exit status, stderr and the
// samples written.
func runVOC(t *testing.T, args ...string) (int, string, []api.Sample) {
	t.Helper()
	out := t.TempDir()
	code, stdout, stderr := runCmd(t, append([]string{"voc", "-o", out}, args...)...)
	assert.Empty(t, stdout, "request bodies go to files, not to standard output")
	return code, stderr, writtenSamples(t, out)
}

func vocNames(samples []api.Sample) []string {
	names := make([]string, len(samples))
	for i, s := range samples {
		names[i] = s.Name
	}
	return names
}

// The README's quick start: go run ./cmd/convert voc -o out testdata/voc
func TestVOCQuickStart(t *testing.T) {
	code, stderr, samples := runVOC(t, vocQuickStart)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "convert voc: 4 samples, 8 labels (8 object detection); 0 records rejected")
	assert.Equal(t, []string{"000001.jpg", "000002.jpg", "000003.png", "000004.jpg"}, vocNames(samples))
	for _, s := range samples {
		assert.NotEmpty(t, s.Data, "images are inlined by default")
	}
	assert.Equal(t, []any{json.Number("32"), json.Number("24"), json.Number("3")}, samples[2].Metadata[api.MetaSize], "the size of 000003.png is read from its header")
}

func TestVOCFlags(t *testing.T) {
	t.Run("subset", func(t *testing.T) {
		code, stderr, samples := runVOC(t, "-subset", "train", vocQuickStart)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, []string{"000001.jpg", "000002.jpg", "000003.png"}, vocNames(samples))
	})
	t.Run("obs prefix", func(t *testing.T) {
		code, stderr, samples := runVOC(t, "-obs-prefix", "obs://bucket/voc/", "-subset", "val", vocQuickStart)
		require.Equal(t, exitOK, code, stderr)
		require.Len(t, samples, 1)
		assert.Empty(t, samples[0].Data)
		assert.Equal(t, &api.DataSource{DataPath: "obs://bucket/voc/000004.jpg", DataType: api.DataOBS}, samples[0].DataSource)
	})
	t.Run("round and one-based", func(t *testing.T) {
		code, stderr, samples := runVOC(t, "-obs-prefix", "obs://b/", "-round", "-one-based", "-workers", "1", vocQuickStart)
		require.Equal(t, exitOK, code, stderr)
		f, err := samples[0].Labels[0].Property.Feature()
		require.NoError(t, err)
		assert.Equal(t, api.Feature{{"7", "4"}, {"29", "43"}}, f, "8,4.70000076293945,30,44 shifted by 1 and rounded")
	})
	t.Run("single files with an images folder", func(t *testing.T) {
		ann := filepath.Join(vocQuickStart, "Annotations")
		code, stderr, samples := runVOC(t, "-images", filepath.Join(vocQuickStart, "JPEGImages"),
			filepath.Join(ann, "000002.xml"), filepath.Join(ann, "000001.xml"))
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, []string{"000002.jpg", "000001.jpg"}, vocNames(samples), "the order given")
	})
	t.Run("a folder of XML files", func(t *testing.T) {
		code, stderr, samples := runVOC(t, filepath.Join(vocTestdata, "labelimg"))
		require.Equal(t, exitOK, code, stderr)
		assert.Len(t, samples, 5)
	})
}

// Rejected files are named on stderr with their position and reason; the others still
// convert, and the run exits 1.
func TestVOCRejections(t *testing.T) {
	dir := filepath.Join(vocTestdata, "rejections")
	code, stderr, samples := runVOC(t, "-q", dir)
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, []string{"good.jpg"}, vocNames(samples))
	want := filepath.ToSlash(dir)
	for _, line := range []string{
		want + "/malformed.xml:5:27: rejected: malformed XML: element <bndbox> closed by </ymin>",
		want + "/missing-image.xml:2:3: filename: rejected: image file not found",
		want + `/outside.xml:2:3: filename: rejected: "../secret.jpg" points outside the images folder`,
		want + `/nonnumeric.xml:6:13: object[1]/bndbox/xmin: rejected: "abc" is not a number`,
		want + `/badname.xml:2:3: filename: rejected: the sample name "a&b.jpg" contains "&"`,
	} {
		assert.Contains(t, stderr, line)
	}
	assert.Equal(t, 22, strings.Count(stderr, ": rejected: "), stderr)

	t.Run("a single file whose image is not beside it", func(t *testing.T) {
		code, stderr, _ := runVOC(t, filepath.Join(vocQuickStart, "Annotations", "000001.xml"))
		assert.Equal(t, exitFailed, code)
		assert.Contains(t, stderr, "000001.xml:3:2: filename: rejected: image file not found")
	})
	t.Run("missing subset list", func(t *testing.T) {
		code, stderr, _ := runVOC(t, "-subset", "nope", vocQuickStart)
		assert.Equal(t, exitFailed, code)
		assert.Contains(t, stderr, `subset "nope" not found (ImageSets/Main/ has: train, val)`)
	})
}

func TestVOCUsage(t *testing.T) {
	file := filepath.Join(vocQuickStart, "Annotations", "000001.xml")
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"no input", nil, "no INPUT given"},
		{"missing input", []string{"does-not-exist"}, "does-not-exist"},
		{"bad obs prefix", []string{"-obs-prefix", "s3://bucket/", vocQuickStart}, "must look like obs://bucket/dir/"},
		{"subset of a file", []string{"-subset", "train", file}, "-subset applies to VOC root folders"},
		{"subset of a folder that is not a root", []string{"-subset", "train", filepath.Join(vocQuickStart, "Annotations")}, "-subset needs a VOC root folder"},
		{"images not a folder", []string{"-images", file, vocQuickStart}, "is not a folder"},
		{"images missing", []string{"-images", "nope", vocQuickStart}, "-images:"},
		{"negative workers", []string{"-workers", "-1", vocQuickStart}, "-workers"},
		{"unknown flag", []string{"-nope", vocQuickStart}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr, samples := runVOC(t, tt.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tt.err)
			assert.Empty(t, samples)
		})
	}
}

// A zip of a VOC folder converts as the folder does, with or without the format word.
func TestVOCArchive(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "export.zip")
	testarchive.Zip(t, zipPath, testarchive.Dir(t, vocQuickStart))

	want := t.TempDir()
	code, _, stderr := runCmd(t, "voc", "-o", want, vocQuickStart)
	require.Equal(t, exitOK, code, stderr)
	for _, args := range [][]string{{"voc", zipPath}, {zipPath}} {
		out := t.TempDir()
		code, _, stderr = runCmd(t, append(args, "-o", out)...)
		require.Equal(t, exitOK, code, "%q: %s", args, stderr)
		a, b := writtenSamples(t, want), writtenSamples(t, out)
		require.Equal(t, len(a), len(b))
		for i := range a {
			assert.Equal(t, a[i].Name, b[i].Name)
			assert.Equal(t, a[i].Data, b[i].Data, "the image inlined from the zip")
		}
	}
}
