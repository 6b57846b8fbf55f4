// Package ordered converts a list of items on several goroutines and hands the results over
// in the items' order, so that an importer's output never depends on its number of workers.
// VOC (one XML file an item) and YOLO (one image an item) share it.
package ordered

import "sync"

// Map calls convert(i, done) for every i in [0, n) on up to workers goroutines and
// deliver(i, r) on the calling goroutine, in index order. At most window results are in
// flight: item i+window is handed out only after result i was delivered. stopped(i) is asked
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
	// Ring slot i%window is always free when a worker fills it: the dispatcher hands out
	// item i+window only after the consumer has taken result i (a token).
	ring := make([]chan R, window)
	for i := range ring {
		ring[i] = make(chan R, 1)
	}
	tokens := make(chan struct{}, window)
	todo := make(chan int)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // dispatcher
		defer close(todo)
		for i := range n {
			select {
			case tokens <- struct{}{}:
			case <-done:
				return
			}
			select {
			case todo <- i:
			case <-done:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			for i := range todo {
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
