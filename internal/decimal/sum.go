package decimal

import (
	"strconv"
)

// Sum returns a+b for two JSON number literals, computed exactly in decimal the way Python's
// decimal.Decimal adds: the result has as many fraction digits as the longer operand
// ("0.1"+"0.2" = "0.3", "100"+"50" = "150", "2.0"+"3.0" = "5.0", "10.5"+"0.25" = "10.75"),
// never a binary-float artefact such as 0.30000000000000004. Literals with exponents are
// added exactly too; a sum whose exact form would be absurdly long (exponents hundreds apart)
// falls back to the nearest float64.
func Sum(a, b string) string {
	return string(AppendSum(nil, []byte(a), []byte(b)))
}

// AppendSum appends Sum(a, b) to dst, without allocating when both literals have no
// exponent and at most 18 digits (a box's origin and size, nearly always).
func AppendSum(dst, a, b []byte) []byte {
	if out, ok := appendSmallSum(dst, a, b); ok {
		return out
	}
	return append(dst, bigSum(string(a), string(b))...)
}

// parseSmall reads a literal without exponent whose digits fit an int64: value = m / 10^scale.
func parseSmall(s []byte) (m int64, scale int, ok bool) {
	neg := false
	if len(s) > 0 && s[0] == '-' {
		neg, s = true, s[1:]
	}
	if len(s) == 0 || len(s) > 19 {
		return 0, 0, false
	}
	digits := 0
	dot := -1
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			digits++
		case c == '.' && dot < 0:
			dot = i
		default:
			return 0, 0, false
		}
	}
	if digits == 0 || digits > 18 {
		return 0, 0, false
	}
	if dot >= 0 {
		scale = len(s) - dot - 1
	}
	if neg {
		m = -m
	}
	return m, scale, true
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

func appendSmallSum(dst, a, b []byte) ([]byte, bool) {
	ma, sa, ok1 := parseSmall(a)
	mb, sb, ok2 := parseSmall(b)
	if !ok1 || !ok2 {
		return dst, false
	}
	scale := max(sa, sb)
	// Align; stay below 10^18 so that the sum cannot overflow.
	for _, x := range [2]struct {
		m *int64
		s int
	}{{&ma, sa}, {&mb, sb}} {
		if d := scale - x.s; d > 0 {
			if d >= len(pow10) {
				return dst, false
			}
			v := *x.m * pow10[d]
			if v/pow10[d] != *x.m || v >= pow10[18] || v <= -pow10[18] {
				return dst, false
			}
			*x.m = v
		}
	}
	sum := ma + mb
	if sum < 0 {
		dst = append(dst, '-')
		sum = -sum
	}
	return AppendScaled(dst, sum, scale), true
}

// AppendScaled appends m / 10^scale (m >= 0) in decimal with exactly scale fraction digits,
// as AppendSum writes a sum: for a caller that has added the integers itself.
func AppendScaled(dst []byte, m int64, scale int) []byte {
	var digits [24]byte
	return appendPoint(dst, strconv.AppendInt(digits[:0], m, 10), scale)
}

// bigSum is Sum for any literals, through Decimal.
func bigSum(a, b string) string {
	x, ok1 := Parse(a)
	y, ok2 := Parse(b)
	if !ok1 || !ok2 || x.exp-y.exp > 400 || y.exp-x.exp > 400 {
		return floatSum(a, b)
	}
	d := Add(x, y)
	switch e := d.exp; {
	case e < 0 && -e <= 400, e >= 0 && e <= 30:
		return d.String()
	case e > 0:
		return string(d.coefText()) + "e" + strconv.Itoa(e)
	}
	return floatSum(a, b)
}

// coefText is d's signed coefficient.
func (d Decimal) coefText() []byte {
	var b []byte
	if d.neg {
		b = append(b, '-')
	}
	return d.coef.Append(b, 10)
}

func floatSum(a, b string) string {
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return strconv.FormatFloat(x+y, 'g', -1, 64)
}
