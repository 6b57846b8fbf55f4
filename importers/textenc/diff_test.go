package textenc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

// decoderTrace is everything a caller sees of a decoder: the encoding before the first read,
// the bytes read (where reads end may differ: the bufio.Reader underneath is filled
// differently), each error with the offset in the output it came at, and the encoding and
// the mix at the end.
func decoderTrace(r io.Reader, enc Encoding, strict bool, sizes []int, old bool) (trace string, out []byte) {
	type decoder interface {
		io.Reader
		Encoding() Encoding
		Mixed() (int, int, bool)
	}
	var d decoder
	var err error
	if old {
		d, err = oldNewDecoder(r, enc, strict)
	} else {
		d, err = newDecoder(r, enc, strict)
	}
	if err != nil {
		return "new: " + err.Error(), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "enc %s\n", d.Encoding())
	p := make([]byte, slices.Max(sizes))
	for i := 0; i < 1<<22; i++ {
		n, err := d.Read(p[:sizes[i%len(sizes)]])
		out = append(out, p[:n]...)
		if err != nil {
			// A strict decoder may have given out the start of the bad rune before its error
			// (in an earlier read, or not, as reads fall): the text is compared up to the
			// error's offset.
			var de *DecodeError
			if strict && errors.As(err, &de) && de.Offset <= int64(len(out)) {
				out = out[:de.Offset]
				fmt.Fprintf(&b, "%v\n", err)
			} else {
				fmt.Fprintf(&b, "at %d: %v\n", len(out), err)
			}
			break
		}
	}
	u, o, mixed := d.Mixed()
	fmt.Fprintf(&b, "end %s %d %d %v\n", d.Encoding(), u, o, mixed)
	return b.String(), out
}

// randomText joins pieces of every kind the decoder tells apart: ASCII (runs long enough to
// cross a window of window bytes), line ends, UTF-8 of every width, GBK, GB18030 four-byte
// characters, bytes that are neither, runes cut short, and sometimes a BOM first.
func randomText(r *rand.Rand, window int) []byte {
	pieces := []string{"abc", "x,y", "\n", "\r", "\r\n", "中文", "，", "é", "😀", "\xc4\xe3\xba\xc3", "\xcb\xb5",
		"\x81\x30\x81\x30", "\x84\x31\xa4\x39", "\xff", "\x80", "\xe4\xbd", "\xf0\x9f", "\xef\xbf\xbd"}
	var b []byte
	switch r.IntN(8) {
	case 0:
		b = append(b, "\xef\xbb\xbf"...)
	case 1:
		b = append(b, "\xff\xfe"...)
	}
	for range r.IntN(14) {
		switch r.IntN(6) {
		case 0:
			n := r.IntN(2*window + 2)
			b = append(b, bytes.Repeat([]byte("a"), n)...)
		case 1:
			b = append(b, bytes.Repeat([]byte("中文\n"), r.IntN(window/4+2))...)
		default:
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
	}
	return b
}

// withWindow runs f with the detection window set to size bytes.
func withWindow(size int, f func()) {
	defer func(old int) { sniffSize = old }(sniffSize)
	sniffSize = size
	f()
}

func checkSameAsOld(t *testing.T, in []byte, sizes []int, encs ...Encoding) {
	t.Helper()
	for _, enc := range encs {
		for _, strict := range []bool{false, true} {
			wraps := []func(io.Reader) io.Reader{
				func(r io.Reader) io.Reader { return r }, iotest.HalfReader, iotest.DataErrReader,
			}
			if slices.Max(sizes) <= sniffSize {
				// Sizes that are wrong (bufSize's guess): a source that says it is shorter or
				// longer. Both decoders take the window from the first non-ASCII byte in a read
				// on: how many bytes the source gives at once decides its end when a read can
				// be longer than the window, never with the real one.
				wraps = append(wraps,
					func(r io.Reader) io.Reader { return wrongLen{r, len(in) / 2} },
					func(r io.Reader) io.Reader { return wrongLen{iotest.HalfReader(r), len(in) + 100} })
			}
			for _, wrap := range wraps {
				want, wantOut := decoderTrace(wrap(bytes.NewReader(in)), enc, strict, sizes, true)
				got, gotOut := decoderTrace(wrap(bytes.NewReader(in)), enc, strict, sizes, false)
				if want != got || !bytes.Equal(wantOut, gotOut) {
					short := in
					if len(short) > 200 {
						short = short[:200]
					}
					require.Equal(t, want, got, "input %q (%d bytes), %s, strict %v", short, len(in), enc, strict)
					i := 0
					for i < min(len(wantOut), len(gotOut)) && wantOut[i] == gotOut[i] {
						i++
					}
					t.Fatalf("input %q (%d bytes), %s, strict %v: the text differs from byte %d on", short, len(in), enc, strict, i)
				}
			}
		}
	}
}

// TestDecoderMatchesOld holds the decoder equal to the one before it read its detection
// window into one buffer (old_test.go): the same reads, errors, encodings and lines, with the
// window's edges moved into small inputs and at its real size.
func TestDecoderMatchesOld(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	readSizes := [][]int{{1, 2, 3, 4, 5, 6, 7}, {64 << 10}, {5, 300, 1 << 17}}
	for _, window := range []int{8, 16, 64, 300} {
		withWindow(window, func() {
			for range 150 {
				in := randomText(r, window)
				checkSameAsOld(t, in, readSizes[r.IntN(len(readSizes))], Auto, UTF8, GB18030)
			}
		})
	}
	// The real window, and the bufio.Reader's 64 KiB, on a few large inputs.
	big := func(parts ...string) []byte { return []byte(strings.Join(parts, "")) }
	ascii := strings.Repeat("ascii line\n", 120<<10)
	short := strings.Repeat("ascii\n", 10<<10)
	gbkLine := "\xc4\xe3\xba\xc3\n"
	for _, in := range [][]byte{
		big(ascii), big(short), big(short, "中文\n"), big(short, gbkLine), big(ascii, "中文\n", gbkLine),
		big(ascii, gbkLine), big(ascii[:1<<20], "中"), big("中文\n", ascii, gbkLine), big(gbkLine, ascii, "中文\n"),
		big(ascii[:70<<10], gbkLine, ascii), big(short, "中文\n", ascii, gbkLine), big(ascii[:(1<<20)-1], "\xe4\xbd"),
		big(ascii[:64<<10]), big(ascii[:(64<<10)-1], "中"), big(ascii[:1<<20]), big("\xef\xbb\xbf", ascii, gbkLine),
	} {
		checkSameAsOld(t, in, []int{64 << 10, 7, 1 << 17}, Auto) // the only path that changed
	}
}

// FuzzDecoderMatchesOld is TestDecoderMatchesOld's comparison on any input, with a window
// of 16 bytes.
func FuzzDecoderMatchesOld(f *testing.F) {
	f.Add([]byte("abcdefghijklmnopqrstuvwxyz你好\n\xd4\xd9\xbc\xfb\n"))
	f.Add([]byte("\xef\xbb\xbfa\r\xcb\xb5\r\n"))
	f.Add([]byte("abc\xe4\xbd"))
	f.Fuzz(func(t *testing.T, in []byte) {
		withWindow(16, func() { checkSameAsOld(t, in, []int{1, 2, 3, 4, 5, 6, 7}, Auto, UTF8, GB18030) })
	})
}

// wrongLen is a reader whose Len is not its length.
type wrongLen struct {
	io.Reader
	n int
}

func (w wrongLen) Len() int { return w.n }

// TestErrorsWhateverTheReads: where a bad rune or a U+FFFD falls across reads does not move
// or hide the error (the strict decoder used to give the offset of the read after a bad
// rune begun in the one before; the UTF-16 path missed a U+FFFD cut between two reads).
func TestErrorsWhateverTheReads(t *testing.T) {
	withWindow(8, func() {
		in := []byte("中文\naaaaaaaaaaaa\xc4\xe3\xba\xc3\n")
		for size := 1; size <= 7; size++ {
			r, _, err := NewReader(iotest.OneByteReader(bytes.NewReader(in)), Auto)
			require.NoError(t, err)
			_, err = readChunks(r, size)
			var de *DecodeError
			require.ErrorAs(t, err, &de, "reads of %d", size)
			require.Equal(t, int64(bytes.IndexByte(in, 0xC4)), de.Offset, "reads of %d", size)
		}
	})
	// UTF-16LE with a BOM: an unpaired surrogate (decoded as U+FFFD), and U+FFFD itself.
	for _, in := range [][]byte{[]byte("\xff\xfea\x00b\x00\x00\xd8c\x00"), []byte("\xff\xfea\x00b\x00\xfd\xffc\x00")} {
		for size := 1; size <= 7; size++ {
			r, enc, err := NewReader(bytes.NewReader(in), Auto)
			require.NoError(t, err)
			require.Equal(t, UTF16LE, enc)
			got, err := readChunks(r, size)
			var de *DecodeError
			require.ErrorAs(t, err, &de, "%q, reads of %d", in, size)
			require.Equal(t, int64(2), de.Offset, "%q, reads of %d", in, size)
			require.Equal(t, "ab", string(got))
		}
	}
}

// TestWordHelpers holds the word-at-a-time helpers equal to byte loops (and classify to the
// one before them) on text that is mostly ASCII, with non-ASCII bytes and line ends at every
// place a word can put them.
func TestWordHelpers(t *testing.T) {
	prefix := func(b []byte) int {
		for i, c := range b {
			if c >= 0x80 {
				return i
			}
		}
		return len(b)
	}
	r := rand.New(rand.NewPCG(3, 2026))
	special := []string{"\x80", "\xc4", "\xdf", "\xe0", "\xe4\xb8\xad", "\xef", "\xf0\x9f\x98\x80", "\xff", "\n", "\r", "\r\n", "\xcb\xb5"}
	for range 20000 {
		b := bytes.Repeat([]byte("a"), r.IntN(100))
		for range r.IntN(4) {
			at := r.IntN(len(b) + 1)
			b = slices.Insert(b, at, []byte(special[r.IntN(len(special))])...)
		}
		require.Equal(t, prefix(b), asciiPrefix(b), "%q", b)
		require.Equal(t, oldIsASCII(b), isASCII(b), "%q", b)
		require.Equal(t, oldWide(b), wide(b), "%q", b)
		for _, eof := range []bool{false, true} {
			u, o := classify(b, eof, 3)
			wu, wo := oldClassify(b, eof, 3)
			require.Equal(t, [2]int{wu, wo}, [2]int{u, o}, "%q", b)
		}
	}
}

// FuzzClassify holds classify to the one before it.
func FuzzClassify(f *testing.F) {
	f.Add([]byte("abc\r\n中文\r\xcb\xb5\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, eof bool) {
		u, o := classify(b, eof, 1)
		wu, wo := oldClassify(b, eof, 1)
		require.Equal(t, [2]int{wu, wo}, [2]int{u, o}, "%q", b)
		require.Equal(t, oldWide(b), wide(b))
		require.Equal(t, oldIsASCII(b), isASCII(b))
	})
}
