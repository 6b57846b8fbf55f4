package cli

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

const manifestData = "../importers/manifest/testdata/"

func TestManifestConvert(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCmd(t, "manifest", "-o", dir, manifestData+"classification.manifest", manifestData+"detection.manifest")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "classification.manifest: warning: usage of 4 samples is dropped: the API has no field for it")
	assert.Contains(t, stderr, "convert manifest: 6 samples, 13 labels (3 image classification, 10 object detection); 0 records rejected")
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 6)
	assert.Equal(t, "obs://path/to/image1.jpg", samples[0].DataSource.DataPath)
	assert.Equal(t, []int{767, 959, 3}, sizeOf(t, samples[4]))
}

func sizeOf(t *testing.T, s api.Sample) []int {
	size, ok := s.Metadata.Size()
	require.True(t, ok, "%v", s.Metadata)
	return size
}

// -map-source to disk inlines the downloaded files and reads the annotation-loc files; a
// rejection makes the run exit non-zero while the good samples are still written.
func TestManifestMapSource(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runCmd(t, "manifest", "-o", dir,
		"-map-source", "s3://old-bucket/ds/="+manifestData+"download",
		"-map-source", "s3://old-bucket/ds/other/=obs://new-bucket/other/",
		manifestData+"mapped.manifest")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "mapped.manifest:5: rejected: ")
	assert.Contains(t, stderr, "mapped.manifest:11: rejected: annotation[1] (object_detection): annotation-loc s3://other-bucket/voc/c.xml is in OBS and no -map-source maps it to disk")
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 4)
	assert.NotEmpty(t, samples[0].Data, "the image is inlined")
	assert.Equal(t, "obs://new-bucket/other/b.jpg", samples[3].DataSource.DataPath, "the longest prefix wins")
}

func TestManifestStdin(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runStdin(t, strings.NewReader(`{"source":"content://hello","annotation":[{"type":"text_classification","name":"greeting"}]}`+"\n\nnot json\n"),
		"manifest", "-o", dir, "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "stdin:3: rejected: not valid JSON")
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 1)
	assert.Equal(t, "stdin-000001.txt", samples[0].Name)
}

func TestManifestUsage(t *testing.T) {
	code, _, stderr := runCmd(t, "manifest", "-map-source", "nonsense", "x.manifest")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "expected FROM=TO")
	// A folder is read as its manifests (see TestFileFormatsReadFoldersAndArchives).
	code, _, stderr = runCmd(t, "manifest", "-o", t.TempDir(), manifestData)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, manifestData+"broken.manifest:2: rejected")
}
