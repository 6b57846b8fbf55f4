// Package importertest is the conformance harness every importer's tests run (in the manner
// of gocloud.dev's drivertest): it checks that a cancelled context stops the stream, that
// breaking out early is safe, that errors and warnings carry positions, that every yielded
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

// Run runs the conformance checks on an input that yields at least one sample.
func Run(t *testing.T, open Opener) {
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
		if last != nil {
			assert.ErrorIs(t, last, context.Canceled)
		}
		// A parallel importer may have a few finished samples in flight; it must not go on
		// converting the rest.
		assert.LessOrEqual(t, after, 64, "the stream went on after its context was cancelled")
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
