// Package golden compares test output with files under testdata/, rewriting them when the
// test binary runs with -update.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Update is the -update flag: rewrite golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden files under testdata/")

// Check compares got with the file at path (or writes it under -update).
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing; run go test with -update to create it")
	require.Equal(t, string(want), string(got), "output differs from %s (run with -update to accept)", path)
}
