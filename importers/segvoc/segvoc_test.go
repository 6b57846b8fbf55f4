package segvoc_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/internal/golden"
)

// open runs the registered format as the command does.
func open(t testing.TB, args ...string) importertest.Opener {
	return importertest.FormatOpener(t, "segvoc", args...)
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"seg", []string{"-workers", "1", "testdata/seg"}},
		{"seg-obs", []string{"-obs-prefix", "obs://bucket/seg/", "testdata/seg"}},
		{"seg-file", []string{"-obs-prefix", "obs://bucket/seg/", "testdata/seg/IMG_1.xml"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := importertest.Read(t, context.Background(), open(t, tt.args...))
			require.NoError(t, r.Err)
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), importertest.Transcript(r))
		})
	}
}

func TestConformance(t *testing.T) {
	importertest.Run(t, open(t, "testdata/seg"), sized)
}

func TestSegmentation(t *testing.T) {
	r := importertest.Read(t, context.Background(), open(t, "-obs-prefix", "obs://b/", "testdata/seg"))
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 4, "IMG_6.jpg is not here, but with -obs-prefix it need not be")

	s := r.Samples[0]
	assert.Equal(t, "IMG_1.jpg", s.Name)
	assert.Equal(t, "obs://xianao/out/dataset-8153-Jmf5ylLjRmSacj9KevS/annotation/V001/segmentationClassRaw/image_0006.png", s.Metadata["mask_source"])
	require.Len(t, s.Labels, 1)
	l := s.Labels[0]
	assert.Equal(t, api.LabelImageSegmentation, l.Type)
	assert.Equal(t, "bike", l.Name)
	assert.Equal(t, api.ShapePolygon, l.Property.Shape())
	assert.Equal(t, api.Feature{{"71", "48"}, {"75", "73"}, {"49", "69"}, {"68", "92"}, {"90", "101"}, {"45", "110"}, {"71", "48"}}, l.Property[api.PropFeature])
	assert.Equal(t, "193,243,53", l.Property["mask_color"])
	size, _ := s.Metadata.Size()
	assert.Equal(t, []int{230, 300, 3}, size)

	assert.Equal(t, api.Feature{{"0", "20.5"}, {"39.25", "20"}, {"39", "29"}, {"0", "29"}}, r.Samples[1].Labels[0].Property[api.PropFeature], "coordinates as written")
	assert.Equal(t, "IMG_5.jpg", r.Samples[2].Name)
	assert.Empty(t, r.Samples[2].Labels)
	for i, s := range r.Samples {
		assert.Empty(t, api.ValidateSample("s", s), "sample %d", i)
	}

	var text strings.Builder
	for _, w := range r.Warnings {
		text.WriteString(w.String() + "\n")
	}
	assert.Contains(t, text.String(), "testdata/seg/IMG_2.xml:11:5: object[2]: warning: no <mask_color>")
	assert.Contains(t, text.String(), "testdata/seg/IMG_3.xml:8:9: object[1]/bndbox: rejected: <bndbox> in a segmentation file")
	assert.Contains(t, text.String(), `testdata/seg/IMG_4.xml:7:9: object[1]/mask_color: rejected: <mask_color> "300,0,0" is not "R,G,B"`)
}

// Inline, a file without <size> takes it from the image header, and type 3 needs it.
func TestInlineSize(t *testing.T) {
	r := importertest.Read(t, context.Background(), open(t, "testdata/seg"))
	require.NoError(t, r.Err)
	var text strings.Builder
	for _, w := range r.Warnings {
		text.WriteString(w.String() + "\n")
	}
	assert.Contains(t, text.String(), "testdata/seg/IMG_6.xml:2:5: filename: rejected: image file not found")
	for _, s := range r.Samples {
		if s.Name == "IMG_5.jpg" {
			size, _ := s.Metadata.Size()
			assert.Equal(t, []int{40, 30, 3}, size)
			assert.NotEmpty(t, s.Data)
		}
	}
}

// sized is the harness's input of n segmentation files, copies of IMG_1.xml (images on OBS).
func sized(t testing.TB, n int) importertest.Opener {
	xml, err := os.ReadFile("testdata/seg/IMG_1.xml")
	require.NoError(t, err)
	dir := t.TempDir()
	for i := range n {
		name := fmt.Sprintf("IMG_%05d", i)
		doc := bytes.Replace(xml, []byte("<filename>IMG_1.jpg</filename>"), []byte("<filename>"+name+".jpg</filename>"), 1)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".xml"), doc, 0o644))
	}
	return open(t, "-obs-prefix", "obs://b/seg/", dir)
}
