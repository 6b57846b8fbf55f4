package ordered

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestMapKeepsOrder(t *testing.T) {
	for _, workers := range []int{0, 1, 2, 3, 8} {
		var got []int
		Map(nil, 200, workers, 4*max(workers, 1),
			func(i int, _ <-chan struct{}) int {
				if i%7 == 0 {
					runtime.Gosched() // later items finish first now and then
				}
				return i * i
			},
			func(int) bool { return false },
			func(i, r int) bool {
				assert.Equal(t, i*i, r)
				got = append(got, i)
				return true
			})
		assert.Len(t, got, 200, "workers=%d", workers)
		for i, v := range got {
			assert.Equal(t, i, v, "workers=%d", workers)
		}
	}
}

// A consumer that stops, or a stop from stopped, ends Map with no worker left running, and
// the window bounds how far the workers ran ahead.
func TestMapStops(t *testing.T) {
	for name, stopAt := range map[string]struct{ deliver, stopped int }{"deliver": {10, -1}, "stopped": {-1, 10}} {
		t.Run(name, func(t *testing.T) {
			var converted atomic.Int64
			delivered := 0
			Map(nil, 1000, 2, 8,
				func(i int, _ <-chan struct{}) int { converted.Add(1); return i },
				func(i int) bool { return i == stopAt.stopped },
				func(i, _ int) bool { delivered++; return i != stopAt.deliver })
			n := converted.Load()
			assert.LessOrEqual(t, n, int64(10+1+8), "the window bounds the work done ahead")
			assert.LessOrEqual(t, delivered, 11)
		})
	}
}

// A cancelled context ends a wait for a result that never comes.
func TestMapCancelWhileWaiting(t *testing.T) {
	ctxDone := make(chan struct{})
	release := make(chan struct{})
	stops := 0
	go func() { time.Sleep(10 * time.Millisecond); close(ctxDone) }()
	Map(ctxDone, 4, 2, 4,
		func(i int, done <-chan struct{}) int {
			if i == 0 {
				select { // item 0 hangs until Map gives up
				case <-release:
				case <-done:
				}
			}
			return i
		},
		func(int) bool {
			select {
			case <-ctxDone:
				stops++
				return true
			default:
				return false
			}
		},
		func(int, int) bool { t.Error("nothing is delivered"); return true })
	close(release)
	assert.Equal(t, 1, stops, "stopped is asked once the context is done")
}

// Every item is converted exactly once, by at most workers goroutines at a time, and no
// more than window items are converted ahead of the consumer.
func TestMapConvertsEachOnce(t *testing.T) {
	const n, workers, window = 500, 3, 6
	var calls [n]atomic.Int32
	var running, most atomic.Int32
	var delivered atomic.Int64
	Map(nil, n, workers, window,
		func(i int, _ <-chan struct{}) int {
			r := running.Add(1)
			for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
			}
			calls[i].Add(1)
			// The consumer gives a token back just before it delivers: one more may be out.
			assert.LessOrEqual(t, int64(i), delivered.Load()+window, "item %d converted past the window", i)
			if i%5 == 0 {
				runtime.Gosched()
			}
			running.Add(-1)
			return i
		},
		func(int) bool { return false },
		func(i, r int) bool { delivered.Add(1); return assert.Equal(t, i, r) })
	for i := range calls {
		assert.Equal(t, int32(1), calls[i].Load(), "item %d", i)
	}
	assert.LessOrEqual(t, most.Load(), int32(workers))
	assert.Equal(t, int64(n), delivered.Load())
}
