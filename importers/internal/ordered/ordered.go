// Package ordered converts a list of items on several goroutines and hands the results over
// in the items' order, so that an importer's output never depends on its number of workers.
// VOC (one XML file an item) and YOLO (one image an item) share it.
package ordered

import (
	"sync"
	"sync/atomic"
)

// Map calls convert(i, done) for every i in [0, n) on up to workers goroutines and
// deliver(i, r) on the calling goroutine, in index order. At most window results are in
// flight: item i+window is handed out only once result i is taken to be delivered (so for a
// moment, while deliver runs, window+1 results may be held). stopped(i) is asked
// before each item is delivered (and while waiting for it, when ctxDone is closed): true ends
// Map, as does deliver returning false. The workers are stopped and waited for before Map
// returns; done is closed then, so a convert that waits on something else can give up.
//
// With workers <= 1 the items are converted one by one on the calling goroutine, and convert
// gets a nil done.
func Map[R any](ctxDone <-chan struct{}, n, workers, window int, convert func(i int, done <-chan struct{}) R, stopped func(i int) bool, deliver func(i int, r R) bool) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			if stopped(i) || !deliver(i, convert(i, nil)) {
				return
			}
		}
		return
	}
	// The workers claim items in turn from a shared counter; a worker first takes one of
	// window tokens, which the consumer gives back as it takes each result, so that at most
	// window items are claimed and not yet taken: ring slot i%window is always free when a
	// worker fills it. No dispatcher goroutine stands between them: an item costs a token
	// and a result sent and received, and only a worker or consumer that has to wait parks.
	ring := make([]chan R, window)
	for i := range ring {
		ring[i] = make(chan R, 1)
	}
	tokens := make(chan struct{}, window)
	var next atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case tokens <- struct{}{}:
				case <-done:
					return
				}
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				select {
				case <-done:
					return
				default:
				}
				ring[i%window] <- convert(i, done)
			}
		})
	}
	defer func() {
		close(done)
		wg.Wait()
	}()
	for i := range n {
		if stopped(i) {
			return
		}
		var r R
		select {
		case r = <-ring[i%window]:
		case <-ctxDone:
			stopped(i)
			return
		}
		<-tokens
		if stopped(i) || !deliver(i, r) {
			return
		}
	}
}
