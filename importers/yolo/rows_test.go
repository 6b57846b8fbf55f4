package yolo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in    string
		mant  string
		scale int
	}{
		{"0.25", "25", 2},
		{"0.250000", "250000", 6},
		{"1", "1", 0},
		{"1.", "1", 0},
		{".5", "5", 1},
		{"+0.5", "5", 1},
		{"-0.5", "-5", 1},
		{"1e-05", "1", 5},
		{"2E-2", "2", 2},
		{"1.5e1", "15", 0},
		{"5e2", "500", 0},
	} {
		d, err := ParseDecimal(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.mant, d.Mant().String(), tc.in)
		assert.Equal(t, tc.scale, d.Scale, tc.in)
	}
	for _, in := range []string{"", ".", "-", "abc", "NaN", "inf", "0x1p-2", "1e", "1e+", "1.2.3", "1_0", "1e-999", "1e9999999"} {
		_, err := ParseDecimal(in)
		assert.ErrorIs(t, err, ErrNumber, in)
	}
}

func TestParseRow(t *testing.T) {
	for _, tc := range []struct {
		row     string
		names   int
		err     error
		polygon bool
	}{
		{"0 0.5 0.5 0.1 0.1", 1, nil, false},
		{"2.0 0.5 0.5 0.1 0.1", 3, nil, false},
		{"0 0 0 1 1", 1, nil, false},
		{"0 -0.000001 1.000001 0.5 0.5", 1, nil, false}, // within the tolerance
		{"0 -0.0000011 0.5 0.5 0.5", 1, ErrRange, false},
		{"0 1.0000011 0.5 0.5 0.5", 1, ErrRange, false},
		{"0 0.5 0.5 0.1 2", 1, ErrRange, false},
		{"1 0.5 0.5 0.1 0.1", 1, ErrClass, false},
		{"-1 0.5 0.5 0.1 0.1", 1, ErrClass, false},
		{"0.5 0.5 0.5 0.1 0.1", 1, ErrClass, false},
		{"x 0.5 0.5 0.1 0.1", 1, ErrClass, false},
		{"0 0.5 0.5 0.1 0.1", 0, ErrClass, false},
		{"0 0.5 0.5 0.1", 1, ErrRowCount, false},
		{"0", 1, ErrRowCount, false},
		{"0 0.5 0.5 0.1 0.1 0.9", 1, ErrRowCount, false}, // a score column, or an odd polygon
		{"0 0.1 0.1 0.9 0.1 0.5 0.9", 1, nil, true},
		{"0 0.1 0.1 0.9 0.1 0.5 0.9 0.2", 1, ErrRowCount, false},
		{"0 0.1 0.1 0.9 0.1 0.5 0.9 0.2 0.5", 1, nil, true},
		{"0 0.5 nan 0.1 0.1", 1, ErrNumber, false},
	} {
		r, err := ParseRow(strings.Fields(tc.row), tc.names)
		if tc.err != nil {
			assert.ErrorIs(t, err, tc.err, tc.row)
			continue
		}
		require.NoError(t, err, tc.row)
		assert.Equal(t, tc.polygon, r.Polygon, tc.row)
	}
}

func TestShape(t *testing.T) {
	feature := func(f api.Feature) string {
		b, _ := json.Marshal(f)
		return string(b)
	}
	for _, tc := range []struct {
		row     string
		w, h    int
		prec    int
		shape   api.Shape
		want    string
		clipped bool
		err     error
	}{
		// The platform page's rows, on a 100x60 image.
		{"0 0.250000 0.400000 0.300000 0.400000", 100, 60, 2, api.ShapeBndbox, "[[10,12],[40,36]]", false, nil},
		{"3 0.600000 0.400000 0.400000 0.266667", 100, 60, 2, api.ShapeBndbox, "[[40,16],[80,32]]", false, nil},
		{"3 0.600000 0.400000 0.400000 0.266667", 100, 60, 6, api.ShapeBndbox, "[[40,15.99999],[80,32.00001]]", false, nil},
		{"3 0.600000 0.400000 0.400000 0.266667", 100, 60, 0, api.ShapeBndbox, "[[40,16],[80,32]]", false, nil},
		// Exact decimal: 0.1 * 640 is 64, 0.7 * 3 is 2.1 (floats give 2.0999999999999996).
		{"0 0.4 0.5 0.2 0.2", 640, 640, 20, api.ShapeBndbox, "[[192,256],[320,384]]", false, nil},
		{"0 0.35 0.35 0.7 0.7", 3, 3, 20, api.ShapeBndbox, "[[0,0],[2.1,2.1]]", false, nil},
		// Rounding is half away from zero: 0.125*100 = 12.5 -> 13 at 0 decimals, 0.005 -> 0.01.
		{"0 0.125 0.5 0.25 0.5", 100, 100, 0, api.ShapeBndbox, "[[0,25],[25,75]]", false, nil},
		{"0 0.5 0.5 0.99 0.5", 1, 100, 2, api.ShapeBndbox, "[[0.01,25],[1,75]]", false, nil},
		// Clipped to the image.
		{"0 0.95 0.5 0.2 0.2", 64, 48, 2, api.ShapeBndbox, "[[54.4,19.2],[64,28.8]]", true, nil},
		{"0 0 0 0.5 0.5", 10, 10, 2, api.ShapeBndbox, "[[0,0],[2.5,2.5]]", true, nil},
		{"0 1.000001 0.5 0.5 0.5", 10, 10, 2, api.ShapeBndbox, "[[7.5,2.5],[10,7.5]]", true, nil},
		// Empty boxes.
		{"0 0.5 0.5 0 0.5", 10, 10, 2, "", "", false, ErrEmptyBox},
		{"0 0.5 0.5 0.0001 0.5", 10, 10, 2, "", "", false, ErrEmptyBox},
		{"0 1.000001 0.5 0.000001 0.5", 10, 10, 2, "", "", true, ErrEmptyBox},
		// Polygons: every point scaled and clipped.
		{"1 0.1 0.2 0.9 0.2 0.5 0.95", 20, 10, 2, api.ShapePolygon, "[[2,2],[18,2],[10,9.5]]", false, nil},
		{"1 0.1 0.2 1.000001 0.2 0.5 -0.000001", 1000000, 10, 2, api.ShapePolygon, "[[100000,2],[1000000,2],[500000,0]]", true, nil},
		{"1 0.333333 0.333333 0.666667 0.333333 0.5 0.5", 416, 416, 2, api.ShapePolygon, "[[138.67,138.67],[277.33,138.67],[208,208]]", false, nil},
	} {
		row, err := ParseRow(strings.Fields(tc.row), 4)
		require.NoError(t, err, tc.row)
		shape, f, clipped, err := row.Shape(tc.w, tc.h, tc.prec)
		bs, bf, bc, berr := row.shapeBig(tc.w, tc.h, tc.prec)
		assert.Equal(t, fmt.Sprint(bs, bf, bc, berr), fmt.Sprint(shape, f, clipped, err), "int64 and math/big paths differ: %s", tc.row)
		assert.Equal(t, tc.clipped, clipped, tc.row)
		if tc.err != nil {
			assert.True(t, errors.Is(err, tc.err), "%s: %v", tc.row, err)
			continue
		}
		require.NoError(t, err, tc.row)
		assert.Equal(t, tc.shape, shape, tc.row)
		assert.Equal(t, tc.want, feature(f), tc.row)
		if shape == api.ShapeBndbox {
			p := api.Property{}
			p.SetShape(shape, f)
			s := &api.Sample{Name: "a.jpg", DataSource: &api.DataSource{DataPath: "obs://b/a.jpg"}, Labels: []api.SampleLabel{{Name: "x", Type: api.LabelObjectDetection, Property: p}}, Metadata: api.Metadata{}}
			s.Metadata.SetSize(tc.w, tc.h, 3)
			assert.Empty(t, api.ValidateSample("s", s), tc.row)
		}
	}
}

// The int64 path and the math/big path give the same shapes, on random rows.
func TestShapePathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	num := func() string {
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprintf("%.6f", rng.Float64()*1.2-0.1)
		case 1:
			return fmt.Sprintf("%g", rng.Float64())
		case 2:
			return fmt.Sprintf("0.%011d", rng.Int64N(1e11))
		}
		return fmt.Sprintf("%de-%d", rng.IntN(100), rng.IntN(4))
	}
	for range 20000 {
		n := 4
		if rng.IntN(3) == 0 {
			n = 6 + 2*rng.IntN(3)
		}
		fields := []string{"0"}
		for range n {
			fields = append(fields, num())
		}
		row, err := ParseRow(fields, 1)
		if err != nil {
			continue
		}
		w, h, prec := 1+rng.IntN(5000), 1+rng.IntN(5000), rng.IntN(8)
		s1, f1, c1, e1, ok := row.shapeSmall(w, h, prec)
		if !ok {
			continue
		}
		s2, f2, c2, e2 := row.shapeBig(w, h, prec)
		require.Equal(t, fmt.Sprint(s2, f2, c2, e2), fmt.Sprint(s1, f1, c1, e1), "%v %dx%d .%d", fields, w, h, prec)
	}
}
