package textenc

// The decoder as it was before issue 17's second textenc round (one buffer for the detection
// window, ASCII checked eight bytes at a time), kept to hold the new one equal to it
// (TestDecoderMatchesOld, FuzzDecoderMatchesOld).

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

// Decoder is a decoding reader; see NewDecoder.
type oldDecoder struct {
	enc    Encoding
	strict bool      // a mix is a *DecodeError (NewReader)
	src    io.Reader // raw bytes (after any BOM)
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

func oldNewDecoder(r io.Reader, enc Encoding, strict bool) (*oldDecoder, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	d := &oldDecoder{enc: enc, strict: strict, src: br, line: 1}
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
		d.out, d.state = newGBKReader(br, d.enc, 0), autoDone
	case d.enc.decoder() != nil:
		d.out, d.state = &offsetReader{r: transform.NewReader(br, d.enc.decoder()), enc: d.enc}, autoDone
	default:
		// bufio in front lets callers read with any buffer size; utf8Reader needs room for a rune.
		d.out, d.state = bufio.NewReaderSize(&utf8Reader{r: br}, 64<<10), autoDone
	}
	return d, nil
}

// Encoding returns the encoding decided on so far: Auto until a non-ASCII byte is read (the
// text so far is then the same in every supported encoding), UTF8 for a mixed file.
func (d *oldDecoder) Encoding() Encoding {
	if d.enc == Auto && d.state == autoASCII {
		return UTF8
	}
	return d.enc
}

// Mixed reports whether the file was found to mix UTF-8 lines with lines that are not UTF-8,
// with the first line of each kind.
func (d *oldDecoder) Mixed() (utf8Line, otherLine int, ok bool) {
	return d.utf8Line, d.otherLine, d.utf8Line > 0 && d.otherLine > 0
}

func (d *oldDecoder) Read(p []byte) (int, error) {
	if len(d.pending) > 0 {
		n := copy(p, d.pending)
		d.pending = d.pending[n:]
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
		i := 0
		for i < n && b[i] < utf8.RuneSelf {
			i++
		}
		if i == n {
			d.line += countLines(b, &d.cr)
			d.off += int64(n)
			return n, nil
		}
		d.line += countLines(b[:i], &d.cr)
		d.off += int64(i)
		d.sniff(b[i:n])
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
func (d *oldDecoder) prefetch() {
	var head bytes.Buffer
	_, err := io.CopyN(&head, d.src, int64(sniffSize))
	if err != nil && err != io.EOF {
		d.err = err
	}
	h := head.Bytes()
	i := 0
	for i < len(h) && h[i] < utf8.RuneSelf {
		i++
	}
	d.line += countLines(h[:i], &d.cr)
	if i == len(h) {
		d.pending = h
		return
	}
	d.off = int64(i) // sniff's offsets are absolute
	d.sniff(h[i:])
	d.off = 0
	d.pending = append(h[:i:i], d.pending...)
}

// sniff decides the encoding from head (which starts with the first non-ASCII byte) and up to
// sniffSize bytes after it.
func (d *oldDecoder) sniff(head []byte) {
	var window bytes.Buffer
	window.Write(head)
	_, err := io.CopyN(&window, d.src, int64(sniffSize-len(head)))
	eof := err != nil
	if err != nil && err != io.EOF {
		d.err = err
	}
	w := window.Bytes()
	sawUTF8, sawOther := oldClassify(w, eof, d.line)
	if sawUTF8 == 0 && sawOther > 0 {
		// No UTF-8 line at all: GB18030. ASCII before it reads the same in both.
		d.enc, d.state = GB18030, autoDone
		d.out = newGBKReader(io.MultiReader(bytes.NewReader(w), d.src), GB18030, d.off)
		return
	}
	d.enc, d.state = UTF8, autoUTF8
	d.utf8Line = sawUTF8
	if sawOther > 0 {
		d.invalid(sawOther)
		if d.strict {
			k := firstInvalid(w)
			d.pending = w[:k]
			d.err = &DecodeError{Encoding: UTF8, Offset: d.off + int64(k)}
			return
		}
	} else {
		d.line += countLines(w, &d.cr)
		if !eof {
			d.tail = append(d.tail[:0], w[len(trimPartialRune(w)):]...)
		} else if len(trimPartialRune(w)) != len(w) {
			d.invalid(d.line)
		}
	}
	d.pending = w
}

// classify finds, in w (whose first line is numbered line), the first line that is valid
// UTF-8 with a character of three bytes or more, and the first line that is not valid UTF-8
// (0: none). When w is not the end of its text (eof false), a rune cut at its end is not
// held against it.
//
// A line counts as UTF-8 only with a character of three bytes or more (CJK text, say): a GBK
// line can be valid UTF-8 by chance ("说" is CB B5, U+02F5 in UTF-8), nearly always as
// two-byte sequences only. Such lines decide nothing.
func oldClassify(w []byte, eof bool, line int) (utf8Line, otherLine int) {
	for start := 0; start < len(w); {
		end := oldNextEOL(w, start)
		seg := w[start:end]
		if end == len(w) && !eof {
			seg = trimPartialRune(seg)
		}
		if !oldIsASCII(seg) {
			if !utf8.Valid(seg) {
				if otherLine == 0 {
					otherLine = line
				}
			} else if utf8Line == 0 && oldWide(seg) {
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

// check looks for the first byte that is not UTF-8 in b (the bytes after those checked so
// far, which may end in the start of a rune, kept in tail); it records the mix and returns
// that byte's offset in b, or -1. When the rune begun in tail is the bad one, it returns 0
// and back, the number of its bytes before b (given out by an earlier Read: the error's
// offset is theirs).
func (d *oldDecoder) check(b []byte, eof bool) (k, back int) {
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
func (d *oldDecoder) invalid(line int) {
	if d.otherLine == 0 {
		d.otherLine = line
	}
}

// wide reports whether valid UTF-8 b holds a character of three bytes or more.
func oldWide(b []byte) bool {
	for _, c := range b {
		if c >= 0xE0 {
			return true
		}
	}
	return false
}

func oldIsASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// nextEOL returns the offset of the first '\n' or '\r' in b at or after from, or len(b).
func oldNextEOL(b []byte, from int) int {
	if i := bytes.IndexAny(b[from:], "\r\n"); i >= 0 {
		return from + i
	}
	return len(b)
}
