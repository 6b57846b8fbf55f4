package soundfolder_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// The fixtures become request bodies that pass what `convert validate` checks: the strict
// decoder (unknown keys, repeated keys) and every rule of the validator.
func TestRequestsValidate(t *testing.T) {
	for _, args := range [][]string{{"testdata/sound"}, {"-obs-prefix", "obs://b/", "testdata/sound"}} {
		samples := open(t, args...)(context.Background(), nil)
		n := 0
		opts := emit.Options{BatchSize: 3, Reject: func(s *api.Sample, reason string) { t.Errorf("%v: %s rejected: %s", args, s.Name, reason) }}
		for b, err := range emit.Batches(context.Background(), samples, opts) {
			require.NoError(t, err)
			req, err := api.DecodeRequest(b.Body)
			require.NoError(t, err, "%v: batch %d", args, b.Seq)
			assert.Empty(t, api.Validate(req), "%v: batch %d", args, b.Seq)
			n += len(req.Samples)
		}
		assert.Positive(t, n, "%v", args)
	}
}
