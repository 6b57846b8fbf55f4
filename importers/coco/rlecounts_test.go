package coco

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// rleCountsRef is rleCounts as it was, nextNumber for every count: the reference its path
// for the usual count is held equal to.
func rleCountsRef(raw json.RawMessage) ([]int64, string) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil, "RLE has no counts"
	}
	if t[0] == '"' {
		s := string(t[1 : len(t)-1])
		if strings.ContainsRune(s, '\\') {
			if err := json.Unmarshal(t, &s); err != nil {
				return nil, "RLE counts is not a string"
			}
		}
		return decodeRLEString(s)
	}
	if t[0] != '[' {
		return nil, "RLE counts is not an array of numbers"
	}
	var counts []int64
	l := &jsonlex.Lexer{B: t, I: 1}
	for i := 0; ; i++ {
		full := ""
		if i >= maxRLECounts {
			full = fmt.Sprintf("RLE has more than %d counts, more than this importer reads", maxRLECounts)
		}
		n, done, why := nextNumber(l, "RLE counts", i, full)
		if done {
			return counts, ""
		}
		if why != "" {
			return nil, why
		}
		v, ok := intOf(n)
		if !ok {
			return nil, fmt.Sprintf("RLE counts[%d] = %s is not an integer", i, n)
		}
		if v < 0 {
			return nil, fmt.Sprintf("RLE counts[%d] = %d is negative", i, v)
		}
		counts = append(counts, v)
	}
}

func checkRLECounts(t *testing.T, raw string) {
	t.Helper()
	got, gotWhy := rleCounts(json.RawMessage(raw))
	want, wantWhy := rleCountsRef(json.RawMessage(raw))
	if gotWhy != wantWhy || !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("rleCounts(%q) = %v %q, want %v %q", raw, got, gotWhy, want, wantWhy)
	}
	// Into a parse worker's scratch, which holds the counts of the mask before.
	got, gotWhy = rleCountsInto(json.RawMessage(raw), []int64{9, 8, 7}[:0])
	if gotWhy != wantWhy || !slices.Equal(got, want) {
		t.Fatalf("rleCountsInto(%q) = %v %q, want %v %q", raw, got, gotWhy, want, wantWhy)
	}
}

// rleCountsCases are count arrays as masks have them and spelled every other way: spaces,
// leading zeros, signs, fractions, exponents, 17 to 20 digits, missing or doubled commas,
// cut short.
func rleCountsCases(r *rand.Rand, n int) []string {
	cases := []string{`[]`, `[ ]`, `[0]`, `[1,2,3]`, `[1, 2, 3]`, `[ 1,2 ]`, `[01,2]`, `[1,02]`, `[0,0]`, `[00]`,
		`[-1]`, `[1,-2]`, `[1.0,2]`, `[1e2,3]`, `[1,2.5]`, `[123456789012345678]`, `[1234567890123456789]`,
		`[99999999999999999999]`, `[1,,2]`, `[,1]`, `[1,]`, `[1 2]`, `[1`, `[1,`, `[1,2`, `[`, `[x]`, `[1,x]`,
		`["1"]`, `[1]x`, `null`, ``, `"abc"`, `[1,2,3] `, "[1,\n2]", `[1]]`}
	alphabet := []string{"0", "1", "7", "12", "345", "06", "-3", "1.5", "2e3", " ", ",", ",", ",", "]", "123456789012345678", "9999999999999999999"}
	for range n {
		var b strings.Builder
		b.WriteByte('[')
		k := r.IntN(12)
		for i := range k {
			if r.IntN(10) == 0 {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
				continue
			}
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprint(&b, r.Int64N(1e6))
		}
		if r.IntN(8) != 0 {
			b.WriteByte(']')
		}
		cases = append(cases, b.String())
	}
	return cases
}

func TestRLECountsMatchesReference(t *testing.T) {
	for _, c := range rleCountsCases(rand.New(rand.NewPCG(5, 6)), 20000) {
		checkRLECounts(t, c)
	}
}

func FuzzRLECounts(f *testing.F) {
	for _, c := range rleCountsCases(rand.New(rand.NewPCG(5, 6)), 50) {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.HasPrefix(strings.TrimSpace(raw), `"`) {
			// The compressed string form, which the fast path does not touch: it must only
			// answer, never panic (the reference, the old code, sliced a lone quote).
			rleCounts(json.RawMessage(raw))
			return
		}
		checkRLECounts(t, raw)
	})
}

// TestRLECountsOddStrings: a string form that is not a whole JSON string is refused with a
// reason, not a panic (the walker never hands one over, but a library caller might).
func TestRLECountsOddStrings(t *testing.T) {
	for _, raw := range []string{`"`, ` " `, `"abc`, `"\`} {
		counts, why := rleCounts(json.RawMessage(raw))
		if counts != nil || why == "" {
			t.Errorf("rleCounts(%q) = %v, %q; want a reason", raw, counts, why)
		}
	}
}

// A parse worker's scratch does not keep the counts of a large mask that checkCounts
// refuses, as it does not keep those of one it traces.
func TestRLEScratchTrimmedAfterRefusedMask(t *testing.T) {
	counts := strings.Repeat("1,", 3<<19) + "1" // more than 1<<20 counts, summing past 1000×1000
	for _, size := range []string{"[1000,1000]", "[2000,2000]"} {
		var seg segBuf
		why := rleToPolygons([]byte(`{"size":`+size+`,"counts":[`+counts+`]}`), "segmentation", &seg)
		if !strings.Contains(why, "RLE counts sum to") {
			t.Fatalf("size %s: %q, want a refusal by the counts' sum", size, why)
		}
		if c := cap(seg.rle.counts); c > 1<<20 {
			t.Errorf("size %s: the scratch keeps room for %d counts after a refused mask", size, c)
		}
	}
}

// Nor does it keep more than traceScratchKeep bytes after a mask it traces: a wide mask of a
// few counts makes hundreds of thousands of column runs.
func TestRLEScratchTrimmedAfterWideMask(t *testing.T) {
	var seg segBuf
	for _, w := range []int{800000, 3} {
		why := rleToPolygons(fmt.Appendf(nil, `{"size":[1,%d],"counts":[0,%d]}`, w, w), "segmentation", &seg)
		if why != "" {
			t.Fatalf("width %d: %s", w, why)
		}
		if n := seg.rle.bytes(); n > traceScratchKeep {
			t.Errorf("width %d: the scratch keeps %d bytes", w, n)
		}
		if seg.polygons() != 1 {
			t.Errorf("width %d: %d polygons, want one", w, seg.polygons())
		}
		seg.reset()
	}
}
