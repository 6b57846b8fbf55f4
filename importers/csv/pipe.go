package csv

import (
	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// The importer's work on a file of rows is split over two goroutines, much as the conll
// importer's is: one reads the file, decodes it (the UTF-8 check, GBK), splits its rows and
// makes each text into its sample's data (base64, in blocks of strings it hands over with the
// rows) and each label field into labels (scanRows), the stream's own goroutine builds the
// samples (origins, names) and
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
	// sink, when set, takes each batch on the scanner's goroutine instead (a short file,
	// read on the stream's goroutine alone) and says whether to go on.
	sink func(*batch) bool
}

// batch is a run of events.
type batch struct {
	events []event
	size   int // the bytes of sample data it holds
}

// event is a warning, the fatal error that ends the stream, or (neither set) a row: its
// sample's data (see texts), API encoding and labels, and the line it starts on.
type event struct {
	warn      *importers.Warning
	err       error
	data, enc string
	labels    []api.SampleLabel
	line      int
}

// A batch is handed over when it holds pipeEvents events or pipeText bytes of sample data.
// Files shorter than pipeMin are not handed over (see readRows). (Variables for tests, which
// hold tiny batches and both ways to the same results.)
var (
	pipeEvents = 1024
	pipeText   = 256 << 10
	pipeMin    = 64 << 10
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

// row queues a row's sample data, API encoding and labels, and the line it starts on.
func (p *pipe) row(data, enc string, labels []api.SampleLabel, line int) {
	b := p.cur
	b.events = append(b.events, event{data: data, enc: enc, labels: labels, line: line})
	b.size += len(data)
	if len(b.events) >= pipeEvents || b.size >= pipeText {
		p.flush()
	}
}

// flush hands the batch over (unless it is empty or the stream stopped).
func (p *pipe) flush() {
	if p.halted || len(p.cur.events) == 0 {
		return
	}
	if p.sink != nil {
		p.halted = !p.sink(p.cur)
		p.recycle(p.cur)
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
	clear(b.events) // let the warnings, the data and the labels go
	b.events, b.size = b.events[:0], 0
	if p.sink != nil {
		return // b is p.cur
	}
	select {
	case p.free <- b:
	default:
	}
}
