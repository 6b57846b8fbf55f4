package base64pairs

import (
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendStd: AppendStd writes what base64.StdEncoding.AppendEncode does, for every length
// up to a few steps past the fast loop's (every tail), random and extreme bytes, every 12-bit
// value in every position of a step, and onto a non-empty dst with and without room.
func TestAppendStd(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for n := range 200 {
		for _, fill := range []int{-1, 0x00, 0xff} {
			src := make([]byte, n)
			for i := range src {
				if fill < 0 {
					src[i] = byte(rnd.Uint32())
				} else {
					src[i] = byte(fill)
				}
			}
			for _, dst := range [][]byte{nil, []byte("origin:name"), make([]byte, 3, 400)} {
				want := base64.StdEncoding.AppendEncode(append([]byte(nil), dst...), src)
				require.Equal(t, string(want), string(AppendStd(dst, src)), "n=%d fill=%d dst=%q", n, fill, dst)
			}
		}
	}
	src := make([]byte, 0, 3*4096)
	for v := range 4096 * 2 { // pairs of 12 bits: 3 bytes
		a, b := v%4096, (v*7+1)%4096
		x := a<<12 | b
		src = append(src, byte(x>>16), byte(x>>8), byte(x))
	}
	for off := range 6 {
		require.Equal(t, base64.StdEncoding.EncodeToString(src[off:]), string(AppendStd(nil, src[off:])))
	}
}

func FuzzAppendStd(f *testing.F) {
	f.Add([]byte("EU rejects German call to boycott British lamb ."), []byte("x"))
	f.Add([]byte("中文 text, 12345"), []byte("origin:name"))
	f.Fuzz(func(t *testing.T, src, dst []byte) {
		// Copies: the fuzzer's arguments may share memory, which dst and src never do.
		want := base64.StdEncoding.AppendEncode(append([]byte(nil), dst...), src)
		require.Equal(t, string(want), string(AppendStd(append([]byte(nil), dst...), src)))
	})
}

// BenchmarkAppendStd encodes 100-byte texts, the size of a CSV row's, with AppendStd and
// with encoding/base64.
func BenchmarkAppendStd(b *testing.B) {
	src := []byte("这家餐厅的菜很好吃，服务也不错 the food was great and the service friendly 价格太贵了，不会再来")
	dst := make([]byte, 0, 256)
	b.Run("pairs", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = AppendStd(dst[:0], src)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			dst = base64.StdEncoding.AppendEncode(dst[:0], src)
		}
	})
}
