package yolo

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Errors a row's rejection wraps.
var (
	ErrRowCount = errors.New("wrong number of values")
	ErrClass    = errors.New("class index outside the names")
	ErrRange    = errors.New("value outside [0,1]")
	ErrNumber   = errors.New("not a number")
	ErrEmptyBox = errors.New("empty box")
)

// Row is one parsed label row: a class index and its normalized numbers (4 for a box, an
// even count of 6 or more for a polygon), exact.
type Row struct {
	Class   int
	Polygon bool
	Values  []Decimal
}

// Decimal is an exact decimal number: Mant() / 10^Scale. Values of up to 18 digits (all
// that YOLO tools write) are held in an int64, others in a big.Int.
type Decimal struct {
	small int64
	big   *big.Int // nil when small holds the mantissa
	Scale int
}

// Mant returns the mantissa.
func (d Decimal) Mant() *big.Int {
	if d.big != nil {
		return d.big
	}
	return big.NewInt(d.small)
}

// maxScale bounds the digits after the point a value may have once its exponent is applied
// (1e-400 is a zero for any image); beyond it the row is rejected rather than computed.
const maxScale = 400

// ParseDecimal reads a number as Python, C and Go programs write one: an optional sign,
// digits with an optional point (".5" and "5." included), an optional exponent ("1e-05",
// which Python's str() writes for small floats). NaN and infinities are not numbers.
func ParseDecimal(s string) (Decimal, error) {
	t := s
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	mant, exp := t, 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, ok := parseExp(t[i+1:])
		if !ok {
			return Decimal{}, fmt.Errorf("%q: %w", s, ErrNumber)
		}
		mant, exp = t[:i], e
	}
	digits := make([]byte, 0, len(mant))
	frac, dot, n := 0, false, 0
	for i := 0; i < len(mant); i++ {
		c := mant[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
			n++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return Decimal{}, fmt.Errorf("%q: %w", s, ErrNumber)
		}
	}
	if n == 0 {
		return Decimal{}, fmt.Errorf("%q: %w", s, ErrNumber)
	}
	scale := frac - exp
	if scale > maxScale || scale < -maxScale {
		return Decimal{}, fmt.Errorf("%q: %w (exponent out of range)", s, ErrNumber)
	}
	if len(digits) <= 18 && scale >= 0 {
		var v int64
		for _, c := range digits {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		return Decimal{small: v, Scale: scale}, nil
	}
	m, _ := new(big.Int).SetString(string(digits), 10)
	if scale < 0 {
		m.Mul(m, pow10(-scale))
		scale = 0
	}
	if neg {
		m.Neg(m)
	}
	return Decimal{big: m, Scale: scale}, nil
}

func parseExp(s string) (int, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 6 {
		return 0, false
	}
	e := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		e = e*10 + int(s[i]-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}

var (
	pow10Cache [maxScale + 8]*big.Int
	bigOne     = big.NewInt(1)
)

func init() {
	p := big.NewInt(1)
	for i := range pow10Cache {
		pow10Cache[i] = new(big.Int).Set(p)
		p.Mul(p, big.NewInt(10))
	}
}

// pow10 returns 10^n; the result must not be modified.
func pow10(n int) *big.Int {
	if n < len(pow10Cache) {
		return pow10Cache[n]
	}
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// tolerance is how far outside [0,1] a value may be (rounding in the tool that wrote it)
// before the row is rejected: 1e-6. Such a value is then clipped to the image.
const toleranceDigits = 6

// inRange reports whether d is within [0,1] extended by the tolerance, exactly.
func (d Decimal) inRange() bool {
	// d * 10^6 >= -10^Scale  and  d * 10^6 <= 10^(Scale+6) + 10^Scale
	if d.big == nil && d.Scale <= 12 && d.small < smallMaxMant && d.small > -smallMaxMant {
		m := d.small * pow10s[toleranceDigits]
		return m >= -pow10s[d.Scale] && m <= pow10s[d.Scale+toleranceDigits]+pow10s[d.Scale]
	}
	m := new(big.Int).Mul(d.Mant(), pow10(toleranceDigits))
	lo := new(big.Int).Neg(pow10(d.Scale))
	if m.Cmp(lo) < 0 {
		return false
	}
	hi := new(big.Int).Add(pow10(d.Scale+toleranceDigits), pow10(d.Scale))
	return m.Cmp(hi) <= 0
}

// ParseRow parses the fields of one label row. names is the number of class names. The
// error says what is wrong with the row (it wraps ErrRowCount, ErrClass, ErrRange or
// ErrNumber).
func ParseRow(fields []string, names int) (Row, error) {
	n := len(fields)
	switch {
	case n == 5:
	case n >= 7 && (n-1)%2 == 0:
	case n > 5:
		return Row{}, fmt.Errorf("%w: %d values; a box row is class xc yc w h, a polygon row class x1 y1 x2 y2 x3 y3... (an even count of at least 6 coordinates)", ErrRowCount, n)
	default:
		return Row{}, fmt.Errorf("%w: %d values; a box row is class xc yc w h", ErrRowCount, n)
	}
	class, err := parseClass(fields[0])
	if err != nil {
		return Row{}, err
	}
	if class >= names {
		if names == 0 {
			return Row{}, fmt.Errorf("%w: class %s, and there are no names", ErrClass, fields[0])
		}
		return Row{}, fmt.Errorf("%w: class %s, the names are 0..%d", ErrClass, fields[0], names-1)
	}
	r := Row{Class: class, Polygon: n > 5, Values: make([]Decimal, n-1)}
	for i, f := range fields[1:] {
		d, err := ParseDecimal(f)
		if err != nil {
			return Row{}, fmt.Errorf("value %d: %w", i+2, err)
		}
		if !d.inRange() {
			return Row{}, fmt.Errorf("%w: value %d is %s (the tolerance is 1e-6)", ErrRange, i+2, f)
		}
		r.Values[i] = d
	}
	return r, nil
}

// parseClass reads a class index: a non-negative integer, also written as a float with a
// zero fraction ("3.0", as some exporters write it).
func parseClass(s string) (int, error) {
	t := s
	if i := strings.IndexByte(t, '.'); i > 0 && strings.Trim(t[i+1:], "0") == "" {
		t = t[:i]
	}
	if t == "" || len(t) > 9 {
		return 0, fmt.Errorf("%w: class %q is not an index (0, 1, 2, ...)", ErrClass, s)
	}
	v := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, fmt.Errorf("%w: class %q is not an index (0, 1, 2, ...)", ErrClass, s)
		}
		v = v*10 + int(t[i]-'0')
	}
	return v, nil
}

// pixel is an exact pixel coordinate: mant / 10^scale.
type pixel struct {
	mant  *big.Int
	scale int
}

// scaled returns d·size exactly.
func scaled(d Decimal, size int) pixel {
	return pixel{mant: new(big.Int).Mul(d.Mant(), big.NewInt(int64(size))), scale: d.Scale}
}

// clip limits p to [0, size] and reports whether it had to.
func (p *pixel) clip(size int) bool {
	if p.mant.Sign() < 0 {
		p.mant.SetInt64(0)
		return true
	}
	hi := new(big.Int).Mul(big.NewInt(int64(size)), pow10(p.scale))
	if p.mant.Cmp(hi) > 0 {
		p.mant.Set(hi)
		return true
	}
	return false
}

// round rounds p (>= 0) to at most prec decimals, halves away from zero.
func (p *pixel) round(prec int) {
	if p.scale <= prec {
		return
	}
	d := pow10(p.scale - prec)
	q, r := new(big.Int).QuoRem(p.mant, d, new(big.Int))
	r.Lsh(r, 1)
	if r.CmpAbs(d) >= 0 {
		if p.mant.Sign() < 0 {
			q.Sub(q, bigOne)
		} else {
			q.Add(q, bigOne)
		}
	}
	p.mant, p.scale = q, prec
}

// number writes p with no trailing zeros after the point ("12", "12.5", "0.25").
func (p pixel) number() json.Number {
	digits := p.mant.String()
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	scale := p.scale
	for scale > 0 && len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		scale--
	}
	if digits == "0" {
		return "0"
	}
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		digits = "-" + digits
	}
	return json.Number(digits)
}

// less compares two pixels exactly.
func (p pixel) cmp(q pixel) int {
	a, b := p.mant, q.mant
	if p.scale < q.scale {
		a = new(big.Int).Mul(a, pow10(q.scale-p.scale))
	} else if q.scale < p.scale {
		b = new(big.Int).Mul(b, pow10(p.scale-q.scale))
	}
	return a.Cmp(b)
}

// Shape turns a row into the label's shape and feature in pixels of a width×height image,
// every value rounded to at most prec decimals. clipped reports that the shape reached
// outside the image and was clipped to it. A box that is empty once clipped and rounded is
// an error wrapping ErrEmptyBox.
func (r Row) Shape(width, height, prec int) (shape api.Shape, feature api.Feature, clipped bool, err error) {
	if shape, feature, clipped, err, ok := r.shapeSmall(width, height, prec); ok {
		return shape, feature, clipped, err
	}
	return r.shapeBig(width, height, prec)
}

// shapeBig is Shape in math/big, for any values.
func (r Row) shapeBig(width, height, prec int) (shape api.Shape, feature api.Feature, clipped bool, err error) {
	if !r.Polygon {
		xc, yc, w, h := r.Values[0], r.Values[1], r.Values[2], r.Values[3]
		x1, x2 := span(xc, w, width)
		y1, y2 := span(yc, h, height)
		for i, p := range []*pixel{&x1, &x2, &y1, &y2} {
			size := width
			if i >= 2 {
				size = height
			}
			if p.clip(size) {
				clipped = true
			}
			p.round(prec)
		}
		if x1.cmp(x2) >= 0 || y1.cmp(y2) >= 0 {
			return "", nil, clipped, fmt.Errorf("%w: [[%s,%s],[%s,%s]] in a %dx%d image once clipped and rounded to %d decimals",
				ErrEmptyBox, x1.number(), y1.number(), x2.number(), y2.number(), width, height, prec)
		}
		return api.ShapeBndbox, api.Feature{{x1.number(), y1.number()}, {x2.number(), y2.number()}}, clipped, nil
	}
	feature = make(api.Feature, 0, len(r.Values)/2)
	for i := 0; i+1 < len(r.Values); i += 2 {
		x, y := scaled(r.Values[i], width), scaled(r.Values[i+1], height)
		if x.clip(width) {
			clipped = true
		}
		if y.clip(height) {
			clipped = true
		}
		x.round(prec)
		y.round(prec)
		feature = append(feature, []json.Number{x.number(), y.number()})
	}
	return api.ShapePolygon, feature, clipped, nil
}

// span returns (c - s/2)·size and (c + s/2)·size exactly: (2c ∓ s)·size·5 / 10^(scale+1).
func span(c, s Decimal, size int) (lo, hi pixel) {
	scale := max(c.Scale, s.Scale)
	a := new(big.Int).Mul(c.Mant(), pow10(scale-c.Scale))
	a.Lsh(a, 1)
	b := new(big.Int).Mul(s.Mant(), pow10(scale-s.Scale))
	k := big.NewInt(int64(size) * 5)
	lo = pixel{mant: new(big.Int).Sub(a, b), scale: scale + 1}
	lo.mant.Mul(lo.mant, k)
	hi = pixel{mant: a.Add(a, b), scale: scale + 1}
	hi.mant.Mul(hi.mant, k)
	return lo, hi
}

// The common case is computed in int64: values with at most 11 decimals (YOLO tools write
// 6) on images of at most 100,000 pixels a side. Every product then stays below 2^62, so
// the result is the same exact decimal the math/big path computes (the tests run both).
const (
	smallMaxScale = 11
	smallMaxMant  = 1_000_000_000_000 // 10^12: an aligned mantissa of a value <= 1 + 1e-6
	smallMaxSize  = 100_000
)

var pow10s = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// small returns the row's values as int64 mantissas at one common scale, when they fit.
func (r Row) small(width, height int) ([]int64, int, bool) {
	if width > smallMaxSize || height > smallMaxSize {
		return nil, 0, false
	}
	scale := 0
	for _, v := range r.Values {
		if v.Scale > smallMaxScale || v.big != nil {
			return nil, 0, false
		}
		scale = max(scale, v.Scale)
	}
	out := make([]int64, len(r.Values))
	for i, v := range r.Values {
		limit := smallMaxMant / pow10s[scale-v.Scale] // checked before the product, which could overflow
		if v.small >= limit || v.small <= -limit {
			return nil, 0, false
		}
		out[i] = v.small * pow10s[scale-v.Scale]
	}
	return out, scale, true
}

// smallPixel is a pixel's mant / 10^scale in int64.
type smallPixel struct {
	m     int64
	scale int
}

func (p *smallPixel) clip(size int) bool {
	if p.m < 0 {
		p.m = 0
		return true
	}
	if hi := int64(size) * pow10s[p.scale]; p.m > hi {
		p.m = hi
		return true
	}
	return false
}

// round rounds p (>= 0 once clipped) to at most prec decimals, halves away from zero.
func (p *smallPixel) round(prec int) {
	if p.scale <= prec {
		return
	}
	d := pow10s[p.scale-prec]
	q, r := p.m/d, p.m%d
	if 2*r >= d {
		q++
	}
	p.m, p.scale = q, prec
}

func (p smallPixel) number() json.Number {
	m, scale := p.m, p.scale
	for scale > 0 && m%10 == 0 {
		m /= 10
		scale--
	}
	if scale == 0 {
		return json.Number(strconv.FormatInt(m, 10))
	}
	digits := strconv.FormatInt(m, 10)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	return json.Number(digits[:len(digits)-scale] + "." + digits[len(digits)-scale:])
}

// shapeSmall is Shape in int64; ok is false when the row does not fit (see small).
func (r Row) shapeSmall(width, height, prec int) (shape api.Shape, feature api.Feature, clipped bool, err error, ok bool) {
	v, scale, ok := r.small(width, height)
	if !ok {
		return "", nil, false, nil, false
	}
	if !r.Polygon {
		// (c ∓ s/2)·size = (2c ∓ s)·size·5 / 10^(scale+1)
		px := func(c, s int64, size int) (smallPixel, smallPixel) {
			k := int64(size) * 5
			return smallPixel{(2*c - s) * k, scale + 1}, smallPixel{(2*c + s) * k, scale + 1}
		}
		x1, x2 := px(v[0], v[2], width)
		y1, y2 := px(v[1], v[3], height)
		for i, p := range []*smallPixel{&x1, &x2, &y1, &y2} {
			size := width
			if i >= 2 {
				size = height
			}
			if p.clip(size) {
				clipped = true
			}
			p.round(prec)
		}
		if x1.m >= x2.m || y1.m >= y2.m { // same scale after rounding
			return "", nil, clipped, fmt.Errorf("%w: [[%s,%s],[%s,%s]] in a %dx%d image once clipped and rounded to %d decimals",
				ErrEmptyBox, x1.number(), y1.number(), x2.number(), y2.number(), width, height, prec), true
		}
		return api.ShapeBndbox, api.Feature{{x1.number(), y1.number()}, {x2.number(), y2.number()}}, clipped, nil, true
	}
	feature = make(api.Feature, 0, len(v)/2)
	for i := 0; i+1 < len(v); i += 2 {
		x, y := smallPixel{v[i] * int64(width), scale}, smallPixel{v[i+1] * int64(height), scale}
		if x.clip(width) {
			clipped = true
		}
		if y.clip(height) {
			clipped = true
		}
		x.round(prec)
		y.round(prec)
		feature = append(feature, []json.Number{x.number(), y.number()})
	}
	return api.ShapePolygon, feature, clipped, nil, true
}
