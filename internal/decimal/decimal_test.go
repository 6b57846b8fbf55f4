package decimal

import (
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

func TestSum(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"0.1", "0.2", "0.3"},
		{"100", "50", "150"},
		{"2.0", "3.0", "5.0"},
		{"10.5", "0.25", "10.75"},
		{"1.25", "1.75", "3.00"},
		{"0", "0", "0"},
		{"-0.5", "0.25", "-0.25"},
		{"-1", "0.5", "-0.5"},
		{"5", "-5", "0"},
		{"239.97", "208.63", "448.60"},
		{"1e1", "5", "15"},
		{"2.50", "0.25", "2.75"},
		{"1E-2", "0.5", "0.51"},
		{"1.5e2", "0.25", "150.25"},
		{"1e40", "1", "10000000000000000000000000000000000000001"},
		{"1e40", "1e40", "2e40"},
		{"999999999999999999", "1", "1000000000000000000"},
		{"0.000000000000000001", "1", "1.000000000000000001"},
		{"123456789012345678.9", "0.1", "123456789012345679.0"},
		{"1e-500", "1", "1"}, // exponents hundreds apart: the nearest float64
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Sum(tt.a, tt.b), "%s + %s", tt.a, tt.b)
	}
}

// The sum is exact: it equals the rational sum of the operands.
func TestSumExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		a := strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(6), 64)
		b := strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(6), 64)
		got := Sum(a, b)
		ra, _ := new(big.Rat).SetString(a)
		rb, _ := new(big.Rat).SetString(b)
		rg, ok := new(big.Rat).SetString(got)
		require.True(t, ok, got)
		require.Zero(t, new(big.Rat).Add(ra, rb).Cmp(rg), "%s + %s = %s", a, b, got)
		require.True(t, api.IsNumberLiteral(got), got)
	}
}

// smallExp reports whether s's exponent (if any) is within ±400, so that math/big's exact
// forms stay small in the fuzz targets.
func smallExp(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			e, err := strconv.Atoi(s[i+1:])
			return err == nil && e >= -400 && e <= 400
		}
	}
	return len(s) < 500
}

// fractionDigits is how many digits after the point s writes, less its exponent.
func fractionDigits(s string) int {
	d, _ := Parse(s)
	return max(-d.Exp(), 0)
}

// FuzzSum checks Sum against math/big: the sum is the rational sum of the operands, with the
// longer operand's fraction digits; the allocation-free path agrees with the big one.
func FuzzSum(f *testing.F) {
	for _, p := range [][2]string{{"0.1", "0.2"}, {"-1", "0.5"}, {"1e40", "1"}, {"1.5e2", "0.25"}, {"-0", "0.0"}, {"999999999999999999", "1"}} {
		f.Add(p[0], p[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !api.IsNumberLiteral(a) || !api.IsNumberLiteral(b) || !smallExp(a) || !smallExp(b) {
			return
		}
		got := Sum(a, b)
		require.True(t, api.IsNumberLiteral(got), "%s + %s = %s", a, b, got)
		if small, ok := appendSmallSum(nil, []byte(a), []byte(b)); ok {
			require.Equal(t, bigSum(a, b), string(small), "%s + %s", a, b)
		}
		x, _ := Parse(a)
		y, _ := Parse(b)
		if x.Exp()-y.Exp() > 400 || y.Exp()-x.Exp() > 400 {
			return // the float64 fallback
		}
		ra, _ := new(big.Rat).SetString(a)
		rb, _ := new(big.Rat).SetString(b)
		rg, ok := new(big.Rat).SetString(got)
		require.True(t, ok, got)
		require.Zero(t, new(big.Rat).Add(ra, rb).Cmp(rg), "%s + %s = %s", a, b, got)
		if got[len(got)-1] != '0' || !containsE(got) {
			require.Equal(t, max(fractionDigits(a), fractionDigits(b)), fractionDigits(got), "%s + %s = %s", a, b, got)
		}
	})
}

func containsE(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' {
			return true
		}
	}
	return false
}

// FuzzShiftRound checks Add, Round and Text against math/big's Rat: Add(d, -1) is the
// rational difference; Round writes what Rat.FloatString(0) writes (halves away from zero,
// "-0" included); Text is the exact value with no trailing zeros after the point.
func FuzzShiftRound(f *testing.F) {
	for _, s := range []string{"45.70000076293945", "-0.4", "-2.5", "2.50", "1.25e1", "5e-3", "0e5", "-0.0", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !api.IsNumberLiteral(s) || len(s) > 64 || !smallExp(s) {
			return
		}
		d, ok := Parse(s)
		require.True(t, ok, s)
		r, _ := new(big.Rat).SetString(s)

		require.Equal(t, r.FloatString(0), d.Round().String(), "round %s", s)

		shifted := Add(d, Int(-1))
		want := new(big.Rat).Sub(r, big.NewRat(1, 1))
		got, ok := new(big.Rat).SetString(shifted.String())
		require.True(t, ok, shifted.String())
		require.Zero(t, want.Cmp(got), "%s - 1 = %s", s, shifted.String())

		text := d.Text()
		require.True(t, api.IsNumberLiteral(text), text)
		tr, _ := new(big.Rat).SetString(text)
		require.Zero(t, r.Cmp(tr), "%s written %s", s, text)
		if fd := fractionDigits(text); fd > 0 {
			require.NotEqual(t, byte('0'), text[len(text)-1], text)
		}
	})
}
