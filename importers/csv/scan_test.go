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
	in := "a,b\n\"" + strings.Repeat("x\n", 2000) + "c,d\n"
	got := scanAll(t, strings.NewReader(in), ',')
	require.GreaterOrEqual(t, len(got), 3)
	assert.Equal(t, record{Line: 1, Fields: []string{"a", "b"}}, got[0])
	assert.Equal(t, "2:1", got[1].Bad)
	assert.Equal(t, record{Line: 3, Fields: []string{"x"}}, got[2])
	assert.Equal(t, record{Line: 2002, Fields: []string{"c", "d"}}, got[len(got)-1])
	// A single line longer than the limit is skipped whole, across buffer refills.
	in = "\"" + strings.Repeat("y", 600_000) + "\nz\n"
	maxRecord = 100_000
	got = scanAll(t, strings.NewReader(in), ',')
	assert.Equal(t, []record{{Line: 1, Bad: "1:1"}, {Line: 2, Fields: []string{"z"}}}, got)
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
			require.LessOrEqual(t, rec.Line, bytes.Count(data, []byte{'\n'})+1)
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
