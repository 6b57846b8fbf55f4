package csv

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
			taken = a.take(len(append(a.room(n), s...)))
		}
		require.Equal(t, s, taken)
		got, want = append(got, taken), append(want, s)
	}
	for i := range got {
		require.Equal(t, want[i], got[i], "string %d", i)
	}
}
