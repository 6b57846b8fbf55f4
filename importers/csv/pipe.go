package csv

import (
	"github.com/modelarts-convert/convert/importers"
)

// The importer's work on a file of rows is split over two goroutines, much as the conll
// importer's is: one reads the file, decodes it (the UTF-8 check, GBK), splits its rows and
// makes each text into its sample's data (base64, in blocks of strings it hands over with the
// rows: scanRows), the stream's own goroutine builds the samples (origins, names, labels) and
// hands them and the warnings over in the order the scanner gave them. The command's encoder
// runs on a third: on two cores none of them is then the whole run's critical path alone
// (before, the stream's goroutine did all the importer's work, about half of the command's
// CPU, and the encoder waited on it).

// pipe carries the scanner's rows, warnings and fatal error to the stream's goroutine, in
// batches: no synchronisation per row, and at most a few batches in flight.
type pipe struct {
	full   chan *batch   // batches for the stream's goroutine
	free   chan *batch   // batches back from it, to fill again
	done   chan struct{} // closed when the stream stops taking batches
	cur    *batch
	halted bool // done was closed: the scanner stops
}

// batch is a run of events and the label fields of its rows.
type batch struct {
	events []event
	text   []byte
	size   int // the bytes of data and label fields it holds
}

// event is a warning, the fatal error that ends the stream, or (neither set) a row: its
// sample's data (see texts) and API encoding, and its label field, own or else the batch's
// text[from:to].
type event struct {
	warn      *importers.Warning
	err       error
	data, enc string
	own       []byte
	line      int
	from, to  int
}

// A batch is handed over when it holds pipeEvents events or pipeText bytes of data and
// label fields; a label field of pipeOwn bytes or more is copied on its own, not into the
// batch (whose buffer is reused).
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

// row queues a row's sample data and label field (copied: it is the scanner's buffer) and
// the line it starts on.
func (p *pipe) row(data, enc string, label []byte, line int) {
	b := p.cur
	ev := event{data: data, enc: enc, line: line}
	if len(label) >= pipeOwn {
		ev.own = append([]byte(nil), label...)
	} else {
		ev.from = len(b.text)
		b.text = append(b.text, label...)
		ev.to = len(b.text)
	}
	b.events = append(b.events, ev)
	b.size += len(data) + len(label)
	if len(b.events) >= pipeEvents || b.size >= pipeText || ev.own != nil {
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
	clear(b.events) // let the warnings, the data and the owned label fields go
	b.events, b.text, b.size = b.events[:0], b.text[:0], 0
	select {
	case p.free <- b:
	default:
	}
}
