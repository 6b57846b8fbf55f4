package csv

import (
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendBase64 checks appendBase64 against encoding/base64 for every length up to 100
// and random bytes, appending to a non-empty slice.
func TestAppendBase64(t *testing.T) {
	r := rand.New(rand.NewPCG(64, 2026))
	for n := range 100 {
		for range 20 {
			src := make([]byte, n)
			for i := range src {
				src[i] = byte(r.Uint32())
			}
			prefix := []byte("origin:name")
			want := base64.StdEncoding.AppendEncode(append([]byte(nil), prefix...), src)
			require.Equal(t, string(want), string(appendBase64(prefix, src)))
		}
	}
}

// FuzzAppendBase64 checks appendBase64 against encoding/base64.
func FuzzAppendBase64(f *testing.F) {
	f.Add([]byte("中文 text, 12345"), []byte("x"))
	f.Fuzz(func(t *testing.T, src, prefix []byte) {
		// Copies: the fuzzer's arguments may share memory, which dst and src never do.
		want := base64.StdEncoding.AppendEncode(append([]byte(nil), prefix...), src)
		require.Equal(t, string(want), string(appendBase64(append([]byte(nil), prefix...), src)))
	})
}

// BenchmarkAppendBase64 encodes 100-byte texts, the size of a CSV row's, with appendBase64
// and with encoding/base64.
func BenchmarkAppendBase64(b *testing.B) {
	src := []byte("这家餐厅的菜很好吃，服务也不错 the food was great and the service friendly 价格太贵了，不会再来")
	dst := make([]byte, 0, 256)
	b.Run("pairs", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = appendBase64(dst[:0], src)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = base64.StdEncoding.AppendEncode(dst[:0], src)
		}
	})
}
