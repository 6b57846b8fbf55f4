package csv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
)

// maxRecord bounds one record (all its lines): the per-sample limit and room for the other
// fields, so every text the service can take fits, and a record is rejected as soon as it
// passes that, without being held whole (the scanner's buffer, and so the memory of a run,
// stays near this size whatever the input). With -keep-encoding from GBK the bound is half
// as large again, as the UTF-8 read here is up to 3/2 of the GBK bytes sent. (A variable
// for tests.)
var maxRecord = api.MaxSampleBytes + 64<<10

// The scanner's buffer starts small (a short file costs little) and doubles on each refill
// up to fullBuf; past that it grows only for records that do not fit.
const (
	startBuf = 4 << 10
	fullBuf  = 256 << 10
)

// badRecord is a record the scanner skipped: a broken quote or an overlong record. The
// scanner has already moved on to the line after the record's first line.
type badRecord struct {
	line, col int // where the problem starts (the opening quote), 1-based; col in characters
	reason    string
}

func (b *badRecord) Error() string { return b.reason }

// errNeedMore says the buffered text ends inside the record being parsed.
var errNeedMore = errors.New("need more input")

// scanner splits UTF-8 text into delimited records, RFC 4180 style: a field that starts with
// '"' is quoted, may hold the delimiter, line ends and doubled quotes, and must be followed
// by the delimiter or a line end; a quote inside an unquoted field is kept as a character.
// Line ends are "\n", "\r\n" and a lone "\r" (classic Mac files), mixed in one file too;
// "\r\n" inside a quoted field reads as "\n" (a lone "\r" there is kept, as encoding/csv
// keeps it, but counts as a line end for line numbers).
//
// Fields are slices of the scanner's buffers, valid until the next call to next. Unlike
// encoding/csv, a broken record does not end the scan: next reports it as a *badRecord and
// resynchronizes at the line after the record's first line, which stays in the buffer. A
// quoted field that grows past max is the exception unless the lines after its quote read as
// rows (a stray quote, see strayQuote): its lines are not rows, so the scanner discards input
// (holding none of it) until the field closes and the rest of that line, and reports the
// whole span as one *badRecord.
type scanner struct {
	src   io.Reader
	comma byte
	buf   []byte
	r, w  int   // buf[r:w] is read but not yet consumed
	eof   bool  // src is exhausted (or failed: see err)
	err   error // src's error other than io.EOF, returned once the buffer is drained
	line  int   // line number of buf[r]
	skip  bool  // discarding up to the next line end (resynchronizing after a long bad record)
	lf    bool  // a '\n' next is the second half of a "\r\n" already counted: drop it
	max   int   // the longest record kept (maxRecord)

	// minFields and maxFields are the field counts rows of the file have, once known (0
	// before), for telling a stray quote from a long quoted field (see strayQuote).
	minFields, maxFields int

	long  *longField // discarding a record whose quoted field grew past max
	cr    bool       // the last byte counted by countLines was '\r'
	openQ bool       // parse ended inside a quoted field (with errNeedMore) ...
	qline int        // ... opened at this line (relative to the record's) and column
	qcol  int
	qtail bool // ... and data ends in a quote not yet known to be doubled

	// crAt is the place in buf of the first '\r' at or after crFrom, or crEnd (s.w when it
	// was searched for) when there is none there: a file without a '\r' is searched for one
	// once per fill rather than once per line (see eol). crEnd -1: not known.
	crFrom, crAt, crEnd int

	spans   []span
	scratch []byte // unescaped quoted fields
	recLine int    // first line of the record scan found
	rec     int    // where in buf that record starts
}

// span is a field's place in the record window or, for quoted fields, in scratch.
type span struct {
	start, end int
	quoted     bool
}

func newScanner(src io.Reader, comma byte) *scanner {
	return &scanner{src: src, comma: comma, buf: make([]byte, startBuf), line: 1, max: maxRecord, crEnd: -1}
}

// fill reads until at least want unconsumed bytes are buffered, or the input ends. It moves
// the unconsumed bytes to the front and grows the buffer when want needs it.
func (s *scanner) fill(want int) {
	s.crEnd = -1 // buf's bytes move
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.r, s.w = 0, n
	}
	if want > len(s.buf) || len(s.buf) < fullBuf {
		nb := make([]byte, max(want, min(2*len(s.buf), fullBuf)))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for s.w-s.r < want && !s.eof {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
		}
		if s.w == len(s.buf) {
			break
		}
	}
}

// numFields is the number of fields of the record scan found.
func (s *scanner) numFields() int { return len(s.spans) }

// field returns field i of the record scan found: valid until the next scan. (The importer
// reads fields one by one rather than from a slice of them kept in the scanner: storing each
// field's slice into that heap slice cost a write barrier per field while the collector
// ran.)
func (s *scanner) field(i int) []byte {
	sp := s.spans[i]
	if sp.quoted {
		return s.scratch[sp.start:sp.end:sp.end]
	}
	return s.buf[s.rec+sp.start : s.rec+sp.end : s.rec+sp.end]
}

// scan finds the next record, whose fields numFields and field then give (an empty line has
// one empty field), or returns a *badRecord for a record it skipped, io.EOF or the source's
// error.
func (s *scanner) scan() error {
	for {
		if s.long != nil {
			if bad := s.skipLong(); bad != nil {
				return bad
			}
			continue
		}
		if s.skip {
			if !s.skipLine() {
				continue
			}
		}
		if s.lf {
			if s.r == s.w && !s.eof {
				s.fill(1)
				continue
			}
			if s.r < s.w && s.buf[s.r] == '\n' {
				s.r++
			}
			s.lf = false
		}
		if s.r == s.w {
			if s.eof {
				if s.err != nil {
					return s.err
				}
				return io.EOF
			}
			s.fill(len(s.buf) / 2)
			continue
		}
		data := s.buf[s.r:s.w]
		// A source error ends the input where it happened: records before it still count,
		// the partial one at the end does not.
		final := s.eof && s.err == nil
		n, lines, err := s.parse(data, final)
		switch {
		case err == nil:
			s.recLine = s.line
			s.rec = s.r
			s.r += n
			s.line += lines
			return nil
		case err == errNeedMore:
			if s.eof { // only with a source error: the record was cut off by it
				return s.err
			}
			if len(data) >= s.max {
				if s.openQ && s.strayQuote(data) {
					bad := &badRecord{line: s.line + s.qline, col: s.qcol,
						reason: fmt.Sprintf("broken quote: the quoted field opened here does not close within %d bytes, and the lines after it read as rows; reading goes on at line %d", s.max, s.line+1)}
					s.resync(data)
					return bad
				}
				if s.openQ {
					s.startLong(data)
					continue
				}
				bad := &badRecord{line: s.line, col: 1,
					reason: fmt.Sprintf("the record starting here is longer than %d bytes, more than one sample may hold; reading goes on at line %d", s.max, s.line+1)}
				s.resync(data)
				return bad
			}
			s.fill(min(2*len(data), s.max+1))
		default:
			bad := err.(*badRecord)
			bad.line += s.line
			s.resync(data)
			return bad
		}
	}
}

// strayQuote tells a quote that never closes from a quoted field that is merely long, by the
// buffered lines after the record's first (data holds s.max bytes of them): when most of
// them look like rows of the file (no quote, a field count between minFields and
// maxFields), the quote is a stray one and reading goes on at the next line, as for any
// broken quote; otherwise they are the field's own lines, none of which may become a row.
func (s *scanner) strayQuote(data []byte) bool {
	if s.minFields == 0 {
		return false // the file's rows are not known yet
	}
	i := nextEOL(data, 0)
	rows, other := 0, 0
	for i < len(data) {
		start := i + 1
		if data[i] == '\r' && start < len(data) && data[start] == '\n' {
			start++
		}
		end := nextEOL(data, start)
		if end == len(data) {
			break // the last line may be cut short
		}
		line := data[start:end]
		i = end
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n := bytes.Count(line, []byte{s.comma}) + 1
		if n >= s.minFields && n <= s.maxFields && bytes.IndexByte(line, '"') < 0 {
			rows++
		} else {
			other++
		}
	}
	return rows > other
}

// longField is a record being discarded because its quoted field grew past the limit.
type longField struct {
	first     int  // the record's first line
	line, col int  // the field's opening quote
	closed    bool // its closing quote was found; the rest of its line is being skipped
}

// startLong begins discarding a record whose quoted field (opened at s.qline, s.qcol of
// data, the buffered record) grew past the limit. The field's lines are not rows: the record
// is reported once, as one *badRecord, when the field has closed and its line is skipped.
func (s *scanner) startLong(data []byte) {
	s.long = &longField{first: s.line, line: s.line + s.qline, col: s.qcol}
	keep := 0
	if s.qtail { // data ends in a quote that may close the field or start a doubled quote
		keep = 1
	}
	s.line += countLines(data[:len(data)-keep], &s.cr)
	s.r = s.w - keep
}

// skipLong discards input of the long record; it returns the record's rejection when done.
func (s *scanner) skipLong() *badRecord {
	lf := s.long
	if lf.closed {
		if !s.skipLine() {
			return nil
		}
		s.long = nil
		return &badRecord{line: lf.line, col: lf.col, reason: fmt.Sprintf(
			"the quoted field opened here is longer than %d bytes, more than one sample may hold: its record, lines %d-%d, is not converted",
			s.max, lf.first, s.line-1)}
	}
	data := s.buf[s.r:s.w]
	i := bytes.IndexByte(data, '"')
	if i < 0 || i+1 == len(data) && !s.eof {
		if i < 0 {
			i = len(data)
		}
		s.line += countLines(data[:i], &s.cr)
		s.r += i
		if s.eof && s.r == s.w {
			s.long = nil
			return &badRecord{line: lf.line, col: lf.col, reason: fmt.Sprintf(
				"the quoted field opened here never closes and is longer than %d bytes: the rest of the file, lines %d-%d, is not converted",
				s.max, lf.first, s.line)}
		}
		s.fill(2)
		return nil
	}
	s.line += countLines(data[:i], &s.cr)
	s.cr = false
	if i+1 < len(data) && data[i+1] == '"' { // a doubled quote: still inside
		s.r += i + 2
		return nil
	}
	// The field closes (or the input ends just after its quote): skip the rest of its line.
	s.r += i + 1
	lf.closed = true
	s.line++ // the line end skipLine consumes
	return nil
}

// countLines counts the line ends in b ("\n", "\r\n", lone "\r"); cr says that the byte
// before b was '\r' and is updated for the byte after.
func countLines(b []byte, cr *bool) int {
	if len(b) == 0 {
		return 0
	}
	n := bytes.Count(b, []byte{'\n'})
	if bytes.IndexByte(b, '\r') >= 0 || *cr {
		n += bytes.Count(b, []byte{'\r'}) - bytes.Count(b, []byte("\r\n"))
		if *cr && b[0] == '\n' {
			n--
		}
	}
	*cr = b[len(b)-1] == '\r'
	return n
}

// resync drops the record at data's start up to and including its first line end.
func (s *scanner) resync(data []byte) {
	if i := nextEOL(data, 0); i < len(data) {
		s.r += i + 1
		if data[i] == '\r' {
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					s.r++
				}
			} else {
				s.lf = true
			}
		}
	} else {
		s.r = s.w
		s.skip = true
	}
	s.line++
}

// skipLine discards input up to and including the next line end; it reports whether it found
// it (or the input ended).
func (s *scanner) skipLine() bool {
	data := s.buf[s.r:s.w]
	if i := nextEOL(data, 0); i < len(data) {
		s.r += i + 1
		s.lf = data[i] == '\r'
		s.skip = false
		return true
	}
	s.r = s.w
	if s.eof {
		s.skip = false
		return true
	}
	s.fill(1)
	return false
}

// parse reads one record from the start of data. It returns the bytes and the line ends the
// record takes, errNeedMore when data ends inside it and more may come (final is false; openQ
// then says whether inside a quoted field), or a *badRecord whose line is relative to the
// record's first line (0-based).
func (s *scanner) parse(data []byte, final bool) (n, lines int, err error) {
	s.spans = s.spans[:0]
	s.scratch = s.scratch[:0]
	s.openQ, s.qtail = false, false
	if cap(s.scratch) < len(data) {
		// Unescaped quoted text is never longer than its source, so scratch never grows
		// while a record is parsed.
		s.scratch = make([]byte, 0, len(s.buf))
	}
	comma := s.comma
	pos := 0
	lineStart := 0 // offset of the current line's first byte
	// nl is the offset of the first line end ('\n' or '\r') at or after some earlier
	// position, len(data) when there is none; it stays valid while it is not before the
	// current position.
	nl := -1
	for {
		if pos < len(data) && data[pos] == '"' {
			qline, qls, qpos := lines, lineStart, pos
			start := len(s.scratch)
			p := pos + 1
			for {
				j := bytes.IndexByte(data[p:], '"')
				if j < 0 {
					if !final {
						s.openQ, s.qline, s.qcol = true, qline, utf8.RuneCount(data[qls:qpos])+1
						return 0, 0, errNeedMore
					}
					return 0, 0, &badRecord{line: qline, col: utf8.RuneCount(data[qls:qpos]) + 1,
						reason: fmt.Sprintf("broken quote: the quoted field opened here is never closed; reading goes on at line %d", s.line+1)}
				}
				seg := data[p : p+j]
				if nl < p {
					nl = s.eol(data, p)
				}
				if nl < p+j { // the quoted text holds line ends
					cr := false
					lines += countLines(seg, &cr)
					lineStart = p + bytes.LastIndexAny(seg, "\r\n") + 1
					s.scratch = appendCRLF(s.scratch, seg)
				} else {
					s.scratch = append(s.scratch, seg...)
				}
				p += j + 1
				if p == len(data) {
					if !final {
						s.openQ, s.qline, s.qcol = true, qline, utf8.RuneCount(data[qls:qpos])+1
						s.qtail = true
						return 0, 0, errNeedMore
					}
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					return p, lines, nil
				}
				switch c := data[p]; {
				case c == '"':
					s.scratch = append(s.scratch, '"')
					p++
					continue
				case c == comma:
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					pos = p + 1
				case c == '\n':
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					return p + 1, lines + 1, nil
				case c == '\r' && p+1 < len(data):
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					if data[p+1] == '\n' {
						return p + 2, lines + 1, nil
					}
					return p + 1, lines + 1, nil
				case c == '\r':
					if !final {
						return 0, 0, errNeedMore
					}
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					return p + 1, lines, nil
				default:
					r, _ := utf8.DecodeRune(data[p:])
					return 0, 0, &badRecord{line: qline, col: utf8.RuneCount(data[qls:qpos]) + 1,
						reason: fmt.Sprintf("broken quote: the quoted field opened here closes at line %d column %d and is followed by %q instead of the delimiter or a line end; reading goes on at line %d",
							s.line+lines, utf8.RuneCount(data[lineStart:p-1])+1, r, s.line+1)}
				}
				break
			}
			continue
		}
		// An unquoted field runs to the delimiter or the line end.
		if nl < pos {
			nl = s.eol(data, pos)
		}
		if !final && (nl == len(data) || nl == len(data)-1 && data[nl] == '\r') {
			return 0, 0, errNeedMore // no line end yet, or a '\r' that may be half of "\r\n"
		}
		if i := bytes.IndexByte(data[pos:nl], comma); i >= 0 {
			s.spans = append(s.spans, span{pos, pos + i, false})
			pos += i + 1
			continue
		}
		s.spans = append(s.spans, span{pos, nl, false})
		switch {
		case nl == len(data):
			return nl, lines, nil
		case data[nl] == '\r' && nl+1 < len(data) && data[nl+1] == '\n':
			return nl + 2, lines + 1, nil
		}
		return nl + 1, lines + 1, nil
	}
}

// eol is nextEOL for parse, whose data is s.buf[s.r:s.w]: where the next '\r' lies is kept
// from one call to the next while the buffer holds the same bytes (one search per fill when
// the file has none, where nextEOL searches each line for one).
func (s *scanner) eol(data []byte, from int) int {
	end := len(data)
	if i := bytes.IndexByte(data[from:], '\n'); i >= 0 {
		end = from + i
	}
	if at := s.r + from; s.crEnd != s.w || at < s.crFrom || at > s.crAt {
		s.crFrom, s.crAt, s.crEnd = at, s.w, s.w
		if i := bytes.IndexByte(data[from:], '\r'); i >= 0 {
			s.crAt = at + i
		}
	}
	return min(end, s.crAt-s.r)
}

// nextEOL returns the offset of the first line end ('\n' or '\r') in data at or after from,
// or len(data). Two byte searches beat one search for either byte.
func nextEOL(data []byte, from int) int {
	end := len(data)
	if i := bytes.IndexByte(data[from:], '\n'); i >= 0 {
		end = from + i
	}
	if i := bytes.IndexByte(data[from:end], '\r'); i >= 0 {
		return from + i
	}
	return end
}

// appendCRLF appends seg to dst with every "\r\n" read as "\n".
func appendCRLF(dst, seg []byte) []byte {
	for {
		i := bytes.Index(seg, []byte("\r\n"))
		if i < 0 {
			return append(dst, seg...)
		}
		dst = append(dst, seg[:i]...)
		dst = append(dst, '\n')
		seg = seg[i+2:]
	}
}
