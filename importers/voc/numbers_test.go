package voc

import (
	"encoding/json"
	"math/big"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// referenceAdjust is adjust's exact path written on math/big's Rat (what VOC did before it
// shared internal/decimal); ok is false where adjust takes another path.
func referenceAdjust(n string, shift, round bool) (out string, clamped, ok bool) {
	if !shift && !round || !shift && isInteger(n) || !exactSafe(n) {
		return "", false, false
	}
	r, _ := new(big.Rat).SetString(n)
	if shift {
		r.Sub(r, big.NewRat(1, 1))
		if r.Sign() < 0 {
			r.SetInt64(0)
			clamped = true
		}
	}
	if round || r.IsInt() {
		return r.FloatString(0), clamped, true
	}
	mant, exp, _ := strings.Cut(strings.ToLower(n), "e")
	frac := 0
	if _, f, ok := strings.Cut(mant, "."); ok {
		frac = len(f)
	}
	if exp != "" {
		e, _ := strconv.Atoi(exp)
		frac -= e
	}
	s := r.FloatString(max(frac, 0))
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s, clamped, true
}

// FuzzAdjust: -one-based and -round on the shared decimal type give what math/big gives.
func FuzzAdjust(f *testing.F) {
	for _, s := range []string{"45.70000076293945", "-0.4", "2.50", "1.25e1", "5e-3", "0.5", "1e3", "-12.5"} {
		f.Add(s, true, false)
		f.Add(s, false, true)
		f.Add(s, true, true)
	}
	f.Fuzz(func(t *testing.T, n string, shift, round bool) {
		if !api.IsNumberLiteral(n) {
			return
		}
		want, wantClamped, ok := referenceAdjust(n, shift, round)
		if !ok {
			return
		}
		got, clamped := adjust(json.Number(n), shift, round)
		require.Equal(t, want, string(got), "%s shift=%v round=%v", n, shift, round)
		require.Equal(t, wantClamped, clamped)
	})
}
