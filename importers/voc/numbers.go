package voc

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/decimal"
)

// adjust applies -one-based (shift, coordinates only) and -round to a number kept as
// written. The arithmetic is decimal and exact: 45.70000076293945 - 1 is 44.70000076293945.
// clamped reports a shifted value below 0 that was set to 0.
func adjust(n json.Number, shift, round bool) (out json.Number, clamped bool) {
	if !shift && !round {
		return n, false
	}
	if !shift && isInteger(string(n)) {
		return n, false
	}
	if !exactSafe(string(n)) {
		return adjustFloat(n, shift, round)
	}
	d, ok := decimal.Parse(string(n))
	if !ok {
		return n, false
	}
	if shift {
		d = decimal.Add(d, minusOne)
		if d.Sign() < 0 {
			d, clamped = decimal.Decimal{}, true
		}
	}
	if round {
		d = d.Round()
	}
	return json.Number(d.Text()), clamped
}

var minusOne = decimal.Int(-1)

// exactSafe reports whether exact decimal arithmetic on s stays cheap (a literal with a huge
// exponent such as 1e-999999 would need a million digits).
func exactSafe(s string) bool {
	if len(s) > 64 {
		return false
	}
	_, exp, ok := strings.Cut(strings.ToLower(s), "e")
	if !ok {
		return true
	}
	e, err := strconv.Atoi(exp)
	return err == nil && e >= -64 && e <= 64
}

// adjustFloat is adjust for the literals exactSafe refuses, in float64.
func adjustFloat(n json.Number, shift, round bool) (json.Number, bool) {
	f, err := n.Float64()
	if err != nil {
		return n, false
	}
	clamped := false
	if shift {
		f--
		if f < 0 {
			f, clamped = 0, true
		}
	}
	if round {
		f = math.Round(f)
	}
	return api.Float(f), clamped
}

// isInteger reports whether s is an optionally signed run of digits.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// number parses a coordinate as the file wrote it.
func number(s string) (json.Number, error) { return api.ParseNumber(s) }
