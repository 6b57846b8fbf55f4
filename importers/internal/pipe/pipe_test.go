package pipe

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testBatch is a batch as the importers' are: events, one of which may be the error that
// ends the stream.
type testBatch struct {
	events []testEvent
}

type testEvent struct {
	n   int
	err error
}

func (b *testBatch) reset() {
	clear(b.events)
	b.events = b.events[:0]
}

// producer queues events 0..n-1 in batches of up to size events, and then err (if set) as
// the last event; it stops when the pipe halts, and checks ctx before each event (its error
// is queued as the last event, as an importer's reader does). panicAt >= 0 panics after
// queueing that many events. ended is closed when it returns or panics.
type producer struct {
	p       *Pipe[testBatch]
	ctx     context.Context
	n, size int
	err     error
	panicAt int
	ended   chan struct{}
	queued  int
}

func (pr *producer) run() {
	defer close(pr.ended)
	queue := func(ev testEvent) {
		b := pr.p.Batch()
		b.events = append(b.events, ev)
		pr.queued++
		if len(b.events) >= pr.size || ev.err != nil {
			pr.p.Flush()
		}
	}
	for i := 0; i < pr.n && !pr.p.Halted(); i++ {
		if i == pr.panicAt {
			panic(fmt.Sprintf("producer at %d", i))
		}
		if err := pr.ctx.Err(); err != nil {
			queue(testEvent{err: fmt.Errorf("event %d: %w", i, err)})
			return
		}
		queue(testEvent{n: i})
	}
	if pr.err != nil {
		queue(testEvent{err: pr.err})
	}
}

// consumer takes events until stopAt of them were taken (an error counts), or the stream
// ends; cancel, when set, is called once cancelAt events were taken; panicAt panics there.
type consumer struct {
	got      []int
	err      error
	stopAt   int
	cancelAt int
	cancel   func()
	panicAt  int
	batches  int
}

func (c *consumer) take(b *testBatch) bool {
	c.batches++
	for _, ev := range b.events {
		taken := len(c.got) + 1
		if ev.err != nil {
			c.err = ev.err
			return false
		}
		c.got = append(c.got, ev.n)
		if taken == c.cancelAt && c.cancel != nil {
			c.cancel()
		}
		if taken == c.panicAt {
			panic("consumer")
		}
		if taken == c.stopAt {
			return false
		}
	}
	return true
}

// noGoroutineLeft waits until no more goroutines run than before (one that has closed its
// channel may take a moment to be counted out), and fails if that never comes.
func noGoroutineLeft(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // a bound for a broken pipe, not a timing
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "a goroutine of the pipe is left running")
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

var errEnd = errors.New("the end")

// TestPipe: events in order, however they are batched, on a goroutine of their own or on
// the caller's; the consumer stopping early; an error after the events before it; a
// cancelled context. Whatever happens, Run returns with the producer ended and no goroutine
// left.
func TestPipe(t *testing.T) {
	tests := []struct {
		name             string
		n, size          int
		err              error
		stopAt, cancelAt int // the consumer stops, or cancels the context, at that event
		want             []int
		wantErr          string
	}{
		{name: "nothing", n: 0, size: 4, want: []int{}},
		{name: "one batch", n: 3, size: 4, want: seq(3)},
		{name: "an event a batch", n: 100, size: 1, want: seq(100)},
		{name: "many batches", n: 10_000, size: 7, want: seq(10_000)},
		{name: "exactly full batches", n: 64, size: 16, want: seq(64)},
		{name: "error after the events", n: 1000, size: 16, err: errEnd, want: seq(1000), wantErr: "the end"},
		{name: "error alone", n: 0, size: 16, err: errEnd, want: []int{}, wantErr: "the end"},
		{name: "consumer stops at once", n: 100_000, size: 8, stopAt: 1, want: seq(1)},
		{name: "consumer stops mid-batch", n: 100_000, size: 8, stopAt: 1001, want: seq(1001)},
		{name: "consumer stops at the last", n: 50, size: 8, stopAt: 50, want: seq(50)},
		{name: "context cancelled", n: 100_000, size: 8, cancelAt: 500, wantErr: "context canceled"},
	}
	for _, tt := range tests {
		for _, here := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/here=%v", tt.name, here), func(t *testing.T) {
				before := runtime.NumGoroutine()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				p := &Pipe[testBatch]{Reset: (*testBatch).reset}
				pr := &producer{p: p, ctx: ctx, n: tt.n, size: tt.size, err: tt.err, panicAt: -1, ended: make(chan struct{})}
				c := &consumer{stopAt: tt.stopAt, cancelAt: tt.cancelAt, cancel: cancel}
				if here {
					p.RunHere(nil, pr.run, c.take)
				} else {
					p.Run(nil, pr.run, c.take)
				}
				select {
				case <-pr.ended:
				default:
					t.Fatal("Run returned before the producer did")
				}
				noGoroutineLeft(t, before)
				if tt.want != nil {
					assert.Equal(t, tt.want, append([]int{}, c.got...), "the events taken, in order")
				} else {
					// Cancelled: every event up to the cancel, and the producer stopped soon
					// after (it may be a few batches ahead).
					require.GreaterOrEqual(t, len(c.got), tt.cancelAt)
					assert.Equal(t, seq(len(c.got)), c.got)
					assert.Less(t, len(c.got), tt.n)
				}
				if tt.wantErr != "" {
					require.Error(t, c.err)
					assert.Contains(t, c.err.Error(), tt.wantErr)
				} else {
					assert.NoError(t, c.err)
				}
				if tt.stopAt > 0 && !here {
					// The producer was told to stop: it ran at most a few batches ahead.
					assert.Less(t, pr.queued, tt.stopAt+8*tt.size, "events queued after the consumer stopped")
				}
			})
		}
	}
}

// TestPipeRecyclesBatches: batches the consumer has taken are emptied with Reset and filled
// again, so a long stream does not allocate a batch per hand-over.
func TestPipeRecyclesBatches(t *testing.T) {
	p := &Pipe[testBatch]{}
	resets := 0
	p.Reset = func(b *testBatch) { resets++; b.reset() }
	seen := map[*testBatch]bool{}
	pr := &producer{p: p, ctx: context.Background(), n: 10_000, size: 10, panicAt: -1, ended: make(chan struct{})}
	empty := 0
	p.Run(nil, pr.run, func(b *testBatch) bool {
		require.Zero(t, empty, "only the last batch may be empty (the one Run flushes when produce returns)")
		if len(b.events) == 0 {
			empty++
		}
		seen[b] = true
		return true
	})
	assert.GreaterOrEqual(t, resets, 1000)
	assert.LessOrEqual(t, len(seen), 8, "batches in use")
}

// TestPipeProducerPanics: a panic on the producer's goroutine is raised again on the
// consumer's as a *PanicError (the value, and the producer's stack), after the batches
// flushed before it, and with no goroutine left; on the caller's goroutine alone it goes on
// as it is.
func TestPipeProducerPanics(t *testing.T) {
	for _, panicAt := range []int{0, 5, 1000} {
		t.Run(fmt.Sprint(panicAt), func(t *testing.T) {
			before := runtime.NumGoroutine()
			p := &Pipe[testBatch]{Reset: (*testBatch).reset}
			pr := &producer{p: p, ctx: context.Background(), n: 100_000, size: 10, panicAt: panicAt, ended: make(chan struct{})}
			c := &consumer{}
			var recovered any
			func() {
				defer func() { recovered = recover() }()
				p.Run(nil, pr.run, c.take)
			}()
			noGoroutineLeft(t, before)
			pe, ok := recovered.(*PanicError)
			require.True(t, ok, "recovered %#v", recovered)
			assert.Equal(t, fmt.Sprintf("producer at %d", panicAt), pe.Value)
			assert.Contains(t, string(pe.Stack), "(*producer).run", "the producer's stack")
			assert.Contains(t, pe.Error(), "producer at")
			// The batches flushed before the panic were taken; the one being filled was not.
			assert.Equal(t, seq(panicAt/10*10), append([]int{}, c.got...))
		})
	}
	// A producer that panics after the consumer stopped: Run raises it once the producer
	// has ended.
	t.Run("after the consumer stopped", func(t *testing.T) {
		before := runtime.NumGoroutine()
		p := &Pipe[testBatch]{Reset: (*testBatch).reset}
		produce := func() {
			for !p.Halted() {
				b := p.Batch()
				b.events = append(b.events, testEvent{})
				p.Flush()
			}
			panic("after the halt")
		}
		var recovered any
		func() {
			defer func() { recovered = recover() }()
			p.Run(nil, produce, func(*testBatch) bool { return false })
		}()
		noGoroutineLeft(t, before)
		pe, ok := recovered.(*PanicError)
		require.True(t, ok, "recovered %#v", recovered)
		assert.Equal(t, "after the halt", pe.Value)
	})
	// On the caller's goroutine alone, the value goes on as it is, after the batches before it.
	p := &Pipe[testBatch]{Reset: (*testBatch).reset}
	pr := &producer{p: p, ctx: context.Background(), n: 100, size: 10, panicAt: 55, ended: make(chan struct{})}
	c := &consumer{}
	require.PanicsWithValue(t, "producer at 55", func() { p.RunHere(nil, pr.run, c.take) })
	assert.Equal(t, seq(50), c.got)
}

// TestPipeConsumerPanics: a panic in take goes on as it is, once the producer has stopped.
func TestPipeConsumerPanics(t *testing.T) {
	before := runtime.NumGoroutine()
	p := &Pipe[testBatch]{Reset: (*testBatch).reset}
	pr := &producer{p: p, ctx: context.Background(), n: 1_000_000, size: 10, panicAt: -1, ended: make(chan struct{})}
	c := &consumer{panicAt: 25}
	require.PanicsWithValue(t, "consumer", func() { p.Run(nil, pr.run, c.take) })
	select {
	case <-pr.ended:
	default:
		t.Fatal("the panic went on before the producer ended")
	}
	noGoroutineLeft(t, before)
	assert.Less(t, pr.queued, 1_000_000)
}

// TestPanicErrorUnwrap: an error the producer panicked with is reachable with errors.Is.
func TestPanicErrorUnwrap(t *testing.T) {
	pe := &PanicError{Value: errEnd, Stack: []byte("stack")}
	assert.ErrorIs(t, pe, errEnd)
	assert.True(t, strings.HasSuffix(pe.Error(), "stack"))
	assert.NoError(t, (&PanicError{Value: 1}).Unwrap())
}

// TestRunTwice: a pipe is used once.
func TestRunTwice(t *testing.T) {
	p := &Pipe[testBatch]{Reset: (*testBatch).reset}
	p.RunHere(nil, func() {}, func(*testBatch) bool { return true })
	assert.Panics(t, func() { p.RunHere(nil, func() {}, func(*testBatch) bool { return true }) })
	assert.Panics(t, func() { (&Pipe[testBatch]{}).Run(nil, func() {}, func(*testBatch) bool { return true }) })
}
