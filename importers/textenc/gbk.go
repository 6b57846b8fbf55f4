package textenc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// gbkBuf is the size of gbkReader's input buffer: reads of at least bufio's 64 KiB go past
// the bufio.Reader in front of the source instead of through its buffer.
const gbkBuf = 128 << 10

// gbkReader decodes the GBK family (GBK, GB2312, GB18030) with x/text's decoder, which stays
// the one that maps GBK codes to Unicode, around fast paths that ask it nothing it has
// already answered: ASCII is copied as it is (a GBK character never starts with a byte
// below 0x80, so ASCII at a character boundary is that many one-byte characters), and a
// two-byte character, most of a Chinese text, is copied from gbkPairs, x/text's own decoding
// of each of the 23,940 two-byte codes, made once per process. Only what the table does not
// cover (a four-byte GB18030 character, 0x80, a byte that is not GBK, a code that maps to no
// character) goes through the decoder, with the rest of its run of non-ASCII bytes, and it
// writes straight into the caller's buffer (transform.Reader would copy the input into one
// buffer of 4 KiB and the output out of another). TestGBKPairsMatchXText holds the table
// equal to x/text's GBK and GB18030 decoders code by code, and TestGBKReaderMatchesXText and
// FuzzGBKReader the reader to x/text's decoding of whole inputs.
//
// A non-ASCII run is cut between two ASCII bytes in a row: no GBK character holds two ASCII
// bytes in a row (a two-byte character's lead byte is 0x81 or more; a GB18030 four-byte
// character's third byte too), so that is a character boundary whatever the bytes before it
// are. Should the decoder want to look past a cut (a lead byte and an ASCII digit before
// it: the start of a four-byte character, to the decoder; in fact bytes that are not
// GB18030), it is given the rest of the input.
//
// Like offsetReader, it ends with a *DecodeError at the first U+FFFD the decoder writes (its
// replacement for bytes that are not GBK; the table holds none), returning the text before
// it; Offset counts the decoded bytes before it.
type gbkReader struct {
	r      io.Reader
	dec    transform.Transformer
	enc    Encoding
	buf    []byte // buf[s0:s1] is input not decoded yet
	s0, s1 int
	eof    bool  // r is exhausted (or failed: rerr)
	rerr   error // r's error other than io.EOF
	off    int64 // decoded bytes so far
	size   int   // of buf: gbkBuf, or less for a short source (sized)
	err    error // sticky: a *DecodeError, the source's error or io.EOF
	// A caller may ask for fewer bytes than a character can take; such reads go through small.
	small   [64]byte
	pending []byte
}

func newGBKReader(r io.Reader, enc Encoding, off int64) *gbkReader {
	return &gbkReader{r: r, dec: enc.decoder(), enc: enc, off: off, size: gbkBuf}
}

// sized gives g a smaller buffer for a source known to hold fewer than size bytes (bufSize's
// figure; 64 KiB or more: not known), so that a folder of small files does not allocate and
// clear 128 KiB for each. At least 256 bytes: a character that a fill cuts short is carried
// over to the next, and fewer bytes per fill would only cost time.
func (g *gbkReader) sized(size int) *gbkReader {
	if size < 64<<10 {
		g.size = max(size, 256)
	}
	return g
}

func (g *gbkReader) Read(p []byte) (int, error) {
	if len(g.pending) > 0 {
		n := copy(p, g.pending)
		g.pending = g.pending[n:]
		return n, nil
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(p) < utf8.UTFMax {
		n, err := g.read(g.small[:])
		g.pending = g.small[:n]
		if n == 0 {
			return 0, err
		}
		return g.Read(p)
	}
	return g.read(p)
}

// read decodes into p, at least utf8.UTFMax bytes long.
func (g *gbkReader) read(p []byte) (int, error) {
	for {
		if g.err != nil {
			return 0, g.err
		}
		if g.s0 < g.s1 {
			n, err := g.decode(p)
			if n > 0 || err != nil {
				return n, err
			}
		}
		if g.eof {
			// Everything decodable has been: at io.EOF the decoder took every byte left.
			g.err = io.EOF
			if g.rerr != nil {
				g.err = g.rerr
			}
			continue
		}
		g.fill()
	}
}

// fill reads more input after what is left undecoded.
func (g *gbkReader) fill() {
	if g.buf == nil {
		g.buf = make([]byte, g.size)
	}
	if g.s0 > 0 {
		g.s1 = copy(g.buf, g.buf[g.s0:g.s1])
		g.s0 = 0
	}
	n, err := g.r.Read(g.buf[g.s1:])
	g.s1 += n
	if err != nil {
		g.eof = true
		if err != io.EOF {
			g.rerr = err
		}
	}
}

var replacement = []byte("\uFFFD")

// decode decodes from g.buf[g.s0:g.s1] into p; 0 and no error means it needs more input.
func (g *gbkReader) decode(p []byte) (int, error) {
	src := g.buf[g.s0:g.s1]
	atEOF := g.eof && g.rerr == nil
	i, o := 0, 0
	viaDecoder := false // the decoder wrote some of p (the table never gives U+FFFD)
	for i < len(src) && o < len(p) {
		if i, o = decodePairs(p, o, src, i); i == len(src) || o == len(p) {
			break
		}
		// What the table does not cover (a byte that starts no two-byte character, a code
		// that maps to no character, a lead byte at the end of src, or a character with
		// less than four bytes of room left in p) goes through the decoder, with the rest of
		// its run.
		j := nonASCIIRun(src, i)
		nd, ns, err := g.dec.Transform(p[o:], src[i:j], atEOF && j == len(src))
		if err == transform.ErrShortSrc && j < len(src) {
			// The decoder wants to look past the cut: let it, from where it stopped.
			var nd2, ns2 int
			nd2, ns2, err = g.dec.Transform(p[o+nd:], src[i+ns:], atEOF)
			nd, ns = nd+nd2, ns+ns2
		}
		i, o = i+ns, o+nd
		viaDecoder = viaDecoder || nd > 0
		if err != nil {
			if !errors.Is(err, transform.ErrShortDst) && !errors.Is(err, transform.ErrShortSrc) {
				g.err = err
			}
			break
		}
	}
	// One search over all the text decoded here (not one per run: the runs are short), and
	// only when the decoder wrote some of it (the search ran before the test: full-width
	// punctuation, EF BC xx, made it look at every such character).
	if viaDecoder {
		if r := bytes.Index(p[:o], replacement); r >= 0 {
			g.off += int64(r)
			g.err = &DecodeError{Encoding: g.enc, Offset: g.off}
			return r, g.err
		}
	}
	g.s0 += i
	g.off += int64(o)
	return o, g.err
}

// asciiPrefix returns how many bytes at the start of b are ASCII. It looks at 32 bytes at a
// time, then eight.
func asciiPrefix(b []byte) int {
	const high = 0x8080808080808080
	i := 0
	for ; i+32 <= len(b); i += 32 {
		w := binary.LittleEndian.Uint64(b[i:]) | binary.LittleEndian.Uint64(b[i+8:]) |
			binary.LittleEndian.Uint64(b[i+16:]) | binary.LittleEndian.Uint64(b[i+24:])
		if w&high != 0 {
			break
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&high != 0 {
			break
		}
	}
	for i < len(b) && b[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// nonASCIIRun returns the end of the run that starts with the non-ASCII byte b[i]: the place
// between the first two ASCII bytes in a row after it, or len(b). It looks at eight bytes at
// a time: a byte is ASCII when its high bit is clear.
func nonASCIIRun(b []byte, i int) int {
	const high = 0x8080808080808080
	j := i + 1
	for ; j+8 <= len(b); j += 8 {
		ascii := ^binary.LittleEndian.Uint64(b[j:]) & high // 0x80 in each ASCII byte
		prev := ascii << 8                                 // ... in the byte after each ASCII byte
		if b[j-1] < utf8.RuneSelf {
			prev |= 0x80
		}
		if pair := ascii & prev; pair != 0 {
			return j + bits.TrailingZeros64(pair)/8
		}
	}
	for ; j < len(b); j++ {
		if b[j] < utf8.RuneSelf && b[j-1] < utf8.RuneSelf {
			return j
		}
	}
	return len(b)
}

// Two-byte characters: a lead byte 0x81-0xFE and a trail byte 0x40-0x7E or 0x80-0xFE, 190
// trail bytes per lead byte. x/text's decoder gives each its character (U+FFFD for a code
// that maps to none) from these two bytes alone, the same in GBK and GB18030.
const (
	pairLeads  = 0xFE - 0x81 + 1
	pairTrails = 190
)

// pairIndex returns the index of the two-byte character c0 c1 in gbkPairs' table (c0<<8 |
// c1), or -1 when they are not one (c0 is not a lead byte, or c1 not a trail byte).
func pairIndex(c0, c1 byte) int {
	if c0-0x81 >= pairLeads || pairTrail[c1] == noTrail {
		return -1
	}
	return int(c0)<<8 | int(c1)
}

// pairTrail numbers the trail bytes of two-byte characters: 0x40-0x7E are 0-62, 0x80-0xFE
// 63-189, and every other byte is noTrail.
var pairTrail = func() (t [256]uint8) {
	for c := range t {
		switch {
		case 0x40 <= c && c <= 0x7E:
			t[c] = uint8(c - 0x40)
		case 0x80 <= c && c <= 0xFE:
			t[c] = uint8(c - 0x41)
		default:
			t[c] = noTrail
		}
	}
	return t
}()

const noTrail = 0xFF

// gbkPairs is x/text's own decoding of every two-byte character, made once by running its
// GBK decoder over all of them (x/text stays the decoder that maps GBK codes to Unicode; most
// of a Chinese text's bytes are such characters, and copying the decoder's answer from this
// table takes a fraction of the time of asking it again for every character). Each entry is
// the character's UTF-8 bytes (at most three: all are in the BMP) in its low bytes and their
// count in its high byte, or 0 for a code that maps to no character (the decoder gives
// U+FFFD for it, which the reader reports as an error). The table is indexed by the two
// bytes themselves (c0<<8 | c1: 256 KiB, where one row per lead byte of the 190 trail bytes
// took 89 KiB) and every other entry, ASCII leads included, is 0, so that decodePairs reads a
// character's entry with one load and one test, no check of its bytes first. nil if x/text
// did not give one character per code (never seen; the reader then leaves every non-ASCII
// byte to the decoder).
var gbkPairs = sync.OnceValue(func() *[1 << 16]uint32 {
	src := make([]byte, 0, 2*pairLeads*pairTrails)
	for c0 := 0x81; c0 <= 0xFE; c0++ {
		for c1 := 0x40; c1 <= 0xFE; c1++ {
			if c1 != 0x7F {
				src = append(src, byte(c0), byte(c1))
			}
		}
	}
	out, n, err := transform.Bytes(simplifiedchinese.GBK.NewDecoder(), src)
	if err != nil || n != len(src) {
		return nil
	}
	table := new([1 << 16]uint32)
	for k := 0; k < len(src); k += 2 {
		r, size := utf8.DecodeRune(out)
		if size < 2 || size > 3 {
			return nil
		}
		if r != utf8.RuneError { // codes that map to none stay 0
			var e [4]byte
			copy(e[:], out[:size])
			e[3] = byte(size)
			table[pairIndex(src[k], src[k+1])] = binary.LittleEndian.Uint32(e[:])
		}
		out = out[size:]
	}
	if len(out) != 0 {
		return nil
	}
	return table
})

// decodePairs decodes src[i:] into p[o:] while it holds ASCII (eight bytes a step where it
// can) and two-byte characters that map to a character, copying each one's UTF-8 from
// gbkPairs; it stops at any other byte (0x80, 0xFF, a GB18030 four-byte character, a code
// that maps to none, a lead byte at the end of src), when p is full, or at a two-byte
// character when p has room for fewer than four bytes, and returns where it stopped in src
// and p.
func decodePairs(p []byte, o int, src []byte, i int) (int, int) {
	const high = 0x8080808080808080
	table := gbkPairs()
	if table == nil {
		k := asciiPrefix(src[i:min(len(src), i+len(p)-o)])
		copy(p[o:], src[i:i+k])
		return i + k, o + k
	}
	for i < len(src) && o < len(p) {
		if c := src[i]; c < utf8.RuneSelf {
			if i+8 <= len(src) && o+8 <= len(p) {
				// Eight bytes are copied and as many kept as are ASCII (at least this one):
				// the rest is overwritten next, or lies past the text. A run of ASCII
				// between two-byte characters (a comma, a line end and a number) takes one
				// step, not one per byte.
				w := binary.LittleEndian.Uint64(src[i:])
				binary.LittleEndian.PutUint64(p[o:], w)
				n := 8
				if m := w & high; m != 0 {
					n = bits.TrailingZeros64(m) >> 3
				}
				i, o = i+n, o+n
				continue
			}
			p[o] = c
			i, o = i+1, o+1
			continue
		}
		// A run of two-byte characters: src[i:i+2] and p[o:o+4] stay in bounds while i is
		// before lastLead and o at most lastOut. An entry of 0 ends it: ASCII next (the outer
		// loop goes on), or a code the table does not cover.
		lastLead, lastOut := len(src)-1, len(p)-4
		for i < lastLead && o <= lastOut {
			e := table[uint16(src[i])<<8|uint16(src[i+1])]
			if e == 0 {
				break
			}
			binary.LittleEndian.PutUint32(p[o:o+4], e) // the count byte is overwritten next, or lies past the text
			i, o = i+2, o+int(e>>24)
		}
		if i < len(src) && src[i] >= utf8.RuneSelf {
			// Not a two-byte character the table has, a lead byte at the end of src, or too
			// little room.
			return i, o
		}
	}
	return i, o
}
