package coco

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// addIntRef is segBuf.addInt's general path, as it was before the fast path for traced
// coordinates: the reference that path is held equal to.
func addIntRef(b *segBuf, v int) {
	at := len(b.data)
	b.data = append(b.data, 0)
	b.data = strconv.AppendInt(b.data, int64(v), 10)
	b.data[at] = byte(len(b.data) - at - 1)
	b.total++
	b.note(b.data[at+1:])
}

// checkAddInt adds vs to two buffers, one by addInt and one by addIntRef, ending a polygon
// every few numbers, and compares everything the buffers hold.
func checkAddInt(t *testing.T, vs []int) {
	t.Helper()
	var got, want segBuf
	for i, v := range vs {
		got.addInt(v)
		addIntRef(&want, v)
		if i%7 == 6 {
			got.end(7)
			want.end(7)
		}
	}
	if !slices.Equal(got.data, want.data) || !slices.Equal(got.ends, want.ends) ||
		got.total != want.total || got.literalBytes != want.literalBytes || got.signed != want.signed {
		t.Fatalf("addInt(%v):\n got %q %v total %d bytes %d signed %v\nwant %q %v total %d bytes %d signed %v",
			vs, got.data, got.ends, got.total, got.literalBytes, got.signed,
			want.data, want.ends, want.total, want.literalBytes, want.signed)
	}
	for i := range got.polygons() {
		var a, b []string
		for f := range got.polygon(i) {
			a = append(a, string(f))
		}
		for f := range want.polygon(i) {
			b = append(b, string(f))
		}
		if !slices.Equal(a, b) {
			t.Fatalf("polygon %d: %q, want %q", i, a, b)
		}
	}
}

func TestAddIntMatchesReference(t *testing.T) {
	var vs []int
	for v := -20; v <= 20000; v++ {
		vs = append(vs, v)
	}
	vs = append(vs, 99999, 100000, maxMaskSide, 1<<62, -1<<63, 1<<63-1)
	checkAddInt(t, vs)
	r := rand.New(rand.NewPCG(1, 2))
	vs = vs[:0]
	for range 10000 {
		vs = append(vs, int(r.Int64N(2*maxMaskSide))-maxMaskSide/2)
	}
	checkAddInt(t, vs)
}

func FuzzAddInt(f *testing.F) {
	for _, v := range []int64{0, 9, 10, 99, 100, 999, 1000, 9999, 10000, -1, maxMaskSide} {
		f.Add(v, v+1)
	}
	f.Fuzz(func(t *testing.T, a, b int64) {
		checkAddInt(t, []int{int(a), int(b), int(a) % 10000, int(b) % 100})
	})
}

// TestDigits: digits is the length of strconv's decimal, for every v from 0 to 2,000,000
// and around every power of ten an int holds.
func TestDigits(t *testing.T) {
	check := func(v int) {
		if got, want := digits(v), len(strconv.Itoa(v)); got != want {
			t.Fatalf("digits(%d) = %d, want %d", v, got, want)
		}
	}
	for v := 0; v <= 2000000; v++ {
		check(v)
	}
	for p := 10; p > 0 && p <= 1e18; p *= 10 {
		check(p - 1)
		check(p)
		check(p + 1)
	}
	check(1<<63 - 1)
}
