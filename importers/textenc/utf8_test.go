package textenc

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// TestValidUTF8 checks validUTF8 against utf8.Valid on text mixing ASCII, CJK, every
// length of character and bytes that are not UTF-8, cut at every place.
func TestValidUTF8(t *testing.T) {
	pieces := []string{"abcdefghij", "中文", "，", "é", "𝄞", "\xed\x9f\xbf", "\xed\xa0\x80", "\xe0\xa0\x80", "\xe0\x9f\xbf",
		"\xef\xbf\xbd", "\xef\xbf", "\xe1\x80", "\xc0\x80", "\xf4\x90\x80\x80", "\xff", "\x80", "1,2\n"}
	r := rand.New(rand.NewPCG(8, 2026))
	for range 3000 {
		var b []byte
		for range r.IntN(12) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		for cut := 0; cut <= len(b); cut++ {
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
