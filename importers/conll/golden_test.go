package conll

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/internal/golden"
)

// opener reads one file of testdata/ with opts.
func opener(file string, opts Options) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return Read(ctx, os.DirFS("testdata"), file, o)
	}
}

// decoded returns a sample's text, decoding GBK data.
func decoded(t testing.TB, s *api.Sample) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s.Data)
	require.NoError(t, err)
	if s.Encoding == api.EncodingGBK || s.Encoding == api.EncodingGB2312 {
		raw, err = simplifiedchinese.GBK.NewDecoder().Bytes(raw)
		require.NoError(t, err)
	}
	return string(raw)
}

// span cuts a label's span out of text, counting code points or UTF-16 units. It is written
// apart from the importer's own counting, so the goldens check the offsets independently.
func span(t testing.TB, text string, l api.SampleLabel, unitsUTF16 bool) string {
	t.Helper()
	start, ok1 := l.Property[api.PropStartIndex].(int)
	end, ok2 := l.Property[api.PropEndIndex].(int)
	require.True(t, ok1 && ok2, "offsets are ints: %v", l.Property)
	if unitsUTF16 {
		units := utf16.Encode([]rune(text))
		require.True(t, 0 <= start && start < end && end <= len(units), "span %d..%d of %d units", start, end, len(units))
		return string(utf16.Decode(units[start:end]))
	}
	runes := []rune(text)
	require.True(t, 0 <= start && start < end && end <= len(runes), "span %d..%d of %d code points", start, end, len(runes))
	return string(runes[start:end])
}

// render shows a read for people: each sample's name, origin, encoding and text, each
// entity with its offsets and the text they cut out, then the request body and the warnings.
func render(t testing.TB, r importertest.Result, unitsUTF16 bool) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, s := range r.Samples {
		text := decoded(t, s)
		fmt.Fprintf(&b, "%s (%s, %s): %q\n", s.Name, s.Origin, s.Encoding, text)
		for _, l := range s.Labels {
			fmt.Fprintf(&b, "  %-5s %v..%v %q\n", l.Name, l.Property[api.PropStartIndex], l.Property[api.PropEndIndex], span(t, text, l, unitsUTF16))
		}
	}
	b.WriteString("\n--- request body, warnings, error ---\n")
	b.Write(importertest.Transcript(r))
	return b.Bytes()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string // testdata/<name>.golden
		file string
		opts Options
	}{
		{"conll2003", "conll2003.txt", Options{}},
		{"conll2003-strict-iob1", "conll2003.txt", Options{Scheme: SchemeIOB1}},
		{"conll2003-document", "conll2003.txt", Options{Group: GroupDocument}},
		{"illformed", "illformed.txt", Options{}},
		{"scheme-iob1", "iob1.txt", Options{Scheme: SchemeIOB1}},
		{"scheme-iob2", "iob2.txt", Options{Scheme: SchemeIOB2}},
		{"scheme-ioe1", "ioe1.txt", Options{Scheme: SchemeIOE1}},
		{"scheme-ioe2", "ioe2.txt", Options{Scheme: SchemeIOE2}},
		{"scheme-bioes", "bioes.txt", Options{Scheme: SchemeBIOES}},
		{"scheme-bilou", "bilou.txt", Options{Scheme: SchemeBILOU}},
		{"scheme-bmes", "bmes.txt", Options{Scheme: SchemeBMES}},
		{"scheme-io", "io.txt", Options{Scheme: SchemeIO}},
		{"gbk", "gbk.txt", Options{}},
		{"gbk-keep-encoding", "gbk.txt", Options{Encoding: "gbk", KeepEncoding: true}},
		{"gbk-join-none", "gbk.txt", Options{Join: JoinNone}},
		{"emoji-codepoints", "emoji.txt", Options{}},
		{"emoji-utf16", "emoji.txt", Options{Offsets: OffsetsUTF16}},
		{"tab", "tab.txt", Options{Tab: true}},
		{"rejects", "rejects.txt", Options{}},
		{"rejects-document", "rejects.txt", Options{Group: GroupDocument}},
		{"tag-column-3", "conll2003.txt", Options{TagColumn: 3}},
		// Issue 12: data shaped like public sets (written for these tests).
		{"msra", "msra.txt", Options{}},
		{"msra-join-space", "msra.txt", Options{Join: JoinSpace}},
		{"weibo", "weibo.txt", Options{}},
		{"resume", "resume.txt", Options{Scheme: SchemeBMES}},
		{"germeval", "germeval.tsv", Options{Tab: true, TokenColumn: 2, TagColumn: 3}},
		{"germeval-inner", "germeval.tsv", Options{Tab: true, TokenColumn: 2}},
		{"germeval-token-column-1", "germeval.tsv", Options{Tab: true}},
		{"conllu", "conllu.txt", Options{Tab: true, TokenColumn: 2}},
		{"conllu-spaces", "conllu.txt", Options{TokenColumn: 2}},
		{"tweets", "tweets.txt", Options{Tab: true}},
		// Issue 11: CR, CRLF and LF line ends in one file.
		{"line-ends", "line-ends.txt", Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := importertest.Read(t, context.Background(), opener(tt.file, tt.opts))
			for i, s := range r.Samples {
				require.Empty(t, api.ValidateSample(fmt.Sprintf("samples[%d]", i), s))
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".golden"), render(t, r, tt.opts.Offsets == OffsetsUTF16))
		})
	}
}

func TestConformance(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			importertest.Run(t, opener(e.Name(), Options{Scheme: SchemeBIOES}), sized(Options{Scheme: SchemeBIOES}))
		})
	}
}

// sized is the harness's input of n sentences, each a sample.
func sized(opts Options) importertest.Sized {
	return func(t testing.TB, n int) importertest.Opener {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "Ann S-PER\nmet O\nJohn%d S-PER\n\n", i)
		}
		fsys := fstest.MapFS{"sized.txt": {Data: []byte(b.String())}}
		return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			o := opts
			o.Warn = warn
			return Read(ctx, fsys, "sized.txt", o)
		}
	}
}
