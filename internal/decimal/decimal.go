// Package decimal is the project's one exact-decimal type: numbers as a source file wrote
// them (JSON number literals), added, shifted and rounded in decimal, never through a binary
// float, so that 0.1 + 0.2 is 0.3 and 45.70000076293945 - 1 is 44.70000076293945. The VOC
// importer shifts and rounds coordinates with it (-one-based, -round); the COCO importer adds
// a box's origin and size with it (Sum, with an allocation-free path for ordinary literals).
//
// A Decimal keeps its scale (the digits after the point) the way Python's decimal.Decimal
// does: "2.0" + "3.0" is "5.0". Text drops the trailing zeros instead.
package decimal

import (
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number: (-1)^neg × coef × 10^exp. Its zero value is 0. It is
// a value: no function changes the Decimals it is given.
type Decimal struct {
	neg  bool // never set on a zero coef, except by Round (see there)
	coef big.Int
	exp  int
}

// maxExp bounds the exponents Parse takes: an exact form of 1e-999999999 would need a
// billion digits.
const maxExp = 1_000_000

// Parse reads a JSON number literal (or any decimal literal big.Int's digits accept around
// an optional point and exponent). ok is false for anything else, and for exponents beyond
// a million.
func Parse(s string) (d Decimal, ok bool) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil || e > maxExp || e < -maxExp {
			return Decimal{}, false
		}
		mant, exp = s[:i], e
	}
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		exp -= len(mant) - i - 1
		mant = mant[:i] + mant[i+1:]
	}
	if _, ok := d.coef.SetString(mant, 10); !ok {
		return Decimal{}, false
	}
	d.neg = d.coef.Sign() < 0
	d.coef.Abs(&d.coef)
	d.exp = exp
	return d, true
}

// Int returns the integer n as a Decimal.
func Int(n int64) Decimal {
	var d Decimal
	d.coef.SetInt64(n)
	d.neg = n < 0
	d.coef.Abs(&d.coef)
	return d
}

// Exp is the power of ten of the last digit kept (-2 for "1.25").
func (d Decimal) Exp() int { return d.exp }

// Sign is -1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.coef.Sign() == 0:
		return 0
	case d.neg:
		return -1
	}
	return 1
}

// signed returns the coefficient with d's sign, scaled to exponent e (e <= d.exp).
func (d Decimal) signed(e int) *big.Int {
	c := new(big.Int).Set(&d.coef)
	if k := d.exp - e; k > 0 {
		c.Mul(c, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
	}
	if d.neg {
		c.Neg(c)
	}
	return c
}

// Add returns x + y, exactly, at the smaller of their exponents.
func Add(x, y Decimal) Decimal {
	e := min(x.exp, y.exp)
	var d Decimal
	d.coef.Add(x.signed(e), y.signed(e))
	d.neg = d.coef.Sign() < 0
	d.coef.Abs(&d.coef)
	d.exp = e
	return d
}

// Round returns d rounded to an integer, halves away from zero. A negative number that
// rounds to zero gives "-0", as math/big's Rat.FloatString(0) writes it.
func (d Decimal) Round() Decimal {
	if d.exp >= 0 {
		return d
	}
	if -d.exp > maxExp+64 { // far below 1/2
		return Decimal{neg: d.neg}
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-d.exp)), nil)
	var out Decimal
	var rem big.Int
	out.coef.QuoRem(&d.coef, pow, &rem)
	if rem.Lsh(&rem, 1).Cmp(pow) >= 0 {
		out.coef.Add(&out.coef, big.NewInt(1))
	}
	out.neg = d.neg
	return out
}

// String writes d without an exponent, with its scale: -exp digits after the point when
// exp < 0 ("0.30", "-0.05"), exp zeros after the digits when exp > 0 (zero is "0").
func (d Decimal) String() string { return string(d.Append(nil)) }

// Append appends String's form to dst.
func (d Decimal) Append(dst []byte) []byte {
	digits := d.coef.Append(nil, 10)
	if d.neg {
		dst = append(dst, '-')
	}
	switch {
	case d.exp < 0:
		return appendPoint(dst, digits, -d.exp)
	case d.exp > 0 && d.coef.Sign() != 0:
		dst = append(dst, digits...)
		for range d.exp {
			dst = append(dst, '0')
		}
		return dst
	}
	return append(dst, digits...)
}

// Text writes d as String does, less the trailing zeros after the point (and a point left
// bare): "44.70" is "44.7", "1.00" is "1".
func (d Decimal) Text() string {
	s := d.String()
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// appendPoint appends an unsigned integer's digits with a decimal point scale digits from
// the right.
func appendPoint(dst, digits []byte, scale int) []byte {
	if scale <= 0 {
		return append(dst, digits...)
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
