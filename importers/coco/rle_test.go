package coco

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodeRLEString is pycocotools' rleToString, to check the decoder against its encoder.
func encodeRLEString(counts []int64) string {
	var b strings.Builder
	for i, c := range counts {
		x := c
		if i > 2 {
			x -= counts[i-2]
		}
		for more := true; more; {
			ch := x & 0x1f
			x >>= 5
			if ch&0x10 != 0 {
				more = x != -1
			} else {
				more = x != 0
			}
			if more {
				ch |= 0x20
			}
			b.WriteByte(byte(ch + 48))
		}
	}
	return b.String()
}

// encodeCounts is pycocotools' rleEncode of a row-major mask: runs of 0s and 1s, column by
// column, starting with 0s.
func encodeCounts(mask []byte, h, w int) []int64 {
	var counts []int64
	cur, run := byte(0), int64(0)
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			if mask[y*w+x] != cur {
				counts = append(counts, run)
				cur, run = mask[y*w+x], 0
			}
			run++
		}
	}
	return append(counts, run)
}

// maskOf draws rows of '#' (set) and '.' into a row-major mask.
func maskOf(rows ...string) (mask []byte, h, w int) {
	h, w = len(rows), len(rows[0])
	mask = make([]byte, h*w)
	for y, r := range rows {
		for x := range r {
			if r[x] == '#' {
				mask[y*w+x] = 1
			}
		}
	}
	return mask, h, w
}

func TestDecodeRLEKnownMasks(t *testing.T) {
	tests := []struct {
		name   string
		counts []int64
		str    string // the compressed form of counts
		rows   []string
	}{
		{
			// The worked example of the tests: counts [5,2,3,4,1] on 5×3; the fifth count is
			// written as 1-3 = -2 ('N'), a delta from the count two places back.
			name: "delta from two back", counts: []int64{5, 2, 3, 4, 1}, str: "5232N",
			rows: []string{".##", ".##", "..#", "..#", "..."},
		},
		{
			// Counts of 32 and more take two characters; 42 is "Z1"; 44 is 6 more than 38…
			name: "multi-character counts", counts: []int64{42, 4, 6, 4, 44}, str: "Z1460V1",
			rows: []string{
				"..........", "..........", "....##....", "....##....", "....##....",
				"....##....", "..........", "..........", "..........", "..........",
			},
		},
		{
			name: "starts with ones", counts: []int64{0, 4, 2}, str: "042",
			rows: []string{"##", "#.", "#."},
		},
		{
			name: "all set", counts: []int64{0, 4}, str: "04",
			rows: []string{"##", "##"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, h, w := maskOf(tt.rows...)
			require.Equal(t, tt.str, encodeRLEString(tt.counts), "the test's compressed form")
			require.Equal(t, tt.counts, encodeCounts(want, h, w), "the test's counts")
			require.Empty(t, checkCounts(tt.counts, int64(h), int64(w)))
			assert.Equal(t, want, maskFromCounts(tt.counts, h, w), "counts list")
			counts, why := decodeRLEString(tt.str)
			require.Empty(t, why)
			assert.Equal(t, tt.counts, counts, "compressed string")
		})
	}
}

// Random masks survive encode → compressed string → decode, in both forms.
func TestRLERoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for n := range 300 {
		h, w := 1+rng.IntN(40), 1+rng.IntN(40)
		mask := make([]byte, h*w)
		density := rng.IntN(100)
		for i := range mask {
			if rng.IntN(100) < density {
				mask[i] = 1
			}
		}
		counts := encodeCounts(mask, h, w)
		require.Empty(t, checkCounts(counts, int64(h), int64(w)))
		require.Equal(t, mask, maskFromCounts(counts, h, w), n)
		dec, why := decodeRLEString(encodeRLEString(counts))
		require.Empty(t, why, n)
		require.Equal(t, counts, dec, n)
	}
}

func TestRLEErrors(t *testing.T) {
	for _, tt := range []struct {
		seg, why string
	}{
		{`{"counts": [1, 2], "size": [2, 2]}`, "RLE counts sum to 3, not h×w = 2×2 = 4"},
		{`{"counts": [3, 2], "size": [2, 2]}`, "RLE counts sum to more than h×w"},
		{`{"counts": [1, -1, 4], "size": [2, 2]}`, "RLE counts[1] = -1 is negative"},
		{`{"counts": [1.5, 2.5], "size": [2, 2]}`, "RLE counts[0] = 1.5 is not an integer"},
		{`{"counts": "0~", "size": [2, 2]}`, `RLE counts string has '~' at 1`},
		{`{"counts": "0P", "size": [2, 2]}`, "RLE counts string ends inside a number"},
		{`{"counts": "00N", "size": [2, 2]}`, "decodes to a negative count"},
		{`{"counts": "PPPPPPPPPPPPPPPP0", "size": [2, 2]}`, "a number too large"},
		{`{"counts": [4], "size": [2]}`, "RLE size must be [height, width]"},
		{`{"counts": [4], "size": [0, 2]}`, "is not a [height, width] in pixels"},
		{`{"counts": [4], "size": [100000000, 1]}`, "larger than"},
		{`{"size": [2, 2]}`, "RLE has no counts"},
		{`{"counts": {"a": 1}, "size": [2, 2]}`, "RLE counts is not an array of numbers"},
		{`{"counts": [4], "size": "2x2"}`, "is not an RLE object"},
		{`"polygon"`, "neither a list of polygons nor an RLE object"},
		{`[[1, 2, 3]]`, "segmentation[0] has an odd number of coordinates (3)"},
		{`[[1, 2, "3", 4]]`, "segmentation[0][2] is not a number"},
		{`[5]`, "segmentation[0] is neither a polygon"},
		{`[{"counts": [1], "size": [1, 2]}]`, "segmentation[0]: RLE counts sum to 1"},
	} {
		_, present, why := parseSeg([]byte(tt.seg))
		assert.True(t, present, tt.seg)
		assert.Contains(t, why, tt.why, tt.seg)
	}
	for _, empty := range []string{``, `null`, `[]`, ` [ ] `, `{}`} {
		polys, present, why := parseSeg([]byte(empty))
		assert.False(t, present, empty)
		assert.Empty(t, why, empty)
		assert.Empty(t, polys, empty)
	}
	// A list may mix polygons and RLE objects; an empty mask gives no polygon.
	polys, present, why := parseSeg([]byte(`[[0, 0, 1, 0, 1, 1], {"counts": [4], "size": [2, 2]}, {"counts": [1, 1, 2], "size": [2, 2]}]`))
	require.Empty(t, why)
	require.True(t, present)
	assert.Equal(t, [][]string{{"0", "0", "1", "0", "1", "1"}, {"0", "1", "1", "1", "1", "2", "0", "2"}}, polys)
}

// maskFromCounts draws the row-major mask that RLE counts encode.
func maskFromCounts(counts []int64, h, w int) []byte {
	mask := make([]byte, h*w)
	var p int64
	for i, c := range counts {
		if i%2 == 1 {
			for q := p; q < p+c; q++ {
				mask[(q%int64(h))*int64(w)+q/int64(h)] = 1
			}
		}
		p += c
	}
	return mask
}

func outline(rows ...string) [][]int {
	mask, h, w := maskOf(rows...)
	return traceRLE(encodeCounts(mask, h, w), h, w)
}

func TestTraceRegions(t *testing.T) {
	tests := []struct {
		name string
		rows []string
		want [][]int
	}{
		{"one pixel", []string{"#"}, [][]int{{0, 0, 1, 0, 1, 1, 0, 1}}},
		{"rectangle", []string{"....", ".##.", ".##.", "...."}, [][]int{{1, 1, 3, 1, 3, 3, 1, 3}}},
		{"L shape", []string{"#.", "##"}, [][]int{{0, 0, 1, 0, 1, 1, 2, 1, 2, 2, 0, 2}}},
		{"staircase", []string{".##", "##."}, [][]int{{1, 0, 3, 0, 3, 1, 2, 1, 2, 2, 0, 2, 0, 1, 1, 1}}},
		// Diagonal neighbours are two regions (4-connectivity), each traced alone.
		{"diagonal", []string{"#.", ".#"}, [][]int{{0, 0, 1, 0, 1, 1, 0, 1}, {1, 1, 2, 1, 2, 2, 1, 2}}},
		// A ring's hole is not traced: its outline only.
		{"ring", []string{"###", "#.#", "###"}, [][]int{{0, 0, 3, 0, 3, 3, 0, 3}}},
		// A U whose arms touch only the region itself at a corner of the hole.
		{"U", []string{"#.#", "###"}, [][]int{{0, 0, 1, 0, 1, 1, 2, 1, 2, 0, 3, 0, 3, 2, 0, 2}}},
		{"empty", []string{"...", "..."}, nil},
		// Two regions that start on the same row come left to right; a region that wraps
		// around another one is one region.
		{"two", []string{"#.#", "#.#"}, [][]int{{0, 0, 1, 0, 1, 2, 0, 2}, {2, 0, 3, 0, 3, 2, 2, 2}}},
		{"spiral", []string{"#####", "#...#", "#.#.#", "#.###"}, [][]int{{0, 0, 5, 0, 5, 4, 2, 4, 2, 2, 3, 2, 3, 3, 4, 3, 4, 1, 1, 1, 1, 4, 0, 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, outline(tt.rows...))
		})
	}
}

// Every traced outline encloses exactly its region's pixels (shoelace area = pixel count) on
// random masks.
func TestTraceAreas(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for n := range 200 {
		h, w := 1+rng.IntN(12), 1+rng.IntN(12)
		mask := make([]byte, h*w)
		for i := range mask {
			if rng.IntN(3) == 0 {
				mask[i] = 1
			}
		}
		polys := traceRLE(encodeCounts(mask, h, w), h, w)
		total := 0
		for _, p := range polys {
			require.GreaterOrEqual(t, len(p), 8, n)
			a := 0
			for i := 0; i < len(p); i += 2 {
				j := (i + 2) % len(p)
				a += p[i]*p[j+1] - p[j]*p[i+1]
			}
			require.Positive(t, a, "clockwise on screen is positive here (%d)", n)
			total += a / 2
		}
		set := 0
		for _, v := range mask {
			set += int(v)
		}
		// Holes are filled, so the outlines cover at least the set pixels.
		require.GreaterOrEqual(t, total, set, fmt.Sprint(n))
	}
}

// parseSeg is parseSegmentation with its polygons as strings.
func parseSeg(raw []byte) ([][]string, bool, string) {
	var seg segBuf
	present, why := parseSegmentation(raw, &seg)
	var polys [][]string
	for i := range seg.polygons() {
		var p []string
		for n := range seg.polygon(i) {
			p = append(p, string(n))
		}
		polys = append(polys, p)
	}
	return polys, present, why
}
