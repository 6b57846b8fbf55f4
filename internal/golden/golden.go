// Package golden compares test output with files under testdata/, rewriting them when the
// test binary runs with -update or the environment sets UPDATE_GOLDEN=1.
//
// The flag is defined only in test binaries that import this package, so "go test ./...
// -update" fails in every other package with "flag provided but not defined"; the variable
// reaches every package, which is why the README gives "UPDATE_GOLDEN=1 go test ./...".
// (go test's cache keys on the environment variables a test reads, so a cached pass is not
// reused for an update run.)
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// Update is the -update flag: rewrite golden files instead of comparing with them.
var Update = flag.Bool("update", false, "rewrite golden files under testdata/ (or set UPDATE_GOLDEN=1)")

// EnvVar is the environment variable that, set to 1 (or true), updates golden files in every
// package of a go test run.
const EnvVar = "UPDATE_GOLDEN"

// Updating reports whether golden files are to be rewritten: -update, or UPDATE_GOLDEN=1.
func Updating() bool {
	if *Update {
		return true
	}
	v, _ := strconv.ParseBool(os.Getenv(EnvVar))
	return v
}

// Check compares got with the file at path (or writes it when Updating).
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing; run go test with UPDATE_GOLDEN=1 (or -update) to create it")
	require.Equal(t, string(want), string(got), "output differs from %s (run with UPDATE_GOLDEN=1 or -update to accept)", path)
}
