package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode"

	"github.com/gocarina/gocsv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// record is what the scanner returned for one call: fields, or a rejection.
type record struct {
	Line   int
	Fields []string
	Bad    string // "line:col" of a rejected record
}

func scanAll(t testing.TB, r io.Reader, comma byte) []record {
	t.Helper()
	s := newScanner(r, comma)
	var out []record
	for {
		fields, err := s.next()
		var bad *badRecord
		switch {
		case err == io.EOF:
			return out
		case errors.As(err, &bad):
			out = append(out, record{Line: bad.line, Bad: fmt.Sprintf("%d:%d", bad.line, bad.col)})
			continue
		case err != nil:
			t.Fatalf("scan: %v", err)
		}
		rec := record{Line: s.recLine}
		for _, f := range fields {
			rec.Fields = append(rec.Fields, string(f))
		}
		out = append(out, rec)
	}
}

func TestScanner(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []record
	}{
		{"plain", "a,b\nc,d\n", []record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Fields: []string{"c", "d"}}}},
		{"no final newline", "a,b", []record{{Line: 1, Fields: []string{"a", "b"}}}},
		{"CRLF", "a,b\r\nc\r\n", []record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Fields: []string{"c"}}}},
		{"empty line", "a\n\nb\n", []record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Fields: []string{""}}, {Line: 3, Fields: []string{"b"}}}},
		{"trailing delimiter", "a,\n", []record{{Line: 1, Fields: []string{"a", ""}}}},
		{"quoted delimiter and newline", "\"a,b\nc\",d\ne,f\n", []record{{Line: 1, Fields: []string{"a,b\nc", "d"}}, {Line: 3, Fields: []string{"e", "f"}}}},
		{"quoted CRLF reads as LF", "\"a\r\nb\"\r\nc\r\n", []record{{Line: 1, Fields: []string{"a\nb"}}, {Line: 3, Fields: []string{"c"}}}},
		{"doubled quotes", `"a ""b"" c",""""` + "\n", []record{{Line: 1, Fields: []string{`a "b" c`, `"`}}}},
		{"bare quote kept", "a\"b,c\"\n", []record{{Line: 1, Fields: []string{`a"b`, `c"`}}}},
		{"quoted then CR at EOF", "\"a\"\r", []record{{Line: 1, Fields: []string{"a"}}}},
		{"CR-only line ends", "a,b\rc,d\r\re\r", []record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Fields: []string{"c", "d"}}, {Line: 3, Fields: []string{""}}, {Line: 4, Fields: []string{"e"}}}},
		{"CR, LF and CRLF mixed", "a\rb\r\nc\nd", []record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Fields: []string{"b"}}, {Line: 3, Fields: []string{"c"}}, {Line: 4, Fields: []string{"d"}}}},
		{"quoted then CR", "\"a\"\rb\r", []record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Fields: []string{"b"}}}},
		{"CR inside a quoted field kept, counted as a line", "\"a\rb\",c\rd\r", []record{{Line: 1, Fields: []string{"a\rb", "c"}}, {Line: 3, Fields: []string{"d"}}}},
		{"broken quote resyncs after a CR", "\"a\"b\rc\r", []record{{Line: 1, Bad: "1:1"}, {Line: 2, Fields: []string{"c"}}}},
		{"broken quote on a later CR line", "x\r\"a\"b\rc\r", []record{{Line: 1, Fields: []string{"x"}}, {Line: 2, Bad: "2:1"}, {Line: 3, Fields: []string{"c"}}}},
		{"quote followed by junk", "\"a\"b,c\nd,e\n", []record{{Line: 1, Bad: "1:1"}, {Line: 2, Fields: []string{"d", "e"}}}},
		{"quote in second field", "x,\"a\"b\nd\n", []record{{Line: 1, Bad: "1:3"}, {Line: 2, Fields: []string{"d"}}}},
		{"column counts characters", "文本,\"a\"b\nd\n", []record{{Line: 1, Bad: "1:4"}, {Line: 2, Fields: []string{"d"}}}},
		{"unclosed to EOF", "a\n\"b\nc\nd\n", []record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Bad: "2:1"}, {Line: 3, Fields: []string{"c"}}, {Line: 4, Fields: []string{"d"}}}},
		{"unclosed on the last line", "a\n\"b", []record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Bad: "2:1"}}},
		{"tab delimiter keeps commas", "a,b\tc\n", nil}, // filled below
	}
	cases[len(cases)-1].want = []record{{Line: 1, Fields: []string{"a,b", "c"}}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			comma := byte(',')
			if strings.Contains(c.name, "tab") {
				comma = '\t'
			}
			assert.Equal(t, c.want, scanAll(t, strings.NewReader(c.in), comma))
			assert.Equal(t, c.want, scanAll(t, iotest.OneByteReader(strings.NewReader(c.in)), comma), "one byte at a time")
		})
	}
}

func TestScannerLongRecord(t *testing.T) {
	defer func(old int) { maxRecord = old }(maxRecord)
	maxRecord = 1000
	inner := strings.Repeat("x\n", 20000)
	cases := []struct {
		name, in string
		want     []record
		reason   string // in the rejection
	}{
		{"a long quoted field that closes is one rejection", "a,b\n\"" + inner + "\",c\nd,e\n",
			[]record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Bad: "2:1"}, {Line: 20003, Fields: []string{"d", "e"}}},
			"its record, lines 2-20002, is not converted"},
		{"doubled quotes and CR-only lines inside", "a,b\r\"" + strings.Repeat("x\"\"\r", 7000) + "\",c\rd,e\r",
			[]record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Bad: "2:1"}, {Line: 7003, Fields: []string{"d", "e"}}},
			"lines 2-7002"},
		{"a long field opened mid-line, closing at a buffer's end", "a,b\nt,\"" + inner + "\"",
			[]record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Bad: "2:3"}},
			"lines 2-20002"},
		{"a quote that never closes takes the rest of the file, once", "a,b\n\"" + inner + "c,d\n",
			[]record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Bad: "2:1"}},
			"never closes and is longer than 1000 bytes: the rest of the file, lines 2-20003, is not converted"},
		{"a single line longer than the limit: the rest of the file", "\"" + strings.Repeat("y", 600_000) + "\nz\n",
			[]record{{Line: 1, Bad: "1:1"}}, "lines 1-3"},
		{"an unquoted line longer than the limit, CR-only ends", "a\r" + strings.Repeat("y", 600_000) + "\rz\r",
			[]record{{Line: 1, Fields: []string{"a"}}, {Line: 2, Bad: "2:1"}, {Line: 3, Fields: []string{"z"}}}, "reading goes on at line 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			maxRecord = 1000
			if strings.Contains(c.name, "single line") || strings.Contains(c.name, "unquoted line") {
				maxRecord = 100_000
			}
			for _, r := range []io.Reader{strings.NewReader(c.in), iotest.HalfReader(strings.NewReader(c.in))} {
				assert.Equal(t, c.want, scanAll(t, r, ','))
			}
			s := newScanner(strings.NewReader(c.in), ',')
			for {
				_, err := s.next()
				var bad *badRecord
				if errors.As(err, &bad) {
					assert.Contains(t, bad.reason, c.reason)
				}
				if err == io.EOF {
					break
				}
			}
		})
	}
}

func TestScannerStrayQuote(t *testing.T) {
	defer func(old int) { maxRecord = old }(maxRecord)
	maxRecord = 1000
	rows := strings.Repeat("r,y\n", 2000)
	// A quote that never closes, followed by lines that read as rows: only its line is lost.
	s := newScanner(strings.NewReader("a,b\n\"stray,x\n"+rows), ',')
	s.minFields, s.maxFields = 2, 2
	var got []record
	for {
		fields, err := s.next()
		if err == io.EOF {
			break
		}
		var bad *badRecord
		if errors.As(err, &bad) {
			got = append(got, record{Line: bad.line, Bad: fmt.Sprintf("%d:%d", bad.line, bad.col)})
			assert.Contains(t, bad.reason, "reading goes on at line 3")
			continue
		}
		require.NoError(t, err)
		if len(got) < 3 {
			got = append(got, record{Line: s.recLine, Fields: []string{string(fields[0]), string(fields[1])}})
		}
	}
	assert.Equal(t, []record{{Line: 1, Fields: []string{"a", "b"}}, {Line: 2, Bad: "2:1"}, {Line: 3, Fields: []string{"r", "y"}}}, got)
}

func TestScannerSourceError(t *testing.T) {
	boom := errors.New("boom")
	s := newScanner(io.MultiReader(strings.NewReader("a,b\nc,"), iotest.ErrReader(boom)), ',')
	f, err := s.next()
	require.NoError(t, err)
	assert.Equal(t, "a", string(f[0]))
	_, err = s.next()
	assert.ErrorIs(t, err, boom, "the record cut off by the error is not returned")
}

// row is the struct gocsv maps fixtures into.
type row struct {
	Text  string `csv:"text"`
	Label string `csv:"label"`
	Note  string `csv:"note"`
}

// gocsvReader plugs the scanner into gocsv through its CSVReader hook, skipping rejected
// records (there are none in well-formed input).
type gocsvReader struct{ s *scanner }

var _ gocsv.CSVReader = gocsvReader{}

func (g gocsvReader) Read() ([]string, error) {
	for {
		fields, err := g.s.next()
		if err != nil {
			var bad *badRecord
			if errors.As(err, &bad) {
				continue
			}
			return nil, err
		}
		out := make([]string, len(fields))
		for i, f := range fields {
			out[i] = string(f)
		}
		return out, nil
	}
}

func (g gocsvReader) ReadAll() ([][]string, error) {
	var all [][]string
	for {
		r, err := g.Read()
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		all = append(all, r)
	}
}

var pieces = []string{"a", "文本", ",", "\"", "\n", "\r\n", " ", "\t", "；", "x y", "😀", "\r"}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for range r.IntN(8) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// TestScannerAgreesWithGocsv writes random rows with gocsv (whose writer quotes what needs
// quoting) and reads them back through gocsv twice: with encoding/csv, its default reader,
// and with the scanner behind gocsv's CSVReader hook. Both must give the rows written.
func TestScannerAgreesWithGocsv(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		var rows []row
		for range 1 + r.IntN(20) {
			rows = append(rows, row{Text: randomText(r), Label: randomText(r), Note: randomText(r)})
		}
		data, err := gocsv.MarshalBytes(&rows)
		require.NoError(t, err)
		// encoding/csv's writer leaves "\r\n" inside quoted fields, which every reader
		// (this one too) reads as "\n"; lone "\r" survives.
		want := make([]row, len(rows))
		for j, rw := range rows {
			want[j] = row{fixCR(rw.Text), fixCR(rw.Label), fixCR(rw.Note)}
		}

		var viaStd []row
		require.NoError(t, gocsv.UnmarshalBytes(data, &viaStd), "case %d", i)
		var viaScanner []row
		require.NoError(t, gocsv.UnmarshalCSV(gocsvReader{newScanner(bytes.NewReader(data), ',')}, &viaScanner), "case %d", i)
		assert.Equal(t, want, viaStd, "case %d: encoding/csv", i)
		assert.Equal(t, want, viaScanner, "case %d: scanner\n%q", i, data)
	}
}

func fixCR(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// FuzzScanner checks the scanner against encoding/csv wherever encoding/csv reads the whole
// input without error, and that it never panics or loses its place otherwise.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{"a,b\n", "\"a,b\"\n", "\"a\"\"b\",c\r\n", "\"a\nb\",c", "a\"b,c\n", "\"a\"b\n", "\"a\n"} {
		f.Add([]byte(s), byte(','))
	}
	f.Add([]byte("a\tb,c\n"), byte('\t'))
	f.Fuzz(func(t *testing.T, data []byte, comma byte) {
		if comma == '"' || comma == '\n' || comma == '\r' || comma >= 0x80 {
			return
		}
		got := scanAll(t, bytes.NewReader(data), comma)
		// Records start on increasing lines; a rejection points at its quote, at or after
		// the start of the record it rejects.
		last := 0
		for _, rec := range got {
			if rec.Bad == "" {
				require.Greater(t, rec.Line, last, "lines go forward")
				last = rec.Line
			}
			cr := false
			require.LessOrEqual(t, rec.Line, countLines(data, &cr)+1)
		}
		if bytes.Count(data, []byte{'\r'}) > bytes.Count(data, []byte("\r\n")) {
			return // a lone CR ends a line here; encoding/csv keeps it as text
		}
		std := stdcsv.NewReader(bytes.NewReader(data))
		std.Comma = rune(comma)
		std.FieldsPerRecord = -1
		want, err := std.ReadAll()
		if err != nil {
			return
		}
		var mine [][]string
		for _, rec := range got {
			if rec.Bad != "" {
				t.Fatalf("scanner rejected line %d of input encoding/csv reads: %q", rec.Line, data)
			}
			if len(rec.Fields) == 1 && rec.Fields[0] == "" {
				continue
			}
			mine = append(mine, rec.Fields)
		}
		var theirs [][]string
		for _, r := range want {
			if len(r) == 1 && r[0] == "" {
				continue
			}
			theirs = append(theirs, r)
		}
		require.Equal(t, theirs, mine, "%q", data)
	})
}

// TestTrimMatchesTrimSpace checks the fast paths of trim and isBlank against the standard
// library on every Unicode space at either end.
func TestTrimMatchesTrimSpace(t *testing.T) {
	var spaces []rune
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			spaces = append(spaces, r)
		}
	}
	cores := []string{"", "a", "体育", "é", "a b", "\u00a9", "x\u00a0y", "\u007f"}
	for _, core := range cores {
		for _, sp := range append(spaces, 0) {
			pad := ""
			if sp != 0 {
				pad = string(sp)
			}
			for _, s := range []string{pad + core, core + pad, pad + core + pad} {
				assert.Equal(t, string(bytes.TrimSpace([]byte(s))), string(trim([]byte(s))), "%q", s)
				assert.Equal(t, len(bytes.TrimSpace([]byte(s))) == 0, isBlank([]byte(s)), "%q", s)
			}
		}
	}
}

// TestEOLMatchesNextEOL checks the scanner's eol, which keeps where the next '\r' is from one
// call to the next, against nextEOL: lines of every kind of end, or none, looked at from
// places in any order, while the buffer's window moves on and is refilled.
func TestEOLMatchesNextEOL(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 2026))
	ends := []string{"\n", "\r\n", "\r", "", "x", "abc,def"}
	for range 2000 {
		var b []byte
		for range r.IntN(30) {
			b = append(b, ends[r.IntN(len(ends))]...)
		}
		s := newScanner(nil, ',')
		s.buf, s.r, s.w = b, 0, len(b)
		s.crEnd = -1
		for range 40 {
			switch r.IntN(8) {
			case 0: // the window moves on
				s.r = r.IntN(len(b) + 1)
			case 1: // a fill: the bytes move
				s.crEnd = -1
				s.r = 0
			}
			data := s.buf[s.r:s.w]
			from := r.IntN(len(data) + 1)
			require.Equal(t, nextEOL(data, from), s.eol(data, from), "%q from %d", data, from)
		}
	}
}
