// Package pipetest holds the checks that the importers reading through package pipe share in
// their tests.
package pipetest

import (
	"io"
	"iter"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/internal/pipe"
)

// panickyReader gives r's bytes and panics once it has given after of them: a caller's
// reader with a bug.
type panickyReader struct {
	r     io.Reader
	after int
}

func (p *panickyReader) Read(b []byte) (int, error) {
	if p.after <= 0 {
		panic("the caller's reader")
	}
	n, err := p.r.Read(b[:min(len(b), p.after)])
	p.after -= n
	return n, err
}

// ReaderPanics reads input with read through a reader that panics after `after` bytes (past
// what the importer reads before its pipe starts, so that the panic is on the reading
// goroutine) and requires the panic to be raised again on this goroutine as a
// *pipe.PanicError holding the reading goroutine's stack, after at least minSamples samples
// (those before it), and no goroutine of the read to be left.
func ReaderPanics(t testing.TB, read func(io.Reader) iter.Seq2[*api.Sample, error], input io.Reader, after, minSamples int) {
	t.Helper()
	before := runtime.NumGoroutine()
	n := 0
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		for _, err := range read(&panickyReader{r: input, after: after}) {
			require.NoError(t, err)
			n++
		}
	}()
	pe, ok := recovered.(*pipe.PanicError)
	require.True(t, ok, "recovered %#v", recovered)
	require.Equal(t, "the caller's reader", pe.Value)
	require.Contains(t, string(pe.Stack), "panickyReader", "the reading goroutine's stack")
	require.GreaterOrEqual(t, n, minSamples, "the samples before the panic")
	// The reading goroutine has closed its channel when the stream returns; it may take a
	// moment to be counted out.
	for i := 0; runtime.NumGoroutine() > before && i < 1_000_000; i++ {
		runtime.Gosched()
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "a goroutine of the read is left")
}
