package coco

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/modelarts-convert/convert/internal/decimal"
)

// floatAxis is what the validator checks of one box axis, with floats, as appendBox did
// before plainAxis: x and x+w (summed in decimal) read as float64, x >= 0 and x < x+w.
func floatAxis(x, w string) bool {
	fx, err := strconv.ParseFloat(x, 64)
	if err != nil {
		return false
	}
	if _, err := strconv.ParseFloat(w, 64); err != nil {
		return false
	}
	end, err := strconv.ParseFloat(decimal.Sum(x, w), 64)
	return err == nil && fx >= 0 && end > fx
}

// checkPlainAxis fails when plainAxis says a box axis passes that the float check refuses,
// or when the sum plainAxisSum gives is not written as decimal.AppendSum writes it.
func checkPlainAxis(t *testing.T, x, w string) {
	t.Helper()
	if plainAxis([]byte(x), []byte(w)) && !floatAxis(x, w) {
		t.Errorf("plainAxis(%q, %q) is true, but the validator's float check says no", x, w)
	}
	// The sum it gives is written as decimal.AppendSum writes it.
	if sum, scale, ok := plainAxisSum([]byte(x), []byte(w)); ok {
		if got, want := decimal.AppendScaled([]byte("p"), sum, scale), decimal.AppendSum([]byte("p"), []byte(x), []byte(w)); !bytes.Equal(got, want) {
			t.Errorf("the sum of %q and %q is written %q, decimal.AppendSum %q", x, w, got, want)
		}
	}
}

// TestPlainAxis checks plainAxis against the float check over edge cases and random literals
// near the limits (many digits, fractions of very different lengths), and that it takes the
// ordinary boxes, which are its reason to be.
func TestPlainAxis(t *testing.T) {
	for _, tc := range []struct {
		x, w  string
		plain bool
	}{
		{"0", "1", true},
		{"10.5", "20.25", true},
		{"473.07", "60.5", true},
		{"0.0", "0.1", true},
		{"0", "0", false},
		{"5", "0.000", false},
		{"-0", "1", false},
		{"-1", "2", false},
		{"1e2", "1", false},
		{"1", "-0.5", false},
		{"999999999999999", "1", false},
		{"99999999999999", "1", true},
		{"99999999999999.5", "0.5", false},
		{"9999999999999.5", "0.5", true},
		{"1", "0.00000000000001", true},
		{"10", "0.00000000000001", false},
		{"1.", "1", false},
		{"", "1", false},
		{"1", "1234567890123456", false},
		{"0.1234567890123456", "1", false},
	} {
		if got := plainAxis([]byte(tc.x), []byte(tc.w)); got != tc.plain {
			t.Errorf("plainAxis(%q, %q) = %v, want %v", tc.x, tc.w, got, tc.plain)
		}
		checkPlainAxis(t, tc.x, tc.w)
	}
	r := rand.New(rand.NewPCG(1, 2))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		if n > 1 && b[0] == '0' {
			b[0] = '1'
		}
		return string(b)
	}
	literal := func() string {
		s := digits(1 + r.IntN(16))
		if r.IntN(2) == 0 {
			s += "." + digits(1+r.IntN(16))
		}
		return s
	}
	for range 200000 {
		checkPlainAxis(t, literal(), literal())
	}
}

// FuzzPlainAxis: plainAxis never says a box axis passes that the validator's float check
// refuses.
func FuzzPlainAxis(f *testing.F) {
	f.Add("473.07", "60.5")
	f.Add("99999999999999", "1")
	f.Add("0", "0.000000000000001")
	f.Add("0.05", "0.05")
	f.Add("0.001", "0")
	f.Fuzz(func(t *testing.T, x, w string) {
		checkPlainAxis(t, x, w)
	})
}

// featureSize is how many bytes a polygon's coordinates (x, y pairs, as segBuf holds them)
// take in a feature, at least.
func featureSize(raw []byte) int {
	n := len(`[]`) - 1 // the last pair has no comma after it
	for len(raw) > 0 {
		var v []byte
		v, raw = nextField(raw)
		n += 2 + len(v) // "[x," and "y],": 2 bytes each beside the number
	}
	return n
}

// TestSegmentationSizes checks the feature size and sign flag segBuf keeps as numbers are
// added against a count over the polygons, on polygons and traced RLE masks.
func TestSegmentationSizes(t *testing.T) {
	for _, seg := range []string{
		`[[1,2,3,4,5,6]]`,
		`[[10.5,20.25,30,40,50.125,60],[0,0,1,0,1,1,0,1]]`,
		`[[-1,2,3,4,5,6]]`,
		`[[1e2,2,3,4,5,6]]`,
		`{"counts":[0,3,1,3,2],"size":[3,3]}`,
		`[{"counts":[2,2,5],"size":[3,3]},[1,1,2,1,2,2]]`,
	} {
		var b segBuf
		present, why := parseSegmentation([]byte(seg), &b)
		if !present || why != "" {
			t.Fatalf("%s: %v %q", seg, present, why)
		}
		want, signed := 0, false
		for i := range b.polygons() {
			want += featureSize(b.raw(i))
			for n := range b.polygon(i) {
				for _, c := range n {
					signed = signed || c == '-' || c == 'e' || c == 'E'
				}
			}
		}
		if got := b.polygons() + 2*b.total + b.literalBytes; got != want {
			t.Errorf("%s: feature size %d, want %d", seg, got, want)
		}
		if b.signed != signed {
			t.Errorf("%s: signed %v, want %v", seg, b.signed, signed)
		}
	}
}
