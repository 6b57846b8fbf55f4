package csv

import (
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// The importer's work on a file of rows is split over two goroutines, as the conll
// importer's is: one reads the file, decodes it (the UTF-8 check, GBK) and splits its rows
// (scanRows), the stream's own goroutine builds the samples (names, base64 data, labels) and
// hands them and the warnings over in the order the scanner gave them. The command's encoder
// runs on a third: on two cores none of them is then the whole run's critical path alone
// (before, the stream's goroutine did all the importer's work and the encoder waited on it).

// pipe carries the scanner's rows, warnings and fatal error to the stream's goroutine, in
// batches: no synchronisation per row, and at most a few batches in flight.
type pipe struct {
	full   chan *batch   // batches for the stream's goroutine
	free   chan *batch   // batches back from it, to fill again
	done   chan struct{} // closed when the stream stops taking batches
	cur    *batch
	halted bool // done was closed: the scanner stops
}

// batch is a run of events and the texts and label fields of its rows.
type batch struct {
	events []event
	text   []byte
}

// event is a warning, the fatal error that ends the stream, or (neither set) a row: its text
// is buf[from:mid] and its label field buf[mid:to], buf being own or else the batch's text.
type event struct {
	warn          *importers.Warning
	err           error
	own           []byte
	line          int
	from, mid, to int
	enc           textenc.Encoding // the decoder's Encoding when the row was read
}

// A batch is handed over when it holds pipeEvents events or pipeText bytes of text; a row of
// pipeOwn bytes or more is copied on its own, not into the batch (whose buffer is reused).
// (Variables for tests, which hold tiny batches to the same results.)
var (
	pipeEvents = 1024
	pipeText   = 256 << 10
	pipeOwn    = 64 << 10
)

func newPipe() *pipe {
	return &pipe{full: make(chan *batch, 1), free: make(chan *batch, 3), done: make(chan struct{}), cur: &batch{}}
}

// warn queues a warning.
func (p *pipe) warn(w importers.Warning) {
	p.cur.events = append(p.cur.events, event{warn: &w})
	if len(p.cur.events) >= pipeEvents {
		p.flush()
	}
}

// fail queues the fatal error that ends the stream.
func (p *pipe) fail(err error) {
	p.cur.events = append(p.cur.events, event{err: err})
	p.flush()
}

// row queues a row's text and label field (copied: they are the scanner's buffer) and the
// line it starts on.
func (p *pipe) row(text, label []byte, line int, enc textenc.Encoding) {
	b := p.cur
	ev := event{line: line, enc: enc}
	if len(text)+len(label) >= pipeOwn {
		ev.own = make([]byte, 0, len(text)+len(label))
		ev.own = append(append(ev.own, text...), label...)
		ev.mid, ev.to = len(text), len(ev.own)
	} else {
		ev.from = len(b.text)
		b.text = append(b.text, text...)
		ev.mid = len(b.text)
		b.text = append(b.text, label...)
		ev.to = len(b.text)
	}
	b.events = append(b.events, ev)
	if len(b.events) >= pipeEvents || len(b.text) >= pipeText || ev.own != nil {
		p.flush()
	}
}

// flush hands the batch over (unless it is empty or the stream stopped).
func (p *pipe) flush() {
	if p.halted || len(p.cur.events) == 0 {
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
		p.cur = &batch{}
	}
}

// recycle gives a batch whose rows are built back to the scanner.
func (p *pipe) recycle(b *batch) {
	clear(b.events) // let the warnings and the owned texts go
	b.events, b.text = b.events[:0], b.text[:0]
	select {
	case p.free <- b:
	default:
	}
}
