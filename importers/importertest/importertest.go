// Package importertest is the conformance harness every importer's tests run (in the manner
// of gocloud.dev's drivertest): it checks that a cancelled context stops the stream (before
// it starts, and midway through an input of CancelRecords records the importer's test makes),
// that breaking out early is safe, that errors and warnings carry positions, that every yielded
// sample passes api.ValidateSample, and that two runs give the same samples.
package importertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// Opener starts one read of the importer's test input. Each call must return a fresh stream.
type Opener func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error]

// Sized makes an input of n records, each of which becomes a sample, and returns its opener:
// the harness asks for a large one to see that cancelling midway stops the stream well before
// its end.
type Sized func(t testing.TB, n int) Opener

// CancelRecords is the size of the input the cancel-midway check asks a Sized for, and
// CancelSlack how many samples the stream may still yield after the cancel (a parallel
// importer's finished samples in flight): a stream that checks its context nowhere yields
// all the others.
const (
	CancelRecords = 1000
	CancelSlack   = CancelRecords / 10
)

// Result is what one full read produced.
type Result struct {
	Samples  []*api.Sample
	Warnings []importers.Warning
	Err      error
}

// Read drains one stream, recording warnings. It fails the test on a (nil, nil) yield or on
// anything yielded after an error.
func Read(t testing.TB, ctx context.Context, open Opener) Result {
	t.Helper()
	var r Result
	for s, err := range open(ctx, func(w importers.Warning) { r.Warnings = append(r.Warnings, w) }) {
		require.Nil(t, r.Err, "the stream yielded again after the error %v", r.Err)
		if err != nil {
			require.Nil(t, s, "a stream yields (nil, err) on error")
			r.Err = err
			continue
		}
		require.NotNil(t, s, "a stream never yields (nil, nil)")
		r.Samples = append(r.Samples, s)
	}
	return r
}

// Run runs the conformance checks on an input that yields at least one sample (open) and on
// one of CancelRecords records (sized). A nil sized says that the importer, in the mode open
// reads, makes one sample per stream (CSV's whole-file mode): there is then no midway to
// cancel at, and that check is skipped, by name.
func Run(t *testing.T, open Opener, sized Sized) {
	t.Helper()
	t.Run("conformance/valid-samples-and-positions", func(t *testing.T) {
		r := Read(t, context.Background(), open)
		require.NotEmpty(t, r.Samples, "the harness needs an input that yields samples")
		for i, s := range r.Samples {
			vs := api.ValidateSample(fmt.Sprintf("samples[%d]", i), s)
			assert.Empty(t, vs, "sample %d (%q) fails validation", i, s.Name)
		}
		for _, w := range r.Warnings {
			assert.NotEmpty(t, w.Pos.File, "warning without a file: %v", w)
			assert.NotEmpty(t, w.Reason, "warning without a reason: %v", w)
		}
		if r.Err != nil {
			var ie *importers.Error
			if assert.True(t, errors.As(r.Err, &ie), "a fatal error is an *importers.Error: %v", r.Err) {
				assert.NotEmpty(t, ie.Pos.File, "fatal error without a file: %v", r.Err)
			}
		}
	})
	t.Run("conformance/deterministic", func(t *testing.T) {
		a := Read(t, context.Background(), open)
		b := Read(t, context.Background(), open)
		require.Equal(t, string(Transcript(a)), string(Transcript(b)), "two reads of the same input differ")
	})
	t.Run("conformance/cancelled-context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := Read(t, ctx, open)
		assert.Empty(t, r.Samples, "a stream with a cancelled context yielded samples")
		require.Error(t, r.Err, "a stream with a cancelled context must end with an error")
		assert.ErrorIs(t, r.Err, context.Canceled)
	})
	t.Run("conformance/cancel-midway", func(t *testing.T) {
		if sized == nil {
			t.Skip("one sample per stream: no midway to cancel at")
		}
		CancelMidway(t, sized)
	})
	t.Run("conformance/break-early", func(t *testing.T) {
		before := runtime.NumGoroutine()
		for s, err := range open(context.Background(), nil) {
			_, _ = s, err
			break
		}
		// Workers an importer started must wind down once the consumer stops.
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		assert.LessOrEqual(t, runtime.NumGoroutine(), before, "goroutines left running after breaking out of the stream")
	})
}

// Transcript renders a read as text for golden files: the samples as an indented request
// body, then one line per warning, then the error.
func Transcript(r Result) []byte {
	var b bytes.Buffer
	req := api.Request{Samples: make([]api.Sample, len(r.Samples))}
	for i, s := range r.Samples {
		req.Samples[i] = *s
	}
	out, err := json.MarshalIndent(req, "", "  ")
	if err != nil {
		fmt.Fprintf(&b, "marshal error: %v\n", err)
	}
	b.Write(out)
	b.WriteByte('\n')
	for _, w := range r.Warnings {
		fmt.Fprintln(&b, w.String())
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "error: %v\n", r.Err)
	}
	return b.Bytes()
}

// CancelMidway reads an input of CancelRecords records from sized, cancels the context once
// the first sample is in, and requires the stream to end with context.Canceled after at most
// CancelSlack more samples. It first reads the whole input, to make sure that it is as large
// as asked (else the check would prove nothing).
func CancelMidway(t *testing.T, sized Sized) {
	t.Helper()
	require.NotNil(t, sized, "the harness needs a Sized input to check cancelling midway")
	open := sized(t, CancelRecords)
	full := Read(t, context.Background(), open)
	require.NoError(t, full.Err)
	require.Len(t, full.Samples, CancelRecords, "the Sized input must make one sample per record")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, after := 0, 0
	var last error
	for s, err := range open(ctx, nil) {
		if err != nil {
			last = err
			continue
		}
		_ = s
		n++
		if n == 1 {
			cancel()
		} else {
			after++
		}
	}
	require.Error(t, last, "the stream ran to its end (%d samples) after its context was cancelled at the first", n)
	require.ErrorIs(t, last, context.Canceled)
	var ie *importers.Error
	require.True(t, errors.As(last, &ie), "the cancel is an *importers.Error with a position: %v", last)
	assert.LessOrEqual(t, after, CancelSlack, "the stream went on for %d of %d samples after its context was cancelled", after, CancelRecords-1)
}
