// Package testarchive writes the archives tests read (zip, tar.gz, gz), from a list of members
// or from a folder, so that every test builds them the same way.
package testarchive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Member is one regular file of an archive: its path in the archive and its bytes.
type Member struct{ Name, Data string }

// Zip writes the members as a zip at p.
func Zip(t testing.TB, p string, members []Member) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(m.Name)
		require.NoError(t, err)
		_, err = w.Write([]byte(m.Data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
}

// TarGz writes the members as a gzip-compressed tar at p.
func TarGz(t testing.TB, p string, members []Member) {
	t.Helper()
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gw)
	for _, m := range members {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: m.Name, Mode: 0o644, Size: int64(len(m.Data)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(m.Data))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gw.Close())
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
}

// Gz writes data gzip-compressed at p.
func Gz(t testing.TB, p, data string) {
	t.Helper()
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	_, err := gw.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, gw.Close())
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
}

// Dir returns the regular files under dir as members named by their paths relative to dir.
func Dir(t testing.TB, dir string) []Member {
	t.Helper()
	var members []Member
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		members = append(members, Member{Name: filepath.ToSlash(rel), Data: string(data)})
		return err
	}))
	return members
}
