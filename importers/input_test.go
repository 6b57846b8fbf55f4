package importers

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenInput(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "voc", "Annotations"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "voc", "Annotations", "a.xml"), []byte("<annotation/>"), 0o644))

	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for _, name := range []string{"Annotations/a.xml", "../evil.xml"} {
		w, _ := zw.Create(name)
		w.Write([]byte("<annotation/>"))
	}
	require.NoError(t, zw.Close())
	zipPath := filepath.Join(dir, "export.zip")
	require.NoError(t, os.WriteFile(zipPath, zbuf.Bytes(), 0o644))

	var gbuf bytes.Buffer
	gw := gzip.NewWriter(&gbuf)
	gw.Write([]byte(`{"images":[]}`))
	gw.Close()
	gzPath := filepath.Join(dir, "instances.json.gz")
	require.NoError(t, os.WriteFile(gzPath, gbuf.Bytes(), 0o644))

	t.Run("folder", func(t *testing.T) {
		in, err := OpenInput(filepath.Join(dir, "voc"), nil)
		require.NoError(t, err)
		defer in.Close()
		assert.True(t, in.IsDir)
		assert.Equal(t, ".", in.Name)
		_, err = fs.ReadFile(in.FS, "Annotations/a.xml")
		assert.NoError(t, err)
		assert.Equal(t, filepath.ToSlash(filepath.Join(dir, "voc"))+"/Annotations/a.xml", in.Path("Annotations/a.xml"))
		assert.Equal(t, filepath.Join(dir, "voc"), in.OSPath())
	})
	t.Run("file", func(t *testing.T) {
		in, err := OpenInput(filepath.Join(dir, "voc", "Annotations", "a.xml"), nil)
		require.NoError(t, err)
		defer in.Close()
		assert.False(t, in.IsDir)
		assert.Equal(t, "a.xml", in.Name)
		_, err = fs.ReadFile(in.FS, in.Name)
		assert.NoError(t, err)
	})
	t.Run("zip", func(t *testing.T) {
		var warnings []Warning
		in, err := OpenInput(zipPath, func(w Warning) { warnings = append(warnings, w) })
		require.NoError(t, err)
		defer in.Close()
		assert.True(t, in.IsDir)
		assert.Equal(t, zipPath, in.Archive)
		assert.Equal(t, zipPath+":Annotations/a.xml", in.Path("Annotations/a.xml"))
		assert.Equal(t, "", in.OSPath())
		_, err = fs.ReadFile(in.FS, "Annotations/a.xml")
		assert.NoError(t, err)
		require.Len(t, warnings, 1)
		assert.True(t, warnings[0].Rejected)
		assert.Equal(t, zipPath+":../evil.xml: rejected: left out: a path that escapes the archive (..)", warnings[0].String())
	})
	t.Run("gz", func(t *testing.T) {
		in, err := OpenInput(gzPath, nil)
		require.NoError(t, err)
		defer in.Close()
		assert.False(t, in.IsDir)
		assert.Equal(t, "instances.json", in.Name)
		b, err := fs.ReadFile(in.FS, in.Name)
		require.NoError(t, err)
		assert.Equal(t, `{"images":[]}`, string(b))
	})
	t.Run("missing", func(t *testing.T) {
		_, err := OpenInput(filepath.Join(dir, "nope"), nil)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}
