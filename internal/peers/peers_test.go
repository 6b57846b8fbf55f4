package peers

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// recorder stands in for a test, to see how Path ends it (Path calls only these methods).
type recorder struct {
	testing.TB
	fatal, skip bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.fatal = true; panic(r) }
func (r *recorder) Skipf(string, ...any)  { r.skip = true; panic(r) }

func run(f func(t testing.TB)) (r *recorder) {
	r = &recorder{}
	defer func() {
		if v := recover(); v != nil && v != any(r) {
			panic(v)
		}
	}()
	f(r)
	return r
}

func TestMissingFailsUnderCI(t *testing.T) {
	const absent = "no-such-peer-dataset"
	t.Setenv("CI", "true")
	r := run(func(tb testing.TB) { Path(tb, absent) })
	require.True(t, r.fatal, "CI=true: a missing peer folder fails the test")

	t.Setenv("CI", "")
	r = run(func(tb testing.TB) { Path(tb, absent) })
	require.True(t, r.skip, "on a developer's machine it is skipped")
	require.False(t, r.fatal)
}

func TestPresent(t *testing.T) {
	p, err := find(".")
	if err != nil {
		Missing(t, err)
	}
	require.NotEmpty(t, p)
}
