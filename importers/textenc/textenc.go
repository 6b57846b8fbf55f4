// Package textenc is the text-encoding toolkit for importers of text datasets (the CoNLL and
// CSV/TXT importers use it; so does VOC's XML reader for files that declare no encoding): it
// decides and decodes UTF-8 with or without BOM, UTF-16 with a BOM, and the Chinese GBK
// family. Text comes out as UTF-8; Encode gives a sample's bytes back in its source encoding
// when the user asks to keep it.
//
// The API is small: Parse reads an encoding name (an -encoding flag); NewDecoder is the
// streaming reader importers use (it reports a file that mixes encodings, so that only the
// records concerned are rejected); NewReader and Decode are its strict forms; Detect is the
// charset detector for a whole document in memory; Encode writes a sample's data.
//
// Auto detection: a BOM decides; otherwise text that is valid UTF-8 is UTF-8; otherwise it
// is GB18030, the superset that also decodes GBK and GB2312 (detectors that report GBK files
// as GB2312 then fail on characters outside GB2312). A file that mixes UTF-8 lines with lines
// that are not UTF-8 is read as UTF-8, and the importer rejects the records that are not
// (see NewDecoder). Lines end at "\n", "\r\n" or a lone "\r".
//
// golang.org/x/text decodes and encodes the GBK family. Around its decoder, ASCII is copied
// as it is, and two-byte characters are copied from a table of the decoder's own answers for
// every two-byte code, made once per process by running it over all of them (x/text is asked
// about each code once, not about each character of the text); what the table does not
// cover goes through the decoder, which writes straight into the reader's caller's buffer
// (BenchmarkDecodeGBK compares this with x/text's transform.Reader).
package textenc

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/modelarts-convert/convert/api"
)

// Encoding names an encoding.
type Encoding string

// Encodings. UTF16LE and UTF16BE are only ever detected from a BOM.
const (
	Auto    Encoding = "auto"
	UTF8    Encoding = "utf-8"
	GBK     Encoding = "gbk"
	GB18030 Encoding = "gb18030"
	GB2312  Encoding = "gb2312"
	UTF16LE Encoding = "utf-16le"
	UTF16BE Encoding = "utf-16be"
)

// Names lists the values Parse accepts, for flag help.
const Names = "auto|utf-8|gbk|gb18030|gb2312"

// Parse reads an -encoding flag value (case-insensitive; "utf8" and "cp936" are accepted).
func Parse(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return Auto, nil
	case "utf-8", "utf8":
		return UTF8, nil
	case "gbk", "cp936":
		return GBK, nil
	case "gb18030":
		return GB18030, nil
	case "gb2312", "euc-cn":
		return GB2312, nil
	}
	return "", fmt.Errorf("unknown encoding %q (want %s)", s, Names)
}

// ErrInvalid is wrapped by decoding errors.
var ErrInvalid = errors.New("invalid text")

// DecodeError says where decoding failed.
type DecodeError struct {
	Encoding Encoding
	Offset   int64 // byte offset in the input
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("not valid %s at byte %d (pass option Encoding to say which encoding the file is in)", e.Encoding, e.Offset)
}

func (e *DecodeError) Unwrap() error { return ErrInvalid }

func (e Encoding) decoder() *encoding.Decoder {
	switch e {
	case GBK, GB2312: // GB2312 (EUC-CN) is a subset of GBK
		return simplifiedchinese.GBK.NewDecoder()
	case GB18030:
		return simplifiedchinese.GB18030.NewDecoder()
	case UTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case UTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	}
	return nil
}

// sniffSize is how much auto detection reads, from the first non-ASCII byte on, before
// deciding (a variable so that tests can move the window's edges into small inputs).
var sniffSize = 1 << 20

// NewReader returns UTF-8 text read from r in encoding enc, with any BOM removed, and the
// encoding it decided on (see NewDecoder). Unlike a Decoder's, its text is never invalid:
// a file that mixes UTF-8 with another encoding fails with a *DecodeError at the first
// byte that is not UTF-8. Importers use NewDecoder, which rejects only the records
// concerned.
func NewReader(r io.Reader, enc Encoding) (io.Reader, Encoding, error) {
	d, err := newDecoder(r, enc, true)
	if err != nil {
		return nil, "", err
	}
	return d, d.Encoding(), nil
}

// NewDecoder returns a reader of UTF-8 text read from r in encoding enc, with any BOM
// removed. With an explicit encoding, text not valid in it fails with a *DecodeError.
//
// With Auto, a BOM decides (a UTF-8 BOM counts as UTF-8 on line 1); otherwise the decoder
// passes ASCII through until the first non-ASCII byte and then looks at up to 1 MiB of lines
// from there: when some are not valid UTF-8 and none is valid UTF-8 with a character of
// three bytes or more (CJK text; a GBK line can be valid UTF-8 by chance, but nearly always
// in two-byte sequences), the file is GB18030 (the superset of GBK and GB2312), else UTF-8. A UTF-8 file may still hold lines that are not UTF-8 (a GBK
// line pasted into it, there or later): the decoder then passes their bytes through as
// they are and reports the mix through Mixed, MixedWarning and Valid, and the importer
// rejects each record whose bytes are not valid UTF-8 rather than guessing (decoding the
// whole file as GB18030 would turn its UTF-8 text into mojibake). -encoding overrides all
// of this. Lines end at "\n", "\r\n" or a lone "\r".
func NewDecoder(r io.Reader, enc Encoding) (*Decoder, error) {
	return newDecoder(r, enc, false)
}

// Decoder is a decoding reader; see NewDecoder.
type Decoder struct {
	enc    Encoding
	strict bool      // a mix is a *DecodeError (NewReader)
	src    io.Reader // raw bytes (after any BOM)
	size   int       // the size of the buffers: bufSize's
	out    io.Reader // the decoded text once the decoder is fixed (explicit encodings, GB18030)

	state   int    // autoASCII, autoUTF8 (pass-through, watching for invalid lines), autoDone
	pending []byte // raw bytes already classified, to be returned first
	tail    []byte // an incomplete rune at the end of the bytes checked so far
	line    int    // line number of the next raw byte
	cr      bool   // the last raw byte counted was '\r'
	off     int64  // raw bytes returned so far (for DecodeError offsets)
	err     error  // a DecodeError to return once pending is drained (strict mode)

	utf8Line, otherLine int  // the first line of each kind (0: none yet)
	warned              bool // MixedWarning has given its warning
}

const (
	autoASCII = iota // only ASCII so far
	autoUTF8         // UTF-8, lines still checked
	autoDone         // nothing left to watch: out (if set) or src is read as is
)

func newDecoder(r io.Reader, enc Encoding, strict bool) (*Decoder, error) {
	size := bufSize(r)
	br := bufio.NewReaderSize(r, size)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	d := &Decoder{enc: enc, strict: strict, src: br, line: 1, size: size}
	switch bom, n := BOM(head); {
	case bom == UTF8:
		br.Discard(n)
		if enc == Auto {
			d.enc, d.state, d.utf8Line = UTF8, autoUTF8, 1
			return d, nil
		}
	case n > 0 && enc == Auto: // UTF-16
		br.Discard(n)
		d.enc = bom
	}
	switch {
	case d.enc == Auto:
		d.state = autoASCII
		d.prefetch()
	case d.enc == GBK || d.enc == GB2312 || d.enc == GB18030:
		d.out, d.state = newGBKReader(br, d.enc, 0).sized(size), autoDone
	case d.enc.decoder() != nil:
		d.out, d.state = &offsetReader{r: transform.NewReader(br, d.enc.decoder()), enc: d.enc}, autoDone
	default:
		// bufio in front lets callers read with any buffer size; utf8Reader needs room for a rune.
		d.out, d.state = bufio.NewReaderSize(&utf8Reader{r: br}, size), autoDone
	}
	return d, nil
}

// bufSize is the size of the bufio.Reader in front of r: 64 KiB, or less for a source known
// to be shorter (a bytes.Reader's Len, a regular file's size from Stat), one byte more than
// it holds so that a Peek of the whole buffer sees the end. Over a folder of small files the
// 64 KiB, allocated and cleared for each file, was most of the decoder's cost. A size that
// turns out wrong (a file that grew) costs nothing but speed: the buffer only holds bytes.
func bufSize(r io.Reader) int {
	const most = 64 << 10
	n := int64(-1)
	switch r := r.(type) {
	case interface{ Len() int }:
		n = int64(r.Len())
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			n = fi.Size()
		}
	}
	if n < 0 || n >= most {
		return most
	}
	return max(16, int(n)+1) // bufio's least
}

// Encoding returns the encoding decided on so far: Auto until a non-ASCII byte is read (the
// text so far is then the same in every supported encoding), UTF8 for a mixed file.
func (d *Decoder) Encoding() Encoding {
	if d.enc == Auto && d.state == autoASCII {
		return UTF8
	}
	return d.enc
}

// Mixed reports whether the file was found to mix UTF-8 lines with lines that are not UTF-8,
// with the first line of each kind.
func (d *Decoder) Mixed() (utf8Line, otherLine int, ok bool) {
	return d.utf8Line, d.otherLine, d.utf8Line > 0 && d.otherLine > 0
}

// MixedWarning returns, the first time it is called after the decoder found the file mixed,
// the warning to give once per file; otherwise "".
func (d *Decoder) MixedWarning() string {
	u, o, ok := d.Mixed()
	if !ok || d.warned {
		return ""
	}
	d.warned = true
	return fmt.Sprintf("the file mixes encodings: line %d is UTF-8, line %d is not (GBK?); it is read as UTF-8 and each record that is not valid UTF-8 is rejected (give option Encoding to read the whole file in one encoding)", u, o)
}

// Valid reports whether a record's bytes, as read from the decoder, may be used: always,
// unless the file is mixed and they are not valid UTF-8.
func (d *Decoder) Valid(b []byte) bool {
	return d.otherLine == 0 || validUTF8(b)
}

// ErrNotUTF8 is the reason an importer gives for a record Valid refuses.
const ErrNotUTF8 = "the record is not valid UTF-8 while the file's other lines are (a line in GBK?); give option Encoding to read the whole file in one encoding"

func (d *Decoder) Read(p []byte) (int, error) {
	if len(d.pending) > 0 {
		n := copy(p, d.pending)
		d.pending = d.pending[n:]
		if len(d.pending) == 0 {
			d.pending = nil // the detection window (1 MiB) is not held for the rest of the file
		}
		d.off += int64(n)
		return n, nil
	}
	if d.err != nil {
		return 0, d.err
	}
	if d.out != nil {
		return d.out.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	n, err := d.src.Read(p)
	if n == 0 {
		if err == io.EOF && len(d.tail) > 0 && d.state == autoUTF8 {
			d.invalid(d.line) // the file ends inside a rune
			if d.strict {
				d.err = &DecodeError{Encoding: UTF8, Offset: d.off - int64(len(d.tail))}
				d.tail = nil
				return 0, d.err
			}
		}
		return 0, err
	}
	b := p[:n]
	switch d.state {
	case autoASCII:
		i := asciiPrefix(b)
		if i == n {
			d.line += countLines(b, &d.cr)
			d.off += int64(n)
			return n, nil
		}
		d.line += countLines(b[:i], &d.cr)
		d.off += int64(i)
		// The window is copied out of p: the caller owns p once this returns.
		w := make([]byte, n-i, max(n-i, sniffSize))
		copy(w, b[i:n])
		d.pending = d.sniff(w, 0, false) // an error or the end is for the source to repeat
		if i == 0 {
			return d.Read(p)
		}
		return i, nil
	case autoUTF8:
		if d.otherLine == 0 {
			if k, back := d.check(b, err == io.EOF); k >= 0 && d.strict {
				d.err = &DecodeError{Encoding: UTF8, Offset: d.off + int64(k-back)}
				d.off += int64(k)
				if k == 0 {
					return 0, d.err
				}
				return k, nil
			}
		}
	}
	d.off += int64(n)
	return n, err
}

// prefetch reads up to sniffSize bytes, so that a file with non-ASCII text in its first MiB
// has its encoding decided before the first Read (importers ask for it up front). An
// all-ASCII start leaves the decision to the first non-ASCII byte.
//
// The bytes go into one buffer, sized once: the file's length when it is shorter than the
// bufio.Reader's buffer (its bytes are all there after a Peek), else sniffSize; the window
// sniff then looks at starts in that buffer, and what it returns is handed out from it.
func (d *Decoder) prefetch() {
	br := d.src.(*bufio.Reader)
	size := sniffSize
	peek, err := br.Peek(min(br.Size(), sniffSize))
	readMore, room := err == nil, 0
	if err == nil {
		room = 64 << 10 // for a window that starts a little way in (after a header line, say)
	} else {
		size = len(peek)
		if err != io.EOF {
			d.err = err
		}
	}
	h := make([]byte, size, size+room)
	n, err := io.ReadFull(br, h)
	h = h[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF && d.err == nil {
		d.err = err
	}
	readMore = readMore && err == nil
	i := asciiPrefix(h)
	d.line += countLines(h[:i], &d.cr)
	if i == len(h) {
		d.pending = h
		return
	}
	d.off = int64(i) // sniff's offsets are absolute
	d.pending = d.sniff(h, i, !readMore)
	d.off = 0
}

// sniff decides the encoding from the window h[i:] (which starts with the first non-ASCII
// byte; h[:i] is ASCII already counted), reading after it, into h, until the window holds
// sniffSize bytes (unless eof: the source has ended). It returns the bytes to hand out before
// any more of the source: h[:i], and the window when it is read as UTF-8.
func (d *Decoder) sniff(h []byte, i int, eof bool) []byte {
	if want := i + sniffSize; !eof && len(h) < want {
		h = slices.Grow(h, want-len(h))
		n, err := io.ReadFull(d.src, h[len(h):want])
		h = h[:len(h)+n]
		eof = err != nil
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			d.err = err
		}
	}
	w := h[i:]
	sawUTF8, sawOther := classify(w, eof, d.line)
	if sawUTF8 == 0 && sawOther > 0 {
		// No UTF-8 line at all: GB18030. ASCII before it reads the same in both.
		d.enc, d.state = GB18030, autoDone
		d.out = newGBKReader(io.MultiReader(bytes.NewReader(w), d.src), GB18030, d.off).sized(d.size)
		return h[:i]
	}
	d.enc, d.state = UTF8, autoUTF8
	d.utf8Line = sawUTF8
	if sawOther > 0 {
		d.invalid(sawOther)
		if d.strict {
			k := firstInvalid(w)
			d.err = &DecodeError{Encoding: UTF8, Offset: d.off + int64(k)}
			return h[:i+k]
		}
	} else {
		d.line += countLines(w, &d.cr)
		if !eof {
			d.tail = append(d.tail[:0], w[len(trimPartialRune(w)):]...)
		} else if len(trimPartialRune(w)) != len(w) {
			d.invalid(d.line)
		}
	}
	return h
}

// classify finds, in w (whose first line is numbered line), the first line that is valid
// UTF-8 with a character of three bytes or more, and the first line that is not valid UTF-8
// (0: none). When w is not the end of its text (eof false), a rune cut at its end is not
// held against it.
//
// A line counts as UTF-8 only with a character of three bytes or more (CJK text, say): a GBK
// line can be valid UTF-8 by chance ("说" is CB B5, U+02F5 in UTF-8), nearly always as
// two-byte sequences only. Such lines decide nothing.
func classify(w []byte, eof bool, line int) (utf8Line, otherLine int) {
	// Most windows are valid UTF-8 throughout: then no line is not (line ends are ASCII, never
	// inside a character), and the first line with a wide character is that of its first
	// byte of 0xE0 or more. Two passes over the window, word at a time, instead of one
	// check per line.
	whole := w
	if !eof {
		whole = trimPartialRune(w)
	}
	if validUTF8(whole) {
		if i := firstWide(whole); i >= 0 {
			cr := false
			return line + CountLines(whole[:i], &cr), 0
		}
		return 0, 0
	}
	lf, cr := -1, -1 // the next '\n' and '\r' at or after start (len(w): none)
	for start := 0; start < len(w); {
		if lf < start {
			lf = nextByte(w, start, '\n')
		}
		if cr < start {
			cr = nextByte(w, start, '\r')
		}
		end := min(lf, cr)
		seg := w[start:end]
		if end == len(w) && !eof {
			seg = trimPartialRune(seg)
		}
		if !isASCII(seg) {
			if !utf8.Valid(seg) {
				if otherLine == 0 {
					otherLine = line
				}
			} else if utf8Line == 0 && wide(seg) {
				utf8Line = line
			}
		}
		if end == len(w) {
			break
		}
		next := end + 1
		if w[end] == '\r' && next < len(w) && w[next] == '\n' {
			next++
		}
		line++
		start = next
	}
	return utf8Line, otherLine
}

// BOM returns the encoding a byte order mark at the start of b names (UTF8, UTF16LE or
// UTF16BE) and the mark's length; Auto and 0 when b starts with none.
func BOM(b []byte) (Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8, 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE, 2
	}
	return Auto, 0
}

// Detection is what Detect found in a whole text.
type Detection struct {
	// Encoding is the one auto detection decides on (see NewDecoder): the BOM's, else UTF8
	// for text that is valid UTF-8 or mixes UTF-8 lines with others, else GB18030.
	Encoding Encoding
	// BOMLen is the length of the byte order mark b starts with (0: none).
	BOMLen int
	// UTF8Line is the first line (from 1) that is valid UTF-8 with a character of three
	// bytes or more; OtherLine the first line that is not valid UTF-8. 0: none. They are
	// counted after a UTF-8 BOM too (OtherLine > 0 then says the text is not all UTF-8), and
	// are 0 after a UTF-16 BOM.
	UTF8Line, OtherLine int
}

// Mixed reports whether the text mixes UTF-8 lines with lines that are not UTF-8.
func (d Detection) Mixed() bool { return d.UTF8Line > 0 && d.OtherLine > 0 }

// Detect is the charset detector for a whole text held in memory (a document that must be
// decoded as one, such as an XML file): the same decision NewDecoder's auto detection makes
// on a stream, over all of b rather than its first MiB from the first non-ASCII byte.
func Detect(b []byte) Detection {
	enc, n := BOM(b)
	if enc == UTF16LE || enc == UTF16BE {
		return Detection{Encoding: enc, BOMLen: n}
	}
	u, o := classify(b[n:], true, 1)
	d := Detection{Encoding: UTF8, BOMLen: n, UTF8Line: u, OtherLine: o}
	if n == 0 && u == 0 && o > 0 {
		d.Encoding = GB18030
	}
	return d
}

// check looks for the first byte that is not UTF-8 in b (the bytes after those checked so
// far, which may end in the start of a rune, kept in tail); it records the mix and returns
// that byte's offset in b, or -1. When the rune begun in tail is the bad one, it returns 0
// and back, the number of its bytes before b (given out by an earlier Read: the error's
// offset is theirs).
func (d *Decoder) check(b []byte, eof bool) (k, back int) {
	from := 0
	if len(d.tail) > 0 {
		t := append(d.tail, b[:min(len(b), utf8.UTFMax)]...)
		if !utf8.FullRune(t) && !eof {
			d.tail = t
			return -1, 0
		}
		r, size := utf8.DecodeRune(t)
		if r == utf8.RuneError && size == 1 {
			back = len(d.tail)
			d.tail = d.tail[:0]
			d.invalid(d.line)
			return 0, back
		}
		from = size - len(d.tail)
		d.tail = d.tail[:0]
	}
	good := b[from:]
	if !eof {
		good = trimPartialRune(good)
	}
	if k := firstInvalid(good); k < len(good) {
		d.line += countLines(good[:k], &d.cr)
		d.invalid(d.line)
		return from + k, 0
	}
	d.line += countLines(good, &d.cr)
	d.tail = append(d.tail[:0], b[from+len(good):]...)
	return -1, 0
}

// invalid records the first line that is not UTF-8.
func (d *Decoder) invalid(line int) {
	if d.otherLine == 0 {
		d.otherLine = line
	}
}

// firstInvalid returns the offset of the first byte of b that does not start a valid UTF-8
// sequence, or len(b).
func firstInvalid(b []byte) int {
	if validUTF8(b) {
		return len(b)
	}
	i := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b (more input may
// complete it).
func trimPartialRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if b[i] >= utf8.RuneSelf && !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// wide reports whether valid UTF-8 b holds a character of three bytes or more: a byte whose
// top three bits are set (0xE0 and up), looked for eight bytes at a time.
func wide(b []byte) bool {
	const high = 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&(w<<1)&(w<<2)&high != 0 { // bits 7, 6 and 5 of one byte (the shifts stay in it)
			return true
		}
	}
	for _, c := range b[i:] {
		if c >= 0xE0 {
			return true
		}
	}
	return false
}

// firstWide returns the offset of the first byte of b that is 0xE0 or more, or -1.
func firstWide(b []byte) int {
	const high = 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if w&(w<<1)&(w<<2)&high != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= 0xE0 {
			return i
		}
	}
	return -1
}

func isASCII(b []byte) bool { return asciiPrefix(b) == len(b) }

// nextByte returns the offset of the first c in b at or after from, or len(b). (classify
// keeps where the next '\n' and '\r' are: bytes.IndexAny looked at one byte at a time.)
func nextByte(b []byte, from int, c byte) int {
	if i := bytes.IndexByte(b[from:], c); i >= 0 {
		return from + i
	}
	return len(b)
}

// countLines counts the line ends in b ("\n", "\r\n", a lone "\r"); cr says that the byte
// before b was '\r' and is updated for the byte after.
func countLines(b []byte, cr *bool) int {
	return CountLines(b, cr)
}

// CountLines counts the line ends in b: "\n", "\r\n" and a lone "\r" count one each. cr
// says the byte before b was '\r' (a '\n' first in b then ends no new line); it is updated
// for the next call.
func CountLines(b []byte, cr *bool) int {
	if len(b) == 0 {
		return 0
	}
	n := bytes.Count(b, []byte{'\n'})
	if *cr || bytes.IndexByte(b, '\r') >= 0 {
		n += bytes.Count(b, []byte{'\r'}) - bytes.Count(b, []byte("\r\n"))
		if *cr && b[0] == '\n' {
			n--
		}
	}
	*cr = b[len(b)-1] == '\r'
	return n
}

// validPrefix reports whether b is valid UTF-8, allowing a rune cut at the end when the
// stream goes on.
func validPrefix(b []byte, complete bool) bool {
	if utf8.Valid(b) {
		return true
	}
	if complete {
		return false
	}
	for cut := 1; cut <= 3 && cut <= len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return !utf8.FullRune(b[len(b)-cut:])
		}
	}
	return false
}

// utf8Reader passes UTF-8 through, checking it as it goes.
type utf8Reader struct {
	r    io.Reader
	tail [utf8.UTFMax]byte
	nt   int
	off  int64
	err  error
	// A caller may ask for fewer bytes than a rune can take; such reads go through small.
	small   [64]byte
	pending []byte
	pendErr error
}

func (u *utf8Reader) Read(p []byte) (int, error) {
	if len(u.pending) > 0 {
		n := copy(p, u.pending)
		u.pending = u.pending[n:]
		if len(u.pending) == 0 {
			return n, u.pendErr
		}
		return n, nil
	}
	if u.pendErr != nil {
		return 0, u.pendErr
	}
	if len(p) >= 2*utf8.UTFMax {
		return u.read(p)
	}
	n, err := u.read(u.small[:])
	u.pending = u.small[:n]
	u.pendErr = err
	if n == 0 {
		return 0, err
	}
	return u.Read(p)
}

// read fills p (at least 2*UTFMax bytes) with checked UTF-8.
func (u *utf8Reader) read(p []byte) (int, error) {
	if u.err != nil {
		return 0, u.err
	}
	n := copy(p, u.tail[:u.nt])
	m, err := u.r.Read(p[n:])
	n += m
	u.nt = 0
	good := n
	if err == nil {
		// Hold back an incomplete rune at the end for the next read.
		for i := n - 1; i >= 0 && i >= n-utf8.UTFMax; i-- {
			if utf8.RuneStart(p[i]) {
				if !utf8.FullRune(p[i:n]) {
					good = i
				}
				break
			}
		}
	}
	if !validUTF8(p[:good]) {
		i := 0
		for i < good {
			r, size := utf8.DecodeRune(p[i:good])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		u.err = &DecodeError{Encoding: UTF8, Offset: u.off + int64(i)}
		u.off += int64(i)
		return i, nil
	}
	u.nt = copy(u.tail[:], p[good:n])
	u.off += int64(good)
	if err == io.EOF && u.nt > 0 {
		u.err = &DecodeError{Encoding: UTF8, Offset: u.off}
		return good, nil
	}
	return good, err
}

// offsetReader turns transform errors into DecodeErrors. x/text's decoders replace invalid
// bytes with U+FFFD rather than failing, so the text is checked for it: a GBK file holding a
// literal U+FFFD is not possible, since GBK cannot encode it. (UTF-16 can: a UTF-16 file
// holding one fails too.) A U+FFFD that one read would cut (transform.Reader hands out its
// text in pieces of any size) is held back whole for the next: the check used to miss it.
type offsetReader struct {
	r    io.Reader
	enc  Encoding
	off  int64   // decoded bytes so far (an offset in the output, the best a transformer gives)
	hold [2]byte // the start of a U+FFFD cut at the end of the last read
	nh   int
	// A caller may ask for fewer bytes than U+FFFD takes; such reads go through small.
	small   [64]byte
	pending []byte // checked text for such reads
	pendErr error
}

func (o *offsetReader) Read(p []byte) (int, error) {
	if len(o.pending) > 0 {
		n := copy(p, o.pending)
		o.pending = o.pending[n:]
		if len(o.pending) == 0 {
			return n, o.pendErr
		}
		return n, nil
	}
	if o.pendErr != nil {
		return 0, o.pendErr
	}
	if len(p) >= len(o.small) {
		return o.read(p)
	}
	n, err := o.read(o.small[:])
	o.pending, o.pendErr = o.small[:n], err
	if n == 0 {
		o.pendErr = nil
		return 0, err
	}
	return o.Read(p)
}

// read fills p, at least 3 bytes long.
func (o *offsetReader) read(p []byte) (int, error) {
	k := copy(p, o.hold[:o.nh])
	o.nh = 0
	n, err := o.r.Read(p[k:])
	n += k
	if i := bytes.Index(p[:n], []byte("\uFFFD")); i >= 0 {
		o.off += int64(i)
		return i, &DecodeError{Encoding: o.enc, Offset: o.off}
	}
	if err == nil {
		switch {
		case n >= 2 && p[n-2] == 0xEF && p[n-1] == 0xBF:
			o.nh = 2
		case n >= 1 && p[n-1] == 0xEF:
			o.nh = 1
		}
		n -= copy(o.hold[:], p[n-o.nh:n])
	}
	o.off += int64(n)
	return n, err
}

// Decode decodes a whole byte slice (for files read at once), removing a BOM.
func Decode(b []byte, enc Encoding) (string, Encoding, error) {
	r, enc, err := NewReader(bytes.NewReader(b), enc)
	if err != nil {
		return "", enc, err
	}
	out, err := io.ReadAll(r)
	return string(out), enc, err
}

// Encode returns text's bytes for a sample's data, with the API encoding to declare. When
// keep is false, or the source encoding has no API name (UTF-16), the bytes are UTF-8. When
// keep is true the text goes back into its source encoding: GBK and GB18030 text is declared
// GBK, GB2312 text GB2312; text that GBK cannot hold (some GB18030 characters) stays UTF-8.
func Encode(text string, source Encoding, keep bool) (data []byte, apiEncoding string) {
	if keep {
		switch source {
		case GBK, GB18030, GB2312:
			e := gbkEncoders.Get().(*encoding.Encoder)
			b, err := e.String(text)
			gbkEncoders.Put(e)
			if err == nil {
				if source == GB2312 && inGB2312(b) {
					return []byte(b), api.EncodingGB2312
				}
				return []byte(b), api.EncodingGBK
			}
		}
	}
	return []byte(text), api.EncodingUTF8
}

// AppendEncode is Encode for text in a byte slice: it appends the sample's data to dst and
// returns the extended slice and the API encoding to declare, allocating nothing when dst
// has room (Encode allocates the text, the encoder's output and its copy).
func AppendEncode(dst, text []byte, source Encoding, keep bool) ([]byte, string) {
	if keep {
		switch source {
		case GBK, GB18030, GB2312:
			e := gbkEncoders.Get().(*encoding.Encoder)
			out, ok := appendTransform(dst, text, e)
			gbkEncoders.Put(e)
			if ok {
				if source == GB2312 && inGB2312(out[len(dst):]) {
					return out, api.EncodingGB2312
				}
				return out, api.EncodingGBK
			}
		}
	}
	return append(dst, text...), api.EncodingUTF8
}

// appendTransform appends all of src transformed by t to dst, as transform.Bytes would give
// it; false when t fails (dst is then as it was).
func appendTransform(dst, src []byte, t transform.Transformer) ([]byte, bool) {
	t.Reset()
	n := len(dst)
	room := len(src) + 8
	for {
		dst = slices.Grow(dst, room)
		nDst, nSrc, err := t.Transform(dst[len(dst):cap(dst)], src, true)
		dst, src = dst[:len(dst)+nDst], src[nSrc:]
		switch {
		case err == nil:
			return dst, true
		case errors.Is(err, transform.ErrShortDst):
			room = 2*room + utf8.UTFMax
		default:
			return dst[:n], false
		}
	}
}

// gbkEncoders reuses encoders: building one per sample dominated -keep-encoding's cost.
var gbkEncoders = sync.Pool{New: func() any { return simplifiedchinese.GBK.NewEncoder() }}

// inGB2312 reports whether GBK bytes stay within GB2312's EUC-CN rows (both bytes 0xA1..0xFE).
func inGB2312[T string | []byte](b T) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if c < 0xA1 || c > 0xF7 || i+1 >= len(b) || b[i+1] < 0xA1 || b[i+1] > 0xFE {
			return false
		}
		i++
	}
	return true
}
