// Package conll reads CoNLL-style named-entity column files (CoNLL-2003 and its kin:
// one token per line, the entity tag in a column, a blank line between sentences) into
// ModelArts text samples (sample_type 1) with named-entity labels (type 101).
//
// # Reading
//
// Columns are split on runs of spaces and tabs, or with Options.Tab on runs of tabs only
// (tokens may then contain spaces; spaces at either end of a column are trimmed). The token
// is the first column; the tag is the last column, or Options.TagColumn (1-based). Every
// token line must have the file's column count, which its first token line sets; a line
// that differs rejects its sentence (see below). Lines of only whitespace end a sentence;
// CRLF line endings, missing or repeated blank lines and "-DOCSTART-" lines (whatever
// columns follow) are handled; a -DOCSTART- line ends the sentence before it and starts a
// document, and is never a token. Encodings are read with package textenc (Options.Encoding:
// a BOM decides, else valid UTF-8 is UTF-8, else GB18030, the superset of GBK and GB2312).
//
// # Entities
//
// Tags are read the way conlleval reads them (see [Chunks]), which covers IOB1 (CoNLL-2003's
// own scheme), IOB2/BIO, IOE1, IOE2, BIOES/IOBES, BILOU (U single, L last), BMES (M middle)
// and bare type tags (IO) at once, ill-formed sequences included. Options.Scheme adds a
// strict check of one scheme's rules: an ill-formed sequence is then reported as a warning
// (not a rejection) at the line of the offending tag, and still read the conlleval way.
//
// # Samples
//
// One sample per sentence (or per document with Options.Group = GroupDocument, its sentences
// joined by "\n"). The text joins the tokens (Options.Join): by default one space between
// tokens, none where the characters on both sides of the join are CJK. Each entity is a label
// of type 101 named after the entity type, with @modelarts:start_index (inclusive) and
// @modelarts:end_index (exclusive) counting code points of the text (or UTF-16 units with
// Options.Offsets = OffsetsUTF16). data is the text in base64: UTF-8, or with
// Options.KeepEncoding the source's GBK/GB2312 bytes, declared in encoding; the offsets
// always count characters of the decoded text. A sentence without entities is an
// unlabeled sample; an empty one is no sample.
//
// Sample names are "<file>-NNNNNN.txt" (the sentence's number in the file, from 1, six
// digits or more; "<file>-docNNNNNN.txt" per document), with the file name's characters
// that names may not hold (! < > = & " ') replaced by "_". Rejected sentences keep their
// numbers, so fixing one line renames nothing. Sample.Origin is "file:line" of the record's
// first token.
//
// # Rejections
//
// A sentence with a line of the wrong column count, a tag without an entity type ("B",
// "I-"), or an empty token is rejected whole (one Rejected warning, at its first bad line):
// a sample missing a token would not be its sentence, and its entities could not be placed.
// With GroupDocument the whole document is rejected. A sample over the service's size limit
// is rejected too. A file whose first token line has fewer than two columns, or fewer than
// Options.TagColumn, is a fatal error, as are text that is not valid in its encoding and a
// line over 48 MiB.
package conll

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/textenc"
)

// Options configure a read. The zero value reads space-separated UTF-8 (or auto-detected)
// files the conlleval way, one sample per sentence.
type Options struct {
	// Tab splits columns on tabs only, so tokens may contain spaces.
	Tab bool
	// TagColumn is the 1-based column that holds the tag; 0 means the last column.
	TagColumn int
	// Encoding is the file's encoding; "" means textenc.Auto.
	Encoding textenc.Encoding
	// Scheme, when set, checks tags against one scheme and warns about ill-formed sequences.
	Scheme Scheme
	// Group is GroupSentence ("" too) or GroupDocument.
	Group Group
	// Join is how tokens are joined; "" means JoinAuto.
	Join Join
	// Offsets is the unit of the label offsets; "" means OffsetsCodePoints.
	Offsets Offsets
	// KeepEncoding keeps GBK/GB2312 (and GB18030, declared GBK) source bytes as the sample's
	// data instead of UTF-8.
	KeepEncoding bool
	// Name is the prefix of sample names; "" means the file's base name.
	Name string
	// Warn receives rejections and warnings.
	Warn importers.WarnFunc
}

// ErrColumns is wrapped by the fatal error for a file whose lines cannot hold a token and a
// tag in the columns asked for.
var ErrColumns = errors.New("not a CoNLL column file")

// docStart is the first column of a CoNLL-2003 document separator line.
var docStart = []byte("-DOCSTART-")

// maxLine bounds one line, so that a file with no newlines cannot take all memory.
const maxLine = 4 * api.MaxSampleBytes

// minRead is the least room the line reader asks the decoder to fill.
const minRead = 4096

// Read reads the CoNLL file at path in fsys. The stream is single-use; see the package
// documentation for what it yields and reports.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		pos := importers.Position{File: name}
		if err := importers.Check(ctx, pos); err != nil {
			yield(nil, err)
			return
		}
		f, err := fsys.Open(name)
		if err != nil {
			yield(nil, &importers.Error{Pos: pos, Err: err})
			return
		}
		defer f.Close()
		if opts.Name == "" {
			opts.Name = path.Base(name)
		}
		read(ctx, f, name, opts, yield)
	}
}

// ReadFrom reads a CoNLL stream (standard input, say); file names it in positions, and its
// base name prefixes the sample names unless opts.Name is set. The stream is single-use.
func ReadFrom(ctx context.Context, r io.Reader, file string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		if err := importers.Check(ctx, importers.Position{File: file}); err != nil {
			yield(nil, err)
			return
		}
		if opts.Name == "" {
			opts.Name = path.Base(file)
		}
		read(ctx, r, file, opts, yield)
	}
}

// entity is one chunk of a record, in offset units of its text.
type entity struct {
	typ        string
	start, end int
}

// problem is one bad line of a record.
type problem struct {
	line int
	msg  string
}

// record is the sample being built: one sentence, or one document's sentences.
type record struct {
	firstLine, lastLine int
	text                []byte
	chars               int // length of text in offset units
	ents                []entity
	sentences           int // finished sentences (document mode)
	problems            []problem
	nproblems           int

	// the sentence being read
	ntok      int
	last      rune    // last rune of the previous token, for -join auto
	prev      tagInfo // previous tag (letter 'O' at the start of a sentence)
	prevLine  int
	openStart int // offset of the open chunk's start
	tokEnd    int // offset of the end of the previous token
}

func (rec *record) bad() bool { return rec.nproblems > 0 }

var outside = tagInfo{letter: 'O', canon: pO}

type reader struct {
	ctx   context.Context
	opts  Options
	file  string
	utf16 bool
	rules *schemeRules
	doc   bool
	join  Join
	enc   textenc.Encoding
	dec   *textenc.Decoder // see encoding.go
	in    io.Reader        // decoded text
	buf   []byte
	// buf[start:end] is read and not yet returned; its first scanned bytes hold no newline
	start, end, scanned int
	err                 error // the error that ended the input (io.EOF at the end)
	line                int

	ncols, colsLine int
	tagCol          int // 1-based; 0 means the last column

	known   []tagInfo // the first tags seen
	tags    map[string]tagInfo
	lastKey string
	lastTag tagInfo

	number  int // records numbered so far (sentences, or documents)
	namePre []byte
	rec     record
	scratch []byte
}

// spaceSep marks the bytes that separate columns by default.
var spaceSep = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

func read(ctx context.Context, in io.Reader, file string, opts Options, yield func(*api.Sample, error) bool) {
	r := &reader{ctx: ctx, opts: opts, file: file, known: make([]tagInfo, 0, 16), tags: make(map[string]tagInfo)}
	r.rec.prev = outside
	fail := func(err error) { yield(nil, &importers.Error{Pos: importers.Position{File: file}, Err: err}) }
	if err := r.configure(); err != nil {
		fail(err)
		return
	}
	enc := opts.Encoding
	if enc == "" {
		enc = textenc.Auto
	}
	dec, err := textenc.NewDecoder(in, enc)
	if err != nil {
		fail(err)
		return
	}
	r.enc = dec.Encoding()
	r.dec = dec
	r.in = dec
	r.buf = make([]byte, 64<<10)
	r.run(yield)
}

// configure checks and applies the options.
func (r *reader) configure() error {
	o := r.opts
	if o.TagColumn < 0 || o.TagColumn == 1 {
		return fmt.Errorf("tag column %d: the tag column is 2 or more (1 is the token), or 0 for the last", o.TagColumn)
	}
	r.tagCol = o.TagColumn
	if o.Scheme != SchemeNone {
		r.rules = schemes[o.Scheme]
		if r.rules == nil {
			return fmt.Errorf("unknown tagging scheme %q (want %s)", o.Scheme, SchemeNames)
		}
	}
	switch o.Group {
	case "", GroupSentence:
	case GroupDocument:
		r.doc = true
	default:
		return fmt.Errorf("unknown group %q (want sentence|document)", o.Group)
	}
	r.join = o.Join
	switch o.Join {
	case "":
		r.join = JoinAuto
	case JoinAuto, JoinSpace, JoinNone:
	default:
		return fmt.Errorf("unknown join %q (want auto|space|none)", o.Join)
	}
	switch o.Offsets {
	case "", OffsetsCodePoints:
	case OffsetsUTF16:
		r.utf16 = true
	default:
		return fmt.Errorf("unknown offsets %q (want codepoint|utf16)", o.Offsets)
	}
	r.namePre = []byte(sanitizeName(o.Name))
	return nil
}

// sanitizeName makes a file name usable as a sample-name prefix (importers.SafeName: the
// characters names may not hold, ':', control characters and invalid UTF-8 become "_"), cut
// short enough to leave room for the number.
func sanitizeName(s string) string {
	if s == "" || s == "." || s == "/" {
		return "conll"
	}
	return importers.SafeName(s, api.MaxNameLength-32)
}

// run reads the whole stream.
func (r *reader) run(yield func(*api.Sample, error) bool) {
	for {
		line, err := r.readLine()
		if err == io.EOF {
			r.endSentence()
			r.emit(yield)
			return
		}
		if err != nil {
			yield(nil, r.fatal(r.line+1, err))
			return
		}
		r.line++
		if r.line&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				yield(nil, r.fatal(r.line, err))
				return
			}
		}
		n, tok, tag := r.split(line)
		switch {
		case n == 0: // blank
			r.endSentence()
			if !r.doc && !r.emit(yield) {
				return
			}
		case bytes.Equal(tok, docStart):
			r.endSentence()
			if !r.emit(yield) {
				return
			}
		default:
			if err := r.token(n, tok, tag); err != nil {
				yield(nil, err)
				return
			}
		}
	}
}

func (r *reader) fatal(line int, err error) error {
	return &importers.Error{Pos: importers.Position{File: r.file, Line: line}, Err: err}
}

// readLine returns the next line without its line ending; the bytes are valid until the
// next call. It reads with Read into its own buffer, at least minRead bytes at a time (a
// bufio.Reader's ReadSlice may ask the decoder beneath for fewer bytes than a rune).
func (r *reader) readLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(r.buf[r.start+r.scanned:r.end], '\n'); i >= 0 {
			line := r.buf[r.start : r.start+r.scanned+i]
			r.start += r.scanned + i + 1
			r.scanned = 0
			return trimCR(line), nil
		}
		r.scanned = r.end - r.start
		if r.err != nil {
			if r.err != io.EOF || r.start == r.end {
				return nil, r.err
			}
			line := r.buf[r.start:r.end]
			r.start, r.scanned = r.end, 0
			return trimCR(line), nil
		}
		if r.start > 0 {
			r.end = copy(r.buf, r.buf[r.start:r.end])
			r.start = 0
		}
		if len(r.buf)-r.end < minRead {
			if r.end >= maxLine { // r.end is the length of the unfinished line here
				return nil, fmt.Errorf("line longer than %d bytes", maxLine)
			}
			r.buf = append(r.buf[:r.end], make([]byte, len(r.buf))...)
			r.buf = r.buf[:cap(r.buf)]
		}
		n, err := r.in.Read(r.buf[r.end:])
		r.end += n
		r.err = err
	}
}

// trimCR removes the CR of a CRLF line ending.
func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

// split returns a line's column count, its token and its tag. A blank line has 0 columns.
func (r *reader) split(line []byte) (n int, tok, tag []byte) {
	if r.opts.Tab {
		return splitTab(line, r.tagCol)
	}
	return splitSpace(line, r.tagCol)
}

// splitSpace splits on runs of spaces and tabs (and stray CR, VT, FF).
func splitSpace(line []byte, tagCol int) (n int, tok, tag []byte) {
	i := 0
	for i < len(line) {
		if c := line[i]; c <= ' ' && spaceSep[c] {
			i++
			continue
		}
		j := i + 1
		for j < len(line) {
			// Every separator is a control character or the space: most bytes pass on
			// the first comparison.
			if c := line[j]; c <= ' ' && spaceSep[c] {
				break
			}
			j++
		}
		n++
		if n == 1 {
			tok = line[i:j]
		}
		if tagCol == 0 || n == tagCol {
			tag = line[i:j]
		}
		i = j + 1 // line[j] is a separator, or j is the end
	}
	return n, tok, tag
}

// splitTab splits on runs of tabs, trimming spaces at both ends of each column. A line of
// only whitespace has 0 columns.
func splitTab(line []byte, tagCol int) (n int, tok, tag []byte) {
	nonEmpty := 0
	i := 0
	for i < len(line) {
		if line[i] == '\t' {
			i++
			continue
		}
		j := i + 1
		for j < len(line) && line[j] != '\t' {
			j++
		}
		f := bytes.Trim(line[i:j], " \r\v\f")
		if len(f) > 0 {
			nonEmpty++
		}
		n++
		if n == 1 {
			tok = f
		}
		if tagCol == 0 || n == tagCol {
			tag = f
		}
		i = j + 1
	}
	if nonEmpty == 0 {
		return 0, nil, nil
	}
	return n, tok, tag
}

// token handles one token line; it returns a fatal error only.
func (r *reader) token(n int, tok, tag []byte) error {
	rec := &r.rec
	if r.ncols == 0 {
		if n < 2 {
			return r.fatal(r.line, fmt.Errorf("%w: the first token line has 1 column; a CoNLL line needs a token and a tag", ErrColumns))
		}
		if r.tagCol > n {
			return r.fatal(r.line, fmt.Errorf("%w: the tag column is %d, but the first token line has %d columns", ErrColumns, r.tagCol, n))
		}
		r.ncols, r.colsLine = n, r.line
	}
	if rec.firstLine == 0 {
		rec.firstLine = r.line
	}
	rec.ntok++
	rec.lastLine = r.line
	if n != r.ncols {
		r.problem(fmt.Sprintf("has %d column%s where the file's token lines have %d (as its first, line %d, has)", n, plural(n), r.ncols, r.colsLine))
		return nil
	}
	if rec.bad() {
		return nil // the record is rejected: only column counts are still checked
	}
	ti := r.tag(tag)
	if ti.letter != 'O' && ti.typ == "" {
		r.problem(fmt.Sprintf("tag %q has no entity type", tag))
		return nil
	}
	if len(tok) == 0 {
		r.problem("the token is empty")
		return nil
	}

	end, start := transition(rec.prev.canon, rec.prev.typ, ti.canon, ti.typ)
	if end {
		rec.ents = append(rec.ents, entity{typ: rec.prev.typ, start: rec.openStart, end: rec.tokEnd})
	}
	// Join the token to the text.
	switch {
	case rec.ntok > 1:
		if r.join == JoinSpace || r.join == JoinAuto && needSpace(rec.last, tok) {
			rec.text = append(rec.text, ' ')
			rec.chars++
		}
	case rec.sentences > 0:
		rec.text = append(rec.text, '\n')
		rec.chars++
	}
	tokStart := rec.chars
	rec.text = append(rec.text, tok...)
	rec.chars += length(tok, r.utf16)
	rec.tokEnd = rec.chars
	if r.join == JoinAuto {
		rec.last = lastRune(tok)
	}
	if start {
		rec.openStart = tokStart
	}
	if r.rules != nil {
		if rec.ntok > 1 {
			r.warnScheme(rec.prevLine, r.rules.checkNext(rec.prev, ti, false))
		}
		r.warnScheme(r.line, r.rules.checkTag(rec.prev, ti, rec.ntok == 1))
	}
	rec.prev, rec.prevLine = ti, r.line
	if len(rec.text) > 2*api.MaxSampleBytes {
		// Over the limit in any encoding (GBK needs at least 2/3 of UTF-8's bytes): stop
		// building it.
		r.problem(fmt.Sprintf("the text passes %d bytes; a sample holds at most %d", 2*api.MaxSampleBytes, api.MaxSampleBytes))
	}
	return nil
}

// tag reads a tag, interning it.
func (r *reader) tag(b []byte) tagInfo {
	if string(b) == r.lastKey {
		return r.lastTag
	}
	// Tag sets are small: a linear scan of the first few beats hashing.
	for i := range r.known {
		if string(b) == r.known[i].raw {
			r.lastKey, r.lastTag = r.known[i].raw, r.known[i]
			return r.known[i]
		}
	}
	ti, ok := r.tags[string(b)]
	if !ok {
		ti = parseTag(string(b))
		if len(r.known) < cap(r.known) {
			r.known = append(r.known, ti)
		} else {
			r.tags[ti.raw] = ti
		}
	}
	r.lastKey, r.lastTag = ti.raw, ti
	return ti
}

func (r *reader) warnScheme(line int, msg string) {
	if msg != "" {
		r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: line}, Reason: msg})
	}
}

func (r *reader) problem(msg string) {
	rec := &r.rec
	rec.nproblems++
	if len(rec.problems) < 6 {
		rec.problems = append(rec.problems, problem{line: r.line, msg: msg})
	}
}

// endSentence closes the sentence being read and its open chunk.
func (r *reader) endSentence() {
	rec := &r.rec
	if rec.ntok == 0 {
		return
	}
	if !rec.bad() && rec.prev.canon != pO {
		rec.ents = append(rec.ents, entity{typ: rec.prev.typ, start: rec.openStart, end: rec.tokEnd})
		if r.rules != nil {
			r.warnScheme(rec.prevLine, r.rules.checkNext(rec.prev, outside, true))
		}
	}
	rec.sentences++
	rec.ntok, rec.prev, rec.last = 0, outside, 0
}

// emit turns the finished record (if any) into a sample or a rejection and resets it. It
// returns false to stop.
func (r *reader) emit(yield func(*api.Sample, error) bool) bool {
	rec := &r.rec
	if rec.sentences == 0 {
		return true
	}
	r.number++
	defer r.reset()
	r.warnMixed()
	if err := r.ctx.Err(); err != nil {
		yield(nil, r.fatal(rec.firstLine, err))
		return false
	}
	if rec.bad() {
		r.reject()
		return true
	}
	s, reason := r.sample()
	if reason != "" {
		r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: rec.firstLine}, Rejected: true,
			Reason: reason + "; " + r.what() + " not converted"})
		return true
	}
	return yield(s, nil)
}

func (r *reader) reset() {
	rec := &r.rec
	*rec = record{text: rec.text[:0], ents: rec.ents[:0], problems: rec.problems[:0], prev: outside}
}

// what names the record: "sentence 12 (lines 40-47)".
func (r *reader) what() string {
	kind := "sentence"
	if r.doc {
		kind = "document"
	}
	return fmt.Sprintf("%s %d (lines %d-%d)", kind, r.number, r.rec.firstLine, r.rec.lastLine)
}

// reject reports a record with bad lines, once, at its first bad line.
func (r *reader) reject() {
	rec := &r.rec
	p := rec.problems[0]
	var b strings.Builder
	b.WriteString(p.msg)
	b.WriteString("; ")
	b.WriteString(r.what())
	b.WriteString(" not converted")
	if rec.nproblems > 1 {
		b.WriteString("; also line")
		if rec.nproblems > 2 {
			b.WriteString("s")
		}
		for i, q := range rec.problems[1:] {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %d", q.line)
		}
		if more := rec.nproblems - len(rec.problems); more > 0 {
			fmt.Fprintf(&b, " and %d more", more)
		}
	}
	r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: p.line}, Rejected: true, Reason: b.String()})
}

// sample builds the record's sample, or says why it cannot be one.
func (r *reader) sample() (*api.Sample, string) {
	rec := &r.rec
	if reason := r.checkEncoding(); reason != "" {
		return nil, reason
	}
	data, encoding := rec.text, api.EncodingUTF8
	if r.opts.KeepEncoding {
		data, encoding = textenc.Encode(string(rec.text), r.dec.Encoding(), true)
	}
	if len(data) > api.MaxSampleBytes {
		return nil, fmt.Sprintf("the text is %d bytes; a sample holds at most %d", len(data), api.MaxSampleBytes)
	}
	b := r.scratch[:0]
	b = base64.StdEncoding.AppendEncode(b, data)
	s := &api.Sample{SampleType: api.SampleText, Data: string(b), Encoding: encoding}

	b = append(b[:0], r.file...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(rec.firstLine), 10)
	s.Origin = string(b)

	b = append(b[:0], r.namePre...)
	b = append(b, '-')
	if r.doc {
		b = append(b, "doc"...)
	}
	b = appendPadded(b, r.number)
	b = append(b, ".txt"...)
	s.Name = string(b)
	r.scratch = b

	if len(rec.ents) > 0 {
		s.Labels = make([]api.SampleLabel, len(rec.ents))
		for i, e := range rec.ents {
			s.Labels[i] = api.SampleLabel{Type: api.LabelNamedEntity, Name: e.typ,
				Property: api.Property{api.PropStartIndex: e.start, api.PropEndIndex: e.end}}
		}
	}
	return s, ""
}

// appendPadded appends n with at least six digits.
func appendPadded(b []byte, n int) []byte {
	for d := 100000; d > 1 && n < d; d /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
