package golden

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUpdatingFromTheEnvironment(t *testing.T) {
	if *Update {
		t.Skip("run with -update: the flag decides")
	}
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "true": true, "no": false} {
		t.Setenv(EnvVar, v)
		require.Equal(t, want, Updating(), "%s=%q", EnvVar, v)
	}
	t.Setenv(EnvVar, "1")
	path := filepath.Join(t.TempDir(), "sub", "x.golden")
	Check(t, path, []byte("new"))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "new", string(got))
}
