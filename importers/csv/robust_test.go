package csv_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"iter"
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
)

// A quoted field longer than a sample may be is one rejection, however many lines it spans,
// and the rows after it convert.
func TestLongQuotedFieldIsOneRejection(t *testing.T) {
	var b strings.Builder
	b.WriteString("text,label\nfirst,a\n\"")
	for b.Len() < 20<<20 {
		b.WriteString("an inner line of the field\n")
	}
	b.WriteString("end of the field\",b\nafter,c\n")
	r := rowsCase(t, b.String(), csvimp.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Warnings, 1, "one rejection, not one per inner line")
	w := r.Warnings[0]
	assert.True(t, w.Rejected)
	assert.Equal(t, importers.Position{File: "in.csv", Line: 3, Column: 1}, w.Pos)
	lines := strings.Count(b.String(), "\n")
	assert.Contains(t, w.Reason, "lines 3-"+itoa(lines-1))
	var got []string
	for _, s := range r.Samples {
		got = append(got, s.Origin)
	}
	assert.Equal(t, []string{"in.csv:2", "in.csv:" + itoa(lines)}, got)
}

// A row over the limit is rejected when its bytes pass it, never held whole.
func TestHugeRowRejected(t *testing.T) {
	in := "text,label\n" + strings.Repeat("x", api.MaxSampleBytes+100<<10) + ",a\nb,c\n"
	r := rowsCase(t, in, csvimp.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, 2, r.Warnings[0].Pos.Line)
	assert.Contains(t, r.Warnings[0].Reason, "more than one sample may hold")
	require.Len(t, r.Samples, 1)
	assert.Equal(t, "in.csv:3", r.Samples[0].Origin)
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestCROnlyRows(t *testing.T) {
	for name, in := range map[string]string{
		"CR":    "text,label\ra,x\rb,y\rc,z\r",
		"mixed": "text,label\r\na,x\rb,y\nc,z",
	} {
		t.Run(name, func(t *testing.T) {
			r := rowsCase(t, in, csvimp.Options{})
			require.NoError(t, r.Err)
			assert.Empty(t, r.Warnings)
			var got []string
			for _, s := range r.Samples {
				raw, err := base64.StdEncoding.DecodeString(s.Data)
				require.NoError(t, err)
				got = append(got, s.Origin+" "+string(raw))
			}
			assert.Equal(t, []string{"in.csv:2 a", "in.csv:3 b", "in.csv:4 c"}, got)
		})
	}
}

func TestSeparateCROnlyAndMixed(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("再见")
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"x.txt":        {Data: []byte("你好\r" + gbk + "\r谢谢\r")},
		"x_result.txt": {Data: []byte("a\rb\rc\r")},
	}
	r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return csvimp.Read(ctx, fsys, "x.txt", csvimp.Options{Layout: csvimp.LayoutSeparate, Warn: warn})
	})
	require.NoError(t, r.Err)
	var got []string
	for _, s := range r.Samples {
		got = append(got, s.Origin)
	}
	assert.Equal(t, []string{"x.txt:1", "x.txt:3"}, got)
	var warnings []string
	for _, w := range r.Warnings {
		warnings = append(warnings, w.String())
	}
	require.Len(t, warnings, 2)
	assert.Contains(t, warnings[0], "x.txt: warning: the file mixes encodings: line 1 is UTF-8, line 2 is not")
	assert.Equal(t, "x.txt:2: rejected: "+textenc.ErrNotUTF8, warnings[1])
}

func TestMixedEncodingOverride(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("再见,告别\n")
	require.NoError(t, err)
	in := "text,label\nhello,a\n" + gbk
	// auto: read as GBK (no UTF-8 line); -encoding utf-8: invalid text is fatal, as always.
	r := rowsCase(t, in, csvimp.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 2)
	raw, _ := base64.StdEncoding.DecodeString(r.Samples[1].Data)
	assert.Equal(t, "再见", string(raw))
	r = rowsCase(t, in, csvimp.Options{Encoding: textenc.UTF8})
	assert.ErrorIs(t, r.Err, textenc.ErrInvalid)
}

func TestNameStemIsSafe(t *testing.T) {
	assert.Equal(t, "a_b.csv", csvimp.NameStem("d/a:b.csv"))
	assert.Equal(t, "new_line_nul_.csv", csvimp.NameStem("new\nline\x00nul\x7f.csv"))
	assert.ErrorContains(t, csvimp.Options{Name: "a:b"}.Check(), "':' or a control character")
	r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return csvimp.ReadFrom(ctx, bytes.NewReader([]byte("text,label\na,x\n")), "a:b\r.csv", csvimp.Options{Warn: warn})
	})
	require.Len(t, r.Samples, 1)
	assert.Equal(t, "a_b_.csv-000002.txt", r.Samples[0].Name)
}
