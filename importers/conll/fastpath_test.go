package conll

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/pipe/pipetest"
	"github.com/modelarts-convert/convert/importers/textenc"
	"github.com/modelarts-convert/convert/internal/benchdata"
)

// transcript is everything a read hands out, in order: each sample in full (name, origin,
// data, encoding, labels and their properties), each warning and each error.
func transcript(t testing.TB, in io.Reader, opts Options, tune tuning) string {
	t.Helper()
	var b strings.Builder
	opts.Warn = func(w importers.Warning) {
		fmt.Fprintf(&b, "warning %s:%d rejected=%v %s\n", w.Pos.File, w.Pos.Line, w.Rejected, w.Reason)
	}
	readTuned(context.Background(), in, "t.conll", opts, tune, func(s *api.Sample, err error) bool {
		if err != nil {
			fmt.Fprintf(&b, "error %v\n", err)
			return true
		}
		fmt.Fprintf(&b, "sample %q %q %q %q %d\n", s.Name, s.Origin, s.Encoding, s.Data, s.SampleType)
		for _, l := range s.Labels {
			fmt.Fprintf(&b, "  label %q %d %#v\n", l.Name, l.Type, l.Property)
		}
		return true
	})
	return b.String()
}

// chunkReader returns its bytes in reads of random sizes (1 to max bytes), so that lines and
// line ends fall across the reader's buffer fills.
type chunkReader struct {
	b   []byte
	rnd *rand.Rand
	max int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.b), 1+c.rnd.IntN(c.max))
	copy(p, c.b[:n])
	c.b = c.b[n:]
	return n, nil
}

// requireSameRead reads data with the fast paths (and Options.SharedProperties) and with the
// plain ones, and requires the same transcript.
func requireSameRead(t testing.TB, data []byte, opts Options, seed uint64) {
	t.Helper()
	plain := transcript(t, bytes.NewReader(data), opts, tuning{plain: true})
	opts.SharedProperties = true
	fast := transcript(t, bytes.NewReader(data), opts, tuning{})
	require.Equal(t, plain, fast, "options %+v", opts)
	if seed != 0 {
		// Reads of random sizes reach the reader with an explicit encoding (with auto, the
		// decoder hands out the first MiB it looked at in the reader's own sizes).
		if opts.Encoding == "" {
			opts.Encoding = textenc.UTF8
		}
		plain = transcript(t, bytes.NewReader(data), opts, tuning{plain: true})
		rnd := rand.New(rand.NewPCG(seed, 1))
		fast = transcript(t, &chunkReader{b: data, rnd: rnd, max: 1 + rnd.IntN(300)}, opts, tuning{})
		require.Equal(t, plain, fast, "options %+v, random reads (seed %d)", opts, seed)
	}
}

// messy turns a clean CoNLL file into one that exercises the line splitter: every line end
// CR, LF or CRLF, runs of spaces, tabs, VT and FF between and around columns, blank lines of
// whitespace, comments, "#" tokens, short and long lines.
func messy(clean []byte, rnd *rand.Rand) []byte {
	var out []byte
	seps := []string{" ", "  ", "\t", " \t ", "\v", "\f", "\t\t"}
	ends := []string{"\n", "\n", "\n", "\r\n", "\r"}
	for line := range bytes.Lines(clean) {
		line = bytes.TrimRight(line, "\n")
		if rnd.IntN(40) == 0 {
			out = append(out, "# a comment line"...)
			out = append(out, ends[rnd.IntN(len(ends))]...)
		}
		if rnd.IntN(60) == 0 {
			out = append(out, "#\tO"...)
			out = append(out, ends[rnd.IntN(len(ends))]...)
		}
		if rnd.IntN(8) == 0 {
			out = append(out, seps[rnd.IntN(len(seps))]...)
		}
		for i, f := range bytes.Fields(line) {
			if i > 0 {
				out = append(out, seps[rnd.IntN(len(seps))]...)
			}
			out = append(out, f...)
		}
		if rnd.IntN(8) == 0 {
			out = append(out, seps[rnd.IntN(len(seps))]...)
		}
		if rnd.IntN(200) == 0 {
			out = append(out, " extra"...) // a wrong column count
		}
		out = append(out, ends[rnd.IntN(len(ends))]...)
	}
	return out
}

// TestFastPaths holds the reader's fast paths (scanLine) equal to its plain ones (readLine
// and split) over every file in testdata/ with many options, and over generated files of
// several hundred kilobytes (past the buffer's size) with every kind of line end and
// separator, read whole and in reads of random sizes.
func TestFastPaths(t *testing.T) {
	files, err := filepath.Glob("testdata/*.t[xs][tv]")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		for flags := uint16(0); flags < 1<<13; flags += 523 {
			requireSameRead(t, data, fuzzOptions(flags), uint64(flags)+1)
		}
		requireSameRead(t, data, Options{TokenColumn: 2}, 0)
	}
	var clean bytes.Buffer
	require.NoError(t, benchdata.CoNLL2003(&clean, 1500, 0))
	for seed := uint64(1); seed <= 2; seed++ {
		rnd := rand.New(rand.NewPCG(seed, 2))
		data := messy(clean.Bytes(), rnd)
		requireSameRead(t, data, Options{}, seed)
		requireSameRead(t, data, Options{Group: GroupDocument, Scheme: SchemeIOB1}, seed)
		requireSameRead(t, data, Options{TagColumn: 2, Offsets: OffsetsUTF16}, seed)
	}
	requireSameRead(t, clean.Bytes(), Options{}, 9)

	// More distinct tags than the reader keeps (maxTags), tags that hold several tags, bare
	// type tags, "#" lines with a tag read before, empty tags (with -tab).
	var tags bytes.Buffer
	for i := range maxTags + 300 {
		switch i % 7 {
		case 0:
			fmt.Fprintf(&tags, "w\tB-T%d\n", i)
		case 1:
			fmt.Fprintf(&tags, "w\tB-a%d,I-b\n#\tB-a%d,I-b\n", i%50, i%50)
		case 2:
			fmt.Fprintf(&tags, "w\tPER%d\n#\tPER%d\n\n", i%30, i%30)
		case 3:
			fmt.Fprintf(&tags, "w\t \nv\tO\n\n")
		case 4:
			fmt.Fprintf(&tags, "w\tI-LONGTYPE%d\n", i%20)
		default:
			fmt.Fprintf(&tags, "w\tO\nx\tB-P\ny\tI-P\n\n")
		}
	}
	requireSameRead(t, tags.Bytes(), Options{}, 0)
	requireSameRead(t, tags.Bytes(), Options{Tab: true, Scheme: SchemeIOB2}, 0)

	// Lines of many columns (scanLine once stopped at 32), control characters inside and
	// between columns, the token and tag columns past a short line's last.
	var wide bytes.Buffer
	for i := range 200 {
		for c := range 45 - i%45 {
			fmt.Fprintf(&wide, "c%d\x01%s", c, []string{" ", "\t", " \v ", "\f"}[(i+c)%4])
		}
		fmt.Fprintf(&wide, "%s\n", []string{"O", "B-X", "I-Y"}[i%3])
		if i%9 == 0 {
			wide.WriteString("\n")
		}
	}
	for _, o := range []Options{{}, {TokenColumn: 3, TagColumn: 40}, {TokenColumn: 33, TagColumn: 2}} {
		requireSameRead(t, wide.Bytes(), o, 0)
		requireSameRead(t, wide.Bytes(), o, 5)
	}

	// An empty tag first (-tab), before any other tag was read.
	requireSameRead(t, []byte("w\t \nv\tO\n\nx\t\t\n"), Options{Tab: true}, 0)
	require.Contains(t, transcript(t, bytes.NewReader([]byte("w\t \nv\tO\n\n")), Options{Tab: true}, tuning{}), "has no entity type")

	// A record over pipeOwn (its text handed over, not copied) between short ones, and one
	// with more than pipeEvents warnings (a batch handed over in the middle of a record).
	var big bytes.Buffer
	big.WriteString("a B-X\nb O\n\n")
	for i := range 60000 { // about 340 KB of text
		fmt.Fprintf(&big, "tok%d I-PER\n", i%7) // IOB2: every I- after O or another type warns
		if i%3 == 0 {
			big.WriteString("x O\n")
		}
	}
	big.WriteString("\nc B-Y\n\n")
	requireSameRead(t, big.Bytes(), Options{}, 0)
	requireSameRead(t, big.Bytes(), Options{Scheme: SchemeIOB2}, 0)
}

// FuzzFastPaths: any input, any options, whole or in random reads: the fast paths read
// what the plain ones do.
func FuzzFastPaths(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for i, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(i*37), uint64(i))
	}
	f.Add([]byte("a O\r\rb\vB-X\f\r\n-DOCSTART-\r\nc \t I-Y\t \n\n"), uint16(0), uint64(1))
	f.Fuzz(func(t *testing.T, data []byte, flags uint16, seed uint64) {
		requireSameRead(t, data, fuzzOptions(flags), seed|1)
	})
}

// TestLowBytes holds lowBytes equal to a byte-by-byte test: every byte value at every
// position of a word, among neighbours of every kind, and random words.
func TestLowBytes(t *testing.T) {
	slow := func(x uint64) uint64 {
		var m uint64
		for k := range 8 {
			if byte(x>>(8*k)) < 0x21 {
				m |= 0x80 << (8 * k)
			}
		}
		return m
	}
	for c := range 256 {
		for pos := range 8 {
			for _, fill := range []byte{0x00, 0x20, 0x21, 'a', 0x7f, 0x80, 0xa1, 0xff} {
				x := uint64(fill) * 0x0101010101010101
				x = x&^(0xff<<(8*pos)) | uint64(c)<<(8*pos)
				require.Equal(t, slow(x), lowBytes(x), "%#016x", x)
			}
		}
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	for range 20000 {
		x := rnd.Uint64()
		require.Equal(t, slow(x), lowBytes(x), "%#016x", x)
	}
}

// TestSepEOL: scanColumns' separators are splitSpace's, and its line ends readLine's.
func TestSepEOL(t *testing.T) {
	for c := range 256 {
		want := spaceSep[c] || c == '\n'
		require.Equal(t, want, c < 64 && sepEOL>>c&1 == 1, "byte %#x", c)
	}
}

// TestSharedProperties: with Options.SharedProperties, labels with the same small offsets
// share one map, others have their own; without it, every label has its own.
func TestSharedProperties(t *testing.T) {
	in := "a B-X\nb I-X\n\na B-Y\nb I-Y\n\n" + strings.Repeat("w O\n", 300) + "a B-Z\n\n" +
		strings.Repeat("w O\n", 300) + "a B-Z\n\n"
	maps := func(shared bool) []uintptr {
		var ps []uintptr
		for s, err := range ReadFrom(context.Background(), strings.NewReader(in), "t", Options{SharedProperties: shared}) {
			require.NoError(t, err)
			for _, l := range s.Labels {
				ps = append(ps, reflect.ValueOf(l.Property).Pointer())
			}
		}
		require.Len(t, ps, 4)
		return ps
	}
	ps := maps(true)
	require.Equal(t, ps[0], ps[1], "0..3 twice: one map")
	require.NotEqual(t, ps[2], ps[3], "offsets over 256: a map each")
	ps = maps(false)
	require.NotEqual(t, ps[0], ps[1])
}

// TestPanicInYield: a consumer that panics still stops the reader's goroutine before the
// stream returns (it must not read an input its caller then closes).
func TestPanicInYield(t *testing.T) {
	var in bytes.Buffer
	require.NoError(t, benchdata.CoNLL2003(&in, 5000, 0))
	before := runtime.NumGoroutine()
	func() {
		defer func() { require.Equal(t, "consumer", recover()) }()
		for range ReadFrom(context.Background(), &in, "t", Options{}) {
			panic("consumer")
		}
	}()
	// The goroutine has ended when the stream returned; the runtime may take a moment to
	// count it out.
	for i := 0; runtime.NumGoroutine() > before && i < 200; i++ {
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before)
}

// TestScanFirstLast holds scanFirstLast equal to scanColumns with the token first and the tag
// last, over random lines of every kind of byte (separators, line ends, other control
// characters, ASCII and not) that put columns and separators across word boundaries, and
// over buffers with no line end.
func TestScanFirstLast(t *testing.T) {
	alphabet := []byte{' ', ' ', '\t', '\v', '\f', '\r', '\n', '\n', 0, 1, 0x1f, '!', '#', 'a', 'a', 'O', '-', 0x7f, 0x80, 0xc3, 0xff}
	rnd := rand.New(rand.NewPCG(3, 3))
	check := func(b []byte) {
		t.Helper()
		var want, got lineCols
		weol, wn, wascii := scanColumns(b, 1, 0, &want)
		geol, gn, gascii := scanFirstLast(b, &got)
		require.Equal(t, weol, geol, "line end of %q", b)
		require.Equal(t, wn, gn, "columns of %q", b)
		if weol >= 0 {
			require.Equal(t, wascii, gascii, "ascii of %q", b)
		}
		if wn > 0 {
			require.Equal(t, want, got, "column bounds of %q", b)
		}
	}
	for range 30000 {
		b := make([]byte, rnd.IntN(40))
		for i := range b {
			if rnd.IntN(3) == 0 {
				b[i] = byte(rnd.IntN(256))
			} else {
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			}
		}
		check(b)
	}
	for c := range 256 { // every byte at every offset of two words, among neighbours of each kind
		for pos := range 17 {
			for _, fill := range []byte{' ', 'a', 0x01, 0x80} {
				b := bytes.Repeat([]byte{fill}, 20)
				b[pos] = byte(c)
				b[19] = '\n'
				check(b)
				check(b[:pos+1])
			}
		}
	}
}

// TestPanicInReader: a panic on the reader's goroutine (here in the caller's reader, past
// the decoder's look-ahead) is raised again on the stream's goroutine, where the caller can
// recover it, once the samples before it are given and the reader's goroutine has ended.
func TestPanicInReader(t *testing.T) {
	var in bytes.Buffer
	require.NoError(t, benchdata.CoNLL2003(&in, 20000, 0))
	require.Greater(t, in.Len(), 3<<20)
	pipetest.ReaderPanics(t, func(r io.Reader) iter.Seq2[*api.Sample, error] {
		return ReadFrom(context.Background(), r, "t", Options{})
	}, &in, 3<<20, 1000)
}
