package csv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// maxRecord bounds one record (all its lines). A record that runs longer is rejected and
// reading goes on at the line after its first: it is almost always a quote that never
// closes. It is above api.MaxSampleBytes, so every text the service can take fits. (A
// variable for tests.)
var maxRecord = 16 << 20

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
// Line ends are "\n" or "\r\n"; "\r\n" inside a quoted field reads as "\n".
//
// Fields are slices of the scanner's buffers, valid until the next call to next. Unlike
// encoding/csv, a broken record does not end the scan: next reports it as a *badRecord and
// resynchronizes at the line after the record's first line, which stays in the buffer.
type scanner struct {
	src   io.Reader
	comma byte
	buf   []byte
	r, w  int   // buf[r:w] is read but not yet consumed
	eof   bool  // src is exhausted (or failed: see err)
	err   error // src's error other than io.EOF, returned once the buffer is drained
	line  int   // line number of buf[r]
	skip  bool  // discarding up to the next '\n' (resynchronizing after a long bad record)

	fields  [][]byte
	spans   []span
	scratch []byte // unescaped quoted fields
	recLine int    // first line of the record next returned
}

// span is a field's place in the record window or, for quoted fields, in scratch.
type span struct {
	start, end int
	quoted     bool
}

func newScanner(src io.Reader, comma byte) *scanner {
	return &scanner{src: src, comma: comma, buf: make([]byte, startBuf), line: 1}
}

// fill reads until at least want unconsumed bytes are buffered, or the input ends. It moves
// the unconsumed bytes to the front and grows the buffer when want needs it.
func (s *scanner) fill(want int) {
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

// next returns the next record's fields, or a *badRecord for a record it skipped, or io.EOF,
// or the source's error. Empty lines come back as one empty field.
func (s *scanner) next() ([][]byte, error) {
	for {
		if s.skip {
			if !s.skipLine() {
				continue
			}
		}
		if s.r == s.w {
			if s.eof {
				if s.err != nil {
					return nil, s.err
				}
				return nil, io.EOF
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
			s.r += n
			s.line += lines
			return s.fieldsOf(data), nil
		case err == errNeedMore:
			if s.eof { // only with a source error: the record was cut off by it
				return nil, s.err
			}
			if len(data) >= maxRecord {
				bad := &badRecord{line: s.line, col: 1,
					reason: fmt.Sprintf("the record starting here is longer than %d MiB (a quote that never closes?); reading goes on at line %d", maxRecord>>20, s.line+1)}
				s.resync(data)
				return nil, bad
			}
			s.fill(min(2*len(data), maxRecord+1))
		default:
			bad := err.(*badRecord)
			bad.line += s.line
			s.resync(data)
			return nil, bad
		}
	}
}

// resync drops the record at data's start up to and including its first line end.
func (s *scanner) resync(data []byte) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		s.r += i + 1
	} else {
		s.r = s.w
		s.skip = true
	}
	s.line++
}

// skipLine discards input up to and including the next '\n'; it reports whether it found
// it (or the input ended).
func (s *scanner) skipLine() bool {
	if i := bytes.IndexByte(s.buf[s.r:s.w], '\n'); i >= 0 {
		s.r += i + 1
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

func (s *scanner) fieldsOf(data []byte) [][]byte {
	s.fields = s.fields[:0]
	for _, sp := range s.spans {
		if sp.quoted {
			s.fields = append(s.fields, s.scratch[sp.start:sp.end:sp.end])
		} else {
			s.fields = append(s.fields, data[sp.start:sp.end:sp.end])
		}
	}
	return s.fields
}

// parse reads one record from the start of data. It returns the bytes and the line ends the
// record takes, errNeedMore when data ends inside it and more may come (final is false), or a
// *badRecord whose line is relative to the record's first line (0-based).
func (s *scanner) parse(data []byte, final bool) (n, lines int, err error) {
	s.spans = s.spans[:0]
	s.scratch = s.scratch[:0]
	if cap(s.scratch) < len(data) {
		// Unescaped quoted text is never longer than its source, so scratch never grows
		// while a record is parsed.
		s.scratch = make([]byte, 0, len(s.buf))
	}
	comma := s.comma
	pos := 0
	lineStart := 0 // offset of the current line's first byte
	// nl is the offset of the first '\n' at or after some earlier position, len(data) when
	// there is none; it stays valid while it is not before the current position.
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
						return 0, 0, errNeedMore
					}
					return 0, 0, &badRecord{line: qline, col: utf8.RuneCount(data[qls:qpos]) + 1,
						reason: fmt.Sprintf("broken quote: the quoted field opened here is never closed; reading goes on at line %d", s.line+1)}
				}
				seg := data[p : p+j]
				if nl < p {
					nl = nextNL(data, p)
				}
				if nl < p+j { // the quoted text holds line ends
					lines += bytes.Count(seg, []byte{'\n'})
					lineStart = p + bytes.LastIndexByte(seg, '\n') + 1
					s.scratch = appendCRLF(s.scratch, seg)
				} else {
					s.scratch = append(s.scratch, seg...)
				}
				p += j + 1
				if p == len(data) {
					if !final {
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
				case c == '\r' && p+1 < len(data) && data[p+1] == '\n':
					s.spans = append(s.spans, span{start, len(s.scratch), true})
					return p + 2, lines + 1, nil
				case c == '\r' && p+1 == len(data):
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
			nl = nextNL(data, pos)
		}
		if nl == len(data) && !final {
			return 0, 0, errNeedMore
		}
		if i := bytes.IndexByte(data[pos:nl], comma); i >= 0 {
			s.spans = append(s.spans, span{pos, pos + i, false})
			pos += i + 1
			continue
		}
		end := nl
		if end > pos && data[end-1] == '\r' {
			end--
		}
		s.spans = append(s.spans, span{pos, end, false})
		if nl == len(data) {
			return nl, lines, nil
		}
		return nl + 1, lines + 1, nil
	}
}

// nextNL returns the offset of the first '\n' in data at or after from, or len(data).
func nextNL(data []byte, from int) int {
	if i := bytes.IndexByte(data[from:], '\n'); i >= 0 {
		return from + i
	}
	return len(data)
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
