package coco

import (
	"encoding/binary"
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddDecimal(t *testing.T) {
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
		assert.Equal(t, tt.want, addDecimal(tt.a, tt.b), "%s + %s", tt.a, tt.b)
	}
}

// The sum is exact: it equals the rational sum of the operands.
func TestAddDecimalExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		a := strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(6), 64)
		b := strconv.FormatFloat(rng.Float64()*1000, 'f', rng.IntN(6), 64)
		got := addDecimal(a, b)
		ra, _ := new(big.Rat).SetString(a)
		rb, _ := new(big.Rat).SetString(b)
		rg, ok := new(big.Rat).SetString(got)
		require.True(t, ok, got)
		require.Zero(t, new(big.Rat).Add(ra, rb).Cmp(rg), "%s + %s = %s", a, b, got)
		require.True(t, api.IsNumberLiteral(got), got)
	}
}

func TestIsNumberLiteral(t *testing.T) {
	for _, s := range []string{"0", "-0", "1.5", "1e5", "1E+5", "-2.5e-3", "123"} {
		assert.True(t, api.IsNumberLiteral(s), s)
	}
	for _, s := range []string{"", "-", "01", "1.", ".5", "1e", "+1", "1x", "NaN", "0x10"} {
		assert.False(t, api.IsNumberLiteral(s), s)
	}
}

// appendRecord writes r the way readAnnotation does, for the round-trip test.
func appendRecord(b []byte, r *record) []byte {
	b = appendHead(b, r.from, r.index, r.off, []byte(r.id), r.cat, []byte(r.score))
	switch {
	case r.polygons != nil:
		var seg segBuf
		for _, p := range r.polygons {
			for _, n := range p {
				seg.add([]byte(n))
			}
			seg.end(len(p))
		}
		b = appendPolygons(b, &seg)
	case r.hasBox:
		kind := byte(geomBox)
		if r.boxForPolygon {
			kind = geomBoxOnly
		}
		b = append(b, kind)
		for _, s := range r.box {
			b = appendField(b, s)
		}
	default:
		b = append(b, geomClass)
	}
	b = binary.AppendUvarint(b, uint64(len(r.keypoints)))
	for _, k := range r.keypoints {
		b = appendKeypoint(b, k.index, k.visibility, []byte(k.x), []byte(k.y))
	}
	if r.plain {
		b[flagsAt] |= flagPlain
	}
	if r.crowd {
		b[flagsAt] |= flagCrowd
	}
	if r.ignore {
		b[flagsAt] |= flagIgnore
	}
	return appendField(b, r.attrs)
}

func TestRecordRoundTrip(t *testing.T) {
	r := &record{from: fromResults, index: 7, off: 1234, id: "42", cat: -3, score: "0.5",
		polygons:  [][]json.Number{{"1", "2", "3", "4", "5", "6"}, {"0.5", "1"}},
		keypoints: []keypoint{{index: 2, visibility: 1, x: "1", y: "2.5"}},
		attrs:     `{"a":1}`, crowd: true, ignore: true, plain: true}
	var got record
	require.NoError(t, decodeRecord(string(appendRecord(nil, r)), &got))
	assert.Equal(t, *r, got)
	b := &record{hasBox: true, box: [4]json.Number{"1", "2", "3", "4"}, boxForPolygon: true, keypoints: []keypoint{}}
	require.NoError(t, decodeRecord(string(appendRecord(nil, b)), &got))
	assert.Equal(t, *b, got)
	enc := appendRecord(nil, r)
	for n := range enc {
		assert.Error(t, decodeRecord(string(enc[:n]), &got), "truncated at %d", n)
	}
}
