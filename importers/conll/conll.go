// Package conll reads CoNLL-style named-entity column files (CoNLL-2003 and its kin:
// one token per line, the entity tag in a column, a blank line between sentences) into
// ModelArts text samples (sample_type 1) with named-entity labels (type 101).
//
// # Reading
//
// Columns are split on runs of spaces and tabs, or with Options.Tab on runs of tabs only
// (tokens may then contain spaces; spaces at either end of a column are trimmed). The token
// is Options.TokenColumn (1-based, default the first); the tag is the last column, or
// Options.TagColumn. Every token line must have the file's column count, which its first
// token line sets; a line that differs rejects its sentence (see below). LF, CRLF and a lone
// CR each end a line, mixed in one file too. Lines of only whitespace end a sentence;
// missing or repeated blank lines and "-DOCSTART-" lines (whatever columns follow) are
// handled; a -DOCSTART- line ends the sentence before it and starts a document, and is never
// a token. A line that starts with "#" and a space or tab is a comment and skipped (CoNLL-U's
// "# sent_id = 1", GermEval's "#\tsource"), unless it has the file's column count and a tag in
// its tag column ("O", a prefixed tag, or one read before): then "#" is a token, as a hashtag
// in tweets. Comments never set the column count. Encodings are read with package textenc
// (Options.Encoding: a BOM decides, else valid UTF-8 is UTF-8, else GB18030, the superset of
// GBK and GB2312).
//
// # Looking ahead
//
// Before the first sample, the reader looks at the start of the file (its first 2,000 token
// lines within its first 192 KiB) without consuming it, and decides for the whole file:
// the column count (from the first line that is not blank, a comment or -DOCSTART-); with
// Options.Join = JoinAuto, whether the file is character-level (95% or more of the tokens,
// and at least 10 of them, are one character: one code point with any combining marks,
// variation selectors, emoji modifiers, ZWJ sequence or flag pair), in which case tokens are
// joined with nothing and a warning says so once; and whether the token column holds only
// increasing integers (row numbers, as GermEval's first column), which is warned about once.
//
// # Entities
//
// Tags are read the way conlleval reads them (see [Chunks]), which covers IOB1 (CoNLL-2003's
// own scheme), IOB2/BIO, IOE1, IOE2, BIOES/IOBES, BILOU (U single, L last), BMES (M middle)
// and bare type tags (IO) at once, ill-formed sequences included. Options.Scheme adds a
// strict check of one scheme's rules: an ill-formed sequence is then reported as a warning
// (not a rejection) at the line of the offending tag, and still read the conlleval way. A tag
// that holds several tags ("B-corporation,B-person") is read as one type ("corporation,B-person")
// and warned about once per distinct tag.
//
// # Samples
//
// One sample per sentence (or per document with Options.Group = GroupDocument, its sentences
// joined by "\n"). The text joins the tokens (Options.Join): a character-level file (see
// above) with nothing, otherwise one space between tokens, none where the characters on both
// sides of the join are CJK. Each entity is a label of type 101 named after the entity type,
// with @modelarts:start_index (inclusive) and @modelarts:end_index (exclusive) counting code
// points of the text (or UTF-16 units with Options.Offsets = OffsetsUTF16). data is the text
// in base64: UTF-8, or with Options.KeepEncoding the source's GBK/GB2312 bytes, declared in
// encoding; the offsets always count characters of the decoded text. A sentence without
// entities is an unlabeled sample; an empty one is no sample.
//
// Sample names are "<file>-NNNNNN.txt" (the sentence's number in the file, from 1, six
// digits or more; "<file>-docNNNNNN.txt" per document), with the file name's characters
// that names may not hold (! < > = & " ') replaced by "_". Rejected sentences keep their
// numbers, so fixing one line renames nothing. Sample.Origin is "file:line" of the record's
// first token.
//
// # Rejections and memory
//
// A sentence with a line of the wrong column count, a tag without an entity type ("B",
// "I-"), an empty token, or a line over 25,165,824 bytes (skipped, never held) is rejected
// whole (one Rejected warning, at its first bad line): a sample missing a token would not be
// its sentence, and its entities could not be placed. With GroupDocument the whole document
// is rejected. A record is also rejected as soon as its text passes the service's sample
// limit (12,582,912 bytes, counted in the data's encoding) or its labels would (at their
// least JSON size): it stops growing there, so one record takes a bounded amount of memory
// whatever the input. A file whose first token line has fewer than two columns, or fewer
// than the token or tag column, is a fatal error, as is text that is not valid in its
// encoding.
//
// # Goroutines
//
// The lines are read on a goroutine of the reader's own; the samples are built (base64
// data, names, labels) and the warnings given on the stream's goroutine, in the file's
// order, so that a consumer's own work (the command's validation and encoding) spreads over
// the cores. At most a few batches of 256 KiB of text are in flight, and of the records
// larger than that, the texts of the two handed over last (a record's text is bounded, see
// below); the reader's goroutine has ended when the stream returns.
package conll

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math/bits"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/slab"
	"github.com/modelarts-convert/convert/importers/textenc"
	"github.com/modelarts-convert/convert/internal/base64pairs"
)

// Options configure a read. The zero value reads space-separated UTF-8 (or auto-detected)
// files the conlleval way, one sample per sentence.
type Options struct {
	// Tab splits columns on tabs only, so tokens may contain spaces.
	Tab bool
	// TokenColumn is the 1-based column that holds the token; 0 means 1.
	TokenColumn int
	// TagColumn is the 1-based column that holds the tag; 0 means the last column.
	TagColumn int
	// Encoding is the file's encoding; "" means textenc.Auto.
	Encoding textenc.Encoding
	// Scheme, when set, checks tags against one scheme and warns about ill-formed sequences.
	Scheme Scheme
	// Group is GroupSentence ("" too) or GroupDocument.
	Group Group
	// Join is how tokens are joined; "" means JoinAuto (which looks at the first tokens
	// to tell character-level files from word-level ones; see the package documentation).
	Join Join
	// Offsets is the unit of the label offsets; "" means OffsetsCodePoints.
	Offsets Offsets
	// KeepEncoding keeps GBK/GB2312 (and GB18030, declared GBK) source bytes as the sample's
	// data instead of UTF-8.
	KeepEncoding bool
	// Name is the prefix of sample names; "" means the file's base name.
	Name string
	// SharedProperties lets labels with the same small offsets (see sharedStarts) share one
	// Property map, to be treated as read-only: a map per label is two thirds of the reader's
	// allocations and a fifth to a third of its CPU time (BenchmarkRead against
	// BenchmarkReadShared). Set it only when nothing changes the samples' label properties
	// afterwards; the convert command, which only validates and encodes them, does.
	SharedProperties bool
	// Warn receives rejections and warnings.
	Warn importers.WarnFunc
}

// ErrColumns is wrapped by the fatal error for a file whose lines cannot hold a token and a
// tag in the columns asked for.
var ErrColumns = errors.New("not a CoNLL column file")

// docStart is the first column of a CoNLL-2003 document separator line.
var docStart = []byte("-DOCSTART-")

// maxLine bounds one line, so that a file with no line ends cannot take all memory. A longer
// line rejects its record (its bytes are skipped, not kept): it holds more than a sample can
// (twice the limit, as the text read is UTF-8 and GBK data may be 2/3 of its size).
const maxLine = 2 * api.MaxSampleBytes

// errLongLine is what readLine returns for a line over maxLine, once its end is reached.
var errLongLine = fmt.Errorf("the line is longer than %d bytes", maxLine)

// The look-ahead that -join auto and the token-column check decide on: the first
// lookaheadTokens token lines, within the first lookaheadBytes of decoded text.
const (
	lookaheadBytes  = 192 << 10
	lookaheadTokens = 2000
	// charLevelPercent of the tokens looked at, and at least charLevelMin of them, must be one
	// character for a character-level file (fewer tokens are too few to tell).
	charLevelPercent = 95
	charLevelMin     = 10
)

// maxTags bounds the table of distinct tags read (the service holds at most 10,000 labels per
// dataset): a file of ever new tags must not grow memory with its size.
const maxTags = 10000

// minRead is the least room the line reader asks the decoder to fill.
const minRead = 4096

// Read reads the CoNLL file at path in fsys. The stream is single-use; see the package
// documentation for what it yields and reports.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		f, err := importers.OpenFile(ctx, fsys, name, importers.Position{File: name})
		if err != nil {
			yield(nil, err)
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
	dataBytes           int // size of text as the sample's data (GBK counted as GBK)
	labelBytes          int // least size of the labels' JSON
	ents                []entity
	sentences           int // finished sentences (document mode)
	problems            []problem
	nproblems           int

	// the sentence being read
	ntok      int
	last      rune     // last rune of the previous token, for -join auto
	prev      *tagInfo // previous tag (letter 'O' at the start of a sentence); never changed
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
	// join is JoinSpace, or JoinAuto: set after the look-ahead (which may change join)
	joinSpace, joinAuto bool
	enc                 textenc.Encoding
	dec                 *textenc.Decoder // see encoding.go
	in                  io.Reader        // decoded text
	buf                 []byte
	// buf[start:end] is read and not yet returned; its first scanned bytes hold no newline
	start, end, scanned int
	err                 error // the error that ended the input (io.EOF at the end)
	line                int

	ncols, colsLine int
	tokCol          int // 1-based
	tagCol          int // 1-based; 0 means the last column

	pendingCR bool // the last line ended in a CR that was the last byte read: skip an LF next
	lf        int  // index in buf of the next LF, or -1 when there is none in buf[start:lfFrom]
	lfFrom    int
	skipping  bool // inside a line over maxLine, dropping its bytes
	gbkData   bool // the data will be GBK: count text bytes as GBK for the size limit

	known    []tagInfo // the first tags seen
	tags     map[string]*tagInfo
	tagsFull bool // maxTags distinct tags are known; later ones are parsed each time
	lastKey  string
	lastTag  *tagInfo

	fastSplit bool     // scanLine and tokenLines may be used: columns split on spaces and tabs
	firstLast bool     // the token is the first column, the tag the last (scanFirstLast)
	cols      lineCols // scanLine's column bounds
	asciiLine bool     // the line read is ASCII (false: it may not be)

	number  int // records numbered so far (sentences, or documents)
	namePre []byte
	rec     record
	bld     builder
	pipe    *recordPipe // see readPiped
}

// spaceSep marks the bytes that separate columns by default.
var spaceSep = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

func read(ctx context.Context, in io.Reader, file string, opts Options, yield func(*api.Sample, error) bool) {
	readTuned(ctx, in, file, opts, tuning{}, yield)
}

// tuning holds what tests change to compare the reader's fast paths with its plain ones.
type tuning struct {
	plain bool // read every line with readLine and split (no scanLine), on one goroutine (no pipe)
}

func readTuned(ctx context.Context, in io.Reader, file string, opts Options, tune tuning, yield func(*api.Sample, error) bool) {
	r := &reader{ctx: ctx, opts: opts, file: file, lf: -1, known: make([]tagInfo, 0, 16), tags: make(map[string]*tagInfo)}
	r.rec.prev = &outside
	r.lastTag = new(tagInfo) // an empty tag's, until a tag is read (lastKey is "")
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
	r.gbkData = opts.KeepEncoding && (enc == textenc.GBK || enc == textenc.GB2312 || enc == textenc.GB18030)
	r.buf = make([]byte, 64<<10)
	r.fastSplit = !tune.plain && !opts.Tab
	r.firstLast = r.tokCol == 1 && r.tagCol == 0
	if err := r.lookahead(); err != nil {
		yield(nil, err)
		return
	}
	r.joinSpace, r.joinAuto = r.join == JoinSpace, r.join == JoinAuto
	if tune.plain {
		r.run(yield)
		return
	}
	r.readPiped(yield)
}

// configure checks and applies the options.
func (r *reader) configure() error {
	o := r.opts
	r.tokCol = o.TokenColumn
	if r.tokCol == 0 {
		r.tokCol = 1
	}
	if r.tokCol < 0 {
		return fmt.Errorf("token column %d: columns count from 1", o.TokenColumn)
	}
	if o.TagColumn < 0 || o.TagColumn == r.tokCol {
		return fmt.Errorf("tag column %d: the tag column is not the token column (%d); 0 means the last", o.TagColumn, r.tokCol)
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
	r.bld = builder{file: r.file, namePre: r.namePre, doc: r.doc, keepEncoding: o.KeepEncoding, shareProps: o.SharedProperties}
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
		if r.pipe != nil && r.pipe.Halted() {
			return
		}
		var line, first, tok, tag []byte
		var n int
		long := false
		if r.fastSplit {
			r.tokenLines()
			line, n, first, tok, tag = r.scanLine()
		}
		if line == nil {
			r.asciiLine = false
			var err error
			line, err = r.readLine()
			switch {
			case err == nil:
				n, first, tok, tag = r.split(line)
			case err == io.EOF:
				r.endSentence()
				r.emit(yield)
				return
			case err == errLongLine:
				long = true
			default:
				yield(nil, r.fatal(r.line+1, err))
				return
			}
		}
		r.line++
		if r.line&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				yield(nil, r.fatal(r.line, err))
				return
			}
		}
		if long {
			// Its columns are unknown: it counts as a bad token line of the record.
			r.badLine(errLongLine.Error())
			continue
		}
		switch {
		case n == 0: // blank
			r.endSentence()
			if !r.doc && !r.emit(yield) {
				return
			}
		case bytes.Equal(first, docStart) || bytes.Equal(tok, docStart):
			r.endSentence()
			if !r.emit(yield) {
				return
			}
		case isComment(line) && (n != r.ncols || !r.isTag(tag)):
			// A comment; a "#" token with the file's column count and a tag (a hashtag)
			// is a token.
		default:
			if err := r.token(n, tok, tag); err != nil {
				yield(nil, err)
				return
			}
		}
	}
}

// tokenLines reads the token lines that follow in the buffer, for as long as they are
// plain: a line end that is an LF, the file's column count, not a comment, -DOCSTART- or the
// line whose number has run check the context. It is scanLine, run and token in one loop
// for what most lines of a file are; it leaves any other line to them, unread, and hands a
// token line that is not ASCII, or of a rejected record, to token. TestFastPaths and
// FuzzFastPaths hold it equal to the plain paths.
func (r *reader) tokenLines() {
	if r.pendingCR || r.skipping || r.scanned != 0 || r.ncols == 0 {
		return
	}
	rec := &r.rec
	buf := r.buf[:r.end]
	start := r.start
	tokCol, tagCol, ncols, firstLast := r.tokCol, r.tagCol, r.ncols, r.firstLast
	var cols lineCols
	for {
		var eol, n int
		var ascii bool
		if firstLast {
			eol, n, ascii = scanFirstLast(buf[start:], &cols)
		} else {
			eol, n, ascii = scanColumns(buf[start:], tokCol, tagCol, &cols)
		}
		if eol < 0 || n != ncols {
			break
		}
		eol += start
		if buf[eol] != '\n' || buf[start] == '#' || (r.line+1)&1023 == 0 {
			break
		}
		tok := buf[start+cols.tok0 : start+cols.tok1]
		if len(tok) == len(docStart) && string(tok) == string(docStart) ||
			tokCol != 1 && cols.first1-cols.first0 == len(docStart) && string(buf[start+cols.first0:start+cols.first1]) == string(docStart) {
			break
		}
		tag := buf[start+cols.tag0 : start+cols.tag1]
		start = eol + 1
		r.line++
		if !ascii || rec.bad() {
			r.asciiLine = ascii
			r.token(n, tok, tag)
			continue
		}
		ti := r.lastTag
		if string(tag) != r.lastKey {
			ti = r.tag(tag)
		}
		if ti.letter != 'O' && ti.typ == "" {
			r.asciiLine = ascii
			r.token(n, tok, tag) // rejects the record
			continue
		}
		if rec.firstLine == 0 {
			rec.firstLine = r.line
		}
		rec.ntok++
		rec.lastLine = r.line
		r.addToken(ti, tok, true)
	}
	r.start = start
}

// isTag reports whether a "#" line's tag column holds a tag: "O", a prefixed tag ("B-X"), or
// a tag read before. A comment that happens to have the file's column count ("# text = ..."
// in CoNLL-U, "#\tsource [date]" in GermEval) rarely ends in one.
func (r *reader) isTag(tag []byte) bool {
	if string(tag) == "O" || len(tag) >= 3 && tag[1] == '-' && canonical(tag[0]) != pO {
		return true
	}
	for i := range r.known {
		if string(tag) == r.known[i].raw {
			return true
		}
	}
	_, ok := r.tags[string(tag)]
	return ok
}

// isComment reports whether a line is a comment line: "#" followed by a space or a tab
// (CoNLL-U's "# sent_id = 1", GermEval's "#\tsource"). Whether it is read as one depends on
// its column count too (see run).
func isComment(line []byte) bool {
	return len(line) > 1 && line[0] == '#' && (line[1] == ' ' || line[1] == '\t')
}

func (r *reader) fatal(line int, err error) error {
	return &importers.Error{Pos: importers.Position{File: r.file, Line: line}, Err: err}
}

// scanLine is readLine and splitSpace in one pass over the bytes, for the common case: a
// line whose end is in the buffer, read with the default separators. It returns a nil line
// (and leaves the reader as it was) when readLine must decide: no line end in the buffer, a
// CR last in it (an LF may follow), or a line end pending from readLine. Otherwise it returns
// what readLine and split would have (line is then non-nil, empty for an empty line).
// TestFastPaths and FuzzFastPaths hold the two paths equal.
func (r *reader) scanLine() (line []byte, n int, first, tok, tag []byte) {
	if r.pendingCR || r.skipping || r.scanned != 0 {
		return nil, 0, nil, nil, nil
	}
	b := r.buf[r.start:r.end]
	cols := &r.cols
	var eol int
	var ascii bool
	if r.firstLast {
		eol, n, ascii = scanFirstLast(b, cols)
	} else {
		eol, n, ascii = scanColumns(b, r.tokCol, r.tagCol, cols)
	}
	if eol < 0 {
		return nil, 0, nil, nil, nil
	}
	next := eol + 1
	if b[eol] == '\r' {
		if next == len(b) {
			return nil, 0, nil, nil, nil
		}
		if b[next] == '\n' {
			next++
		}
	}
	r.start += next
	r.asciiLine = ascii
	if n > 0 {
		first = b[cols.first0:cols.first1]
		if r.tokCol <= n {
			tok = b[cols.tok0:cols.tok1]
		}
		if r.tagCol <= n { // 0, the last column, too
			tag = b[cols.tag0:cols.tag1]
		}
	}
	return b[:eol:eol], n, first, tok, tag
}

// lineCols holds the bounds of a line's columns that scanColumns keeps: the first, the
// token's and the tag's.
type lineCols struct {
	first0, first1, tok0, tok1, tag0, tag1 int
}

// separators and line ends (all below 0x21), as a bit set.
const sepEOL = 1<<' ' | 1<<'\t' | 1<<'\v' | 1<<'\f' | 1<<'\r' | 1<<'\n'

// scanColumns finds the first line end in b ('\r' or '\n') and the columns before it, split
// as splitSpace splits, keeping in cols the bounds of the first column, of column tokCol and
// of column tagCol (1-based; tagCol 0 is the last column); bounds of a column past the line's
// last are left as they were. It returns the line end's offset and the column count, or -1
// when b holds no line end. ascii says that the line is ASCII (false may also mean that
// bytes after it are not). It looks at eight bytes at a time for those below 0x21
// (lowBytes), and only at those one by one: a column is a non-empty run of bytes between two
// separators (the other control characters are column bytes).
func scanColumns(b []byte, tokCol, tagCol int, cols *lineCols) (eol, n int, ascii bool) {
	from := 0       // the offset after the last separator: the start of a column, if any
	var high uint64 // the words' bytes ORed
	last := tagCol == 0
	for w := 0; w < len(b); w += 8 {
		var x uint64
		if w+8 <= len(b) {
			x = binary.LittleEndian.Uint64(b[w:])
		} else {
			x = 0x6161616161616161 // 'a' past the end: column bytes
			for k := len(b) - 1; k >= w; k-- {
				x = x<<8 | uint64(b[k])
			}
		}
		high |= x
		for m := lowBytes(x); m != 0; m &= m - 1 {
			p := w + bits.TrailingZeros64(m)>>3
			c := b[p]
			if sepEOL>>(c&63)&1 == 0 { // another control character: a column byte
				continue
			}
			if p > from { // the bytes since the last separator are a column
				n++
				if n == 1 {
					cols.first0, cols.first1 = from, p
				}
				if n == tokCol {
					cols.tok0, cols.tok1 = from, p
				}
				if last || n == tagCol {
					cols.tag0, cols.tag1 = from, p
				}
			}
			from = p + 1
			if c == '\r' || c == '\n' {
				return p, n, high&0x8080808080808080 == 0
			}
		}
	}
	return -1, 0, false
}

// scanFirstLast is scanColumns(b, 1, 0, cols), for the usual columns (the token first, the
// tag last): without the column numbers to compare, 16% fewer instructions per line.
// TestScanFirstLast and the fast-path tests hold the two equal.
func scanFirstLast(b []byte, cols *lineCols) (eol, n int, ascii bool) {
	from := 0
	var high uint64
	for w := 0; w < len(b); w += 8 {
		var x uint64
		if w+8 <= len(b) {
			x = binary.LittleEndian.Uint64(b[w:])
		} else {
			x = 0x6161616161616161 // 'a' past the end: column bytes
			for k := len(b) - 1; k >= w; k-- {
				x = x<<8 | uint64(b[k])
			}
		}
		high |= x
		for m := lowBytes(x); m != 0; m &= m - 1 {
			p := w + bits.TrailingZeros64(m)>>3
			c := b[p]
			if sepEOL>>(c&63)&1 == 0 { // another control character: a column byte
				continue
			}
			if p > from { // the bytes since the last separator are a column
				n++
				if n == 1 {
					cols.first0, cols.first1 = from, p
				}
				cols.tag0, cols.tag1 = from, p
			}
			from = p + 1
			if c == '\r' || c == '\n' {
				cols.tok0, cols.tok1 = cols.first0, cols.first1
				return p, n, high&0x8080808080808080 == 0
			}
		}
	}
	return -1, 0, false
}

// lowBytes returns the high bit of every byte of x that is below 0x21 (every separator and
// line end is; scanColumns sorts out the other control characters). Seven bits of each
// byte plus 0x5f cannot carry into the next byte (0x7f+0x5f < 0x100), so the marks are exact.
func lowBytes(x uint64) uint64 {
	return ^((x&0x7f7f7f7f7f7f7f7f + 0x5f5f5f5f5f5f5f5f) | x) & 0x8080808080808080
}

// readLine returns the next line without its line end; the bytes are valid until the next
// call. LF, CRLF and a lone CR each end a line (one file may mix them). A line over maxLine
// is skipped to its end and reported as errLongLine. It reads with Read into its own buffer,
// at least minRead bytes at a time (a bufio.Reader's ReadSlice may ask the decoder beneath
// for fewer bytes than a rune).
func (r *reader) readLine() ([]byte, error) {
	for {
		if r.pendingCR && r.start < r.end {
			if r.buf[r.start] == '\n' {
				r.start++
			}
			r.pendingCR = false
		}
		// r.pendingCR now implies r.start == r.end: the search below finds nothing.
		base := r.start + r.scanned
		w := r.buf[base:r.end]
		// The next LF is remembered, so that a file of CR line ends is not searched for an LF
		// to its end (or the buffer's) at every line.
		if r.lf >= 0 && r.lf < r.start {
			r.lf, r.lfFrom = -1, r.start
		}
		if r.lf < 0 {
			from := max(r.lfFrom, r.start)
			if i := bytes.IndexByte(r.buf[from:r.end], '\n'); i >= 0 {
				r.lf = from + i
			} else {
				r.lfFrom = r.end
			}
		}
		lf, limit := -1, len(w)
		if r.lf >= 0 {
			lf, limit = r.lf-base, r.lf-base
		}
		if cr := bytes.IndexByte(w[:limit], '\r'); cr >= 0 {
			line := r.buf[r.start : r.start+r.scanned+cr]
			next := r.start + r.scanned + cr + 1
			switch {
			case cr+1 == lf: // CRLF
				next++
			case next == r.end: // an LF may follow in the next read
				r.pendingCR = true
			}
			r.start, r.scanned = next, 0
			return r.lineOut(line)
		}
		if lf >= 0 {
			line := r.buf[r.start : r.start+r.scanned+lf]
			r.start += r.scanned + lf + 1
			r.scanned = 0
			return r.lineOut(line)
		}
		r.scanned = r.end - r.start
		if r.err != nil {
			if r.err != io.EOF || r.start == r.end && !r.skipping {
				return nil, r.err
			}
			line := r.buf[r.start:r.end]
			r.start, r.scanned = r.end, 0
			return r.lineOut(line)
		}
		if r.end-r.start >= maxLine { // r.buf[r.start:r.end] is one unfinished line
			r.skipping = true
			r.start, r.end, r.scanned, r.lfFrom = 0, 0, 0, 0
		}
		r.fill()
	}
}

// lineOut returns a line readLine found, or errLongLine at the end of a skipped one.
func (r *reader) lineOut(line []byte) ([]byte, error) {
	if r.skipping {
		r.skipping = false
		return nil, errLongLine
	}
	return line, nil
}

// fill reads once more into the buffer, moving the unread bytes to its start and growing it
// when less than minRead bytes are free.
func (r *reader) fill() {
	if r.start > 0 {
		r.end = copy(r.buf, r.buf[r.start:r.end])
		if r.lf >= 0 {
			r.lf -= r.start
		}
		r.lfFrom = max(r.lfFrom-r.start, 0)
		r.start = 0
	}
	if len(r.buf)-r.end < minRead {
		r.buf = append(r.buf[:r.end], make([]byte, len(r.buf))...)
		r.buf = r.buf[:cap(r.buf)]
	}
	n, err := r.in.Read(r.buf[r.end:])
	r.end += n
	r.err = err
}

// lookahead reads the start of the input (lookaheadBytes, or all of it if shorter) without
// consuming it, and decides from its first lookaheadTokens token lines what cannot wait for
// the lines themselves:
//   - the file's column count, from its first line that is not blank, a comment or
//     -DOCSTART- (so a "#" token before it is read as a token, and comments before it do not
//     set it);
//   - with -join auto, whether the file is character-level: when at least charLevelPercent%
//     of the tokens, and charLevelMin or more, are one character, tokens are joined with
//     nothing (said once);
//   - whether the token column holds only increasing integers (row numbers: warned once).
//
// The decision holds for the whole file: it is streamed, so later lines cannot change it.
func (r *reader) lookahead() error {
	for r.err == nil && r.end-r.start < lookaheadBytes {
		r.fill()
	}
	buf := r.buf[r.start:r.end]
	complete := r.err != nil
	// lines calls f for each complete line of buf with its line number, until f returns false.
	lines := func(f func(line []byte, num int) bool) {
		num := r.line
		for i := 0; i < len(buf); {
			j := bytes.IndexAny(buf[i:], "\r\n")
			if j < 0 && !complete {
				return
			}
			end, next := len(buf), len(buf)
			if j >= 0 {
				end, next = i+j, i+j+1
				if buf[end] == '\r' && next < len(buf) && buf[next] == '\n' {
					next++
				}
			}
			num++
			if !f(buf[i:end], num) {
				return
			}
			i = next
		}
	}
	var err error
	lines(func(line []byte, num int) bool {
		n, first, tok, _ := r.split(line)
		if n == 0 || isComment(line) || bytes.Equal(first, docStart) || bytes.Equal(tok, docStart) {
			return true
		}
		err = r.setColumns(n, num)
		return false
	})
	if err != nil {
		return err
	}
	if r.ncols == 0 {
		return nil // no token line yet: today's rules
	}
	var tokens, single, firstLine int
	ints, prevInt := true, -1
	lines(func(line []byte, num int) bool {
		n, first, tok, tag := r.split(line)
		switch {
		case n == 0 || bytes.Equal(first, docStart) || bytes.Equal(tok, docStart):
			prevInt = -1
			return true
		case n != r.ncols || isComment(line) && !r.isTag(tag): // a comment, or a bad line
			return true
		}
		if firstLine == 0 {
			firstLine = num
		}
		tokens++
		if singleChar(tok) {
			single++
		}
		if ints {
			v, ok := smallUint(tok)
			ints = ok && v > prevInt
			prevInt = v
		}
		return tokens < lookaheadTokens
	})
	if tokens == 0 {
		return nil
	}
	pos := importers.Position{File: r.file, Line: firstLine}
	if ints && tokens > 1 {
		r.opts.Warn.Warn(importers.Warning{Pos: pos, Reason: fmt.Sprintf(
			"column %d, read as the tokens, holds only increasing integers, as row numbers do (GermEval's first column); if the tokens are in column %d, give option TokenColumn %d",
			r.tokCol, r.tokCol+1, r.tokCol+1)})
		return nil
	}
	if r.join == JoinAuto && single >= charLevelMin && single*100 >= tokens*charLevelPercent {
		r.join = JoinNone
		r.opts.Warn.Warn(importers.Warning{Pos: pos, Reason: "tokens are single characters: joined without spaces; option Join space to change"})
	}
	return nil
}

// smallUint reads b as a decimal integer of at most 9 digits.
func smallUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// setColumns sets the file's column count from its first token line, at line num, checking
// that the token and tag columns are in it.
func (r *reader) setColumns(n, num int) error {
	tagCol := r.tagCol
	if tagCol == 0 {
		tagCol = n
	}
	switch {
	case n < 2:
		return r.fatal(num, fmt.Errorf("%w: the first token line has 1 column; a CoNLL line needs a token and a tag", ErrColumns))
	case r.tokCol > n:
		return r.fatal(num, fmt.Errorf("%w: the token column is %d, but the first token line has %d columns", ErrColumns, r.tokCol, n))
	case r.tagCol > n:
		return r.fatal(num, fmt.Errorf("%w: the tag column is %d, but the first token line has %d columns", ErrColumns, r.tagCol, n))
	case tagCol == r.tokCol:
		return r.fatal(num, fmt.Errorf("%w: the token column %d is the last column, which holds the tag; give option TagColumn", ErrColumns, r.tokCol))
	}
	r.ncols, r.colsLine = n, num
	return nil
}

// split returns a line's column count, its first column, its token and its tag. A blank line
// has 0 columns.
func (r *reader) split(line []byte) (n int, first, tok, tag []byte) {
	if r.opts.Tab {
		return splitTab(line, r.tokCol, r.tagCol)
	}
	return splitSpace(line, r.tokCol, r.tagCol)
}

// splitSpace splits on runs of spaces and tabs (and stray VT, FF).
func splitSpace(line []byte, tokCol, tagCol int) (n int, first, tok, tag []byte) {
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
			first = line[i:j]
		}
		if n == tokCol {
			tok = line[i:j]
		}
		if tagCol == 0 || n == tagCol {
			tag = line[i:j]
		}
		i = j + 1 // line[j] is a separator, or j is the end
	}
	return n, first, tok, tag
}

// splitTab splits on runs of tabs, trimming spaces at both ends of each column. A line of
// only whitespace has 0 columns.
func splitTab(line []byte, tokCol, tagCol int) (n int, first, tok, tag []byte) {
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
			first = f
		}
		if n == tokCol {
			tok = f
		}
		if tagCol == 0 || n == tagCol {
			tag = f
		}
		i = j + 1
	}
	if nonEmpty == 0 {
		return 0, nil, nil, nil
	}
	return n, first, tok, tag
}

// badLine counts a token line that rejects its record.
func (r *reader) badLine(msg string) {
	rec := &r.rec
	if rec.firstLine == 0 {
		rec.firstLine = r.line
	}
	rec.ntok++
	rec.lastLine = r.line
	r.problem(msg)
}

// token handles one token line; it returns a fatal error only.
func (r *reader) token(n int, tok, tag []byte) error {
	rec := &r.rec
	if r.ncols == 0 {
		if err := r.setColumns(n, r.line); err != nil {
			return err
		}
	}
	if n != r.ncols {
		r.badLine(fmt.Sprintf("has %d column%s where the file's token lines have %d (as its first, line %d, has)", n, plural(n), r.ncols, r.colsLine))
		return nil
	}
	if rec.firstLine == 0 {
		rec.firstLine = r.line
	}
	rec.ntok++
	rec.lastLine = r.line
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

	r.addToken(ti, tok, r.asciiLine)
	return nil
}

// addToken adds a token line's token, of tag ti (which has a type unless it is 'O'), to the
// record, which is not rejected. ascii says the token is ASCII (false: it may not be).
func (r *reader) addToken(ti *tagInfo, tok []byte, ascii bool) {
	rec := &r.rec
	end, start := transition(rec.prev.canon, rec.prev.typ, ti.canon, ti.typ)
	if end && !r.addEntity(rec.prev.typ) {
		return
	}
	// Join the token to the text.
	switch {
	case rec.ntok > 1:
		if r.joinSpace || r.joinAuto && (rec.last < utf8.RuneSelf || needSpace(rec.last, tok)) {
			rec.text = append(rec.text, ' ')
			rec.chars++
			rec.dataBytes++
		}
	case rec.sentences > 0:
		rec.text = append(rec.text, '\n')
		rec.chars++
		rec.dataBytes++
	}
	if r.gbkData {
		rec.dataBytes += gbkLen(tok)
	} else {
		rec.dataBytes += len(tok)
	}
	if rec.dataBytes > api.MaxSampleBytes {
		// Stop building it: the record is rejected as soon as its text cannot fit.
		r.problem(fmt.Sprintf("the text passes %d bytes; a sample holds at most %d", api.MaxSampleBytes, api.MaxSampleBytes))
		return
	}
	tokStart := rec.chars
	rec.text = append(rec.text, tok...)
	if ascii {
		rec.chars += len(tok)
	} else {
		rec.chars += length(tok, r.utf16)
	}
	rec.tokEnd = rec.chars
	if r.joinAuto {
		if ascii {
			rec.last = rune(tok[len(tok)-1])
		} else {
			rec.last = lastRune(tok)
		}
	}
	if start {
		rec.openStart = tokStart
	}
	if r.rules != nil {
		if rec.ntok > 1 {
			r.warnScheme(rec.prevLine, r.rules.checkNext(*rec.prev, *ti, false))
		}
		r.warnScheme(r.line, r.rules.checkTag(*rec.prev, *ti, rec.ntok == 1))
	}
	rec.prev, rec.prevLine = ti, r.line
}

// addEntity closes the open chunk as an entity of type typ; it returns false, rejecting the
// record, when the labels would no longer fit in a sample.
func (r *reader) addEntity(typ string) bool {
	rec := &r.rec
	rec.labelBytes += labelJSONBytes(typ, rec.openStart, rec.tokEnd)
	if rec.labelBytes > api.MaxSampleBytes {
		r.problem(fmt.Sprintf("its %d entities pass %d bytes of labels; a sample holds at most %d", len(rec.ents)+1, api.MaxSampleBytes, api.MaxSampleBytes))
		return false
	}
	rec.ents = append(rec.ents, entity{typ: typ, start: rec.openStart, end: rec.tokEnd})
	return true
}

// labelFraming is a named-entity label's JSON without its name and offsets, and the comma
// after it.
const labelFraming = len(`{"name":"","property":{"@modelarts:end_index":,"@modelarts:start_index":},"type":101},`)

// labelJSONBytes is the least size of an entity's label in a request body.
func labelJSONBytes(typ string, start, end int) int {
	return labelFraming + len(typ) + digits(start) + digits(end)
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// gbkLen is the size of UTF-8 text in GBK: one byte per ASCII character, two per other
// character (the least: what GBK cannot hold makes the data UTF-8, checked in sample).
func gbkLen(b []byte) int {
	n := 0
	for _, c := range b {
		switch {
		case c < utf8.RuneSelf:
			n++
		case c >= 0xC0: // a lead byte
			n += 2
		}
	}
	return n
}

// tag reads a tag, interning it. The tagInfo returned is never changed: the first tags are
// known's (which never grows past its capacity, so never moves), the others the map's.
func (r *reader) tag(b []byte) *tagInfo {
	if string(b) == r.lastKey {
		return r.lastTag
	}
	// Tag sets are small: a linear scan of the first few beats hashing.
	for i := range r.known {
		if ti := &r.known[i]; string(b) == ti.raw {
			r.lastKey, r.lastTag = ti.raw, ti
			return ti
		}
	}
	ti, ok := r.tags[string(b)]
	if !ok {
		parsed := parseTag(string(b))
		switch {
		case len(r.known) < cap(r.known):
			r.known = append(r.known, parsed)
			ti = &r.known[len(r.known)-1]
		case len(r.tags) < maxTags:
			ti = &parsed
			r.tags[ti.raw] = ti
		default:
			if !r.tagsFull {
				r.tagsFull = true
				r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: r.line}, Reason: fmt.Sprintf(
					"more than %d distinct tags (a dataset holds at most 10,000 labels); tags holding several tags are no longer reported", maxTags)})
			}
			return &parsed
		}
		if multi := severalTags(ti.raw); multi != "" {
			r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: r.line}, Reason: fmt.Sprintf(
				"tag %q holds several tags (%s); it is read as one entity type %q", ti.raw, multi, ti.typ)})
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
	if !rec.bad() && rec.prev.canon != pO && r.addEntity(rec.prev.typ) {
		if r.rules != nil {
			r.warnScheme(rec.prevLine, r.rules.checkNext(*rec.prev, outside, true))
		}
	}
	rec.sentences++
	rec.ntok, rec.prev, rec.last = 0, &outside, 0
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
	reason := r.checkEncoding()
	if reason == "" && r.pipe != nil {
		return r.pipe.record(r) // built on the stream's goroutine (see readPiped)
	}
	var s *api.Sample
	if reason == "" {
		s, reason = r.bld.sample(rec.text, rec.ents, rec.firstLine, r.number, r.dec.Encoding())
	}
	if reason != "" {
		r.opts.Warn.Warn(rejected(r.file, rec.firstLine, reason, r.doc, r.number, rec.firstLine, rec.lastLine))
		return true
	}
	return yield(s, nil)
}

// rejected is the warning for a record that cannot be a sample.
func rejected(file string, line int, reason string, doc bool, number, first, last int) importers.Warning {
	return importers.Warning{Pos: importers.Position{File: file, Line: line}, Rejected: true,
		Reason: reason + "; " + what(doc, number, first, last) + " not converted"}
}

func (r *reader) reset() {
	rec := &r.rec
	*rec = record{text: rec.text[:0], ents: rec.ents[:0], problems: rec.problems[:0], prev: &outside}
}

// what names the record: "sentence 12 (lines 40-47)".
func (r *reader) what() string { return what(r.doc, r.number, r.rec.firstLine, r.rec.lastLine) }

func what(doc bool, number, first, last int) string {
	kind := "sentence"
	if doc {
		kind = "document"
	}
	return fmt.Sprintf("%s %d (lines %d-%d)", kind, number, first, last)
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

// builder turns finished records into samples. It is the reader's, or with a pipe the
// stream goroutine's alone (see readPiped).
type builder struct {
	file         string
	namePre      []byte
	doc          bool
	keepEncoding bool
	shareProps   bool

	scratch []byte
	samples []api.Sample                              // what is left of the slab samples are cut from
	labels  []api.SampleLabel                         // and of labels
	shared  *[sharedStarts * sharedSpans]api.Property // with Options.SharedProperties
	block   strings.Builder                           // see strings
}

// sample builds the sample of record number (its text and entities, its first line, the
// decoder's encoding), or says why it cannot be one.
func (r *builder) sample(text []byte, ents []entity, firstLine, number int, enc textenc.Encoding) (*api.Sample, string) {
	data, encoding := text, api.EncodingUTF8
	if r.keepEncoding {
		data, encoding = textenc.Encode(string(text), enc, true)
	}
	if len(data) > api.MaxSampleBytes {
		return nil, fmt.Sprintf("the text is %d bytes; a sample holds at most %d", len(data), api.MaxSampleBytes)
	}
	// One string holds the data, the origin ("eng.train:12") and the name
	// ("eng.train-000012.txt"): one allocation instead of three.
	b := base64pairs.AppendStd(r.scratch[:0], data)
	j := len(b)
	b = append(b, r.file...)
	b = append(b, ':')
	b = appendLine(b, firstLine)
	k := len(b)
	b = append(b, r.namePre...)
	b = append(b, '-')
	if r.doc {
		b = append(b, "doc"...)
	}
	b = appendPadded(b, number)
	b = append(b, ".txt"...)
	r.scratch = b
	all := r.strings(b)
	// Samples and labels are cut from arrays allocated a few dozen at a time: one allocation
	// for many. Each sample's labels are capped at their own length, so that appending to
	// them copies instead of writing over the next sample's.
	// A sample whose strings have a block of their own (up to 16 MiB) is allocated alone
	// (32 records of 12 MiB in one slab held 512 MiB with the caller keeping none).
	s := slab.Take(&r.samples, slabSamples, len(all) >= blockBytes)
	*s = api.Sample{SampleType: api.SampleText, Data: all[:j], Encoding: encoding, Origin: all[j:k], Name: all[k:]}

	if n := len(ents); n > 0 {
		if len(r.labels) < n {
			r.labels = make([]api.SampleLabel, max(n, slabLabels))
		}
		s.Labels = r.labels[:n:n]
		r.labels = r.labels[n:]
		for i, e := range ents {
			s.Labels[i] = api.SampleLabel{Type: api.LabelNamedEntity, Name: e.typ,
				Property: r.property(e.start, e.end)}
		}
	}
	return s, ""
}

// strings returns b as a string cut from a block shared by the samples of a few hundred
// sentences: one allocation for many. A strings.Builder only ever appends, and its String
// does not copy, so the strings cut from it stay as they were.
func (r *builder) strings(b []byte) string {
	if len(b) >= blockBytes {
		// A block of its own, not shared with the next samples' strings: they would keep
		// it alive, and it their slab (see sample).
		return string(b)
	}
	if r.block.Cap()-r.block.Len() < len(b) {
		r.block = strings.Builder{}
		r.block.Grow(max(len(b), blockBytes))
	}
	from := r.block.Len()
	r.block.Write(b)
	return r.block.String()[from:]
}

// blockBytes is the size of the blocks sample strings are cut from (see strings).
const blockBytes = 32 << 10

// property returns the Property of an entity from start to end: with
// Options.SharedProperties one map per distinct pair of small offsets, else a new one.
func (r *builder) property(start, end int) api.Property {
	if !r.shareProps || start >= sharedStarts || end-start > sharedSpans {
		return api.Property{api.PropStartIndex: start, api.PropEndIndex: end}
	}
	if r.shared == nil {
		r.shared = new([sharedStarts * sharedSpans]api.Property)
	}
	k := start*sharedSpans + end - start - 1 // end > start
	p := r.shared[k]
	if p == nil {
		p = api.Property{api.PropStartIndex: start, api.PropEndIndex: end}
		r.shared[k] = p
	}
	return p
}

// The shared Property maps (see Options.SharedProperties) are those of entities that start
// before sharedStarts and span at most sharedSpans units: most entities of sentence-level
// files, in at most 8,192 maps (about 2.7 MB) per file.
const (
	sharedStarts = 256
	sharedSpans  = 32
)

// How many samples and labels one allocation holds (see sample). A slab stays in memory as
// long as one of its samples does: a few kilobytes, and the strings of its samples (a sample
// whose strings have a block of their own is allocated alone).
const (
	slabSamples = 32
	slabLabels  = 64
)

// appendPadded appends n with at least six digits.
func appendPadded(b []byte, n int) []byte {
	if u := uint(n); u < 1e6 { // a sample's number nearly always: six digits, written at once
		var d [6]byte
		for i := len(d) - 1; i >= 0; i-- {
			q := u / 10
			d[i] = byte('0' + u - q*10)
			u = q
		}
		return append(b, d[:]...)
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// appendLine appends a line number (as strconv.AppendInt does), up to 99,999,999 without a
// call.
func appendLine(b []byte, n int) []byte {
	if uint(n) >= 1e8 {
		return strconv.AppendInt(b, int64(n), 10)
	}
	var d [8]byte
	i := len(d)
	for u := uint(n); ; {
		q := u / 10
		i--
		d[i] = byte('0' + u - q*10)
		if u = q; u == 0 {
			break
		}
	}
	return append(b, d[i:]...)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
