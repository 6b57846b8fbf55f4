package conll

import (
	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/pipe"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// The reader's work is split over two goroutines: one reads and splits the lines and builds
// each record's text and entities (run), the stream's own goroutine builds the samples
// (base64 data, names, labels) and hands them and the warnings over, in the order the
// reader gave them. The command's encoder runs on a third: on two cores, none of the three
// is then the whole run's critical path alone.

// recordPipe carries the reader's records, warnings and fatal error to the stream's
// goroutine, in batches (see package pipe).
type recordPipe struct {
	pipe.Pipe[batch]
}

// batch is a run of events and the texts, entities and warnings they refer to. Its events
// hold no pointers (the garbage collector does not scan them) and are small: a batch of
// 1,024 records is a few dozen kilobytes, not the 200 KB of a batch of full events.
type batch struct {
	events []event
	text   []byte
	ents   []entity
	warns  []importers.Warning // the warnings' events index these
	owns   [][]byte            // and the records' texts handed over whole
	encs   []textenc.Encoding  // and the records' encodings (one, or a few)
	err    error               // the fatal error, last
}

// event is a warning (kind evWarn: warns[from]), the fatal error (evFail), or a record to
// build (evRecord): its text is text[from:to] of the batch, or owns[from] when own is set,
// its entities ents[entFrom:entTo], its encoding encs[enc].
type event struct {
	firstLine, lastLine, number int
	from, to, entFrom, entTo    int32
	kind                        uint8
	own                         bool
	enc                         uint8
}

const (
	evWarn = iota
	evFail
	evRecord
)

// A batch is handed over when it holds pipeEvents events or pipeText bytes of text; a
// record's text of pipeOwn bytes or more is handed over as it is, not copied.
const (
	pipeEvents = 1024
	pipeText   = 256 << 10
	pipeOwn    = 256 << 10
)

func newRecordPipe() *recordPipe {
	return &recordPipe{pipe.Pipe[batch]{Reset: (*batch).reset}}
}

// warn queues a warning.
func (p *recordPipe) warn(w importers.Warning) {
	b := p.Batch()
	b.events = append(b.events, event{kind: evWarn, from: int32(len(b.warns))})
	b.warns = append(b.warns, w)
	if len(b.events) >= pipeEvents {
		p.Flush()
	}
}

// fail queues the fatal error that ends the stream.
func (p *recordPipe) fail(err error) {
	b := p.Batch()
	b.events = append(b.events, event{kind: evFail})
	b.err = err
	p.Flush()
}

// record queues the reader's finished record, and says whether to go on.
func (p *recordPipe) record(r *reader) bool {
	rec := &r.rec
	b := p.Batch()
	if enc := r.dec.Encoding(); len(b.encs) == 0 || b.encs[len(b.encs)-1] != enc {
		if len(b.encs) == 1<<8 { // never so far: the encoding is decided once or twice
			p.Flush()
			b = p.Batch()
		}
		b.encs = append(b.encs, enc)
	}
	ev := event{kind: evRecord, firstLine: rec.firstLine, lastLine: rec.lastLine, number: r.number,
		entFrom: int32(len(b.ents)), entTo: int32(len(b.ents) + len(rec.ents)), enc: uint8(len(b.encs) - 1)}
	if len(rec.text) >= pipeOwn {
		ev.own, ev.from = true, int32(len(b.owns))
		b.owns = append(b.owns, rec.text)
		rec.text = nil // the next record's text grows anew
	} else {
		ev.from = int32(len(b.text))
		b.text = append(b.text, rec.text...)
		ev.to = int32(len(b.text))
	}
	b.ents = append(b.ents, rec.ents...)
	b.events = append(b.events, ev)
	if len(b.events) >= pipeEvents || len(b.text) >= pipeText || ev.own {
		p.Flush()
	}
	return !p.Halted()
}

// reset empties a batch whose records are built, for the reader to fill again.
func (b *batch) reset() {
	clear(b.warns) // let the warnings and the owned texts go
	clear(b.owns)
	b.events, b.text, b.ents, b.warns, b.owns, b.encs, b.err = b.events[:0], b.text[:0], b.ents[:0], b.warns[:0], b.owns[:0], b.encs[:0], nil
}

// readPiped runs the reader on a goroutine of its own and builds and yields its samples (and
// gives its warnings) on this one, in order. It returns once that goroutine has ended.
func (r *reader) readPiped(yield func(*api.Sample, error) bool) {
	p := newRecordPipe()
	warn := r.opts.Warn
	r.opts.Warn = p.warn
	r.pipe = p
	bld := &r.bld // the stream goroutine's alone from here on
	take := func(b *batch) bool {
		for i := range b.events {
			ev := &b.events[i]
			switch ev.kind {
			case evFail:
				yield(nil, b.err)
				return false
			case evRecord:
				// The reader checks the context too, but it may be a few batches ahead.
				if err := r.ctx.Err(); err != nil {
					yield(nil, r.fatal(ev.firstLine, err))
					return false
				}
				var text []byte
				if ev.own {
					text = b.owns[ev.from]
				} else {
					text = b.text[ev.from:ev.to]
				}
				s, reason := bld.sample(text, b.ents[ev.entFrom:ev.entTo], ev.firstLine, ev.number, b.encs[ev.enc])
				if reason != "" {
					warn.Warn(rejected(r.file, ev.firstLine, reason, r.doc, ev.number, ev.firstLine, ev.lastLine))
				} else if !yield(s, nil) {
					return false
				}
			default:
				warn.Warn(b.warns[ev.from])
			}
		}
		return true
	}
	// However this returns (yield false, an error, a panic in yield), the reader's goroutine
	// has been told to stop and has ended: it must not read the input once the caller closes it.
	p.Run(nil, func() {
		r.run(func(_ *api.Sample, err error) bool { // run yields nothing but a fatal error
			p.fail(err)
			return false
		})
	}, take)
}
