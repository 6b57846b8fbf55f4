package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrNotNumber is wrapped by ParseNumber's errors.
var ErrNotNumber = errors.New("not a number")

// Int returns n as a number.
func Int(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }

// Float returns f in the shortest form that reads back as f ("100" for 100.0, "12.5").
func Float(f float64) json.Number { return json.Number(strconv.FormatFloat(f, 'f', -1, 64)) }

// ParseNumber reads a decimal number as a source file wrote it. A valid JSON number literal is
// kept exactly ("48" stays 48, "45.70000076293945" keeps every digit); other spellings that are
// clearly numbers ("+5", ".5", "5.", "1E3" with surrounding spaces) are normalized to the
// shortest JSON form of their value. NaN, infinities and anything else are errors.
func ParseNumber(s string) (json.Number, error) {
	t := strings.TrimSpace(s)
	if IsNumberLiteral(t) {
		if _, err := strconv.ParseFloat(t, 64); err != nil {
			return "", fmt.Errorf("%w: %q is out of range", ErrNotNumber, s)
		}
		return json.Number(t), nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.ContainsAny(t, "xXpP_nNiI") {
		return "", fmt.Errorf("%w: %q", ErrNotNumber, s)
	}
	return Float(f), nil
}

// IsNumberLiteral reports whether s is a number literal as RFC 8259 writes one (what
// json.Number may hold). It takes bytes too, so parsers can check a token without copying it.
func IsNumberLiteral[S ~string | ~[]byte](s S) bool {
	i := 0
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		digits()
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// numberOf returns v as a number when it is one of the numeric forms the model holds
// (json.Number from decoding, or Go integers and floats set by code).
func numberOf(v any) (json.Number, bool) {
	switch n := v.(type) {
	case json.Number:
		return n, IsNumberLiteral(string(n))
	case int:
		return Int(int64(n)), true
	case int64:
		return Int(n), true
	case int32:
		return Int(int64(n)), true
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return "", false
		}
		return Float(n), true
	case float32:
		return numberOf(float64(n))
	}
	return "", false
}

// intOf returns v as an integer when it is a number with no fractional part. Go integers
// (the importers set span indexes as int) are taken as they are, not formatted and parsed.
func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	}
	n, ok := numberOf(v)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// floatOf returns v's value as a float64.
func floatOf(v any) (float64, bool) {
	if n, ok := v.(json.Number); ok {
		if f, ok := exactDecimal(string(n)); ok {
			return f, true
		}
	}
	n, ok := numberOf(v)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	return f, err == nil
}

// nonNegative reports whether n is a number >= 0, as floatOf(n) and a comparison say, for
// the coordinates of a feature (a polygon has hundreds). A plain decimal literal
// (-?digits[.digits], no exponent) of at most 300 bytes cannot overflow a float64, so it
// needs no parsing: it is >= 0 unless it starts with '-' and has a digit other than 0 (-0 is
// 0). Anything else is parsed.
func nonNegative(n json.Number) bool {
	s := string(n)
	if len(s) == 0 || len(s) > 300 {
		return slowNonNegative(n)
	}
	i := 0
	if s[0] == '-' {
		i = 1
	}
	nonzero := false
	digits := i
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		nonzero = nonzero || s[i] != '0'
	}
	switch {
	case i == digits, s[digits] == '0' && i-digits > 1: // no digits, or a leading zero
		return slowNonNegative(n)
	}
	if i < len(s) && s[i] == '.' {
		i++
		frac := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			nonzero = nonzero || s[i] != '0'
		}
		if i == frac {
			return slowNonNegative(n)
		}
	}
	if i != len(s) {
		return slowNonNegative(n) // an exponent, or not a number
	}
	return s[0] != '-' || !nonzero
}

func slowNonNegative(n json.Number) bool {
	x, ok := floatOf(n)
	return ok && x >= 0
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// exactDecimal reads a plain decimal literal (-?digits[.digits], JSON's form, no exponent)
// of at most 15 digits, the form of nearly every coordinate: its digits as an integer below
// 10^15 and the power of ten it is divided by are both exact in a float64, so one division
// gives the correctly rounded value, the one strconv.ParseFloat returns (its own fast path
// for such numbers, without its general parsing). ok is false for anything else, which the
// caller parses.
func exactDecimal(s string) (f float64, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	start := i
	var m uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		m = m*10 + uint64(s[i]-'0')
	}
	intDigits := i - start
	if intDigits == 0 || intDigits > 1 && s[start] == '0' {
		return 0, false
	}
	frac := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			m = m*10 + uint64(s[i]-'0')
		}
		if frac = i - fracStart; frac == 0 {
			return 0, false
		}
	}
	if i != len(s) || intDigits+frac > 15 {
		return 0, false
	}
	f = float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}
