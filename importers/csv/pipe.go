package csv

import (
	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/pipe"
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

// rowPipe carries the scanner's rows, warnings and fatal error to the stream's goroutine, in
// batches (see package pipe).
type rowPipe struct {
	pipe.Pipe[batch]
}

// batch is a run of events.
type batch struct {
	events []event
	size   int // the bytes of sample data it holds
}

// event is a warning or the fatal error that ends the stream (note), or a row: its sample's
// data (see texts), API encoding and labels, and the line it starts on. It is 64 bytes with
// three pointers (a warning and an error of their own, and the encoding's string, made it 88
// with six): the scanner writes one a row and the stream's goroutine reads it from the
// other core, and while the collector runs each pointer written or cleared costs a write
// barrier.
type event struct {
	data   string
	labels []api.SampleLabel
	note   *note // a warning or the fatal error; nil for a row
	line   int
	enc    apiEncoding
}

// note is a warning, or (err set) the fatal error that ends the stream.
type note struct {
	warn importers.Warning
	err  error
}

// apiEncoding is a row's API encoding (api.EncodingUTF8, GBK or GB2312) as a number.
type apiEncoding uint8

var apiEncodings = [...]string{api.EncodingUTF8, api.EncodingGBK, api.EncodingGB2312}

func encodingOf(enc string) apiEncoding {
	switch enc {
	case api.EncodingUTF8:
		return 0
	case api.EncodingGBK:
		return 1
	case api.EncodingGB2312:
		return 2
	}
	panic("csv: a row's API encoding is " + enc) // texts.data gives only these three
}

func (e apiEncoding) String() string { return apiEncodings[e] }

// A batch is handed over when it holds pipeEvents events or pipeText bytes of sample data.
// Files shorter than pipeMin are not handed over (see readRows). (Variables for tests, which
// hold tiny batches and both ways to the same results.)
var (
	pipeEvents = 1024
	pipeText   = 256 << 10
	pipeMin    = 64 << 10
)

func newRowPipe() *rowPipe {
	return &rowPipe{pipe.Pipe[batch]{Reset: (*batch).reset}}
}

// warn queues a warning.
func (p *rowPipe) warn(w importers.Warning) {
	b := p.Batch()
	b.events = append(b.events, event{note: &note{warn: w}})
	if len(b.events) >= pipeEvents {
		p.Flush()
	}
}

// fail queues the fatal error that ends the stream.
func (p *rowPipe) fail(err error) {
	b := p.Batch()
	b.events = append(b.events, event{note: &note{err: err}})
	p.Flush()
}

// row queues a row's sample data, API encoding and labels, and the line it starts on.
func (p *rowPipe) row(data, enc string, labels []api.SampleLabel, line int) {
	b := p.Batch()
	b.events = append(b.events, event{data: data, labels: labels, line: line, enc: encodingOf(enc)})
	b.size += len(data)
	if len(b.events) >= pipeEvents || b.size >= pipeText {
		p.Flush()
	}
}

// reset empties a batch whose rows are built, for the scanner to fill again.
func (b *batch) reset() {
	clear(b.events) // let the warnings, the data and the labels go
	b.events, b.size = b.events[:0], 0
}
