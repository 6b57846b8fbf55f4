package csv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/internal/pipe/pipetest"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// readRowsSerial is readRows as it was before the scanner moved to a goroutine of its own
// (main at a84f610): everything on the stream's goroutine. The piped reader must give the
// same samples, warnings and errors, in the same order.
func readRowsSerial(ctx context.Context, r io.Reader, file string, s *settings, yield func(*api.Sample, error) bool) {
	pos := importers.Position{File: file}
	dec, err := textenc.NewDecoder(r, s.Encoding)
	if err != nil {
		yield(nil, &importers.Error{Pos: pos, Err: err})
		return
	}
	sc := newScanner(dec, s.delim)
	if s.KeepEncoding && dec.Encoding() != textenc.UTF8 {
		sc.max = maxRecord / 2 * 3
	}
	m := newMapper(s, file)
	reject := func(line, col int, reason string) {
		s.Warn.Warn(importers.Warning{Pos: importers.Position{File: file, Line: line, Column: col}, Rejected: true, Reason: reason})
	}
	textCol, labelCol := -1, -1
	maxFields := 0
	if !s.header {
		textCol, _ = s.column(s.TextColumn, "text", 1, nil)
		labelCol, _ = s.column(s.LabelColumn, "label", 2, nil)
	}
	need := max(textCol, labelCol) + 1
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := importers.Check(ctx, importers.Position{File: file, Line: sc.line}); err != nil {
				yield(nil, err)
				return
			}
		}
		fields, err := sc.next()
		mixedWarning(dec, file, s.Warn)
		if err != nil {
			var bad *badRecord
			switch {
			case errors.As(err, &bad):
				if textCol < 0 {
					yield(nil, &importers.Error{Pos: importers.Position{File: file, Line: bad.line, Column: bad.col},
						Err: fmt.Errorf("cannot read the header: %s", bad.reason)})
					return
				}
				reject(bad.line, bad.col, bad.reason)
				continue
			case err == io.EOF:
				if textCol < 0 {
					yield(nil, &importers.Error{Pos: pos, Err: errors.New("the file has no header line (it is empty); set option NoHeader if it has no header")})
				}
				return
			default:
				yield(nil, decodeErr(file, sc.line, err))
				return
			}
		}
		line := sc.recLine
		if blank(fields) {
			continue
		}
		if textCol < 0 {
			header := make([]string, len(fields))
			for i, f := range fields {
				header[i] = string(f)
			}
			var err error
			if textCol, err = s.column(s.TextColumn, "text", 1, header); err == nil {
				labelCol, err = s.column(s.LabelColumn, "label", 2, header)
			}
			if err == nil && textCol == labelCol {
				err = fmt.Errorf("the text and the label are the same column (%d)", textCol+1)
			}
			if err != nil {
				yield(nil, &importers.Error{Pos: importers.Position{File: file, Line: line}, Err: err})
				return
			}
			need = max(textCol, labelCol) + 1
			maxFields = max(len(fields), need)
			sc.minFields, sc.maxFields = need, maxFields
			continue
		}
		if maxFields == 0 {
			maxFields = max(len(fields), need)
			sc.minFields, sc.maxFields = need, maxFields
		}
		switch {
		case len(fields) < need:
			reject(line, 0, fmt.Sprintf("the row has %d field(s); the %s column is field %d", len(fields), lastColumn(textCol, labelCol), need))
			continue
		case len(fields) > maxFields:
			reject(line, 0, fmt.Sprintf("the row has %d fields, more than the %d of the %s (an unquoted %q in the text?)",
				len(fields), maxFields, firstRow(s.header), rune(s.delim)))
			continue
		}
		if !dec.Valid(fields[textCol]) || !dec.Valid(fields[labelCol]) {
			reject(line, 0, textenc.ErrNotUTF8)
			continue
		}
		smp, reason := m.sample(fields[textCol], fields[labelCol], line, dec.Encoding())
		if smp == nil {
			reject(line, 0, reason)
			continue
		}
		if !yield(smp, nil) {
			return
		}
	}
}

// rowsTranscript reads data with read and renders everything it gives, in order; stop > 0
// ends the read after that many samples.
func rowsTranscript(t testing.TB, read func(context.Context, io.Reader, string, *settings, func(*api.Sample, error) bool),
	data []byte, opts Options, stop int) string {
	t.Helper()
	var b strings.Builder
	opts.Warn = func(w importers.Warning) { fmt.Fprintf(&b, "warn %+v\n", w) }
	s, err := start(context.Background(), "in.csv", opts)
	if err != nil {
		return "options: " + err.Error()
	}
	n := 0
	read(context.Background(), bytes.NewReader(data), "in.csv", s, func(smp *api.Sample, err error) bool {
		if err != nil {
			fmt.Fprintf(&b, "error %v\n", err)
			return true
		}
		require.Empty(t, api.ValidateSample("sample", smp))
		fmt.Fprintf(&b, "sample %s %s %s %s %+v\n", smp.Origin, smp.Name, smp.Encoding, smp.Data, smp.Labels)
		n++
		return stop == 0 || n < stop
	})
	return b.String()
}

// sameTranscript fails the test at the first line where got differs from want.
func sameTranscript(t testing.TB, want, got string, format string, args ...any) {
	t.Helper()
	if want == got {
		return
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; ; i++ {
		if i >= len(w) || i >= len(g) || w[i] != g[i] {
			at := func(l []string) string {
				if i < len(l) {
					return l[i][:min(len(l[i]), 300)]
				}
				return "(the end)"
			}
			t.Fatalf("%s: line %d differs:\nserial: %s\npiped:  %s", fmt.Sprintf(format, args...), i+1, at(w), at(g))
		}
	}
}

// pipeInputs are the package's test files and generated rows: quoted fields over several
// lines, CJK, blank and broken rows, rows over 64 KiB, GBK and a file that mixes encodings.
func pipeInputs(t testing.TB) map[string][]byte {
	t.Helper()
	in := map[string][]byte{}
	files, err := filepath.Glob("testdata/*/*.*")
	require.NoError(t, err)
	for _, p := range files {
		if strings.HasSuffix(p, "want.txt") {
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		in[p] = b
	}
	r := rand.New(rand.NewPCG(17, 5))
	pieces := []string{"hello", "你好世界", `"quoted, with ""quotes"""`, "\"two\nlines\"", " ", "", "a\"b", "\r\n", "\n", ",", "\t", "标签", "x,y", "\"unclosed"}
	var gen bytes.Buffer
	gen.WriteString("text,label\n")
	for i := range 2000 {
		switch r.IntN(200) {
		case 0:
			gen.WriteString(strings.Repeat("长", 30000) + ",big\n") // a row over 64 KiB
			continue
		case 1:
			gen.WriteString("\n")
			continue
		}
		for k := 0; k < 1+r.IntN(4); k++ {
			gen.WriteString(pieces[r.IntN(len(pieces))])
		}
		fmt.Fprintf(&gen, " %d,%s\n", i, []string{"a", "b,c", "", " d , a ", "x"}[r.IntN(5)])
	}
	in["gen"] = gen.Bytes()
	g, err := simplifiedchinese.GBK.NewEncoder().Bytes(bytes.ReplaceAll(gen.Bytes(), []byte("\"unclosed"), nil))
	require.NoError(t, err)
	in["gen-gbk"] = g
	// ASCII past the decoder's detection window, then GBK: the encoding is decided late.
	late := append([]byte("text,label\n"), bytes.Repeat([]byte(strings.Repeat("ascii ", 40)+"row,a\n"), 5_000)...)
	in["late-gbk"] = append(late, g[len("text,label\n"):]...)
	// UTF-8 lines, then a GBK line: a mixed file.
	mixed := append(append([]byte{}, gen.Bytes()[:20000]...), g[30000:60000]...)
	in["mixed"] = append(mixed, gen.Bytes()[20000:]...)
	return in
}

// TestPipeMatchesSerial holds the piped reader to the serial one over every input and
// several options, with the default batch sizes and with tiny ones (every event its own
// batch), handed over to the scanning goroutine or read on the stream's alone, and when the
// caller stops early.
func TestPipeMatchesSerial(t *testing.T) {
	inputs := pipeInputs(t)
	optSets := []Options{
		{},
		{SharedLabels: true, KeepEncoding: true},
		{NoHeader: true, LabelSeparator: '|'},
		{Layout: LayoutCombine},
		{Encoding: textenc.GBK},
	}
	// min 0: every file handed over to the scanning goroutine; 1<<62: none.
	sizes := []struct{ events, text, min int }{{1024, 256 << 10, 0}, {1024, 256 << 10, 1 << 62}, {1, 1, 0}, {3, 100, 0}, {3, 100, 1 << 62}}
	defer func(e, tx, m int) { pipeEvents, pipeText, pipeMin = e, tx, m }(pipeEvents, pipeText, pipeMin)
	for name, data := range inputs {
		for oi, opts := range optSets {
			want := rowsTranscript(t, readRowsSerial, data, opts, 0)
			wantStop := rowsTranscript(t, readRowsSerial, data, opts, 7)
			for si, sz := range sizes {
				if si > 1 && len(data) > 256<<10 {
					break // a batch per event over a large file is slow and proves nothing more
				}
				pipeEvents, pipeText, pipeMin = sz.events, sz.text, sz.min
				sameTranscript(t, want, rowsTranscript(t, readRows, data, opts, 0), "%s, options %d, batches %v", name, oi, sz)
				sameTranscript(t, wantStop, rowsTranscript(t, readRows, data, opts, 7), "%s, options %d, batches %v, stopped", name, oi, sz)
			}
		}
	}
}

// FuzzPipeMatchesSerial is TestPipeMatchesSerial over arbitrary bytes, with tiny batches.
func FuzzPipeMatchesSerial(f *testing.F) {
	for _, b := range pipeInputs(f) {
		if len(b) < 64<<10 {
			f.Add(b, uint8(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := Options{NoHeader: mode&1 != 0, KeepEncoding: mode&2 != 0, SharedLabels: mode&4 != 0}
		if mode&8 != 0 {
			opts.Layout = LayoutCombine
		}
		defer func(e, tx, m int) { pipeEvents, pipeText, pipeMin = e, tx, m }(pipeEvents, pipeText, pipeMin)
		pipeEvents, pipeText, pipeMin = 1+int(mode>>5), 64, int(mode>>4&1)<<62
		sameTranscript(t, rowsTranscript(t, readRowsSerial, data, opts, 0), rowsTranscript(t, readRows, data, opts, 0), "mode %d", mode)
	})
}

// closeCheckReader fails the test if it is read after it was closed.
type closeCheckReader struct {
	t      testing.TB
	r      io.Reader
	closed bool
}

func (c *closeCheckReader) Read(p []byte) (int, error) {
	if c.closed {
		c.t.Error("the input was read after the stream returned")
	}
	return c.r.Read(p)
}

// TestPipeStopsReadingWhenTheStreamEnds: once the stream has returned (the caller stopped
// early, or the context was cancelled), the scanning goroutine has ended and reads no more.
func TestPipeStopsReadingWhenTheStreamEnds(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("text,label\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "row %d,x\n", i)
	}
	s, err := start(context.Background(), "in.csv", Options{})
	require.NoError(t, err)
	for _, stop := range []int{1, 1000, 5000} {
		src := &closeCheckReader{t: t, r: bytes.NewReader(b.Bytes())}
		n := 0
		readRows(context.Background(), src, "in.csv", s, func(*api.Sample, error) bool { n++; return n < stop })
		src.closed = true
		require.Equal(t, stop, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	src := &closeCheckReader{t: t, r: bytes.NewReader(b.Bytes())}
	var last error
	n := 0
	readRows(ctx, src, "in.csv", s, func(_ *api.Sample, err error) bool {
		if err != nil {
			last = err
			return false
		}
		if n++; n == 10 {
			cancel()
		}
		return true
	})
	src.closed = true
	require.ErrorIs(t, last, context.Canceled)
	require.Less(t, n, 10+ctxEvery)
}

// TestPipeReaderPanics: a panic on the scanning goroutine (here in the caller's reader) is
// raised again on the stream's goroutine, where the caller can recover it, once the samples
// before it are given and the scanning goroutine has ended.
func TestPipeReaderPanics(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("text,label\n")
	for i := range 200_000 {
		fmt.Fprintf(&b, "row %d,x\n", i)
	}
	pipetest.ReaderPanics(t, func(r io.Reader) iter.Seq2[*api.Sample, error] {
		return ReadFrom(context.Background(), r, "in.csv", Options{})
	}, &b, 2<<20, 100_000)
}
