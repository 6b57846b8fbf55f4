package yolo_test

import (
	"bytes"
	"context"
	"errors"
	"iter"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/yolo"
)

// labelSeeds are the label files under testdata/.
func labelSeeds(f *testing.F) [][]byte {
	var out [][]byte
	require.NoError(f, filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".txt") && !strings.Contains(p, "train.txt") && !strings.Contains(p, "valid.txt") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, data)
		}
		return err
	}))
	return out
}

// FuzzRow feeds arbitrary text as one label row: ParseRow and Shape must not panic, and a
// shape they accept stays inside the image, with at most the precision's decimals, and (a
// box) passes the validator.
func FuzzRow(f *testing.F) {
	for _, data := range labelSeeds(f) {
		for _, l := range strings.Split(string(data), "\n") {
			f.Add(l, uint16(640), uint16(480), uint8(2))
		}
	}
	f.Add("0 1e-400 0.5 1e2 .5", uint16(1), uint16(1), uint8(0))
	f.Add("0 0.5 0.5 0.5 0.5 0.5 0.5", uint16(3), uint16(7), uint8(20))
	f.Fuzz(func(t *testing.T, line string, w, h uint16, prec uint8) {
		width, height, p := int(w)+1, int(h)+1, int(prec%21)
		row, err := yolo.ParseRow(strings.Fields(line), 3)
		if err != nil {
			return
		}
		shape, feature, _, err := row.Shape(width, height, p)
		if err != nil {
			require.ErrorIs(t, err, yolo.ErrEmptyBox)
			require.False(t, row.Polygon)
			return
		}
		for _, pt := range feature {
			require.Len(t, pt, 2)
			for i, n := range pt {
				require.True(t, api.IsNumberLiteral(string(n)), "%q", n)
				if j := strings.IndexByte(string(n), '.'); j >= 0 {
					require.LessOrEqual(t, len(n)-j-1, p, "%q has more than %d decimals", n, p)
				}
				v, ok := new(big.Rat).SetString(string(n))
				require.True(t, ok)
				limit := width
				if i == 1 {
					limit = height
				}
				require.True(t, v.Sign() >= 0 && v.Cmp(new(big.Rat).SetInt64(int64(limit))) <= 0, "%s outside 0..%d", n, limit)
			}
		}
		if shape == api.ShapeBndbox {
			prop := api.Property{}
			prop.SetShape(shape, feature)
			s := &api.Sample{Name: "a.jpg", DataSource: &api.DataSource{DataPath: "obs://b/a.jpg"}, Labels: []api.SampleLabel{{Name: "x", Type: api.LabelObjectDetection, Property: prop}}, Metadata: api.Metadata{}}
			s.Metadata.SetSize(width, height, 3)
			require.Empty(t, api.ValidateSample("s", s))
		}
	})
}

// FuzzLabelFile feeds arbitrary bytes as an image's label file in a Darknet dataset: the
// stream must not fail (a bad file is rejections, not a fatal error), the image must be a
// sample or rejected, and what is yielded must validate.
func FuzzLabelFile(f *testing.F) {
	for _, data := range labelSeeds(f) {
		f.Add(data)
	}
	img := makeImage(f, "a.png", 7, 5)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"obj.data":  {Data: []byte("names = obj.names\ntrain = train.txt\n")},
			"obj.names": {Data: []byte("a\nb\nc\n")},
			"train.txt": {Data: []byte("d/a.png\n")},
			"d/a.png":   {Data: img},
			"d/a.txt":   {Data: data},
		}
		r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			return yolo.Read(ctx, fsys, ".", yolo.Options{Precision: 2, OBSPrefix: obs, Warn: warn})
		})
		require.NoError(t, r.Err)
		rejected := 0
		for _, w := range r.Warnings {
			require.NotEmpty(t, w.Pos.File)
			require.NotZero(t, w.Pos.Line, "%v", w)
			if w.Rejected {
				rejected++
			}
		}
		require.True(t, len(r.Samples) == 1 && rejected == 0 || len(r.Samples) == 0 && rejected > 0, "%d samples, %v", len(r.Samples), r.Warnings)
		for _, s := range r.Samples {
			require.Empty(t, api.ValidateSample("s", s))
		}
	})
}

// FuzzDataYAML feeds arbitrary bytes to the data.yaml reader: it must not panic, and it
// either reads the file or says at which of its lines it stops.
func FuzzDataYAML(f *testing.F) {
	for _, p := range []string{"testdata/ultralytics/data.yaml", "testdata/roboflow/data.yaml"} {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("names: {0: 'a''b', 1: \"c\\u00e9\"}\ntrain: [a, 'b']\nval:\n- x\n"))
	f.Add([]byte("names:\n  0: a\n  3: b\nnc: 4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := yolo.ParseDataYAML(data)
		if err != nil {
			var ye *yolo.YAMLError
			require.True(t, errors.As(err, &ye), "%v", err)
			lines := bytes.Count(data, []byte("\n")) + 1
			require.True(t, ye.Line >= 1 && ye.Line <= lines, "line %d of %d", ye.Line, lines)
			return
		}
		require.NotNil(t, d)
		for _, e := range append(append(d.Train, d.Val...), d.Test...) {
			require.NotEmpty(t, e.Path)
		}
	})
}
