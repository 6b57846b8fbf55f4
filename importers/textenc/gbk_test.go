package textenc

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// gbkReference is what gbkReader must give for in: x/text's decoding of the whole input
// (transform.Bytes, no reader in between), cut at the first U+FFFD, which is the error.
func gbkReference(in []byte, enc Encoding) ([]byte, error) {
	out, err := enc.decoder().Bytes(in)
	if err != nil {
		panic(err)
	}
	if i := bytes.Index(out, replacement); i >= 0 {
		return out[:i], &DecodeError{Encoding: enc, Offset: int64(i)}
	}
	return out, nil
}

// readChunks reads r to the end with reads of the given size.
func readChunks(r io.Reader, size int) ([]byte, error) {
	var out []byte
	p := make([]byte, size)
	for {
		n, err := r.Read(p)
		out = append(out, p[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if n == 0 {
			return out, errors.New("a read gave nothing and no error")
		}
	}
}

// checkGBK compares gbkReader with the reference on in, for every encoding of the family,
// read in pieces of several sizes from a source that gives bytes in several ways.
func checkGBK(t *testing.T, in []byte) {
	t.Helper()
	for _, enc := range []Encoding{GB18030, GBK, GB2312} {
		want, wantErr := gbkReference(in, enc)
		sources := map[string]func() io.Reader{
			"whole":   func() io.Reader { return bytes.NewReader(in) },
			"half":    func() io.Reader { return iotest.HalfReader(bytes.NewReader(in)) },
			"onebyte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(in)) },
		}
		for name, src := range sources {
			for _, size := range []int{1, 3, 4, 7, 64, 4096, 1 << 20} {
				got, err := readChunks(newGBKReader(src(), enc, 0), size)
				require.Equal(t, string(want), string(got), "%s, %s source, reads of %d", enc, name, size)
				require.Equal(t, wantErr, err, "%s, %s source, reads of %d", enc, name, size)
				// The least buffer sized gives (256 bytes), whatever the source's length.
				got, err = readChunks(newGBKReader(src(), enc, 0).sized(0), size)
				require.Equal(t, string(want), string(got), "%s, %s source, reads of %d, small buffer", enc, name, size)
				require.Equal(t, wantErr, err, "%s, %s source, reads of %d, small buffer", enc, name, size)
			}
		}
	}
}

func TestGBKReaderMatchesXText(t *testing.T) {
	cases := []string{
		"",
		"ascii only, over eight bytes long\n",
		"中文",
		"a中b文c",
		"中文,12345\n正面,负面\n",
		"\x81\x40ab",                   // a two-byte character whose trail byte is ASCII, then ASCII
		"\x81\x40\x81\x40a",            // two of them
		"\x81\x30\x81\x30xy",           // a GB18030 four-byte character, then ASCII
		"\x81\x30\x81",                 // a four-byte character cut by the end
		"\x81\x30ab",                   // a lead byte, a digit, then ASCII: not GB18030
		"\x81\x30a\x81\x30",            // the same, once more
		"\x80 euro",                    // 0x80 is the euro sign
		"\xff bad",                     // never a GBK byte
		"ab\xd6",                       // a lead byte at the end
		"\xd6\xd0\xce\xc4\xef\xbf\xbd", // text, then bytes that decode to U+FFFD
		"\x84\x31\xa4\x37",             // U+FFFD itself in GB18030
		"\xe3\x32\x9a\x35 plane 16",
		"\x90\x30\x81\x30 plane 1",
	}
	for _, c := range cases {
		checkGBK(t, []byte(c))
	}
	// Long inputs that cross the reader's buffer, with every kind of byte mixed in.
	r := rand.New(rand.NewPCG(17, 2026))
	pieces := [][]byte{[]byte("中文"), []byte("abc,"), []byte("\n"), []byte("\x81\x40"), []byte("\x81\x30\x81\x30"), []byte("\x80"), []byte("1"), []byte("x")}
	for range 2 {
		var b []byte
		for len(b) < gbkBuf+5000 {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		checkGBK(t, b)
		b[len(b)*2/3] = 0xff
		checkGBK(t, b)
	}
}

// FuzzGBKReader checks gbkReader against x/text's decoding of the whole input.
func FuzzGBKReader(f *testing.F) {
	f.Add([]byte("中文,12345\n"))
	f.Add([]byte("\x81\x30ab\x81\x40ab"))
	f.Add([]byte("\x81\x30\x81\x30xy\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkGBK(t, in)
	})
}

// TestNonASCIIRun checks the word-at-a-time search against a byte loop.
func TestNonASCIIRun(t *testing.T) {
	naive := func(b []byte, i int) int {
		for j := i + 2; j < len(b); j++ {
			if b[j] < 0x80 && b[j-1] < 0x80 {
				return j
			}
		}
		return len(b)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, 1+r.IntN(40))
		for k := range b {
			b[k] = byte(r.IntN(256))
			if r.IntN(3) == 0 {
				b[k] = 0xd6
			}
		}
		i := r.IntN(len(b))
		b[i] |= 0x80
		require.Equal(t, naive(b, i), nonASCIIRun(b, i), "%x from %d", b, i)
		require.Equal(t, bytes.IndexFunc(b, func(r rune) bool { return r >= 0x80 || r == utf8.RuneError }), asciiPrefixOrMinus(b))
	}
}

func asciiPrefixOrMinus(b []byte) int {
	if n := asciiPrefix(b); n < len(b) {
		return n
	}
	return -1
}

// TestGBKPairsMatchXText checks the table of two-byte characters against x/text's decoders
// (GBK and GB18030) asked for each code alone, and the reader over every code in a random
// order, with ASCII, four-byte characters and bytes that are not GBK between them.
func TestGBKPairsMatchXText(t *testing.T) {
	table := gbkPairs()
	require.NotNil(t, table)
	var all [][]byte
	for c0 := 0; c0 < 256; c0++ {
		for c1 := 0; c1 < 256; c1++ {
			pair := []byte{byte(c0), byte(c1)}
			k := pairIndex(byte(c0), byte(c1))
			two := c0 >= 0x81 && c0 <= 0xFE && (c1 >= 0x40 && c1 <= 0x7E || c1 >= 0x80 && c1 <= 0xFE)
			require.Equal(t, two, k >= 0, "%x", pair)
			if !two {
				require.Zero(t, table[c0<<8|c1], "%x is not a two-byte character", pair)
				continue
			}
			all = append(all, pair)
			e := table[k]
			got := []byte{byte(e), byte(e >> 8), byte(e >> 16)}[:e>>24]
			if e == 0 { // a code that maps to no character: left to the decoder
				got = replacement
			}
			for _, enc := range []Encoding{GBK, GB18030} {
				want, err := enc.decoder().Bytes(pair)
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "%s %x", enc, pair)
			}
		}
	}
	r := rand.New(rand.NewPCG(23, 2026))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	others := [][]byte{[]byte("a"), []byte(",\n"), []byte("\x81\x30\x81\x30"), []byte("\x80"), []byte("\x81\x30a")}
	var b []byte
	for _, pair := range all {
		b = append(b, pair...)
		if r.IntN(8) == 0 {
			b = append(b, others[r.IntN(len(others))]...)
		}
	}
	for _, enc := range []Encoding{GB18030, GBK} {
		want, wantErr := gbkReference(b, enc)
		for _, size := range []int{4, 5, 6, 64, 4096, 1 << 20} {
			got, err := readChunks(newGBKReader(bytes.NewReader(b), enc, 0), size)
			require.Equal(t, string(want), string(got), "%s, reads of %d", enc, size)
			require.Equal(t, wantErr, err, "%s, reads of %d", enc, size)
		}
	}
}
