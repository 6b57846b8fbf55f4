package csv

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"
	"weak"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// TestArenaStringsStay holds the arena to its promise: a string taken from it keeps its
// bytes while later strings are written into the same block and into new ones (lengths from
// 0 to past a block, written by append and by add, some blocks filled exactly).
func TestArenaStringsStay(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 2026))
	var a strArena
	var got, want []string
	for i := range 20000 {
		n := r.IntN(300)
		switch i % 997 {
		case 0:
			n = arenaSize + r.IntN(100) // a block of its own
		case 1:
			n = cap(a.block) - len(a.block) // fills the block exactly
		}
		s := strings.Repeat(string(rune('a'+i%26)), n)
		var taken string
		if i%2 == 0 {
			taken = a.add([]byte(s))
		} else {
			taken = a.take(append(a.room(n), s...))
		}
		require.Equal(t, s, taken)
		got, want = append(got, taken), append(want, s)
	}
	for i := range got {
		require.Equal(t, want[i], got[i], "string %d", i)
	}
}

// TestArenaRefusesWritesPastRoom: bytes appended past room's bound land in another array;
// take refuses them rather than hand out the block's zeros.
func TestArenaRefusesWritesPastRoom(t *testing.T) {
	var a strArena
	a.add([]byte("abc"))
	room := a.room(4)
	past := append(room[:0:4], "too long for four"...)
	require.PanicsWithValue(t, "csv: a string written past the arena's room", func() { a.take(past) })
	require.Equal(t, "four", a.take(append(a.room(4), "four"...)))
}

// TestAppendDecimalMatchesStrconv: appendDecimal and decimalLen against strconv, for every
// number up to 10^5, each power of ten and its neighbours, random numbers and the largest.
func TestAppendDecimalMatchesStrconv(t *testing.T) {
	check := func(v uint64) {
		want := strconv.FormatUint(v, 10)
		n := decimalLen(v)
		require.Equal(t, len(want), n, "%d", v)
		b := make([]byte, 3, 3+n)
		copy(b, "ab:")
		require.Equal(t, "ab:"+want, string(appendDecimal(b, v, n)))
	}
	for v := range uint64(100_000) {
		check(v)
	}
	for e, p := 0, uint64(1); e < 20; e, p = e+1, p*10 { // 10^0 to 10^19
		check(p - 1)
		check(p)
		check(p + 1)
	}
	r := rand.New(rand.NewPCG(10, 2026))
	for range 10000 {
		check(r.Uint64() >> r.IntN(64))
	}
	check(math.MaxUint64)
}

// TestEventIsOneCacheLine: the pipe's event stays 64 bytes, and a row's API encoding goes
// through it unchanged.
func TestEventIsOneCacheLine(t *testing.T) {
	require.EqualValues(t, 64, reflect.TypeFor[event]().Size())
	for _, enc := range []string{api.EncodingUTF8, api.EncodingGBK, api.EncodingGB2312} {
		require.Equal(t, enc, encodingOf(enc).String())
	}
	require.Panics(t, func() { encodingOf("latin1") })
}

// TestBigSampleDataFreed: a sample whose data has an arena block of its own is not cut from
// the samples' slab, so that once the caller lets it go, neither the mapper (whose slab it
// would be in) nor the slab's other samples keep its data alive: 128 rows of 12 MiB held
// 2 GiB, with the caller keeping no sample.
func TestBigSampleDataFreed(t *testing.T) {
	s, err := start(context.Background(), "in.csv", Options{})
	require.NoError(t, err)
	m := newMapper(s, "in.csv")
	small := func() *api.Sample {
		data, enc, reason := m.text.data([]byte("a small text"), textenc.UTF8)
		require.Empty(t, reason)
		return m.build(data, enc, nil, 3)
	}
	kept := small() // a sample of the slab the big one was cut from, before this fix
	data, enc, reason := m.text.data(bytes.Repeat([]byte("x"), arenaSize), textenc.UTF8)
	require.Empty(t, reason)
	big := weak.Make(unsafe.StringData(m.build(data, enc, nil, 2).Data))
	data = ""
	small() // the arena moves on to another block
	runtime.GC()
	require.Nil(t, big.Value(), "the big sample's data is still reachable")
	require.Equal(t, "in.csv:3", kept.Origin)
	runtime.KeepAlive(m)
}
