package csv_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/textenc"
	"github.com/modelarts-convert/convert/internal/golden"
)

// readable renders samples as one line each (name, origin, encoding, decoded text, labels)
// ahead of the request body, so golden files can be reviewed by eye.
func readable(t *testing.T, r importertest.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, s := range r.Samples {
		raw, err := base64.StdEncoding.DecodeString(s.Data)
		require.NoError(t, err)
		text := string(raw)
		if s.Encoding == api.EncodingGBK || s.Encoding == api.EncodingGB2312 {
			u, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
			require.NoError(t, err)
			text = string(u)
		}
		var labels []string
		for _, l := range s.Labels {
			assert.Equal(t, api.LabelTextClassification, l.Type)
			labels = append(labels, l.Name)
		}
		fmt.Fprintf(&b, "%s (%s) %s %q %q\n", s.Name, s.Origin, s.Encoding, text, labels)
	}
	b.WriteString("---\n")
	b.Write(importertest.Transcript(r))
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name  string
		paths []string // read one after the other, from testdata/<name> or the folder before ":"
		opts  csvimp.Options
	}{
		{"gbk-header", []string{"reviews.csv"}, csvimp.Options{TextColumn: "内容", LabelColumn: "类别"}},
		{"gbk-header-keep", []string{"gbk-header:reviews.csv"}, csvimp.Options{TextColumn: "内容", LabelColumn: "类别", KeepEncoding: true}},
		{"bom", []string{"train.csv"}, csvimp.Options{}},
		{"multilabel", []string{"news.csv"}, csvimp.Options{}},
		{"quoted", []string{"q.csv"}, csvimp.Options{}},
		{"combine", []string{"combine.txt"}, csvimp.Options{Layout: csvimp.LayoutCombine}},
		{"combine-as-csv", []string{"combine:combine.txt"}, csvimp.Options{Delimiter: '\t', NoHeader: true}},
		{"separate", []string{"reviews.txt"}, csvimp.Options{Layout: csvimp.LayoutSeparate}},
		{"broken", []string{"b.csv"}, csvimp.Options{}},
		{"unclosed-eof", []string{"u.csv"}, csvimp.Options{}},
		{"wholefile", []string{"combine.txt", "gbk.txt"}, csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}},
		{"wholefile-separate", []string{"wholefile:sep.txt"}, csvimp.Options{Layout: csvimp.LayoutSeparate, WholeFile: true}},
		{"cr-only", []string{"cr.csv"}, csvimp.Options{}},
		{"mixed-encoding", []string{"mixed.csv"}, csvimp.Options{}},
		{"wholefile-checks", []string{"good.txt", "quoted.txt", "delims.txt", "header.txt", "nodelim.txt", "mixed.txt"}, csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join("testdata", c.name)
			r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
				return func(yield func(*api.Sample, error) bool) {
					for _, p := range c.paths {
						in := dir
						if d, f, ok := strings.Cut(p, ":"); ok {
							in, p = filepath.Join("testdata", d), f
						}
						opts := c.opts
						opts.Warn = warn
						for s, err := range csvimp.Read(ctx, os.DirFS(in), p, opts) {
							if !yield(s, err) || err != nil {
								return
							}
						}
					}
				}
			})
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample(fmt.Sprintf("samples[%d]", i), s))
			}
			got := readable(t, r)
			if lf := c.opts.LabelFormat(); lf != nil {
				b, err := json.Marshal(lf)
				require.NoError(t, err)
				got = fmt.Appendf(got, "label_format: %s\n", b)
			}
			golden.Check(t, filepath.Join(dir, "want.txt"), got)
		})
	}
}

// TestGoldenFacts pins the decisions the golden files show, so a careless -update cannot
// change them unnoticed.
func TestGoldenFacts(t *testing.T) {
	read := func(dir, p string, opts csvimp.Options) importertest.Result {
		return importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			opts.Warn = warn
			return csvimp.Read(ctx, os.DirFS(filepath.Join("testdata", dir)), p, opts)
		})
	}
	text := func(s *api.Sample) string {
		b, err := base64.StdEncoding.DecodeString(s.Data)
		require.NoError(t, err)
		return string(b)
	}
	names := func(s *api.Sample) []string {
		var out []string
		for _, l := range s.Labels {
			out = append(out, l.Name)
		}
		return out
	}

	t.Run("gbk decoded to UTF-8, quoted comma and doubled quotes", func(t *testing.T) {
		r := read("gbk-header", "reviews.csv", csvimp.Options{TextColumn: "内容", LabelColumn: "类别"})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 4)
		assert.Equal(t, "价格太贵了,不会再来", text(r.Samples[1]))
		assert.Equal(t, `他说"还行"，一般般吧`, text(r.Samples[2]))
		assert.Equal(t, []string{"中性", "价格"}, names(r.Samples[2]))
		assert.Equal(t, "reviews.csv-000003.txt", r.Samples[1].Name)
		assert.Equal(t, "reviews.csv:3", r.Samples[1].Origin)
		assert.Equal(t, api.EncodingUTF8, r.Samples[0].Encoding)
	})
	t.Run("keep-encoding sends GBK bytes", func(t *testing.T) {
		r := read("gbk-header", "reviews.csv", csvimp.Options{TextColumn: "2", LabelColumn: "类别", KeepEncoding: true})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 4)
		want, err := simplifiedchinese.GBK.NewEncoder().String("镕铓——GBK 独有的字")
		require.NoError(t, err)
		assert.Equal(t, want, text(r.Samples[3]))
		assert.Equal(t, api.EncodingGBK, r.Samples[3].Encoding)
	})
	t.Run("BOM is not part of the header", func(t *testing.T) {
		r := read("bom", "train.csv", csvimp.Options{})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 2)
		assert.Equal(t, "hello world", text(r.Samples[0]))
	})
	t.Run("labels trimmed, empty and repeated dropped, empty field unlabeled", func(t *testing.T) {
		r := read("multilabel", "news.csv", csvimp.Options{})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 5)
		assert.Equal(t, []string{"finance", "markets"}, names(r.Samples[0]))
		assert.Equal(t, []string{"体育", "足球"}, names(r.Samples[1]))
		assert.Empty(t, r.Samples[2].Labels)
		assert.Empty(t, r.Samples[3].Labels)
		assert.Equal(t, []string{"a", "b"}, names(r.Samples[4]))
		assert.Empty(t, r.Warnings)
	})
	t.Run("quoted newlines", func(t *testing.T) {
		r := read("quoted", "q.csv", csvimp.Options{})
		require.Len(t, r.Samples, 5)
		assert.Equal(t, "first line\nsecond line", text(r.Samples[1]))
		assert.Equal(t, "q.csv-000003.txt", r.Samples[1].Name)
		assert.Equal(t, "q.csv-000005.txt", r.Samples[2].Name, "line numbers count the lines of multi-line fields")
		assert.Equal(t, `bare "quote" kept`, text(r.Samples[3]))
		require.Len(t, r.Warnings, 1)
		assert.Equal(t, importers.Position{File: "q.csv", Line: 6}, r.Warnings[0].Pos)
		assert.Equal(t, "the text is empty", r.Warnings[0].Reason)
	})
	t.Run("broken quote rejected with its line, the rest converts", func(t *testing.T) {
		r := read("broken", "b.csv", csvimp.Options{})
		require.NoError(t, r.Err)
		var got []string
		for _, s := range r.Samples {
			got = append(got, s.Origin)
		}
		assert.Equal(t, []string{"b.csv:2", "b.csv:4", "b.csv:11"}, got)
		var where []string
		for _, w := range r.Warnings {
			assert.True(t, w.Rejected)
			where = append(where, w.Pos.String())
		}
		assert.Equal(t, []string{"b.csv:3:1", "b.csv:5:1", "b.csv:6", "b.csv:7", "b.csv:8"}, where)
		assert.Contains(t, r.Warnings[0].Reason, "closes at line 5 column 1 and is followed by 'c'")
		assert.Contains(t, r.Warnings[0].Reason, "reading goes on at line 4")
	})
	t.Run("separate layout counts", func(t *testing.T) {
		r := read("separate", "reviews.txt", csvimp.Options{Layout: csvimp.LayoutSeparate})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 3)
		assert.Equal(t, []string{"负面", "价格"}, names(r.Samples[1]))
		require.Len(t, r.Warnings, 2)
		assert.Equal(t, "reviews.txt:5", r.Warnings[0].Pos.String())
		assert.True(t, r.Warnings[0].Rejected)
		assert.False(t, r.Warnings[1].Rejected)
		assert.Contains(t, r.Warnings[1].Reason, "reviews.txt has 5 lines but reviews_result.txt has 4")
	})
	t.Run("whole file keeps GBK bytes", func(t *testing.T) {
		r := read("wholefile", "gbk.txt", csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true})
		require.Len(t, r.Samples, 1)
		raw, err := os.ReadFile("testdata/wholefile/gbk.txt")
		require.NoError(t, err)
		assert.Equal(t, string(raw), text(r.Samples[0]))
		assert.Equal(t, api.EncodingGBK, r.Samples[0].Encoding)
		assert.Equal(t, "gbk.txt", r.Samples[0].Name)
		assert.Empty(t, r.Samples[0].Labels)
	})
}

func TestLabelFormat(t *testing.T) {
	assert.Nil(t, csvimp.Options{}.LabelFormat(), "rows carry their labels: no label_format")
	assert.Equal(t, &api.LabelFormat{LabelType: "1", TextSampleSeparator: "\t", TextLabelSeparator: ","},
		csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}.LabelFormat())
	assert.Equal(t, &api.LabelFormat{LabelType: "1", TextSampleSeparator: "|", TextLabelSeparator: ";"},
		csvimp.Options{NoHeader: true, Delimiter: '|', LabelSeparator: ';', WholeFile: true}.LabelFormat())
	assert.Equal(t, &api.LabelFormat{LabelType: "0", TextLabelSeparator: ","},
		csvimp.Options{Layout: csvimp.LayoutSeparate, WholeFile: true}.LabelFormat())
	for _, lf := range []*api.LabelFormat{
		csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}.LabelFormat(),
		csvimp.Options{Layout: csvimp.LayoutSeparate, WholeFile: true}.LabelFormat(),
	} {
		assert.Empty(t, api.Validate(&api.Request{LabelFormat: lf}))
	}
}

func TestOptionsCheck(t *testing.T) {
	cases := []struct {
		name string
		opts csvimp.Options
		want string // "" for no error
	}{
		{"defaults", csvimp.Options{}, ""},
		{"space delimiter", csvimp.Options{Delimiter: ' '}, "must be a letter"},
		{"quote delimiter", csvimp.Options{Delimiter: '"'}, "must be a letter"},
		{"non-ASCII label separator", csvimp.Options{LabelSeparator: '，'}, "must be a letter"},
		{"named column without header", csvimp.Options{NoHeader: true, TextColumn: "text"}, "numbered from 1"},
		{"zero column", csvimp.Options{NoHeader: true, LabelColumn: "0"}, "numbered from 1"},
		{"same column", csvimp.Options{NoHeader: true, TextColumn: "2"}, "same column"},
		{"whole file with header", csvimp.Options{WholeFile: true}, "header"},
		{"whole file, no header", csvimp.Options{WholeFile: true, NoHeader: true, Delimiter: '\t'}, ""},
		{"whole file, same separators", csvimp.Options{WholeFile: true, NoHeader: true}, "must differ"},
		{"whole file with columns", csvimp.Options{WholeFile: true, Layout: csvimp.LayoutCombine, TextColumn: "2"}, "columns"},
		{"separate with columns", csvimp.Options{Layout: csvimp.LayoutSeparate, LabelColumn: "2"}, "no columns"},
		{"bad layout", csvimp.Options{Layout: "rows"}, "unknown layout"},
		{"bad encoding", csvimp.Options{Encoding: "latin1"}, "unknown encoding"},
		{"name with slash", csvimp.Options{Name: "a/b"}, "path separator"},
		{"name with quote", csvimp.Options{Name: `a"b`}, "may not contain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.opts.Check()
			if c.want == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, c.want)
			}
		})
	}
}

func TestParseSeparator(t *testing.T) {
	for in, want := range map[string]rune{",": ',', `\t`: '\t', "tab": '\t', "TAB": '\t', "\t": '\t', ";": ';', "|": '|'} {
		got, err := csvimp.ParseSeparator(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", ",,", " ", `"`, "，", "\n"} {
		_, err := csvimp.ParseSeparator(in)
		assert.Error(t, err, "%q", in)
	}
}

func TestResultPathAndNameStem(t *testing.T) {
	assert.Equal(t, "d/X_result.txt", csvimp.ResultPath("d/X.txt"))
	assert.Equal(t, "X_result", csvimp.ResultPath("X"))
	assert.Equal(t, "a.b/X_result", csvimp.ResultPath("a.b/X"))
	assert.Equal(t, "Tom_s _a_b_.csv", csvimp.NameStem(`data/Tom's <a=b>.csv`))
	assert.Equal(t, "x.csv", csvimp.NameStem(`C:\data\x.csv`))
}

// rowsCase reads in-memory input with the given options.
func rowsCase(t *testing.T, input string, opts csvimp.Options) importertest.Result {
	t.Helper()
	return importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		opts.Warn = warn
		return csvimp.ReadFrom(ctx, strings.NewReader(input), "in.csv", opts)
	})
}

func TestRows(t *testing.T) {
	type row struct{ origin, text, labels string }
	cases := []struct {
		name     string
		input    string
		opts     csvimp.Options
		want     []row
		warnings []string
		err      string
	}{
		{name: "header by name, any case, extra columns", input: "id, Text ,LABEL,src\n1,a,x,s\n2,b,y\n",
			want: []row{{"in.csv:2", "a", "x"}, {"in.csv:3", "b", "y"}}},
		{name: "columns by number", input: "l,t\nx,a\n", opts: csvimp.Options{TextColumn: "2", LabelColumn: "1"},
			want: []row{{"in.csv:2", "a", "x"}}},
		{name: "no header defaults to 1 and 2", input: "a,x\nb,y\n", opts: csvimp.Options{NoHeader: true},
			want: []row{{"in.csv:1", "a", "x"}, {"in.csv:2", "b", "y"}}},
		{name: "semicolon delimiter, pipe labels", input: "text;label\na, b;x|y\n", opts: csvimp.Options{Delimiter: ';', LabelSeparator: '|'},
			want: []row{{"in.csv:2", "a, b", "x|y"}}},
		{name: "CRLF endings", input: "text,label\r\na,x\r\nb,y\r\n",
			want: []row{{"in.csv:2", "a", "x"}, {"in.csv:3", "b", "y"}}},
		{name: "blank lines and Excel empty rows skipped", input: "\n\ntext,label\n\n,\n, \na,x\n\n",
			want: []row{{"in.csv:7", "a", "x"}}},
		{name: "too few fields", input: "text,label\nonly\nb,y\n",
			want: []row{{"in.csv:3", "b", "y"}}, warnings: []string{"in.csv:2: rejected: the row has 1 field(s); the label column is field 2"}},
		{name: "more fields than the header", input: "text,label\nhello, world,x\nb,y\n",
			want:     []row{{"in.csv:3", "b", "y"}},
			warnings: []string{`in.csv:2: rejected: the row has 3 fields, more than the 2 of the header (an unquoted ',' in the text?)`}},
		{name: "fewer fields than the header but enough", input: "text,label,note\na,x\n",
			want: []row{{"in.csv:2", "a", "x"}}},
		{name: "no header: first row sets the count", input: "a,x\nb,y,z\n", opts: csvimp.Options{NoHeader: true},
			want:     []row{{"in.csv:1", "a", "x"}},
			warnings: []string{`in.csv:2: rejected: the row has 3 fields, more than the 2 of the first row (an unquoted ',' in the text?)`}},
		{name: "quoted field over two lines is named by its first", input: "text,label\n\"a\nb\",x\nc,y\n",
			want: []row{{"in.csv:2", "a\nb", "x"}, {"in.csv:4", "c", "y"}}},
		{name: "missing column", input: "body,label\na,x\n", err: `in.csv:1: the header has no text column "text" (its columns: "body", "label"); pick one with -text-column NAME or a 1-based number`},
		{name: "empty file with header expected", input: "", err: "in.csv: the file has no header line"},
		{name: "empty file without header", input: "", opts: csvimp.Options{NoHeader: true}},
		{name: "broken header", input: "\"text,label\nb,c\"x\n", err: "in.csv:1:1: cannot read the header: broken quote"},
		{name: "explicit UTF-8", input: "text,label\na,x\n", opts: csvimp.Options{Encoding: "utf-8"},
			want: []row{{"in.csv:2", "a", "x"}}},
		{name: "label with spaces around a quoted field", input: "text,label\na,\"x\" \n",
			want: nil, warnings: []string{`in.csv:2:3: rejected: broken quote: the quoted field opened here closes at line 2 column 5 and is followed by ' ' instead of the delimiter or a line end; reading goes on at line 3`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rowsCase(t, c.input, c.opts)
			var got []row
			for _, s := range r.Samples {
				b, err := base64.StdEncoding.DecodeString(s.Data)
				require.NoError(t, err)
				var labels []string
				for _, l := range s.Labels {
					labels = append(labels, l.Name)
				}
				got = append(got, row{s.Origin, string(b), strings.Join(labels, "|")})
			}
			assert.Equal(t, c.want, got)
			var warnings []string
			for _, w := range r.Warnings {
				warnings = append(warnings, w.String())
			}
			assert.Equal(t, c.warnings, warnings)
			if c.err == "" {
				assert.NoError(t, r.Err)
			} else {
				assert.ErrorContains(t, r.Err, c.err)
			}
		})
	}
}

// TestRowsShareLabelsAndBlocks checks what the mapper's sharing must not change: rows with
// the same label field get equal labels in one array capped at its length (appending to one
// sample's labels leaves the others alone), and every sample's strings, carved out of shared
// blocks (one of its own for a long text), read back as its row.
func TestRowsShareLabelsAndBlocks(t *testing.T) {
	var in strings.Builder
	in.WriteString("text,label\n")
	var texts []string
	for i := range 3000 {
		text := strings.Repeat(strconv.Itoa(i), 1+i%40)
		if i == 1500 {
			text = strings.Repeat("长", 70<<10) // longer than a block
		}
		texts = append(texts, text)
		fmt.Fprintf(&in, "%s,\" b , a,b\"\n", text)
	}
	r := rowsCase(t, in.String(), csvimp.Options{SharedLabels: true})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, len(texts))
	for i, s := range r.Samples {
		b, err := base64.StdEncoding.DecodeString(s.Data)
		require.NoError(t, err)
		require.Equal(t, texts[i], string(b))
		line := strconv.Itoa(i + 2)
		require.Equal(t, "in.csv:"+line, s.Origin)
		require.Equal(t, "in.csv-"+strings.Repeat("0", 6-len(line))+line+".txt", s.Name)
		require.Len(t, s.Labels, 2)
		require.Equal(t, len(s.Labels), cap(s.Labels))
		require.Equal(t, "b", s.Labels[0].Name)
		require.Equal(t, "a", s.Labels[1].Name)
	}
	first := r.Samples[0].Labels
	grown := append(first, api.SampleLabel{Name: "c", Type: api.LabelTextClassification})
	require.Len(t, grown, 3)
	require.Equal(t, "b", r.Samples[1].Labels[0].Name)
	require.Len(t, r.Samples[1].Labels, 2)
	require.Same(t, &r.Samples[0].Labels[0], &r.Samples[1].Labels[0], "SharedLabels: one array")

	// Without SharedLabels every sample owns its labels: a change in place stays in it.
	r = rowsCase(t, in.String(), csvimp.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, len(texts))
	r.Samples[0].Labels[0].Name = "changed"
	require.Equal(t, "b", r.Samples[1].Labels[0].Name)
	require.Equal(t, "b", r.Samples[2].Labels[0].Name)

	// Many distinct label fields, more than the table of split fields keeps, some repeated.
	in.Reset()
	in.WriteString("text,label\n")
	var want [][]string
	for i := range 9000 {
		a, b := "l"+strconv.Itoa(i%5003), "l"+strconv.Itoa(i%7)
		fmt.Fprintf(&in, "t%d,\"%s, %s ,%s\"\n", i, a, b, a)
		want = append(want, slices.Compact([]string{a, b}))
	}
	r = rowsCase(t, in.String(), csvimp.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, len(want))
	for i, s := range r.Samples {
		var got []string
		for _, l := range s.Labels {
			got = append(got, l.Name)
		}
		require.Equal(t, want[i], got, "row %d", i)
	}
}

func TestInvalidUTF8IsFatalWithPosition(t *testing.T) {
	r := rowsCase(t, "text,label\na,x\nb\xff,y\n", csvimp.Options{Encoding: textenc.UTF8})
	var ie *importers.Error
	require.ErrorAs(t, r.Err, &ie)
	assert.ErrorIs(t, r.Err, textenc.ErrInvalid)
	assert.Equal(t, int64(16), ie.Pos.Offset)
}

func TestStdinName(t *testing.T) {
	var got []*api.Sample
	for s, err := range csvimp.ReadFrom(context.Background(), strings.NewReader("text,label\na,x\n"), "stdin", csvimp.Options{}) {
		require.NoError(t, err)
		got = append(got, s)
	}
	require.Len(t, got, 1)
	assert.Equal(t, "stdin-000002.txt", got[0].Name)
}

func TestSeparateFromStreamIsAnError(t *testing.T) {
	r := rowsCase(t, "a\n", csvimp.Options{Layout: csvimp.LayoutSeparate})
	assert.ErrorContains(t, r.Err, "separate layout")
}

func TestSeparateMissingResultFile(t *testing.T) {
	fsys := fstest.MapFS{"x.txt": {Data: []byte("a\n")}}
	for _, whole := range []bool{false, true} {
		_, err := importers.Collect(csvimp.Read(context.Background(), fsys, "x.txt", csvimp.Options{Layout: csvimp.LayoutSeparate, WholeFile: whole}))
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.ErrorContains(t, err, "x_result.txt: open x_result.txt")
		assert.ErrorContains(t, err, "pairs x.txt with x_result.txt")
	}
}

func TestWholeFileLimits(t *testing.T) {
	big := bytes.Repeat([]byte("a\tb\n"), api.MaxSampleBytes/4+1)
	fsys := fstest.MapFS{
		"big.txt":   {Data: big},
		"empty.txt": {Data: []byte("\n \n")},
		"bom.txt":   {Data: []byte("\xEF\xBB\xBFa\tb\n")},
	}
	opts := csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}
	for _, name := range []string{"big.txt", "empty.txt"} {
		var warnings []importers.Warning
		opts.Warn = func(w importers.Warning) { warnings = append(warnings, w) }
		got, err := importers.Collect(csvimp.Read(context.Background(), fsys, name, opts))
		require.NoError(t, err)
		assert.Empty(t, got, name)
		require.Len(t, warnings, 1, name)
		assert.True(t, warnings[0].Rejected)
	}
	got, err := importers.Collect(csvimp.Read(context.Background(), fsys, "bom.txt", opts))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte("a\tb\n")), got[0].Data, "the BOM is not sent")
}

func TestHarness(t *testing.T) {
	for _, c := range []struct {
		name  string
		dir   string
		path  string
		opts  csvimp.Options
		sized importertest.Sized
	}{
		{"rows", "harness", "h.csv", csvimp.Options{}, sizedRows},
		{"separate", "separate", "reviews.txt", csvimp.Options{Layout: csvimp.LayoutSeparate}, sizedSeparate},
		// One sample per file: the harness has no midway to cancel at.
		{"wholefile", "wholefile", "sep.txt", csvimp.Options{Layout: csvimp.LayoutSeparate, WholeFile: true}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			importertest.Run(t, func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
				opts := c.opts
				opts.Warn = warn
				return csvimp.Read(ctx, os.DirFS(filepath.Join("testdata", c.dir)), c.path, opts)
			}, c.sized)
		})
	}
}

// sizedRows is the harness's input of n rows with a header.
func sizedRows(t testing.TB, n int) importertest.Opener {
	var b strings.Builder
	b.WriteString("text,label\n")
	for i := range n {
		fmt.Fprintf(&b, "row %d,x\n", i)
	}
	return sizedOpener(fstest.MapFS{"sized.csv": {Data: []byte(b.String())}}, "sized.csv", csvimp.Options{})
}

// sizedSeparate is the harness's input of n lines with their labels in the _result file.
func sizedSeparate(t testing.TB, n int) importertest.Opener {
	var text, labels strings.Builder
	for i := range n {
		fmt.Fprintf(&text, "line %d\n", i)
		labels.WriteString("x\n")
	}
	fsys := fstest.MapFS{"sized.txt": {Data: []byte(text.String())}, "sized_result.txt": {Data: []byte(labels.String())}}
	return sizedOpener(fsys, "sized.txt", csvimp.Options{Layout: csvimp.LayoutSeparate})
}

func sizedOpener(fsys fs.FS, path string, opts csvimp.Options) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return csvimp.Read(ctx, fsys, path, o)
	}
}

func TestCancelMidFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "row %d,x\n", i)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for s, err := range csvimp.ReadFrom(ctx, strings.NewReader(b.String()), "in.csv", csvimp.Options{}) {
		if err != nil {
			last = err
			break
		}
		_ = s
		n++
		if n == 100 {
			cancel()
		}
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.Less(t, n, 100+64)
}

func TestSeparateCRLFAndGBK(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		require.NoError(t, err)
		return b
	}
	fsys := fstest.MapFS{
		"x.txt":        {Data: gbk("好吃\r\n太贵了\r\n  \r\n")},
		"x_result.txt": {Data: []byte("正面\r\n负面 ; 价格\r\n\r\n")},
	}
	var warnings []importers.Warning
	got, err := importers.Collect(csvimp.Read(context.Background(), fsys, "x.txt", csvimp.Options{
		Layout: csvimp.LayoutSeparate, LabelSeparator: ';',
		Warn: func(w importers.Warning) { warnings = append(warnings, w) },
	}))
	require.NoError(t, err)
	assert.Empty(t, warnings)
	require.Len(t, got, 2)
	b, _ := base64.StdEncoding.DecodeString(got[1].Data)
	assert.Equal(t, "太贵了", string(b))
	assert.Equal(t, "x.txt-000002.txt", got[1].Name)
	assert.Equal(t, []api.SampleLabel{{Name: "负面", Type: 100}, {Name: "价格", Type: 100}}, got[1].Labels)
}
