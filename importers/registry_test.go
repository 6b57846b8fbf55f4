package importers

import (
	"context"
	"flag"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testFormat(name string, score int) Format {
	return Format{
		Name:  name,
		Flags: func(*flag.FlagSet) Opener { return nil },
		Detect: func(_ context.Context, fsys fs.FS, p string) (Detection, bool) {
			if score == 0 {
				return Detection{}, false
			}
			return Detection{Score: score, Layout: p}, true
		},
	}
}

// withRegistry runs f on an empty registry and restores the real one afterwards.
func withRegistry(t *testing.T, f func()) {
	t.Helper()
	registry.Lock()
	saved := registry.formats
	registry.formats = nil
	registry.Unlock()
	defer func() {
		registry.Lock()
		registry.formats = saved
		registry.Unlock()
	}()
	f()
}

func TestRegistry(t *testing.T) {
	withRegistry(t, func() {
		Register(testFormat("zeta", 50))
		Register(testFormat("alpha", 100))
		Register(testFormat("mid", 0))
		var names []string
		for _, f := range Formats() {
			names = append(names, f.Name)
		}
		assert.Equal(t, []string{"alpha", "mid", "zeta"}, names)
		_, ok := Lookup("mid")
		assert.True(t, ok)
		_, ok = Lookup("nope")
		assert.False(t, ok)

		assert.Panics(t, func() { Register(testFormat("alpha", 1)) }, "a name registered twice")
		assert.Panics(t, func() { Register(Format{Name: "noflags"}) })
		assert.Panics(t, func() { Register(Format{Flags: testFormat("x", 0).Flags}) })

		got := Detect(context.Background(), fstest.MapFS{}, "in")
		require.Len(t, got, 2)
		assert.Equal(t, Detection{Format: "alpha", Score: 100, Layout: "in"}, got[0])
		assert.Equal(t, "zeta", got[1].Format)
	})
}

func TestUsagef(t *testing.T) {
	err := Usagef("-x %d", 3)
	var ue *UsageError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "-x 3", err.Error())
}
