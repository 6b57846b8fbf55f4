package slab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values come from one array until it is used up, each once; a value alone leaves the
// array as it was.
func TestTake(t *testing.T) {
	var free []int
	first := Take(&free, 3, false)
	require.Len(t, free, 2, "a new array of 3, its first value taken")
	rest := free
	assert.Same(t, &rest[0], Take(&free, 3, false), "the next value of the same array")

	alone := Take(&free, 3, true)
	assert.Zero(t, *alone)
	assert.NotSame(t, &rest[1], alone)
	require.Len(t, free, 1, "a value alone leaves the array as it was")

	assert.Same(t, &rest[1], Take(&free, 3, false))
	assert.Empty(t, free)
	*first = 7
	fourth := Take(&free, 3, false)
	assert.Zero(t, *fourth, "a new, zeroed array once the last is used up")
	assert.Len(t, free, 2)
}
