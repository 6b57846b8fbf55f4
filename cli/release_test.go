package cli

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/internal/testarchive"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// TestFormatReleasesSourceOnEarlyFailure: an upload whose journal cannot be opened fails
// after the Opener decompressed a .tar.gz (COCO opens its set at once) and before the
// stream is read; the temporary file is removed all the same.
func TestFormatReleasesSourceOnEarlyFailure(t *testing.T) {
	members := testarchive.Dir(t, filepath.Join("..", "importers", "coco", "testdata", "layouts", "coco2017"))
	in := filepath.Join(t.TempDir(), "set.tar.gz")
	testarchive.TarGz(t, in, members)
	srv := upServer(t, uploadtest.Options{})
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	journal := t.TempDir() // a folder: the journal cannot be opened
	args := []string{"coco", "-upload", "-endpoint", srv.URL, "-dataset-id", srv.DatasetID(), "-journal", journal, in}
	code, _, stderr := runCmd(t, args...)
	require.Equal(t, exitFailed, code, stderr)
	assert.Zero(t, srv.Requests(), "nothing was sent")
	temps, err := filepath.Glob(filepath.Join(tmp, "convert-archive-*"))
	require.NoError(t, err)
	assert.Empty(t, temps, "the archive's temporary file is removed")
}
