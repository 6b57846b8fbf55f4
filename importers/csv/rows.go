package csv

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"slices"
	"unicode/utf8"
	"unsafe"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/slab"
	"github.com/modelarts-convert/convert/importers/textenc"
	"github.com/modelarts-convert/convert/internal/base64pairs"
)

// ctxEvery is how many records go by between context checks.
const ctxEvery = 32

// maxInterned bounds the table of label names shared between samples (a dataset has at most
// 10,000 labels; past the bound names are simply not shared).
const maxInterned = 1 << 14

// slabSize is how many samples are allocated at once (a sample whose data has an arena block
// of its own is allocated alone: see build).
const slabSize = 128

// arenaSize is the size of the blocks that hold the samples' strings (origin, name and data),
// many samples' strings in one allocation (the first blocks of a file are smaller); a longer
// sample gets a block of its own. A block stays in memory while any sample whose strings it
// holds does.
const arenaSize = 64 << 10

// maxLabelSets bounds the table of label fields already split (a dataset's rows repeat a few
// label sets); past it fields are split as they come, and longer fields (maxLongLabelSet) are
// never kept.
const maxLabelSets = 1 << 12

// mapper turns rows into samples. Its buffers are reused from row to row.
type mapper struct {
	s      *settings
	file   string
	arena  strArena // the samples' origins and names
	text   texts    // the samples' data (sample; the piped reader makes it on the scanner's goroutine)
	labels map[string]string
	cache  [64]string
	split  []string
	// sets holds the labels of each label field seen so far: rows with the same field share
	// one array, capped at its length, so appending to a sample's labels copies them rather
	// than touch another sample's.
	sets labelSets
	// Samples are carved out of slabs.
	samples []api.Sample
}

func newMapper(s *settings, file string) *mapper {
	return &mapper{s: s, file: file, text: texts{keep: s.KeepEncoding}, labels: make(map[string]string),
		sets: labelSets{seed: maphash.MakeSeed()}}
}

// strArena hands out strings written straight into blocks of arenaSize bytes, many samples'
// strings in one allocation (the first blocks of a file are smaller; a longer string gets a
// block of its own): a string is appended to the block's unused tail (room), then taken
// (take), and the bytes of a block that have been taken are never written again, so the
// strings made of them stay as they are while later ones are written (by the same
// goroutine). That is what strings.Builder does; writing base64 and names into the block
// itself saves the copy from a scratch buffer that Builder.Write made of every byte of the
// samples' data (issue 17).
type strArena struct {
	block []byte // block[:len] is taken; the rest is room
}

// room returns the block's unused tail, empty with room for at least n bytes, starting a new
// block when the current one has less. The caller appends at most n bytes to it (more would
// move them to another array, which take would not see).
func (a *strArena) room(n int) []byte {
	if cap(a.block)-len(a.block) < n {
		size := min(2*cap(a.block), arenaSize) // a short file takes little
		a.block = make([]byte, 0, max(size, n, 1<<10))
	}
	return a.block[len(a.block):]
}

// take returns written, room's slice with bytes appended, as a string, and keeps its bytes.
// It panics when written is not in the block (appended past room's bound, so append moved
// it): the string would otherwise show the block's zeros, not what was written.
func (a *strArena) take(written []byte) string {
	n := len(written)
	if n == 0 {
		return ""
	}
	if n > cap(a.block)-len(a.block) || &written[0] != &a.block[:len(a.block)+1][len(a.block)] {
		panic("csv: a string written past the arena's room")
	}
	a.block = a.block[:len(a.block)+n]
	// written's bytes are never written again (room hands out only what lies past them), so
	// the string may share them.
	return unsafe.String(&written[0], n)
}

// add returns b as a string in the arena.
func (a *strArena) add(b []byte) string {
	return a.take(append(a.room(len(b)), b...))
}

// texts turns rows' texts into samples' data: base64 of the text, in UTF-8 or (keep) in its
// source encoding. Its buffers are reused from row to row.
type texts struct {
	keep  bool
	enc   []byte // a text in its source encoding (keep)
	arena strArena
}

// data returns the sample data and API encoding for a row's text, read in source encoding
// src (the decoder's Encoding when the row was read: a file that starts with ASCII has it
// decided late), or why the text cannot be a sample.
func (t *texts) data(text []byte, src textenc.Encoding) (data, enc, reason string) {
	if isBlank(text) {
		return "", "", "the text is empty"
	}
	raw, enc := text, api.EncodingUTF8
	if t.keep {
		t.enc, enc = textenc.AppendEncode(t.enc[:0], text, src, true)
		raw = t.enc
	}
	if len(raw) > api.MaxSampleBytes {
		return "", "", fmt.Sprintf("the text is %d bytes; one sample may hold at most %d", len(raw), api.MaxSampleBytes)
	}
	n := base64.StdEncoding.EncodedLen(len(raw))
	return t.arena.take(base64pairs.AppendStd(t.arena.room(n), raw)), enc, ""
}

// sample builds the sample for the text and label field of the row at line, read in source
// encoding src, or returns why it cannot.
func (m *mapper) sample(text, labelField []byte, line int, src textenc.Encoding) (*api.Sample, string) {
	data, enc, reason := m.text.data(text, src)
	if reason != "" {
		return nil, reason
	}
	return m.build(data, enc, m.sampleLabels(labelField), line), ""
}

// build makes the sample of the row at line from its data (see texts) and labels
// (sampleLabels).
func (m *mapper) build(data, enc string, labels []api.SampleLabel, line int) *api.Sample {
	// One string holds the origin ("train.csv:12") and the name ("train.csv-000012.txt"),
	// written straight into the arena.
	n := decimalLen(uint64(line))
	b := m.arena.room(len(m.file) + len(m.s.Name) + 2*n + len("::000000.txt"))
	b = append(b, m.file...)
	b = append(b, ':')
	b = appendDecimal(b, uint64(line), n)
	k := len(b)
	b = append(b, m.s.Name...)
	b = append(b, '-')
	for d := n; d < 6; d++ {
		b = append(b, '0')
	}
	b = append(b, b[k-n:k]...)
	b = append(b, ".txt"...)
	all := m.arena.take(b)

	// A sample whose data has an arena block of its own (up to 16 MiB) is allocated alone
	// (128 rows of 12 MiB in one slab held 2 GiB with the caller keeping none).
	smp := slab.Take(&m.samples, slabSize, len(data) >= arenaSize)
	// The slab is zeroed: only the fields a text sample sets are written (a composite
	// literal wrote all of them again, through a temporary).
	smp.Origin, smp.Name = all[:k], all[k:]
	smp.SampleType = api.SampleText
	smp.Data, smp.Encoding = data, enc
	smp.Labels = labels
	return smp
}

// decimalLen is the number of decimal digits of v.
func decimalLen(v uint64) int {
	n := 1
	for ; v >= 100; v /= 100 {
		n += 2
	}
	if v >= 10 {
		n++
	}
	return n
}

// digitPairs spells 00 to 99.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendDecimal appends v, of n digits (decimalLen), in decimal: strconv.AppendInt, two
// digits a step, written in place (b has room for them). strconv's generic path through a
// buffer and a copy took about 140 instructions a row, 2% of the command's.
func appendDecimal(b []byte, v uint64, n int) []byte {
	d := b[len(b) : len(b)+n]
	i := n
	for ; v >= 100; v /= 100 {
		r := v % 100
		i -= 2
		d[i], d[i+1] = digitPairs[2*r], digitPairs[2*r+1]
	}
	if v >= 10 {
		d[0], d[1] = digitPairs[2*v], digitPairs[2*v+1]
	} else {
		d[0] = byte('0' + v)
	}
	return b[:len(b)+n]
}

// labelSets is a hash table of the label fields seen so far and their labels, made for a
// lookup per row that touches as little memory as it can: open addressing with linear
// probing over 64-byte entries that hold the field's bytes themselves (fields up to
// maxLabelSetSize bytes), kept at most three quarters full, so that a lookup nearly always
// reads one cache line. (A Go map behind a direct-mapped cache was a fifth of the importer's
// time on a dataset of a few thousand label sets: the cache missed on a quarter of the rows,
// and each miss hashed the field again and read it from a string of its own; slots that
// pointed into an array of entries cost two dependent cache misses a row.)
type labelSets struct {
	seed  maphash.Seed
	slots []labelSetEntry // a power of two long (or nil)
	count int
	long  map[string][]api.SampleLabel // fields over maxLabelSetSize bytes
}

// maxLabelSetSize is the longest label field labelSets keeps, so that an entry fills one
// 64-byte cache line; longer ones, up to maxLongLabelSet bytes, are kept in a map (past
// that, split each time they come).
const (
	maxLabelSetSize = 39
	maxLongLabelSet = 256
)

type labelSetEntry struct {
	set   []api.SampleLabel
	n     uint8 // the field's length; 0: a free slot (empty fields are not kept)
	field [maxLabelSetSize]byte
}

// find returns the labels of field (1 to maxLabelSetSize bytes, hashed to h) and whether
// it was seen before.
func (t *labelSets) find(field []byte, h uint64) ([]api.SampleLabel, bool) {
	if len(t.slots) == 0 {
		return nil, false
	}
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &t.slots[i]
		if e.n == 0 {
			return nil, false
		}
		if int(e.n) == len(field) && string(e.field[:len(field)]) == string(field) {
			return e.set, true
		}
	}
}

// add records field's labels (field not in t yet, 1 to maxLabelSetSize bytes), up to
// maxLabelSets fields.
func (t *labelSets) add(field []byte, h uint64, set []api.SampleLabel) {
	if t.count >= maxLabelSets {
		return
	}
	if 4*(t.count+1) > 3*len(t.slots) {
		old := t.slots
		t.slots = make([]labelSetEntry, max(64, 2*len(old)))
		for k := range old {
			if e := &old[k]; e.n > 0 {
				*t.free(maphash.Bytes(t.seed, e.field[:e.n])) = *e
			}
		}
	}
	e := t.free(h)
	e.set, e.n = set, uint8(len(field))
	copy(e.field[:], field)
	t.count++
}

// free returns the first free slot from h's own.
func (t *labelSets) free(h uint64) *labelSetEntry {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].n != 0 {
		i = (i + 1) & mask
	}
	return &t.slots[i]
}

// sampleLabels returns a sample's labels for its label field: the shared array of labelSet with
// Options.SharedLabels, else a copy of it that the sample owns.
func (m *mapper) sampleLabels(field []byte) []api.SampleLabel {
	set := m.labelSet(field)
	if m.s.SharedLabels || set == nil {
		return set
	}
	return slices.Clone(set)
}

// labelSet returns the labels of a label field, split once per distinct field (up to
// maxLabelSets fields of up to maxLongLabelSet bytes; others are split each time).
func (m *mapper) labelSet(field []byte) []api.SampleLabel {
	if len(field) == 0 {
		return nil
	}
	if len(field) > maxLabelSetSize {
		return m.longLabelSet(field)
	}
	h := maphash.Bytes(m.sets.seed, field)
	if set, ok := m.sets.find(field, h); ok {
		return set
	}
	set := m.splitLabels(field)
	if set != nil {
		m.sets.add(field, h, set)
	}
	return set
}

// longLabelSet is labelSet for a field over maxLabelSetSize bytes.
func (m *mapper) longLabelSet(field []byte) []api.SampleLabel {
	if set, ok := m.sets.long[string(field)]; ok {
		return set
	}
	set := m.splitLabels(field)
	if set == nil || len(field) > maxLongLabelSet || len(m.sets.long) >= maxLabelSets {
		return set
	}
	if m.sets.long == nil {
		m.sets.long = make(map[string][]api.SampleLabel)
	}
	m.sets.long[string(field)] = set
	return set
}

// splitLabels splits a label field, trims each label, drops empty and repeated ones.
func (m *mapper) splitLabels(field []byte) []api.SampleLabel {
	if len(field) == 0 {
		return nil
	}
	sep := m.s.labelSep
	names := m.split[:0]
	for {
		part := field
		j := bytes.IndexByte(field, sep)
		if j >= 0 {
			part = field[:j]
		}
		if part = trim(part); len(part) > 0 {
			name := m.intern(part)
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		if j < 0 {
			break
		}
		field = field[j+1:]
	}
	m.split = names
	if len(names) == 0 {
		return nil
	}
	out := make([]api.SampleLabel, len(names))
	for i, name := range names {
		out[i] = api.SampleLabel{Name: name, Type: api.LabelTextClassification}
	}
	return out
}

// intern returns the label name spelled by b, sharing one string per distinct name: a small
// direct-mapped cache in front of a map, since a dataset has few labels and each row repeats
// some of them.
func (m *mapper) intern(b []byte) string {
	slot := &m.cache[(uint(len(b))*31+uint(b[0])+uint(b[len(b)-1])*7)%uint(len(m.cache))]
	if *slot == string(b) {
		return *slot
	}
	name, ok := m.labels[string(b)]
	if !ok {
		name = string(b)
		if len(m.labels) < maxInterned {
			m.labels[name] = name
		}
	}
	*slot = name
	return name
}

// trim is bytes.TrimSpace with a fast path for the usual label or text, which neither starts
// nor ends with white space.
func trim(b []byte) []byte {
	if len(b) == 0 || !visibleStart(b) || !visibleEnd(b) {
		return bytes.TrimSpace(b)
	}
	return b
}

// isBlank reports whether b is empty or white space.
func isBlank(b []byte) bool {
	if len(b) > 0 && visibleStart(b) {
		return false
	}
	return len(bytes.TrimSpace(b)) == 0
}

// visibleStart reports that b's first character is surely not white space: an ASCII
// character above the space, or a UTF-8 sequence whose lead byte no Unicode space has (they
// all start with 0xC2, 0xE1, 0xE2 or 0xE3; CJK text starts with 0xE4 and up).
func visibleStart(b []byte) bool {
	c := b[0]
	if c < utf8.RuneSelf {
		return c > ' ' && c != 0x7f
	}
	return c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3
}

func visibleEnd(b []byte) bool {
	c := b[len(b)-1]
	if c < utf8.RuneSelf {
		return c > ' ' && c != 0x7f
	}
	// Find the last character's lead byte: at most three continuation bytes back.
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return visibleStart(b[i:])
		}
	}
	return false
}

// blankFields reports whether every field of the record sc.scan found is empty or white
// space.
func blankFields(sc *scanner) bool {
	for i := range sc.numFields() {
		if !isBlank(sc.field(i)) {
			return false
		}
	}
	return true
}

// decodeErr turns an error from the decoding reader into a fatal error at line.
func decodeErr(file string, line int, err error) error {
	pos := importers.Position{File: file, Line: line}
	var de *textenc.DecodeError
	if errors.As(err, &de) {
		pos.Line, pos.Offset = 0, de.Offset
		return &importers.Error{Pos: pos, Err: fmt.Errorf("near line %d: %w", line, err)}
	}
	return &importers.Error{Pos: pos, Err: err}
}

// mixedWarning gives the decoder's warning about a file that mixes encodings, once.
func mixedWarning(dec *textenc.Decoder, file string, warn importers.WarnFunc) {
	if w := dec.MixedWarning(); w != "" {
		warn.Warn(importers.Warning{Pos: importers.Position{File: file}, Reason: w})
	}
}

// readRows converts delimited rows read from r: the rows are read, decoded and split, and
// their texts made into sample data and their label fields into labels, on a goroutine of
// its own (scanRows); the samples are built and yielded on this one (see rowPipe). A file
// shorter than pipeMin is read on this goroutine alone, through the same batches.
func readRows(ctx context.Context, r io.Reader, file string, s *settings, yield func(*api.Sample, error) bool) {
	dec, err := textenc.NewDecoder(r, s.Encoding)
	if err != nil {
		yield(nil, &importers.Error{Pos: importers.Position{File: file}, Err: err})
		return
	}
	m := newMapper(s, file)
	n := 0
	// take builds and yields a batch's samples and gives its warnings, in order, and says
	// whether to go on.
	take := func(b *batch) bool {
		for i := range b.events {
			ev := &b.events[i]
			if ev.note != nil {
				if ev.note.err != nil {
					yield(nil, ev.note.err)
					return false
				}
				s.Warn.Warn(ev.note.warn)
				continue
			}
			// The scanner checks the context too, but it may be a few batches ahead.
			if n++; n%ctxEvery == 0 {
				if err := importers.Check(ctx, importers.Position{File: file, Line: ev.line}); err != nil {
					yield(nil, err)
					return false
				}
			}
			if !yield(m.build(ev.data, ev.enc.String(), ev.labels, ev.line), nil) {
				return false
			}
		}
		return true
	}
	p := newRowPipe()
	if size, ok := inputSize(r); ok && size < int64(pipeMin) {
		// Handing a short file over would cost more than it saves (a goroutine, a second
		// mapper, the batches: about 25 us a file, a third of a 2 KB file's time).
		p.RunHere(&batch{events: make([]event, 0, 64)}, func() { scanRows(ctx, dec, file, s, p, m) }, take)
		return
	}
	// However this returns (yield false, an error, a panic in yield), the scanning goroutine
	// has been told to stop and has ended: it must not read the input once the caller closes it.
	p.Run(nil, func() { scanRows(ctx, dec, file, s, p, newMapper(s, file)) }, take)
}

// inputSize returns r's length when it is known: a bytes or strings Reader's, a regular
// file's.
func inputSize(r io.Reader) (int64, bool) {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len()), true
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size(), true
		}
	}
	return 0, false
}

// scanRows reads, decodes and splits the rows of dec, makes their texts into sample data
// and their label fields into labels with sm, and hands them, the rows it rejects and the
// error that ends the file over to p, in order, until the input ends or p is halted.
func scanRows(ctx context.Context, dec *textenc.Decoder, file string, s *settings, p *rowPipe, sm *mapper) {
	pos := importers.Position{File: file}
	sc := newScanner(dec, s.delim)
	if s.KeepEncoding && dec.Encoding() != textenc.UTF8 {
		sc.max = maxRecord / 2 * 3 // the GBK bytes sent are 2/3 of the UTF-8 read, or more
	}
	reject := func(line, col int, reason string) {
		p.warn(importers.Warning{Pos: importers.Position{File: file, Line: line, Column: col}, Rejected: true, Reason: reason})
	}
	warn := importers.WarnFunc(p.warn)

	textCol, labelCol := -1, -1
	maxFields := 0 // fields a row may have: the header's count, or the first row's
	if !s.header {
		textCol, _ = s.column(s.TextColumn, "text", 1, nil)
		labelCol, _ = s.column(s.LabelColumn, "label", 2, nil)
	}
	need := max(textCol, labelCol) + 1

	for n := 0; !p.Halted(); n++ {
		if n%ctxEvery == 0 {
			if err := importers.Check(ctx, importers.Position{File: file, Line: sc.line}); err != nil {
				p.fail(err)
				return
			}
		}
		err := sc.scan()
		mixedWarning(dec, file, warn)
		if err != nil {
			var bad *badRecord
			switch {
			case errors.As(err, &bad):
				if textCol < 0 {
					p.fail(&importers.Error{Pos: importers.Position{File: file, Line: bad.line, Column: bad.col},
						Err: fmt.Errorf("cannot read the header: %s", bad.reason)})
					return
				}
				reject(bad.line, bad.col, bad.reason)
				continue
			case err == io.EOF:
				if textCol < 0 {
					p.fail(&importers.Error{Pos: pos, Err: errors.New("the file has no header line (it is empty); set option NoHeader if it has no header")})
				}
				return
			default:
				p.fail(decodeErr(file, sc.line, err))
				return
			}
		}
		line := sc.recLine
		nf := sc.numFields()
		if blankFields(sc) {
			continue
		}
		if textCol < 0 { // the header
			header := make([]string, nf)
			for i := range header {
				header[i] = string(sc.field(i))
			}
			var err error
			if textCol, err = s.column(s.TextColumn, "text", 1, header); err == nil {
				labelCol, err = s.column(s.LabelColumn, "label", 2, header)
			}
			if err == nil && textCol == labelCol {
				err = fmt.Errorf("the text and the label are the same column (%d)", textCol+1)
			}
			if err != nil {
				p.fail(&importers.Error{Pos: importers.Position{File: file, Line: line}, Err: err})
				return
			}
			need = max(textCol, labelCol) + 1
			maxFields = max(nf, need)
			sc.minFields, sc.maxFields = need, maxFields
			continue
		}
		if maxFields == 0 {
			maxFields = max(nf, need)
			sc.minFields, sc.maxFields = need, maxFields
		}
		switch {
		case nf < need:
			reject(line, 0, fmt.Sprintf("the row has %d field(s); the %s column is field %d", nf, lastColumn(textCol, labelCol), need))
			continue
		case nf > maxFields:
			reject(line, 0, fmt.Sprintf("the row has %d fields, more than the %d of the %s (an unquoted %q in the text?)",
				nf, maxFields, firstRow(s.header), rune(s.delim)))
			continue
		}
		text, labelField := sc.field(textCol), sc.field(labelCol)
		if !dec.Valid(text) || !dec.Valid(labelField) {
			reject(line, 0, textenc.ErrNotUTF8)
			continue
		}
		data, enc, reason := sm.text.data(text, dec.Encoding())
		if reason != "" {
			reject(line, 0, reason)
			continue
		}
		p.row(data, enc, sm.sampleLabels(labelField), line)
	}
}

// lastColumn names the column further right, the one a short row lacks.
func lastColumn(textCol, labelCol int) string {
	if textCol > labelCol {
		return "text"
	}
	return "label"
}

func firstRow(header bool) string {
	if header {
		return "header"
	}
	return "first row"
}
