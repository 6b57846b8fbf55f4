package importers_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/coco"
	"github.com/modelarts-convert/convert/importers/conll"
	"github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/voc"
	"github.com/modelarts-convert/convert/internal/testarchive"
)

// member is one file of a test archive.
type member = testarchive.Member

var (
	writeZip   = testarchive.Zip
	writeTarGz = testarchive.TarGz
	writeGz    = testarchive.Gz
)

func testImage(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("voc/testdata/names/JPEGImages/000001.jpg")
	require.NoError(t, err)
	return string(data)
}

// collectWarnings gathers warnings as strings.
type collectWarnings []string

func (c *collectWarnings) warn(w importers.Warning) { *c = append(*c, w.String()) }

func vocXML(file string) string {
	return "<annotation>\n  <filename>" + file + "</filename>\n  <size><width>10</width><height>10</height><depth>3</depth></size>\n" +
		"  <object><name>cat</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>8</xmax><ymax>9</ymax></bndbox></object>\n</annotation>\n"
}

// TestArchiveVOC reads a VOC set from a zip and a tar.gz: the images are inlined from
// inside the archive, and messages name the archive and the member.
func TestArchiveVOC(t *testing.T) {
	img := testImage(t)
	members := []member{
		{Name: "VOCdevkit/VOC2007/Annotations/a.xml", Data: vocXML("a.jpg")},
		{Name: "VOCdevkit/VOC2007/Annotations/b.xml", Data: "<annotation>\n  <filename>b.jpg</filename>\n  <object>\n    <name>x</name>\n    <bndbox><xmin>1</xmax></bndbox>\n  </object>\n</annotation>\n"},
		{Name: "VOCdevkit/VOC2007/Annotations/c.xml", Data: vocXML("c.jpg")},
		{Name: "VOCdevkit/VOC2007/JPEGImages/a.jpg", Data: img},
		{Name: "VOCdevkit/VOC2007/JPEGImages/c.jpg", Data: "not an image at all"},
		{Name: "VOCdevkit/VOC2012/Annotations/2008_000001.xml", Data: vocXML("2008_000001.jpg")},
		{Name: "VOCdevkit/VOC2012/JPEGImages/2008_000001.jpg", Data: img},
		{Name: "../evil.xml", Data: vocXML("a.jpg")},
	}
	for _, kind := range []string{"export.zip", "export.tar.gz"} {
		t.Run(kind, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), kind)
			if kind == "export.zip" {
				writeZip(t, p, members)
			} else {
				writeTarGz(t, p, members)
			}
			var warnings collectWarnings
			in, err := importers.OpenInput(p, warnings.warn)
			require.NoError(t, err)
			defer in.Close()
			d, ok := voc.Detect(context.Background(), in.FS, in.Name)
			require.True(t, ok)
			assert.Equal(t, "2 roots: VOCdevkit/VOC2007, VOCdevkit/VOC2012", d.Layout)

			samples, err := importers.Collect(voc.Read(context.Background(), in.FS, in.Name,
				voc.Options{Path: in.Path, Warn: warnings.warn, Workers: 2}))
			require.NoError(t, err)
			var names []string
			for _, s := range samples {
				names = append(names, s.Name)
				assert.Equal(t, api.SampleImage, s.SampleType)
				assert.NotEmpty(t, s.Data, s.Name)
				assert.True(t, strings.HasPrefix(s.Origin, p+":VOCdevkit/"), s.Origin)
			}
			assert.Equal(t, []string{"a.jpg", "2008_000001.jpg"}, names)
			require.Len(t, warnings, 3, "%q", warnings)
			assert.Contains(t, warnings[0], p+":../evil.xml: rejected: left out: a path that escapes the archive")
			assert.Contains(t, warnings[1], p+":VOCdevkit/VOC2007/Annotations/b.xml:5:")
			assert.Contains(t, warnings[1], "rejected")
			assert.Contains(t, warnings[2], p+":VOCdevkit/VOC2007/Annotations/c.xml")
			assert.Contains(t, warnings[2], "image format not recognized")
		})
	}
}

// TestArchiveCOCO reads a COCO set (annotations/ + images/val/) from a zip and a tar.gz, and
// a lone instances.json.gz with OBS image paths.
func TestArchiveCOCO(t *testing.T) {
	img := testImage(t)
	ann := `{"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}, {"id": 2, "file_name": "big.jpg", "width": 10, "height": 10}],
 "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}],
 "categories": [{"id": 1, "name": "cat"}]}`
	members := []member{
		{Name: "annotations/instances_val.json", Data: ann},
		{Name: "annotations/instances_zbad.json", Data: `{"images": [}`},
		{Name: "images/val/a.jpg", Data: img},
		{Name: "images/val/big.jpg", Data: "\xff\xd8\xff" + strings.Repeat("\x00", api.MaxSampleBytes)},
	}
	for _, kind := range []string{"coco.zip", "coco.tgz"} {
		t.Run(kind, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), kind)
			if kind == "coco.zip" {
				writeZip(t, p, members)
			} else {
				writeTarGz(t, p, members[:3]) // zeros expand too far for a whole tar.gz: big.jpg is missing here
			}
			var warnings collectWarnings
			in, err := importers.OpenInput(p, warnings.warn)
			require.NoError(t, err)
			defer in.Close()
			pairs, err := coco.FindPairs(context.Background(), in.FS, in.Name)
			require.NoError(t, err)
			require.Len(t, pairs, 2)
			assert.Equal(t, "images/val", pairs[0].Images)
			var got []*api.Sample
			for s, err := range coco.ReadPairs(context.Background(), in.FS, pairs, coco.Options{Warn: warnings.warn}, in.Path) {
				if err != nil {
					assert.Contains(t, err.Error(), p+":annotations/instances_zbad.json")
					break
				}
				got = append(got, s)
			}
			require.Len(t, got, 1)
			assert.Equal(t, "a.jpg", got[0].Name)
			assert.NotEmpty(t, got[0].Data)
			sort.Strings(warnings)
			joined := strings.Join(warnings, "\n")
			assert.Contains(t, joined, p+":annotations/instances_val.json")
			assert.Contains(t, joined, "big.jpg")
		})
	}

	t.Run("json.gz", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "instances_val.json.gz")
		writeGz(t, p, ann)
		in, err := importers.OpenInput(p, nil)
		require.NoError(t, err)
		defer in.Close()
		assert.Equal(t, "instances_val.json", in.Name)
		d, ok := coco.Detect(context.Background(), in.FS, in.Name)
		require.True(t, ok)
		assert.Equal(t, 100, d.Score)
		samples, err := importers.Collect(coco.Read(context.Background(), in.FS, in.Name,
			coco.Options{Name: in.Path(in.Name), Images: &imagefile.Source{OBSPrefix: "obs://bucket/val/"}}))
		require.NoError(t, err)
		require.Len(t, samples, 2)
		require.NotNil(t, samples[0].DataSource)
		assert.Equal(t, "obs://bucket/val/a.jpg", samples[0].DataSource.DataPath)
	})
}

// TestArchiveText reads CoNLL and CSV files from a zip and a tar.gz, and a .txt.gz, through
// ReadFrom with the member's archive path, so that positions name archive and member.
func TestArchiveText(t *testing.T) {
	conllText := "EU B-ORG\nrejects O\n\nPeter B-PER\nBlackburn I-PER\n"
	csvText := "text,label\ngood movie,positive\n\"unclosed,x\n"
	members := []member{{Name: "ner/train.txt", Data: conllText}, {Name: "cls/reviews.csv", Data: csvText}}
	for _, kind := range []string{"text.zip", "text.tar.gz"} {
		t.Run(kind, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), kind)
			if kind == "text.zip" {
				writeZip(t, p, members)
			} else {
				writeTarGz(t, p, members)
			}
			in, err := importers.OpenInput(p, nil)
			require.NoError(t, err)
			defer in.Close()
			_, ok := conll.Detect(context.Background(), in.FS, "ner/train.txt")
			assert.True(t, ok)
			_, ok = csv.Detect(context.Background(), in.FS, "cls/reviews.csv")
			assert.True(t, ok)

			f, err := in.FS.Open("ner/train.txt")
			require.NoError(t, err)
			samples, err := importers.Collect(conll.ReadFrom(context.Background(), f, in.Path("ner/train.txt"), conll.Options{}))
			f.Close()
			require.NoError(t, err)
			require.Len(t, samples, 2)
			assert.Contains(t, samples[0].Origin, p+":ner/train.txt")

			var warnings collectWarnings
			f, err = in.FS.Open("cls/reviews.csv")
			require.NoError(t, err)
			samples, err = importers.Collect(csv.ReadFrom(context.Background(), f, in.Path("cls/reviews.csv"), csv.Options{Warn: warnings.warn}))
			f.Close()
			require.NoError(t, err)
			require.Len(t, samples, 1)
			assert.Contains(t, strings.Join(warnings, "\n"), p+":cls/reviews.csv:3")
		})
	}

	t.Run("txt.gz", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "train.txt.gz")
		writeGz(t, p, conllText)
		in, err := importers.OpenInput(p, nil)
		require.NoError(t, err)
		defer in.Close()
		d, ok := conll.Detect(context.Background(), in.FS, in.Name)
		require.True(t, ok, "%+v", d)
		samples, err := importers.Collect(conll.Read(context.Background(), in.FS, in.Name, conll.Options{}))
		require.NoError(t, err)
		assert.Len(t, samples, 2)
	})
}
