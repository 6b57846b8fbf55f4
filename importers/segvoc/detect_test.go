package segvoc_test

import (
	"context"
	"io/fs"
	"os"
	"testing"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The detector recognizes its layout, and no other format's.
func TestDetect(t *testing.T) { importertest.CheckDetector(t, "segvoc") }

// A single XML file is detected by its marks.
func TestDetectFile(t *testing.T) {
	_, ok := segvocDetect(t)(context.Background(), os.DirFS("testdata/seg"), "IMG_2.xml")
	assert.True(t, ok)
	entries, err := os.ReadDir("../../testdata/voc/Annotations")
	require.NoError(t, err)
	_, ok = segvocDetect(t)(context.Background(), os.DirFS("../../testdata/voc/Annotations"), entries[0].Name())
	assert.False(t, ok, "a plain VOC file")
	_, ok = segvocDetect(t)(context.Background(), os.DirFS("testdata/seg"), "IMG_1.jpg")
	assert.False(t, ok)
}

func segvocDetect(t *testing.T) func(context.Context, fs.FS, string) (importers.Detection, bool) {
	f, ok := importers.Lookup("segvoc")
	require.True(t, ok)
	return f.Detect
}
