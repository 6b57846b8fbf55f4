package importers

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDetectPathAndChoose(t *testing.T) {
	withRegistry(t, func() {
		Register(testFormat("alpha", 100))
		Register(testFormat("beta", 60))
		dir := t.TempDir()
		ds, err := DetectPath(context.Background(), dir)
		require.NoError(t, err)
		require.Len(t, ds, 2)
		assert.Equal(t, "alpha (.)", ds[0].String())
		d, err := Choose(dir, ds)
		require.NoError(t, err)
		assert.Equal(t, "alpha", d.Format)

		Register(testFormat("gamma", 100))
		ds, err = DetectPath(context.Background(), dir)
		require.NoError(t, err)
		_, err = Choose("in", ds)
		var ue *UsageError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, "in: it reads equally as alpha (.) or gamma (.); name the format (convert FORMAT in)", err.Error())

		_, err = Choose("in", nil)
		require.ErrorAs(t, err, &ue)
		assert.Contains(t, err.Error(), "no format recognises")

		_, err = DetectPath(context.Background(), filepath.Join(dir, "missing"))
		assert.ErrorIs(t, err, os.ErrNotExist)

		bad := filepath.Join(dir, "bad.zip")
		require.NoError(t, os.WriteFile(bad, []byte("not a zip"), 0o644))
		_, err = DetectPath(context.Background(), bad)
		assert.ErrorContains(t, err, "bad.zip")
	})
}
