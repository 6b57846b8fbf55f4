package emit

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// sequentialBatches is Batches as one goroutine did it before samples were encoded on a
// second one: the reference the pipelined Batches must equal, batch for batch and rejection
// for rejection.
func sequentialBatches(samples []*api.Sample, opts Options) (bodies []string, rejections []string, events []string) {
	opts = opts.withDefaults()
	prefix, _ := opts.prefix()
	seen := map[string]bool{}
	var body bytes.Buffer
	n := 0
	flush := func() {
		if n > 0 {
			bodies = append(bodies, body.String()+suffix)
			events = append(events, fmt.Sprintf("batch %d", len(bodies)))
		}
		body.Reset()
		n = 0
	}
	rejected := func(r string) {
		rejections = append(rejections, r)
		events = append(events, "rejected "+r)
	}
	for _, s := range samples {
		one, reason := checkAppend(s, nil)
		switch {
		case reason != "":
			rejected(s.Name + ": " + reason)
			continue
		case s.Name != "" && seen[s.Name]:
			rejected(s.Name + ": " + RepeatReason(s.Name))
			continue
		case len(prefix)+len(suffix)+len(one) > opts.MaxBody:
			rejected(s.Name + ": too large")
			continue
		}
		if s.Name != "" {
			seen[s.Name] = true
		}
		if n > 0 && (n >= opts.BatchSize || body.Len()+1+len(one)+len(suffix) > opts.MaxBody) {
			flush()
		}
		if n == 0 {
			body.Write(prefix)
		} else {
			body.WriteByte(',')
		}
		body.Write(one)
		n++
	}
	flush()
	return bodies, rejections, events
}

// pipelineSamples mixes what the pipeline must keep in order: thousands of small samples
// (many chunks), invalid ones, repeated names, samples over a chunk's size (checked on the
// caller's goroutine between chunks) and one over the body limit.
func pipelineSamples() []*api.Sample {
	var out []*api.Sample
	for i := range 3000 {
		s := textSample(i, strings.Repeat("y", i%300))
		switch {
		case i%97 == 0:
			s.Labels[0].Name = "" // invalid: a classification label needs a name
		case i%101 == 0:
			s.Name = fmt.Sprintf("s%04d", i-50) // repeats an earlier name
		case i%499 == 0:
			s.Data = b64(strings.Repeat("z", 1_100_000)) // over chunkBytes
		case i == 1234:
			s.Data = b64(strings.Repeat("w", 3_000_000)) // over MaxBody below
		}
		out = append(out, s)
	}
	return out
}

func TestBatchesPipelineMatchesSequential(t *testing.T) {
	samples := pipelineSamples()
	for _, opts := range []Options{{}, {BatchSize: 7, MaxBody: 2_500_000}, {BatchSize: 1000, MaxBody: 3_000_000}} {
		t.Run(fmt.Sprintf("%d-%d", opts.BatchSize, opts.MaxBody), func(t *testing.T) {
			wantBodies, wantRejections, wantEvents := sequentialBatches(samples, opts)
			var rejections, events []string
			opts.Reject = func(s *api.Sample, reason string) {
				if strings.Contains(reason, "body limit") {
					reason = "too large"
				}
				rejections = append(rejections, s.Name+": "+reason)
				events = append(events, "rejected "+s.Name+": "+reason)
			}
			var bodies []string
			for b, err := range Batches(context.Background(), stream(samples, nil), opts) {
				require.NoError(t, err)
				require.Equal(t, len(bodies)+1, b.Seq)
				bodies = append(bodies, string(b.Body))
				events = append(events, fmt.Sprintf("batch %d", b.Seq))
			}
			require.Equal(t, len(wantBodies), len(bodies))
			for i := range bodies {
				require.Equal(t, wantBodies[i], bodies[i], "body %d", i+1)
			}
			assert.Equal(t, wantRejections, rejections)
			assert.NotEmpty(t, rejections)
			// Rejections and batches come in the order one goroutine would give them.
			assert.Equal(t, wantEvents, events)
		})
	}
}

// A consumer that stops early, and a stream that fails midway, end the encoding goroutine
// and lose nothing that was read before the failure.
func TestBatchesPipelineStopAndError(t *testing.T) {
	samples := many(1000)
	n := 0
	for b, err := range Batches(context.Background(), stream(samples, nil), Options{BatchSize: 10}) {
		require.NoError(t, err)
		n++
		if b.Seq == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)

	boom := fmt.Errorf("boom")
	got := 0
	var last error
	for b, err := range Batches(context.Background(), stream(samples[:777], boom), Options{BatchSize: 100}) {
		if err != nil {
			last = err
			continue
		}
		got += b.Samples
	}
	assert.Equal(t, boom, last)
	assert.Equal(t, 777, got)
}
