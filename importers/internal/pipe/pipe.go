// Package pipe runs an importer's reader (the producer) on a goroutine of its own and hands
// what it reads over to the stream's goroutine (the consumer) in batches, in order: no
// synchronisation per record, and at most a few batches in flight. The CSV and CoNLL
// importers share it; each has its own batch type (what a record is, and what the batch
// holds beside its events) and the methods that fill it.
//
// The producer appends to Batch and calls Flush when the batch is full (and once at its
// end, which Run does for it); it stops when Halted says the consumer has stopped. A fatal
// error is an event like any other, queued after the events before it, so the consumer
// meets it in order. However Run returns (the producer ended, the consumer stopped, the
// consumer panicked), the producer has ended by then: it never reads an input its caller
// closes once the stream returns.
package pipe

import (
	"fmt"
	"runtime/debug"
)

// Pipe carries batches of type B from a producer to a consumer. Set Reset, then call Run or
// RunHere once.
type Pipe[B any] struct {
	// Reset empties a batch the consumer has taken, for the producer to fill again (it
	// should let go of what the batch refers to).
	Reset func(*B)

	cur    *B
	full   chan *B       // batches for the consumer
	free   chan *B       // batches back from it, to fill again
	done   chan struct{} // closed when the consumer stops taking batches
	take   func(*B) bool // with RunHere: the consumer, called by Flush
	halted bool          // the consumer stopped: the producer stops

	panicked *PanicError // the producer's panic, set before full is closed
}

// Batch returns the batch being filled. It changes at each Flush.
func (p *Pipe[B]) Batch() *B { return p.cur }

// Halted says whether the consumer has stopped taking batches: the producer should stop.
func (p *Pipe[B]) Halted() bool { return p.halted }

// Flush hands the batch being filled over to the consumer (unless the consumer has
// stopped), and starts another. It does not look into the batch: the producer calls it when
// the batch is full or holds the error that ends the stream (the flush Run makes when
// produce returns may hand over an empty batch).
func (p *Pipe[B]) Flush() {
	if p.halted {
		return
	}
	if p.take != nil {
		p.halted = !p.take(p.cur)
		p.Reset(p.cur)
		return
	}
	select {
	case p.full <- p.cur:
	case <-p.done:
		p.halted = true
		return
	}
	select {
	case p.cur = <-p.free:
	default:
		p.cur = new(B)
	}
}

// Run calls produce on a goroutine of its own, then Flush, and take on the calling goroutine
// for each batch flushed, in order, until produce has returned and its batches are taken, or
// take returns false. first is the batch filled first (nil: a new one).
//
// Run returns once the producer's goroutine has ended. A panic in produce is raised again on
// the calling goroutine, as a *PanicError that holds the producer's stack, once the batches
// flushed before it are taken (the batch it was filling is dropped); a panic in take goes on
// as it is, once the producer has stopped.
func (p *Pipe[B]) Run(first *B, produce func(), take func(*B) bool) {
	p.start(first)
	p.full, p.free, p.done = make(chan *B, 1), make(chan *B, 3), make(chan struct{})
	go p.produce(produce)
	consumerPanicked := true
	defer func() {
		close(p.done)
		for range p.full {
		}
		if p.panicked != nil && !consumerPanicked {
			panic(p.panicked)
		}
	}()
	for b := range p.full {
		if !take(b) {
			break
		}
		p.Reset(b)
		select {
		case p.free <- b:
		default:
		}
	}
	consumerPanicked = false
}

// RunHere is Run on the calling goroutine alone, for an input too short to be worth a
// goroutine: produce runs here, and each Flush calls take. A panic goes on as it is.
func (p *Pipe[B]) RunHere(first *B, produce func(), take func(*B) bool) {
	p.start(first)
	p.take = take
	produce()
	p.Flush()
}

func (p *Pipe[B]) start(first *B) {
	if p.Reset == nil || p.cur != nil {
		panic("pipe: Run without Reset, or a second time")
	}
	if first == nil {
		first = new(B)
	}
	p.cur = first
}

// produce is the producer's goroutine.
func (p *Pipe[B]) produce(produce func()) {
	defer close(p.full)
	defer func() {
		if v := recover(); v != nil {
			p.panicked = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	produce()
	p.Flush()
}

// PanicError is the value Run panics with when its producer panicked: the producer's panic
// value and its goroutine's stack (which the panic raised again on the consumer's goroutine
// would otherwise lose).
type PanicError struct {
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic in an importer's reader goroutine: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value when it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
