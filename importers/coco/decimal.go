package coco

import (
	"math/big"
	"strconv"
	"strings"
)

// addDecimal returns a+b for two JSON number literals, computed exactly in decimal the way
// Python's decimal.Decimal adds: the result has as many fraction digits as the longer
// operand ("0.1"+"0.2" = "0.3", "100"+"50" = "150", "2.0"+"3.0" = "5.0",
// "10.5"+"0.25" = "10.75"), never a binary-float artefact such as 0.30000000000000004.
// Literals with exponents are added exactly too; a sum whose exact form would be absurdly
// long (exponents hundreds apart) falls back to the nearest float64.
func addDecimal(a, b string) string {
	return string(appendSum(nil, []byte(a), []byte(b)))
}

// appendSum appends addDecimal(a, b) to dst, without allocating in the common case.
func appendSum(dst, a, b []byte) []byte {
	if out, ok := appendSmallSum(dst, a, b); ok {
		return out
	}
	return append(dst, addBig(string(a), string(b))...)
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
	var digits [24]byte
	return appendScaled(dst, strconv.AppendInt(digits[:0], ma+mb, 10), scale), true
}

// appendScaled appends an integer's digits with a decimal point scale digits from the right.
func appendScaled(dst, digits []byte, scale int) []byte {
	if scale <= 0 {
		return append(dst, digits...)
	}
	if len(digits) > 0 && digits[0] == '-' {
		dst = append(dst, '-')
		digits = digits[1:]
	}
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for range scale - len(digits) {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-scale:]...)
}

// formatScaled places a decimal point scale digits from the right of an integer's digits.
func formatScaled(digits string, scale int) string {
	return string(appendScaled(nil, []byte(digits), scale))
}

// parseBig reads any JSON number literal as m × 10^exp.
func parseBig(s string) (*big.Int, int, bool) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > 1e6 || e < -1e6 {
			return nil, 0, false
		}
		mant, exp = s[:i], e
	}
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		exp -= len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	m, ok := new(big.Int).SetString(mant, 10)
	return m, exp, ok
}

func addBig(a, b string) string {
	ma, ea, ok1 := parseBig(a)
	mb, eb, ok2 := parseBig(b)
	if !ok1 || !ok2 || ea-eb > 400 || eb-ea > 400 {
		return addFloat(a, b)
	}
	e := min(ea, eb)
	ten := big.NewInt(10)
	if d := ea - e; d > 0 {
		ma.Mul(ma, new(big.Int).Exp(ten, big.NewInt(int64(d)), nil))
	}
	if d := eb - e; d > 0 {
		mb.Mul(mb, new(big.Int).Exp(ten, big.NewInt(int64(d)), nil))
	}
	sum := ma.Add(ma, mb).String()
	switch {
	case e < 0 && -e <= 400:
		return formatScaled(sum, -e)
	case e >= 0 && e <= 30:
		if sum == "0" {
			return "0"
		}
		return sum + strings.Repeat("0", e)
	case e > 0:
		return sum + "e" + strconv.Itoa(e)
	}
	return addFloat(a, b)
}

func addFloat(a, b string) string {
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return strconv.FormatFloat(x+y, 'g', -1, 64)
}
