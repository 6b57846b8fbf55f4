// Package textenc decides and decodes the encodings of text datasets (CoNLL and CSV/TXT
// files): UTF-8 with or without BOM, UTF-16 with a BOM, and the Chinese GBK family. Text
// comes out as UTF-8; Encode gives a sample's bytes back in its source encoding when the user
// asks to keep it.
//
// Auto detection: a BOM decides; otherwise text that is valid UTF-8 is UTF-8; otherwise it
// is GB18030, the superset that also decodes GBK and GB2312 (detectors that report GBK files
// as GB2312 then fail on characters outside GB2312).
package textenc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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
	return fmt.Sprintf("not valid %s at byte %d (pass -encoding to say which encoding the file is in)", e.Encoding, e.Offset)
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

// sniffSize is how much of a stream auto detection reads before deciding on UTF-8.
const sniffSize = 1 << 20

// NewReader returns UTF-8 text read from r in encoding enc, with any BOM removed, and the
// encoding it decided on. With Auto, a BOM decides; else the first MiB decides (valid UTF-8
// is UTF-8, anything else GB18030). A UTF-8 stream that turns invalid later fails with a
// *DecodeError rather than passing bad text on.
func NewReader(r io.Reader, enc Encoding) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(3)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		if enc == Auto {
			enc = UTF8
		}
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) && (enc == Auto):
		br.Discard(2)
		enc = UTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}) && (enc == Auto):
		br.Discard(2)
		enc = UTF16BE
	}
	var src io.Reader = br
	if enc == Auto {
		enc = UTF8
		// Read up to sniffSize into a buffer that grows only as far as the input goes, so
		// short files cost little.
		var head bytes.Buffer
		n, err := io.CopyN(&head, br, sniffSize)
		if err != nil && err != io.EOF {
			return nil, "", err
		}
		if !validPrefix(head.Bytes(), n < sniffSize) {
			enc = GB18030
		}
		src = io.MultiReader(&head, br)
	}
	if d := enc.decoder(); d != nil {
		return &offsetReader{r: transform.NewReader(src, d), enc: enc}, enc, nil
	}
	// bufio in front lets callers read with any buffer size; utf8Reader needs room for a rune.
	return bufio.NewReaderSize(&utf8Reader{r: src}, 64<<10), enc, nil
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
	if !utf8.Valid(p[:good]) {
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
// literal U+FFFD is not possible, since GBK cannot encode it.
type offsetReader struct {
	r   io.Reader
	enc Encoding
	off int64 // decoded bytes so far (an offset in the output, the best a transformer gives)
}

func (o *offsetReader) Read(p []byte) (int, error) {
	n, err := o.r.Read(p)
	if i := bytes.Index(p[:n], []byte("\uFFFD")); i >= 0 {
		o.off += int64(i)
		return i, &DecodeError{Encoding: o.enc, Offset: o.off}
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

// gbkEncoders reuses encoders: building one per sample dominated -keep-encoding's cost.
var gbkEncoders = sync.Pool{New: func() any { return simplifiedchinese.GBK.NewEncoder() }}

// inGB2312 reports whether GBK bytes stay within GB2312's EUC-CN rows (both bytes 0xA1..0xFE).
func inGB2312(b string) bool {
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
