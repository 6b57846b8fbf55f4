package conll

import (
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAppendBase64: appendBase64 writes what base64.StdEncoding.AppendEncode does, for every
// length up to a few steps past the fast loop's (every tail), random and extreme bytes, and
// onto a non-empty dst with and without room.
func TestAppendBase64(t *testing.T) {
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
			for _, dst := range [][]byte{nil, []byte("ab"), make([]byte, 3, 400)} {
				want := base64.StdEncoding.AppendEncode(append([]byte(nil), dst...), src)
				require.Equal(t, string(want), string(appendBase64(dst, src)), "n=%d fill=%d dst=%q", n, fill, dst)
			}
		}
	}
	// Every 12-bit value in every position of a step.
	src := make([]byte, 0, 3*4096)
	for v := range 4096 * 2 { // pairs of 12 bits: 3 bytes
		a, b := v%4096, (v*7+1)%4096
		x := a<<12 | b
		src = append(src, byte(x>>16), byte(x>>8), byte(x))
	}
	for off := range 6 {
		require.Equal(t, base64.StdEncoding.EncodeToString(src[off:]), string(appendBase64(nil, src[off:])))
	}
}

func FuzzAppendBase64(f *testing.F) {
	f.Add([]byte("EU rejects German call to boycott British lamb ."), []byte("x"))
	f.Fuzz(func(t *testing.T, src, dst []byte) {
		want := base64.StdEncoding.AppendEncode(append([]byte(nil), dst...), src)
		// The fuzzer's arguments may share memory; the reader's never do.
		require.Equal(t, want, appendBase64(append([]byte(nil), dst...), src))
	})
}
