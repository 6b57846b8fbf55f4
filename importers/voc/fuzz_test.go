package voc_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/voc"
)

// FuzzRead feeds arbitrary bytes as an annotation file (seeded with every XML under
// testdata/ and the quick-start dataset). It must not panic, must not fail the stream (a bad
// file is a rejection, not a fatal error), must account for the file exactly once, and
// whatever it yields must validate.
func FuzzRead(f *testing.F) {
	for _, dir := range []string{"testdata", "../../testdata/voc"} {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				f.Add(data, uint8(0))
				f.Add(data, uint8(7))
			}
			return err
		})
		require.NoError(f, err)
	}
	var img bytes.Buffer
	require.NoError(f, png.Encode(&img, image.NewGray(image.Rect(0, 0, 3, 2))))

	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		fsys := fstest.MapFS{
			"Annotations/a.xml": {Data: data},
			"JPEGImages/a.jpg":  {Data: img.Bytes()},
			"JPEGImages/a.png":  {Data: img.Bytes()},
		}
		opts := voc.Options{Round: mode&1 != 0, OneBased: mode&2 != 0, Workers: 1}
		if mode&4 != 0 {
			opts.OBSPrefix = obs
		}
		r := importertest.Read(t, context.Background(), opener(fsys, ".", opts))
		require.NoError(t, r.Err)
		samples, _, rejected := counts(r)
		require.Equal(t, 1, samples+rejected, "the file is a sample or a rejection: %v", r.Warnings)
		for _, s := range r.Samples {
			require.Empty(t, validate(s))
		}
		for _, w := range r.Warnings {
			require.NotEmpty(t, w.Pos.File)
			require.NotEmpty(t, w.Reason)
		}
	})
}
