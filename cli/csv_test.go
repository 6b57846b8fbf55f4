package cli

import (
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

const csvData = "../testdata/csv/"

// runCSV runs `convert csv` with the given standard input.
func runCSV(t *testing.T, stdin io.Reader, args ...string) (int, string) {
	t.Helper()
	code, stdout, stderr := runStdin(t, stdin, append([]string{"csv"}, args...)...)
	assert.Empty(t, stdout, "request bodies go to files, not stdout")
	return code, stderr
}

// csvRow is a sample as name, text and labels.
func csvRow(t *testing.T, s api.Sample) string {
	b, err := base64.StdEncoding.DecodeString(s.Data)
	require.NoError(t, err)
	var labels []string
	for _, l := range s.Labels {
		require.Equal(t, api.LabelTextClassification, l.Type)
		labels = append(labels, l.Name)
	}
	return s.Name + " " + s.Encoding + " " + string(b) + " [" + strings.Join(labels, "|") + "]"
}

func TestCSVConvertGBK(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, csvData+"reviews.csv")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "convert csv: 4 samples, 4 labels (4 text classification); 0 records rejected; 1 request body")
	var got []string
	for _, s := range writtenSamples(t, dir) {
		assert.Equal(t, api.SampleText, s.SampleType)
		got = append(got, csvRow(t, s))
	}
	assert.Equal(t, []string{
		"reviews.csv-000002.txt UTF-8 这家餐厅的菜很好吃，服务也不错 [正面]",
		"reviews.csv-000003.txt UTF-8 价格太贵了,不会再来 [负面|价格]",
		"reviews.csv-000004.txt UTF-8 第一行\n第二行 [中性]",
		"reviews.csv-000006.txt UTF-8 The food was great []",
	}, got)
}

func TestCSVKeepEncoding(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, "-q", "-keep-encoding", csvData+"reviews.csv")
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 4)
	assert.Equal(t, api.EncodingGBK, samples[0].Encoding)
}

func TestCSVRejectionsExit1(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, csvData+"broken.csv")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, csvData+"broken.csv:3:1: rejected: broken quote: the quoted field opened here closes at line 3 column 8 and is followed by 'q'")
	assert.Contains(t, stderr, csvData+"broken.csv:5: rejected: the row has 1 field(s); the label column is field 2")
	assert.Contains(t, stderr, "2 samples, 2 labels (2 text classification); 2 records rejected")
	assert.Len(t, writtenSamples(t, dir), 2, "the other rows still convert")
}

func TestCSVStdin(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCSV(t, strings.NewReader("\xEF\xBB\xBFtext;tags\n\"a;b\";x|y\n"), "-o", dir, "-q",
		"-delimiter", ";", "-label-separator", "|", "-label-column", "tags", "-")
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 1)
	assert.Equal(t, "stdin-000002.txt UTF-8 a;b [x|y]", csvRow(t, samples[0]))
}

func TestCSVCombineLayout(t *testing.T) {
	for _, args := range [][]string{
		{"-layout", "combine"},
		{"-delimiter", "tab", "-header=false"},
		{"-delimiter", `\t`, "-header=false"},
	} {
		dir := t.TempDir()
		code, stderr := runCSV(t, nil, append(append([]string{"-o", dir, "-q"}, args...), csvData+"combine.txt")...)
		require.Equal(t, exitOK, code, "%v: %s", args, stderr)
		samples := writtenSamples(t, dir)
		require.Len(t, samples, 2)
		assert.Equal(t, "combine.txt-000001.txt UTF-8 今天天气很好 [天气|正面]", csvRow(t, samples[0]))
	}
}

func TestCSVSeparateLayout(t *testing.T) {
	dir := t.TempDir()
	// Both files given, as news*.txt would: the result file is read with its text file.
	code, stderr := runCSV(t, nil, "-o", dir, "-q", "-layout", "separate", csvData+"news.txt", csvData+"news_result.txt")
	require.Equal(t, exitOK, code, stderr)
	var got []string
	for _, s := range writtenSamples(t, dir) {
		got = append(got, csvRow(t, s))
	}
	assert.Equal(t, []string{"news.txt-000001.txt UTF-8 股市上涨 [财经]", "news.txt-000002.txt UTF-8 球队赢得冠军 [体育|足球]"}, got)
}

func TestCSVSeparateMismatch(t *testing.T) {
	in := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(in, "x.txt"), []byte("a\nb\nc\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(in, "x_result.txt"), []byte("1\n2\n"), 0o644))
	code, stderr := runCSV(t, nil, "-o", t.TempDir(), "-layout", "separate", filepath.Join(in, "x.txt"))
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, filepath.Join(in, "x.txt")+":3: rejected: "+filepath.Join(in, "x_result.txt")+" has no line 3")
	assert.Contains(t, stderr, "has 3 lines but")
}

func TestCSVWholeFile(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, "-q", "-whole-file", "-layout", "combine", csvData+"combine.txt")
	require.Equal(t, exitOK, code, stderr)
	reqs := writtenRequests(t, dir)
	require.Len(t, reqs, 1)
	assert.Equal(t, &api.LabelFormat{LabelType: "1", TextSampleSeparator: "\t", TextLabelSeparator: ","}, reqs[0].LabelFormat)
	require.Len(t, reqs[0].Samples, 1)
	raw, err := os.ReadFile(csvData + "combine.txt")
	require.NoError(t, err)
	assert.Equal(t, "combine.txt UTF-8 "+string(raw)+" []", csvRow(t, reqs[0].Samples[0]))

	dir = t.TempDir()
	code, stderr = runCSV(t, nil, "-o", dir, "-q", "-whole-file", "-layout", "separate", "-label-separator", ";", csvData+"news.txt")
	require.Equal(t, exitOK, code, stderr)
	reqs = writtenRequests(t, dir)
	require.Len(t, reqs, 1)
	assert.Equal(t, &api.LabelFormat{LabelType: "0", TextLabelSeparator: ";"}, reqs[0].LabelFormat)
	var names []string
	for _, s := range reqs[0].Samples {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"news.txt", "news_result.txt"}, names)

	dir = t.TempDir()
	code, stderr = runCSV(t, strings.NewReader("a|x\n"), "-o", dir, "-q", "-whole-file", "-header=false", "-delimiter", "|", "-")
	require.Equal(t, exitOK, code, stderr)
	reqs = writtenRequests(t, dir)
	require.Len(t, reqs, 1)
	assert.Equal(t, "stdin.txt", reqs[0].Samples[0].Name)
	assert.Equal(t, "|", reqs[0].LabelFormat.TextSampleSeparator)
}

func TestCSVSameNameInputs(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "d1"), filepath.Join(t.TempDir(), "d2")
	for _, d := range []string{a, b} {
		require.NoError(t, os.MkdirAll(d, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(d, "train.csv"), []byte("text,label\nhi,x\n"), 0o644))
	}
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, "-q", filepath.Join(a, "train.csv"), filepath.Join(b, "train.csv"))
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.NotEqual(t, samples[0].Name, samples[1].Name)
	assert.True(t, strings.HasSuffix(samples[0].Name, "d1_train.csv-000002.txt"), samples[0].Name)
}

func TestCSVUsageErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-delimiter", " "}, "-delimiter \" \": is \" \"; must be a letter, a digit, Tab or one of"},
		{[]string{"-delimiter", ",,"}, "must be exactly one character"},
		{[]string{"-label-separator", "，"}, "-label-separator"},
		{[]string{"-encoding", "latin1"}, "-encoding: unknown encoding"},
		{[]string{"-layout", "rows"}, "-layout: unknown layout"},
		{[]string{"-whole-file"}, "pass -header=false"},
		{[]string{"-whole-file", "-header=true"}, "cannot skip a header line"},
		{[]string{"-whole-file", "-header=false"}, "the delimiter and the label separator must differ"},
		{[]string{"-whole-file", "-layout", "combine", "-text-column", "2"}, "columns cannot be chosen"},
		{[]string{"-layout", "combine", "-header"}, "-layout combine has no header line"},
		{[]string{"-layout", "separate", "-delimiter", ";"}, "-delimiter does not apply to -layout separate"},
		{[]string{"-header=false", "-text-column", "text"}, "without a header, columns are numbered from 1"},
		{[]string{"-header=false", "-label-column", "1"}, "the text and the label are the same column"},
		{[]string{"-layout", "separate", "-"}, "not from standard input"},
		{[]string{"-", "-"}, "standard input (-) may be given once"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			args := append([]string{"-o", t.TempDir()}, c.args...)
			if last := c.args[len(c.args)-1]; last != "-" && last != csvData {
				args = append(args, csvData+"combine.txt")
			}
			code, stderr := runCSV(t, strings.NewReader(""), args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, c.want)
		})
	}
}

func TestCSVMissingFile(t *testing.T) {
	code, stderr := runCSV(t, nil, "-o", t.TempDir(), "nope.csv")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "nope.csv")
}

func TestCSVMissingColumnIsFatal(t *testing.T) {
	code, stderr := runCSV(t, strings.NewReader("body,label\na,x\n"), "-o", t.TempDir(), "-")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `stdin:1: the header has no text column "text"`)
}

// Sample names never hold ':' or a control character, whatever the file is called (the
// README's rule); -whole-file keeps the file's name made safe the same way.
func TestCSVNamesAreSafe(t *testing.T) {
	src := t.TempDir()
	for _, name := range []string{"a:b.csv", "tab\tname.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(src, name), []byte("text,label\nhello,x\n"), 0o644))
	}
	dir := t.TempDir()
	code, stderr := runCSV(t, nil, "-o", dir, "-q", filepath.Join(src, "a:b.csv"), filepath.Join(src, "tab\tname.txt"))
	require.Equal(t, exitOK, code, stderr)
	var names []string
	for _, s := range writtenSamples(t, dir) {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"a_b.csv-000002.txt", "tab_name.txt-000002.txt"}, names)

	require.NoError(t, os.WriteFile(filepath.Join(src, "c:d.txt"), []byte("hello\tx\n"), 0o644))
	dir = t.TempDir()
	code, stderr = runCSV(t, nil, "-o", dir, "-q", "-whole-file", "-layout", "combine", filepath.Join(src, "c:d.txt"))
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 1)
	assert.Equal(t, "c_d.txt", samples[0].Name)
}

// -whole-file refuses a file the service would split wrongly, naming the line.
func TestCSVWholeFileChecksLines(t *testing.T) {
	src := filepath.Join(t.TempDir(), "q.csv")
	require.NoError(t, os.WriteFile(src, []byte("a;x\n\"b;c\";y\n"), 0o644))
	code, stderr := runCSV(t, nil, "-o", t.TempDir(), "-whole-file", "-header=false", "-delimiter", ";", src)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, src+":2: rejected: the line holds 2 ';' delimiters")
}
