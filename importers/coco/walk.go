package coco

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// The walker reads the document with the validating scanner of package jsonlex (ScanValue)
// over a window of the file (docReader) instead of a json.Decoder: the Decoder's Decode plus the copy of
// each element out of it ran at about 107 MB/s, the scanner at several times that. The
// scanner accepts exactly what encoding/json accepts (jsonlex.FuzzScanValue checks it against
// json.Valid); when it finds a fault, the error is made by a json.Decoder placed in the same
// state at the same byte (docReader.decoderAt), so that messages and byte offsets are those
// of the Decoder-based walker it replaces (TestWalkerDifferential compares the two).

// readChunk is how much the docReader asks its reader for at a time.
var readChunk = 256 << 10 // a variable so that tests can lower it

// docReader is the walker's cursor over the document: buf holds the bytes from the start of
// what is being read (the element, or the separator before it) to as far as has been read.
type docReader struct {
	r    io.Reader
	file string
	buf  []byte
	base int64 // document offset of buf[0]
	i    int   // the cursor, an index in buf
	keep int   // index in buf of the first byte that must stay, or -1
	elem int64 // document offset of the element being read (for maxElement), or -1
	over bool  // the element being read has passed maxElement bytes (more stopped reading)
	eof  bool
	err  error // a read error other than io.EOF
	bom  bool  // the first bytes have been looked at for a byte order mark

	fault int64 // where value found a value not well-formed: the bad byte, or the end
}

func newDocReader(r io.Reader, file string) *docReader {
	return &docReader{r: r, file: file, buf: make([]byte, 0, 2*readChunk), keep: -1, elem: -1}
}

func (d *docReader) off(i int) int64 { return d.base + int64(i) }

// more reads more of the document into buf, moving or growing it; it reports false at the
// end of the document or on a read error (d.err), or when the element being read passes
// maxElement bytes (d.over is then set: the caller passes over the element with skipElement).
func (d *docReader) more() bool {
	if d.eof || d.err != nil {
		return false
	}
	if d.elem >= 0 && d.base+int64(len(d.buf))-d.elem > maxElement {
		d.over = true
		return false
	}
	if cap(d.buf)-len(d.buf) < readChunk/2 {
		from := d.i
		if d.keep >= 0 && d.keep < from {
			from = d.keep
		}
		held := len(d.buf) - from
		switch {
		case cap(d.buf) > 16<<20 && held < 4<<20:
			// Grown by one large element: let go of it.
			d.buf = append(make([]byte, 0, 2*readChunk+held), d.buf[from:]...)
		case held+readChunk/2 > cap(d.buf):
			d.buf = append(make([]byte, 0, 2*cap(d.buf)), d.buf[from:]...)
		default:
			d.buf = d.buf[:copy(d.buf, d.buf[from:])]
		}
		d.base += int64(from)
		d.i -= from
		if d.keep >= 0 {
			d.keep -= from
		}
	}
	// Fill the buffer (an unfinished value is scanned again from its start after each
	// call, so the calls must be few).
	room := cap(d.buf) - len(d.buf)
	if d.elem >= 0 {
		// Read no further than one byte past the limit, as the Decoder-based walker did.
		if left := maxElement + 1 - (d.base + int64(len(d.buf)) - d.elem); left < int64(room) {
			room = int(left)
		}
	}
	got := false
	for room > 0 {
		n, err := d.r.Read(d.buf[len(d.buf) : len(d.buf)+room])
		d.buf = d.buf[:len(d.buf)+n]
		room -= n
		got = got || n > 0
		if !d.bom && (len(d.buf) >= 3 || err != nil) {
			d.bom = true
			if d.base == 0 && bytes.HasPrefix(d.buf, []byte("\uFEFF")) {
				// A UTF-8 byte order mark, which some Windows tools write: it is read as
				// three spaces, so that every byte offset stays the file's own.
				copy(d.buf, "   ")
			}
		}
		if err == io.EOF {
			d.eof = true
			break
		} else if err != nil {
			d.err = err
			break
		}
	}
	return got
}

// space moves past white space and returns the byte at the cursor; ok is false at the end.
func (d *docReader) space() (c byte, ok bool) {
	for {
		for d.i < len(d.buf) {
			switch c := d.buf[d.i]; c {
			case ' ', '\t', '\n', '\r':
				d.i++
			default:
				return c, true
			}
		}
		if !d.more() {
			return 0, false
		}
	}
}

// value moves past the value at the cursor, checking it, and returns its start and end in
// buf; bytes from keep on are held. ok is false when it is not well-formed (d.fault is then
// the file's offset of the bad byte), or the document or the element's limit ends first.
func (d *docReader) value(stack *[]byte) (start, end int, ok bool) {
	for {
		end, ok := jsonlex.ScanValue(d.buf, d.i, stack)
		if ok {
			start := d.i
			d.i = end
			return start, end, true
		}
		d.fault = d.off(end)
		if end < len(d.buf) {
			return 0, 0, false
		}
		// The value goes on past what is read: read more, and scan it again from its start
		// (buf grows by doubling, so a large value is scanned O(1) times over).
		at := d.i
		if d.keep < 0 || d.keep > at {
			d.keep = at
		}
		k := d.keep
		if !d.more() {
			d.i = d.keep + (at - k)
			return 0, 0, false
		}
		d.i = d.keep + (at - k)
	}
}

// decoderAt returns a jsonReader whose Decoder is in the state that synth (a made-up
// prefix) puts it in after ntokens tokens, reading on from buf[from] and then the rest of the
// file, with every offset the file's own. The old walker's code, run on it, makes the error
// it made.
func (d *docReader) decoderAt(from int, synth string, ntokens int) *jsonReader {
	r := io.MultiReader(strings.NewReader(synth), bytes.NewReader(d.buf[from:]), d.r)
	if d.err != nil {
		r = io.MultiReader(strings.NewReader(synth), bytes.NewReader(d.buf[from:]), errReader{d.err})
	}
	j := &jsonReader{tee: &window{r: r, element: -1}, file: d.file, base: d.off(from) - int64(len(synth))}
	j.dec = json.NewDecoder(j.tee)
	j.dec.UseNumber()
	for range ntokens {
		j.dec.Token()
	}
	return j
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// readError is the error for a read that failed (a read error or an element past its limit).
func (d *docReader) readError(element string) error {
	at := d.off(len(d.buf))
	if d.elem >= 0 {
		at = d.elem
	}
	return &importers.Error{Pos: importers.Position{File: d.file, Offset: at, Element: element}, Err: d.err}
}

// tokenFault is the error of the Decoder's Token at buf[from] in the state synth and
// ntokens put it in.
func (d *docReader) tokenFault(from int, synth string, ntokens int, element string) error {
	if d.err != nil {
		return d.readError(element)
	}
	j := d.decoderAt(from, synth, ntokens)
	if _, err := j.dec.Token(); err != nil {
		return j.fatal(err, element)
	}
	return d.unexpected(from, element)
}

// unexpected is for a fault the scanner found and the Decoder did not: it cannot happen
// (jsonlex.FuzzScanValue and TestWalkerDifferential say so), but if it did, the file is refused.
func (d *docReader) unexpected(from int, element string) error {
	return &importers.Error{Pos: importers.Position{File: d.file, Offset: d.off(from), Element: element}, Err: errors.New("malformed JSON")}
}

// array hands over every element of the array at the cursor (which is at '[').
func (w *walker) array(key string, kind byte) error {
	d := w.d
	d.i++                                       // [
	skip := kind == kindAnnotation && w.results // the results file supplies the labels
	for i := 0; ; i++ {
		// keep is where the Decoder-based walker stood before element i: in its '[' state
		// for the first (synth "[", one token), before the separator after element i-1 for
		// the others (synth `[""`, two tokens; a string, which no byte after it can extend).
		synth, ntok := `[""`, 2
		if i == 0 {
			synth, ntok = "[", 1
		}
		d.keep = d.i
		c, ok := d.space()
		if i > 0 && ok {
			switch c {
			case ',':
				d.i++
				c, ok = d.space()
			case ']':
				d.i++
				d.keep = -1
				return nil
			default:
				ok = false
			}
		} else if i == 0 && ok {
			if c == ']' {
				d.i++
				d.keep = -1
				return nil
			}
		}
		if !ok || c == ']' || c == '}' {
			return d.arrayFault(d.keep, synth, ntok, key, i)
		}
		off := d.off(d.i)
		if i%checkEvery == 0 {
			if err := importers.Check(w.ctx, importers.Position{File: d.file, Offset: off, Element: fmt.Sprintf("%s[%d]", key, i)}); err != nil {
				return err
			}
		}
		d.elem = off
		start, end, ok := d.value(&w.stack)
		if !ok && d.over {
			// Larger than any sample may be: passed over without being held, and handed on
			// as a rejection, so that the rest of the file still converts.
			d.elem, d.over = -1, false
			if err := d.skipElement(fmt.Sprintf("%s[%d]", key, i)); err != nil {
				return err
			}
			if skip {
				continue
			}
			ch := w.chunk()
			ch.elems = append(ch.elems, element{kind: kind, tooLarge: true, index: i, off: off, start: len(ch.buf), end: len(ch.buf)})
			if len(ch.elems) >= chunkElements && !w.send() {
				return errStopped
			}
			continue
		}
		if !ok {
			return d.atFault(d.arrayFault(d.keep, synth, ntok, key, i))
		}
		d.elem = -1
		if skip {
			continue
		}
		ch := w.chunk()
		at := len(ch.buf)
		ch.buf = append(ch.buf, d.buf[start:end]...)
		ch.elems = append(ch.elems, element{kind: kind, index: i, off: off, start: at, end: len(ch.buf)})
		if len(ch.elems) >= chunkElements || len(ch.buf) >= chunkBytes {
			if !w.send() {
				return errStopped
			}
		}
	}
}

// skipElement passes over the element at the cursor, one that has passed maxElement bytes,
// consuming the window as it goes so that it is never held whole. Its first maxElement bytes
// have been checked by ScanValue; the rest is only followed: strings (with their escapes and
// control characters) and the nesting of brackets, each closed by its own kind, which is all
// it takes to find where the element ends. After it the cursor is at the byte that follows.
func (d *docReader) skipElement(element string) error {
	d.keep = -1
	closers := make([]byte, 0, 64) // the closing bracket each open one expects
	inString, escaped, scalar := false, false, false
	fault := func(i int, why string) error {
		return &importers.Error{Pos: importers.Position{File: d.file, Offset: d.off(i), Element: element}, Err: fmt.Errorf("malformed JSON: %s", why)}
	}
	first := true
	for {
		b := d.buf
		for i := d.i; i < len(b); i++ {
			c := b[i]
			if first {
				first = false
				switch c {
				case '"':
					inString = true
				case '{':
					closers = append(closers, '}')
				case '[':
					closers = append(closers, ']')
				default:
					scalar = true // a number or literal: it ends at a delimiter
				}
				continue
			}
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
					if len(closers) == 0 {
						d.i = i + 1
						return nil
					}
				case c < 0x20:
					return fault(i, fmt.Sprintf("invalid character %s in string literal", strconv.QuoteRune(rune(c))))
				}
			case scalar:
				switch c {
				case ',', ']', '}', ' ', '\t', '\n', '\r':
					d.i = i
					return nil
				}
			default:
				switch c {
				case '"':
					inString = true
				case '{':
					closers = append(closers, '}')
				case '[':
					closers = append(closers, ']')
				case '}', ']':
					if closers[len(closers)-1] != c {
						return fault(i, fmt.Sprintf("invalid character %q in an element", c))
					}
					closers = closers[:len(closers)-1]
					if len(closers) == 0 {
						d.i = i + 1
						return nil
					}
				}
				if len(closers) > jsonMaxDepth {
					return fault(i, "exceeded max depth")
				}
			}
		}
		// All that is read is passed over: let go of it (and of a buffer grown by the element).
		d.base += int64(len(d.buf))
		d.i = 0
		if cap(d.buf) > 4*readChunk {
			d.buf = make([]byte, 0, 2*readChunk)
		} else {
			d.buf = d.buf[:0]
		}
		if !d.more() {
			if d.err != nil {
				return &importers.Error{Pos: importers.Position{File: d.file, Offset: d.off(0), Element: element}, Err: d.err}
			}
			if scalar {
				return nil // the document ends after the number: the array's loop says what is wrong
			}
			return fault(0, "unexpected end of file")
		}
	}
}

// jsonMaxDepth is encoding/json's nesting limit.
const jsonMaxDepth = 10000

// atFault puts the offset of the bad byte that value found in err, a syntax error: the
// Decoder, which counts only the bytes it scanned as values, sometimes said the value's
// start instead.
func (d *docReader) atFault(err error) error {
	var ie *importers.Error
	if d.err == nil && errors.As(err, &ie) && strings.HasPrefix(ie.Err.Error(), "malformed JSON") {
		ie.Pos.Offset = d.fault
	}
	return err
}

// arrayFault is the error of the Decoder-based walker's array loop at element i, from the
// state before it.
func (d *docReader) arrayFault(from int, synth string, ntok int, key string, i int) error {
	element := fmt.Sprintf("%s[%d]", key, i)
	if d.err != nil {
		return d.readError(element)
	}
	j := d.decoderAt(from, synth, ntok)
	if j.dec.More() {
		err := j.dec.Decode(noValue)
		if _, ok := err.(*json.InvalidUnmarshalError); err != nil && !ok {
			return j.fatal(err, element)
		}
		return d.unexpected(from, element)
	}
	if _, err := j.dec.Token(); err != nil {
		return j.fatal(err, key)
	}
	return d.unexpected(from, key)
}

// noValue is what the Decoder decodes an element into when it makes an error: a nil
// pointer, which makes Decode read and check the value without unmarshalling it.
var noValue *struct{}

// topKey reads an object key at the cursor (a '"') as the Decoder's Token did: its text,
// invalid UTF-8 turned into U+FFFD.
func (d *docReader) topKey() (string, bool) {
	start, end, ok := d.value(&[]byte{})
	if !ok {
		return "", false
	}
	var key string
	if err := json.Unmarshal(d.buf[start:end], &key); err != nil {
		return "", false
	}
	return key, true
}

// walkInstances walks an annotation file: images, categories and annotations, in whatever
// order the keys come; other keys are passed over.
func (w *walker) walkInstances() error {
	d := w.d
	if c, ok := d.space(); !ok || c != '{' {
		return w.topFault()
	}
	d.i++
	sawImages := false
	seen := map[string]bool{}
	for n := 0; ; n++ {
		// As in array: keep is where the Decoder-based walker stood before the key.
		synth, ntok := `{"":""`, 3
		if n == 0 {
			synth, ntok = "{", 1
		}
		d.keep = d.i
		c, ok := d.space()
		if ok && c == '}' {
			d.i++
			break
		}
		if ok && n > 0 {
			if c != ',' {
				return d.tokenFault(d.keep, synth, ntok, "")
			}
			d.i++
			c, ok = d.space()
		}
		if !ok || c != '"' {
			return d.tokenFault(d.keep, synth, ntok, "")
		}
		keyOff := d.off(d.i)
		key, ok := d.topKey()
		if !ok {
			return d.atFault(d.tokenFault(d.keep, synth, ntok, ""))
		}
		if seen[key] {
			// encoding/json would keep the last one; which one the file means is unknown.
			return &importers.Error{Pos: importers.Position{File: d.file, Offset: keyOff}, Err: fmt.Errorf("the top-level object has the key %q twice", key)}
		}
		seen[key] = true
		d.keep = d.i
		if c, ok := d.space(); !ok || c != ':' {
			return d.tokenFault(d.keep, `{""`, 2, key)
		}
		d.i++
		c, ok = d.space()
		d.keep = d.i
		kind, known := map[string]byte{"images": kindImage, "categories": kindCategory, "annotations": kindAnnotation}[key]
		if !known {
			// Passed over by the Decoder, token by token, as before: an unknown member may be
			// large, and is read holding at most one scalar at a time.
			// What is already read is scanned first: a fault in it is said at its byte.
			end, ok := jsonlex.ScanValue(d.buf, d.i, &w.stack)
			if ok {
				d.i = end
				continue
			}
			if end < len(d.buf) {
				d.fault = d.off(end)
				if err := d.atFault(d.skipValue(key)); err != nil {
					return err
				}
				return d.unexpected(d.keep, key)
			}
			if err := d.skipValue(key); err != nil {
				return err
			}
			continue
		}
		if !ok || c != '[' {
			if d.err != nil {
				return d.readError(key)
			}
			j := d.decoderAt(d.keep, `{"":`, 2)
			if err := j.delim('[', key); err != nil {
				return err
			}
			return d.unexpected(d.keep, key)
		}
		sawImages = sawImages || key == "images"
		if err := w.array(key, kind); err != nil {
			return err
		}
	}
	d.keep = -1
	if err := w.end("top-level object"); err != nil {
		return err
	}
	if !sawImages {
		return &importers.Error{Pos: importers.Position{File: d.file}, Err: errors.New(`not a COCO annotation file: it has no "images" array`)}
	}
	return nil
}

// skipValue passes over the value at keep with a Decoder (Token by Token, as the
// Decoder-based walker did), then goes on reading after it.
func (d *docReader) skipValue(key string) error {
	if d.err != nil {
		return d.readError(key)
	}
	const synth = `{"":`
	rest := bytes.NewReader(d.buf[d.keep:])
	var tail io.Reader = d.r
	if d.eof {
		tail = strings.NewReader("")
	}
	j := &jsonReader{tee: &window{r: io.MultiReader(strings.NewReader(synth), rest, tail), element: -1}, file: d.file, base: d.off(d.keep) - int64(len(synth))}
	j.dec = json.NewDecoder(j.tee)
	j.dec.UseNumber()
	j.dec.Token()
	j.dec.Token()
	if err := j.skip(key); err != nil {
		return err
	}
	// Go on from where the Decoder stopped: what it has buffered and not used, then what
	// it has not read of buf, then the file.
	after := j.base + j.dec.InputOffset()
	buffered, _ := io.ReadAll(j.dec.Buffered())
	unread := d.buf[len(d.buf)-rest.Len():]
	buf := make([]byte, 0, max(2*readChunk, 2*(len(buffered)+len(unread))))
	buf = append(append(buf, buffered...), unread...)
	d.buf, d.base, d.i, d.keep = buf, after, 0, -1
	return nil
}

// topFault is the error for a document that does not start as an annotation file does.
func (w *walker) topFault() error {
	d := w.d
	if d.err != nil {
		return d.readError("")
	}
	j := d.decoderAt(d.i, "", 0)
	if err := j.delim('{', "the top level of a COCO annotation file"); err != nil {
		var ie *importers.Error
		if errors.As(err, &ie) && strings.HasSuffix(ie.Err.Error(), "not an array") {
			ie.Err = fmt.Errorf("%w; a bare array is a detection results file: give it as option Results, and the annotation file (with the images and categories) as the input", ie.Err)
		}
		return err
	}
	return d.unexpected(d.i, "")
}

// walkResults walks a results file: a bare array of results.
func (w *walker) walkResults() error {
	d := w.d
	if c, ok := d.space(); !ok || c != '[' {
		if d.err != nil {
			return d.readError("")
		}
		j := d.decoderAt(d.i, "", 0)
		if err := j.delim('[', "results"); err != nil {
			var ie *importers.Error
			if errors.As(err, &ie) && strings.HasSuffix(ie.Err.Error(), "not an object") {
				ie.Err = fmt.Errorf("%w (an annotation file? give that as the input, and the results as option Results)", ie.Err)
			}
			return err
		}
		return d.unexpected(d.i, "")
	}
	if err := w.array("results", kindResult); err != nil {
		return err
	}
	return w.end("results array")
}

// end checks that nothing but spaces follows the document.
func (w *walker) end(what string) error {
	d := w.d
	d.keep = d.i
	if _, ok := d.space(); !ok {
		if d.err != nil {
			return d.readError("")
		}
		return nil
	}
	off := d.off(d.i)
	j := d.decoderAt(d.keep, "", 0)
	tok, err := j.dec.Token()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return j.fatal(err, "")
	}
	return &importers.Error{Pos: importers.Position{File: d.file, Offset: off}, Err: fmt.Errorf("malformed JSON: %s after the end of the %s", describeToken(tok), what)}
}
