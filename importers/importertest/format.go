package importertest

import (
	"context"
	"flag"
	"io"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
)

// FormatOpener runs the registered format name as the command does: its own flags parsed
// from args, then its Opener on the arguments left (the inputs).
func FormatOpener(t testing.TB, name string, args ...string) Opener {
	t.Helper()
	f, ok := importers.Lookup(name)
	require.True(t, ok, "%s is registered", name)
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		opener := f.Flags(fs)
		require.NoError(t, fs.Parse(args))
		src, err := opener(ctx, fs.Args(), importers.Env{Warn: warn})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, src.Release()) })
		return src.Samples
	}
}

// CheckRequests writes the stream into request bodies (batches of 3) and requires each to
// pass what `convert validate` checks: the strict decoder (unknown and repeated keys) and
// every rule of the validator. The stream must yield at least one sample, and the writer
// must reject none.
func CheckRequests(t *testing.T, open Opener) {
	t.Helper()
	n := 0
	opts := emit.Options{BatchSize: 3, Reject: func(s *api.Sample, reason string) { t.Errorf("%s rejected: %s", s.Name, reason) }}
	for b, err := range emit.Batches(context.Background(), open(context.Background(), nil), opts) {
		require.NoError(t, err)
		req, err := api.DecodeRequest(b.Body)
		require.NoError(t, err, "batch %d", b.Seq)
		assert.Empty(t, api.Validate(req), "batch %d", b.Seq)
		n += len(req.Samples)
	}
	assert.Positive(t, n, "no sample was written")
}
