package conll

import (
	"bytes"
	"runtime"
	"testing"
	"unsafe"
	"weak"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers/textenc"
)

// TestBigSampleDataFreed: a sample whose strings have a block of their own is not cut from
// the samples' slab, so that once the caller lets it go, neither the builder (whose slab it
// would be in) nor the slab's other samples keep its data alive: 32 records of 12 MiB held
// 512 MiB, with the caller keeping no sample.
func TestBigSampleDataFreed(t *testing.T) {
	b := &builder{file: "t", namePre: []byte("t")}
	kept, reason := b.sample([]byte("a small text"), nil, 1, 1, textenc.UTF8) // a sample of the slab
	require.Empty(t, reason)
	s, reason := b.sample(bytes.Repeat([]byte("x"), blockBytes), nil, 3, 2, textenc.UTF8)
	require.Empty(t, reason)
	big := weak.Make(unsafe.StringData(s.Data))
	s = nil
	for n := range 2000 { // the string blocks and the slabs move on
		_, reason = b.sample([]byte("another"), nil, 5, 3+n, textenc.UTF8)
		require.Empty(t, reason)
	}
	b.scratch = nil // the reused buffer the base64 is written to first: not what is measured
	runtime.GC()
	require.Nil(t, big.Value(), "the big sample's data is still reachable")
	require.Equal(t, "t:1", kept.Origin)
	runtime.KeepAlive(b)
}
