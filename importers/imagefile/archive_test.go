package imagefile_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/archive"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// TestArchiveImages: in an archive there is no os.Root, but an image is still checked to be
// a regular file, non-empty, under the sample limit and an image by signature.
func TestArchiveImages(t *testing.T) {
	jpeg, err := os.ReadFile("../../importers/voc/testdata/names/JPEGImages/000001.jpg")
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte, method uint16) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		require.NoError(t, err)
		_, err = w.Write(data)
		require.NoError(t, err)
	}
	add("images/good.jpg", jpeg, zip.Deflate)
	add("images/text.jpg", []byte("hello, not an image"), zip.Deflate)
	add("images/empty.jpg", nil, zip.Deflate)
	add("images/huge.jpg", append([]byte("\xff\xd8\xff"), make([]byte, api.MaxSampleBytes)...), zip.Store)
	_, err = zw.Create("images/folder.jpg/")
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	p := filepath.Join(t.TempDir(), "set.zip")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	a, err := archive.Open(p, archive.Options{})
	require.NoError(t, err)
	defer a.Close()

	src := &imagefile.Source{FS: a, Dir: "images"}
	tests := []struct {
		rel  string
		want error // nil: attached
		msg  string
	}{
		{"good.jpg", nil, ""},
		{"text.jpg", imagefile.ErrUnknown, "images/text.jpg"},
		{"empty.jpg", imagefile.ErrEmpty, "images/empty.jpg"},
		{"huge.jpg", archive.ErrTooLarge, "the service's sample limit"},
		{"folder.jpg", imagefile.ErrNotFile, "a folder"},
		{"missing.jpg", imagefile.ErrMissing, "images/missing.jpg"},
	}
	for _, tt := range tests {
		s := &api.Sample{Name: tt.rel}
		err := src.Attach(s, tt.rel)
		if tt.want == nil {
			require.NoError(t, err, tt.rel)
			assert.NotEmpty(t, s.Data)
			continue
		}
		require.ErrorIs(t, err, tt.want, tt.rel)
		assert.True(t, strings.Contains(err.Error(), tt.msg), "%s: %v", tt.rel, err)
		assert.Empty(t, s.Data)
	}
}
