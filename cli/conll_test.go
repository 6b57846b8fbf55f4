package cli

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// runConll runs `convert conll` with the given standard input.
func runConll(t *testing.T, stdin io.Reader, args ...string) (int, string) {
	t.Helper()
	code, stdout, stderr := runStdin(t, stdin, append([]string{"conll"}, args...)...)
	assert.Empty(t, stdout, "request bodies go to files, not stdout")
	return code, stderr
}

func sampleText(t *testing.T, s api.Sample) string {
	b, err := base64.StdEncoding.DecodeString(s.Data)
	require.NoError(t, err)
	return string(b)
}

func TestConllConvert(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, "../testdata/conll/eng.conll")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "convert conll: 5 samples, 8 labels (8 named entity); 0 records rejected; 1 request body")

	samples := writtenSamples(t, dir)
	require.Len(t, samples, 5)
	s := samples[0]
	assert.Equal(t, "eng.conll-000001.txt", s.Name)
	assert.Equal(t, api.SampleText, s.SampleType)
	assert.Equal(t, api.EncodingUTF8, s.Encoding)
	assert.Equal(t, "EU rejects German call to boycott British lamb .", sampleText(t, s))
	type span struct {
		name       string
		start, end string
	}
	var got []span
	for _, l := range s.Labels {
		assert.Equal(t, api.LabelNamedEntity, l.Type)
		got = append(got, span{l.Name, string(l.Property[api.PropStartIndex].(json.Number)), string(l.Property[api.PropEndIndex].(json.Number))})
	}
	assert.Equal(t, []span{{"ORG", "0", "2"}, {"MISC", "11", "17"}, {"MISC", "34", "41"}}, got)
	assert.Nil(t, samples[4].Labels, "a sentence without entities is an unlabeled sample")
}

func TestConllStdin(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runConll(t, strings.NewReader("New B-LOC\nYork I-LOC\n\n北 B-LOC\n京 I-LOC\n"), "-o", dir, "-q", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stderr, "-q prints nothing when all is well")
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.Equal(t, "stdin-000001.txt", samples[0].Name)
	assert.Equal(t, "New York", sampleText(t, samples[0]))
	assert.Equal(t, "北京", sampleText(t, samples[1]), "-join auto puts no space between CJK characters")
}

func TestConllRejectsAndWarnings(t *testing.T) {
	in := filepath.Join(t.TempDir(), "bad.conll")
	require.NoError(t, os.WriteFile(in, []byte("EU NNP I-ORG\nrejects VBZ O\n\nPeter I-PER\nBlackburn NNP I-PER\n\nGood NNP O\n"), 0o644))
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, "-scheme", "iob2", in)
	assert.Equal(t, exitFailed, code, "a rejected sentence fails the run")
	assert.Contains(t, stderr, in+":4: rejected: has 2 columns where the file's token lines have 3 (as its first, line 1, has); sentence 2 (lines 4-5) not converted")
	assert.Contains(t, stderr, in+":1: warning: -scheme iob2: I-ORG at the start of the sentence does not continue a chunk begun by B-ORG")
	assert.Contains(t, stderr, "2 samples, 1 label (1 named entity); 1 record rejected, 1 warning")
	assert.Len(t, writtenSamples(t, dir), 2)

	// -q keeps the rejection, drops the warning.
	code, stderr = runConll(t, nil, "-o", t.TempDir(), "-q", "-scheme", "iob2", in)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "rejected:")
	assert.NotContains(t, stderr, "warning:")

	// Ill-formed tags alone do not fail the run.
	ok := filepath.Join(t.TempDir(), "ok.conll")
	require.NoError(t, os.WriteFile(ok, []byte("EU I-ORG\n"), 0o644))
	code, stderr = runConll(t, nil, "-o", t.TempDir(), "-scheme", "bioes", ok)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "warning: -scheme bioes")
}

func TestConllOptions(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, "-encoding", "gbk", "-keep-encoding", "../testdata/conll/zh.gbk.conll")
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 3)
	assert.Equal(t, api.EncodingGBK, samples[0].Encoding)
	assert.Equal(t, []byte{0xCE, 0xD2}, []byte(sampleText(t, samples[0]))[:2], "我 in GBK")

	dir = t.TempDir()
	code, stderr = runConll(t, nil, "-o", dir, "-group", "document", "-tag-column", "3", "../testdata/conll/eng.conll")
	require.Equal(t, exitOK, code, stderr)
	samples = writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.Equal(t, "eng.conll-doc000001.txt", samples[0].Name)
	assert.Equal(t, "NP", samples[0].Labels[0].Name, "the chunk column")

	dir = t.TempDir()
	emoji := filepath.Join(t.TempDir(), "emoji.conll")
	require.NoError(t, os.WriteFile(emoji, []byte("😀\tB-EMO\nok\tO\n"), 0o644))
	code, stderr = runConll(t, nil, "-o", dir, "-tab", "-offsets", "utf16", emoji)
	require.Equal(t, exitOK, code, stderr)
	samples = writtenSamples(t, dir)
	require.Len(t, samples, 1)
	assert.Equal(t, json.Number("2"), samples[0].Labels[0].Property[api.PropEndIndex])
}

// Two inputs with one file name get names from their paths, so no sample name repeats.
func TestConllSameFileName(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"a", "b"} {
		require.NoError(t, os.MkdirAll(filepath.Join(root, d), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, d, "train.txt"), []byte("x O\n"), 0o644))
	}
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, filepath.Join(root, "a", "train.txt"), filepath.Join(root, "b", "train.txt"))
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.NotEqual(t, samples[0].Name, samples[1].Name)
	assert.True(t, strings.HasSuffix(samples[0].Name, "a_train.txt-000001.txt"), samples[0].Name)
}

func TestConllUsageAndFailures(t *testing.T) {
	eng := "../testdata/conll/eng.conll"
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no input", nil, exitUsage, "no FILE given"},
		{"tag column 1", []string{"-tag-column", "1", eng}, exitUsage, "-tag-column must be a column other than the token's (-token-column 1), or 0 for the last column"},
		{"negative tag column", []string{"-tag-column", "-2", eng}, exitUsage, "-tag-column must be a column other than the token's"},
		{"tag column is the token column", []string{"-token-column", "2", "-tag-column", "2", eng}, exitUsage, "-tag-column must be a column other than the token's (-token-column 2)"},
		{"token column 0", []string{"-token-column", "0", eng}, exitUsage, "-token-column must be 1 or more"},
		{"token column past the columns", []string{"-token-column", "7", eng}, exitFailed, "eng.conll:3: not a CoNLL column file: the token column is 7, but the first token line has 4 columns"},
		{"encoding", []string{"-encoding", "latin1", eng}, exitUsage, `-encoding: unknown encoding "latin1"`},
		{"scheme", []string{"-scheme", "iob3", eng}, exitUsage, `-scheme: unknown tagging scheme "iob3"`},
		{"group", []string{"-group", "page", eng}, exitUsage, `-group: unknown group "page"`},
		{"join", []string{"-join", "tab", eng}, exitUsage, `-join: unknown join "tab"`},
		{"offsets", []string{"-offsets", "bytes", eng}, exitUsage, `-offsets: unknown offsets "bytes"`},
		{"stdin twice", []string{"-", "-"}, exitUsage, "standard input (-) may be given once"},
		{"missing file", []string{"nope.conll"}, exitFailed, "no such file"},
		{"tag column past the columns", []string{"-tag-column", "9", eng}, exitFailed, "eng.conll:3: not a CoNLL column file: the tag column is 9, but the first token line has 4 columns"},
		{"not utf-8", []string{"-encoding", "utf-8", "../testdata/conll/zh.gbk.conll"}, exitFailed, "zh.gbk.conll:1: not valid utf-8 at byte 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stderr := runConll(t, strings.NewReader(""), append([]string{"-o", t.TempDir()}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.err)
		})
	}
}

// Issue 12: an MSRA-shaped file (a character per token, digits and Latin letters among them)
// is joined without spaces, said once; -join space keeps the spaces.
func TestConllCharacterLevel(t *testing.T) {
	in := filepath.Join(t.TempDir(), "msra.txt")
	src := "一 O\n册 O\n1 O\n9 O\n4 O\n5 O\n年 O\n6 O\n月 O\n\n他 O\n用 O\ni O\nP O\nh O\no O\nn O\ne O\n给 O\n张 B-NR\n三 I-NR\n"
	require.NoError(t, os.WriteFile(in, []byte(src), 0o644))
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, in)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 1, strings.Count(stderr, "tokens are single characters: joined without spaces; -join space to change"), stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.Equal(t, "一册1945年6月", sampleText(t, samples[0]))
	assert.Equal(t, "他用iPhone给张三", sampleText(t, samples[1]))
	assert.Equal(t, json.Number("9"), samples[1].Labels[0].Property[api.PropStartIndex])

	dir = t.TempDir()
	code, stderr = runConll(t, nil, "-o", dir, "-join", "space", in)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "single characters")
	assert.Equal(t, "一 册 1 9 4 5 年 6 月", sampleText(t, writtenSamples(t, dir)[0]))
}

// Issue 12: GermEval-shaped files: comments skipped, -token-column 2; without it, a warning.
func TestConllGermEval(t *testing.T) {
	in := filepath.Join(t.TempDir(), "NER-de-train.tsv")
	src := "#\thttp://de.wikipedia.org/wiki/Manfred_Korfmann [2009-10-17]\n1\tAufgrund\tO\tO\n2\tseiner\tO\tO\n3\tInitiative\tO\tO\n4\tin\tO\tO\n5\tStuttgart\tB-LOC\tO\n\n" +
		"#\thttp://www.welt.de/x [2009-11-20]\n1\tDeutsche\tB-ORG\tB-LOCderiv\n2\tBank\tI-ORG\tO\n"
	require.NoError(t, os.WriteFile(in, []byte(src), 0o644))
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, "-tab", "-token-column", "2", "-tag-column", "3", in)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "warning")
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.Equal(t, "Aufgrund seiner Initiative in Stuttgart", sampleText(t, samples[0]))
	assert.Equal(t, "LOC", samples[0].Labels[0].Name)
	assert.Equal(t, "Deutsche Bank", sampleText(t, samples[1]))
	assert.Equal(t, "ORG", samples[1].Labels[0].Name)

	code, stderr = runConll(t, nil, "-o", t.TempDir(), "-tab", in)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, in+":2: warning: column 1, read as the tokens, holds only increasing integers, as row numbers do (GermEval's first column); if the tokens are in column 2, give -token-column 2")
}

// Issue 11: a CR-only file is read line by line (today: one sample "EU" labelled MISC).
func TestConllCROnly(t *testing.T) {
	in := filepath.Join(t.TempDir(), "cr.conll")
	require.NoError(t, os.WriteFile(in, []byte("EU B-ORG\rrejects O\rGerman B-MISC\r\rPeter B-PER\r"), 0o644))
	dir := t.TempDir()
	code, stderr := runConll(t, nil, "-o", dir, in)
	require.Equal(t, exitOK, code, stderr)
	samples := writtenSamples(t, dir)
	require.Len(t, samples, 2)
	assert.Equal(t, "EU rejects German", sampleText(t, samples[0]))
	require.Len(t, samples[0].Labels, 2)
	assert.Equal(t, "ORG", samples[0].Labels[0].Name)
	assert.Equal(t, "Peter", sampleText(t, samples[1]))
}
