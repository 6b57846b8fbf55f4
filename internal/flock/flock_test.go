package flock

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two open descriptions of one folder exclude each other; closing the first frees the lock.
func TestTryLockFolder(t *testing.T) {
	if !Supported {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	a, err := os.Open(dir)
	require.NoError(t, err)
	require.NoError(t, TryLock(a))
	b, err := os.Open(dir)
	require.NoError(t, err)
	defer b.Close()
	assert.ErrorIs(t, TryLock(b), ErrLocked)
	require.NoError(t, a.Close())
	assert.NoError(t, TryLock(b))
}
