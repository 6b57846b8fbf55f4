package emit

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The system-call writer leaves what the os package's writer leaves: the same bytes, mode
// 0644, no temporary file; its temporary names are those OpenDir removes after a killed run;
// and its failures leave nothing behind, with the cause (errors.Is) kept.
func TestRawTempFileMatchesOS(t *testing.T) {
	body := []byte(`{"samples":[{"name":"a","sample_type":1,"data":"YQ=="}]}` + "\n")
	for _, c := range []struct {
		name   string
		create func(dir, pattern string) (tempFile, error)
	}{{"os", osCreateTemp}, {"raw", rawCreateTemp}} {
		dir := t.TempDir()
		path := filepath.Join(dir, FileName(1))
		require.NoError(t, (&Dir{createTemp: c.create}).writeAtomic(path, body), c.name)
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, body, got, c.name)
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), c.name)
		assert.Equal(t, []string{FileName(1)}, listDir(t, dir), c.name)
	}

	dir := t.TempDir()
	f, err := rawCreateTemp(dir, "."+FileName(7)+".*.tmp")
	require.NoError(t, err)
	assert.Regexp(t, tempName, filepath.Base(f.Name()))
	assert.Equal(t, dir, filepath.Dir(f.Name()))
	n, err := f.Write([]byte("abc"))
	assert.Equal(t, 3, n)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	assert.Error(t, f.Close(), "a second close")
	fi, err := os.Stat(f.Name())
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "created 0600, as os.CreateTemp")

	_, err = rawCreateTemp(filepath.Join(dir, "missing"), "x.*.tmp")
	assert.ErrorIs(t, err, syscall.ENOENT)

	// Renaming over a folder fails (rename(2) refuses it without os.Rename's stat), and the
	// temporary file goes.
	target := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(target, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(target, "x"), nil, 0o644))
	before := listDir(t, dir)
	require.Error(t, (&Dir{createTemp: rawCreateTemp}).writeAtomic(target, body))
	assert.Equal(t, before, listDir(t, dir), "the temporary file is removed on failure")
	var le *os.LinkError
	assert.ErrorAs(t, rawRename(filepath.Join(dir, "none"), filepath.Join(dir, "other")), &le)
}
