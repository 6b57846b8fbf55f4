package textenc

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// TestValidUTF8 checks validUTF8 against utf8.Valid on text mixing ASCII, CJK, every
// length of character and bytes that are not UTF-8, cut at every place.
func TestValidUTF8(t *testing.T) {
	pieces := []string{"abcdefghij", "中文", "，", "é", "𝄞", "\xed\x9f\xbf", "\xed\xa0\x80", "\xe0\xa0\x80", "\xe0\x9f\xbf",
		"\xef\xbf\xbd", "\xef\xbf", "\xe1\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\xff", "\x80", "1,2\n"}
	// Valid pieces only, with runs of ASCII over 64 bytes: long texts that are valid but
	// for one piece at most.
	valid := []string{"abcdefghij", "中文", "，", "é", "𝄞", "\xed\x9f\xbf", "\xe0\xa0\x80", "\xef\xbf\xbd", "1,2\n",
		strings.Repeat("x", 70), strings.Repeat("中", 30)}
	r := rand.New(rand.NewPCG(8, 2026))
	for n := range 3000 {
		var b []byte
		pieceCount := r.IntN(12)
		from := pieces
		if n%10 < 2 { // past the 64-byte blocks of both halves
			pieceCount = 20 + r.IntN(300)
			if n%10 == 1 {
				from = valid
			}
		}
		for range pieceCount {
			b = append(b, from[r.IntN(len(from))]...)
		}
		if n%20 == 1 {
			b = slices.Insert(b, r.IntN(len(b)+1), []byte(pieces[r.IntN(len(pieces))])...)
		}
		for cut := 0; cut <= len(b); cut++ {
			if pieceCount > 12 && cut > 8 && cut < len(b)-8 {
				cut += r.IntN(64) // long inputs: cuts at some places
			}
			cut = min(cut, len(b))
			require.Equal(t, utf8.Valid(b[:cut]), validUTF8(b[:cut]), "%q", b[:cut])
			require.Equal(t, utf8.Valid(b[cut:]), validUTF8(b[cut:]), "%q", b[cut:])
		}
	}
}

// FuzzValidUTF8 checks validUTF8 against utf8.Valid.
func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("中文, text\n"))
	f.Add([]byte("\xed\xa0\x80\xe0\x9f\xbf"))
	f.Fuzz(func(t *testing.T, b []byte) {
		require.Equal(t, utf8.Valid(b), validUTF8(b))
	})
}

// BenchmarkValidUTF8 checks the CSV benchmark's rows, validUTF8 against utf8.Valid.
func BenchmarkValidUTF8(b *testing.B) {
	text := []byte(benchText(4 << 20))
	for _, v := range []struct {
		name  string
		valid func([]byte) bool
	}{{"textenc", validUTF8}, {"stdlib", utf8.Valid}} {
		b.Run(v.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if !v.valid(text) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
