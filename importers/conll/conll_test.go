package conll

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/internal/textenc"
)

// readString reads src with opts and returns the result.
func readString(t *testing.T, src string, opts Options) importertest.Result {
	t.Helper()
	return importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return ReadFrom(ctx, strings.NewReader(src), "in.conll", o)
	})
}

// ent is a label as the tests write it.
type ent struct {
	Type       string
	Start, End int
}

func ents(s *api.Sample) []ent {
	var out []ent
	for _, l := range s.Labels {
		out = append(out, ent{l.Name, l.Property[api.PropStartIndex].(int), l.Property[api.PropEndIndex].(int)})
	}
	return out
}

// view is a sample as the tests compare it: its text and entities.
type view struct {
	Text string
	Ents []ent
}

func views(t *testing.T, r importertest.Result) []view {
	t.Helper()
	require.NoError(t, r.Err)
	out := []view{}
	for _, s := range r.Samples {
		out = append(out, view{decoded(t, s), ents(s)})
	}
	return out
}

func TestEUSentence(t *testing.T) {
	src := "-DOCSTART- -X- -X- O\r\n\r\nEU NNP I-NP I-ORG\r\nrejects VBZ I-VP O\r\nGerman JJ I-NP I-MISC\r\ncall NN I-NP O\r\nto TO I-VP O\r\nboycott VB I-VP O\r\nBritish JJ I-NP I-MISC\r\nlamb NN I-NP O\r\n. . O O\r\n\r\n"
	r := readString(t, src, Options{})
	require.Len(t, r.Samples, 1)
	s := r.Samples[0]
	assert.Equal(t, "EU rejects German call to boycott British lamb .", decoded(t, s))
	assert.Equal(t, []ent{{"ORG", 0, 2}, {"MISC", 11, 17}, {"MISC", 34, 41}}, ents(s))
	assert.Equal(t, api.SampleText, s.SampleType)
	assert.Equal(t, api.EncodingUTF8, s.Encoding)
	assert.Equal(t, "in.conll-000001.txt", s.Name)
	assert.Equal(t, "in.conll:3", s.Origin)
	for _, l := range s.Labels {
		assert.Equal(t, api.LabelNamedEntity, l.Type)
	}
	assert.Empty(t, r.Warnings)
}

func TestChunks(t *testing.T) {
	tests := []struct {
		tags string
		want []Chunk
	}{
		// The four sequences of facts.md.
		{"O I-PER I-PER", []Chunk{{"PER", 1, 3}}},
		{"B-PER I-LOC", []Chunk{{"PER", 0, 1}, {"LOC", 1, 2}}},
		{"B-PER E-PER B-PER E-PER", []Chunk{{"PER", 0, 2}, {"PER", 2, 4}}},
		{"S-PER S-PER", []Chunk{{"PER", 0, 1}, {"PER", 1, 2}}},
		// IOB1: B- separates adjacent chunks of one type.
		{"I-LOC B-LOC O I-LOC", []Chunk{{"LOC", 0, 1}, {"LOC", 1, 2}, {"LOC", 3, 4}}},
		// IOE1 and IOE2.
		{"I-LOC E-LOC I-LOC", []Chunk{{"LOC", 0, 2}, {"LOC", 2, 3}}},
		{"E-LOC E-LOC", []Chunk{{"LOC", 0, 1}, {"LOC", 1, 2}}},
		// BILOU and BMES letters.
		{"U-PER B-LOC I-LOC L-LOC", []Chunk{{"PER", 0, 1}, {"LOC", 1, 4}}},
		{"B-LOC M-LOC E-LOC S-ORG", []Chunk{{"LOC", 0, 3}, {"ORG", 3, 4}}},
		// Bare type tags.
		{"PER PER O LOC ORG", []Chunk{{"PER", 0, 2}, {"LOC", 3, 4}, {"ORG", 4, 5}}},
		// Types with hyphens, and a chunk running to the end.
		{"B-PER-NAME I-PER-NAME", []Chunk{{"PER-NAME", 0, 2}}},
		// An E after S starts a chunk; an I after E too.
		{"S-PER E-PER", []Chunk{{"PER", 0, 1}, {"PER", 1, 2}}},
		{"E-PER I-PER", []Chunk{{"PER", 0, 1}, {"PER", 1, 2}}},
		{"", nil},
		{"O O", nil},
	}
	for _, tt := range tests {
		t.Run(tt.tags, func(t *testing.T) {
			assert.Equal(t, tt.want, Chunks(strings.Fields(tt.tags)))
			assert.Equal(t, tt.want, refChunks(strings.Fields(tt.tags)), "the reference agrees")
		})
	}
}

func TestLineEndingsAndSeparators(t *testing.T) {
	want := []view{
		{"EU rejects", []ent{{"ORG", 0, 2}}},
		{"Peter Blackburn", []ent{{"PER", 0, 15}}},
	}
	tests := []struct{ name, src string }{
		{"lf", "EU NNP I-ORG\nrejects VBZ O\n\nPeter NNP I-PER\nBlackburn NNP I-PER\n"},
		{"crlf", "EU NNP I-ORG\r\nrejects VBZ O\r\n\r\nPeter NNP I-PER\r\nBlackburn NNP I-PER\r\n\r\n"},
		{"no final newline", "EU NNP I-ORG\nrejects VBZ O\n\nPeter NNP I-PER\nBlackburn NNP I-PER"},
		{"many blank lines", "\n\n\nEU NNP I-ORG\nrejects VBZ O\n\n\n\nPeter NNP I-PER\nBlackburn NNP I-PER\n\n\n\n"},
		{"whitespace-only lines", " \t \nEU NNP I-ORG\nrejects VBZ O\n  \r\nPeter NNP I-PER\nBlackburn NNP I-PER\n\t\n"},
		{"tabs and runs of spaces", "EU\tNNP\t\tI-ORG\n  rejects   VBZ O  \n\nPeter NNP\tI-PER\nBlackburn \t NNP I-PER\n"},
		{"docstart with columns", "-DOCSTART- -X- -X-\n\nEU NNP I-ORG\nrejects VBZ O\n\n-DOCSTART- -X- O\n\nPeter NNP I-PER\nBlackburn NNP I-PER\n"},
		{"docstart alone, no blank lines", "-DOCSTART-\nEU NNP I-ORG\nrejects VBZ O\n-DOCSTART-\nPeter NNP I-PER\nBlackburn NNP I-PER\n-DOCSTART-\n"},
		{"utf-8 bom", "\uFEFFEU NNP I-ORG\nrejects VBZ O\n\nPeter NNP I-PER\nBlackburn NNP I-PER\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, Options{})
			assert.Equal(t, want, views(t, r))
			assert.Empty(t, r.Warnings)
			for i, s := range r.Samples {
				assert.Equal(t, []string{"in.conll-000001.txt", "in.conll-000002.txt"}[i], s.Name)
			}
		})
	}
}

func TestEmptyAndUnlabeled(t *testing.T) {
	r := readString(t, "\n\n-DOCSTART- -X- O\n\n\n", Options{})
	assert.Empty(t, r.Samples, "an empty sentence is no sample")
	assert.Empty(t, r.Warnings)

	r = readString(t, "just O\nwords O\n", Options{})
	require.Len(t, r.Samples, 1)
	assert.Nil(t, r.Samples[0].Labels, "a sentence with no entities is an unlabeled sample")
	assert.Empty(t, api.ValidateSample("s", r.Samples[0]))

	r = readString(t, "", Options{Group: GroupDocument})
	assert.Empty(t, r.Samples)
}

func TestEmojiOffsets(t *testing.T) {
	src := "Love O\n🍕 B-FOOD\nfrom O\nNapoli B-LOC\n🇮🇹 B-FLAG\n"
	r := readString(t, src, Options{})
	assert.Equal(t, []ent{{"FOOD", 5, 6}, {"LOC", 12, 18}, {"FLAG", 19, 21}}, ents(r.Samples[0]), "code points")
	r = readString(t, src, Options{Offsets: OffsetsUTF16})
	assert.Equal(t, []ent{{"FOOD", 5, 7}, {"LOC", 13, 19}, {"FLAG", 20, 24}}, ents(r.Samples[0]), "UTF-16 units")
}

func TestJoin(t *testing.T) {
	tests := []struct {
		name, src string
		join      Join
		want      string
	}{
		{"han", "北 B-LOC\n京 I-LOC\n", JoinAuto, "北京"},
		{"kana and han", "東 O\n京 O\nへ O\nようこそ O\n", JoinAuto, "東京へようこそ"},
		{"cjk punctuation", "好 O\n。 O\n「 O\n是 O\n」 O\n", JoinAuto, "好。「是」"},
		{"full-width forms", "Ａ O\n！ O\n中 O\n", JoinAuto, "Ａ！中"},
		{"latin between han", "我 O\n用 O\nGo O\n写 O\n", JoinAuto, "我用 Go 写"},
		{"digits", "2 O\n0 O\n年 O\n", JoinAuto, "2 0 年"},
		{"hangul uses spaces", "서울 B-LOC\n에 O\n", JoinAuto, "서울 에"},
		{"latin", "New B-LOC\nYork I-LOC\n", JoinAuto, "New York"},
		{"space", "北 B-LOC\n京 I-LOC\n", JoinSpace, "北 京"},
		{"none", "New B-LOC\nYork I-LOC\n", JoinNone, "NewYork"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, Options{Join: tt.join})
			require.Len(t, r.Samples, 1)
			assert.Equal(t, tt.want, decoded(t, r.Samples[0]))
		})
	}
	assert.Equal(t, []ent{{"LOC", 0, 7}}, ents(readString(t, "New B-LOC\nYork I-LOC\n", Options{Join: JoinNone}).Samples[0]))
}

func TestIsCJK(t *testing.T) {
	for _, r := range "中文々〇、。「」ぁゟァヿㇰ！～｡ｱﾟ￥𠀀" {
		assert.True(t, isCJK(r), "%U %c", r, r)
	}
	for _, r := range "aZ09 ,.é—“”한ﾠ😀" {
		assert.False(t, isCJK(r), "%U %c", r, r)
	}
}

func TestLength(t *testing.T) {
	for _, s := range []string{"", "abc", "é", "中文", "😀", "a😀b🇮🇹"} {
		assert.Equal(t, len([]rune(s)), length([]byte(s), false), s)
		n := 0
		for _, r := range s {
			n++
			if r > 0xFFFF {
				n++
			}
		}
		assert.Equal(t, n, length([]byte(s), true), s)
	}
}

func TestTab(t *testing.T) {
	src := "She\tPRP\tO\nflew\tVBD\tO\nto\tTO\tO\nNew York\tNNP\tB-LOC\n"
	r := readString(t, src, Options{Tab: true})
	assert.Equal(t, []view{{"She flew to New York", []ent{{"LOC", 12, 20}}}}, views(t, r))

	// Without -tab the token with a space has one column too many: its sentence is rejected.
	r = readString(t, src, Options{})
	assert.Empty(t, r.Samples)
	require.Len(t, r.Warnings, 1)
	w := r.Warnings[0]
	assert.True(t, w.Rejected)
	assert.Equal(t, importers.Position{File: "in.conll", Line: 4}, w.Pos)
	assert.Contains(t, w.Reason, "has 4 columns where the file's token lines have 3")

	// An empty token (a column of spaces) rejects its sentence.
	r = readString(t, "a\tO\n  \tB-PER\n\nb\tO\n", Options{Tab: true})
	assert.Equal(t, []view{{"b", nil}}, views(t, r))
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, "in.conll:2: rejected: the token is empty; sentence 1 (lines 1-2) not converted", r.Warnings[0].String())
}

func TestTagColumn(t *testing.T) {
	src := "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\n"
	r := readString(t, src, Options{TagColumn: 3})
	assert.Equal(t, []view{{"EU rejects", []ent{{"NP", 0, 2}, {"VP", 3, 10}}}}, views(t, r))
	r = readString(t, src, Options{TagColumn: 4})
	assert.Equal(t, []view{{"EU rejects", []ent{{"ORG", 0, 2}}}}, views(t, r))
}

func TestRejections(t *testing.T) {
	tests := []struct {
		name, src string
		opts      Options
		want      []view
		warnings  []string
	}{
		{"column count", "a X O\nb X\nc X O\n\nd X B-PER\n", Options{},
			[]view{{"d", []ent{{"PER", 0, 1}}}},
			[]string{"in.conll:2: rejected: has 2 columns where the file's token lines have 3 (as its first, line 1, has); sentence 1 (lines 1-3) not converted"}},
		{"column count sets on the first token line, not -DOCSTART-", "-DOCSTART- -X- -X- O\n\na O\n\nb X O\n", Options{},
			[]view{{"a", nil}},
			[]string{"in.conll:5: rejected: has 3 columns where the file's token lines have 2 (as its first, line 3, has); sentence 2 (lines 5-5) not converted"}},
		{"untyped tag", "a B\nb I\n\nc O\n", Options{},
			[]view{{"c", nil}},
			[]string{`in.conll:1: rejected: tag "B" has no entity type; sentence 1 (lines 1-2) not converted`}},
		{"empty type", "a B-\n", Options{}, []view{},
			[]string{`in.conll:1: rejected: tag "B-" has no entity type; sentence 1 (lines 1-1) not converted`}},
		{"many bad lines", "a X O\nb\nc\nd\ne\nf\ng\nh\ni\n", Options{}, []view{},
			[]string{"in.conll:2: rejected: has 1 column where the file's token lines have 3 (as its first, line 1, has); sentence 1 (lines 1-9) not converted; also lines 3, 4, 5, 6, 7 and 2 more"}},
		{"document", "-DOCSTART- O\na O\nb X O\n\nc O\n-DOCSTART- O\nd B-PER\n", Options{Group: GroupDocument},
			[]view{{"d", []ent{{"PER", 0, 1}}}},
			[]string{"in.conll:3: rejected: has 3 columns where the file's token lines have 2 (as its first, line 2, has); document 1 (lines 2-5) not converted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, tt.opts)
			assert.Equal(t, tt.want, views(t, r))
			var got []string
			for _, w := range r.Warnings {
				assert.True(t, w.Rejected)
				got = append(got, w.String())
			}
			assert.Equal(t, tt.warnings, got)
		})
	}
}

func TestNumbering(t *testing.T) {
	// Rejected sentences keep their numbers, so names do not shift when a line is fixed.
	r := readString(t, "a O\n\nb X O\n\nc O\n", Options{})
	require.Len(t, r.Samples, 2)
	assert.Equal(t, "in.conll-000001.txt", r.Samples[0].Name)
	assert.Equal(t, "in.conll-000003.txt", r.Samples[1].Name)
	assert.Equal(t, "in.conll:5", r.Samples[1].Origin)

	r = readString(t, "a O\n\nb O\n-DOCSTART-\nc O\n", Options{Group: GroupDocument})
	require.Len(t, r.Samples, 2)
	assert.Equal(t, "in.conll-doc000001.txt", r.Samples[0].Name)
	assert.Equal(t, "a\nb", decoded(t, r.Samples[0]))
	assert.Equal(t, "in.conll-doc000002.txt", r.Samples[1].Name)

	// Past six digits the number grows.
	assert.Equal(t, "x-1234567", string(appendPadded([]byte("x-"), 1234567)))
	assert.Equal(t, "000042", string(appendPadded(nil, 42)))
}

func TestNames(t *testing.T) {
	fsys := fstest.MapFS{`data/we<ird>="n&me!'.conll`: {Data: []byte("a O\n")}}
	ss, err := importers.Collect(Read(context.Background(), fsys, `data/we<ird>="n&me!'.conll`, Options{}))
	require.NoError(t, err)
	require.Len(t, ss, 1)
	assert.Equal(t, "we_ird___n_me__.conll-000001.txt", ss[0].Name)
	assert.Empty(t, api.CheckName(ss[0].Name))

	ss, err = importers.Collect(ReadFrom(context.Background(), strings.NewReader("a O\n"), "stdin", Options{Name: "train"}))
	require.NoError(t, err)
	assert.Equal(t, "train-000001.txt", ss[0].Name)
	assert.Equal(t, "stdin:1", ss[0].Origin)

	long := strings.Repeat("長", 2000)
	ss, err = importers.Collect(ReadFrom(context.Background(), strings.NewReader("a O\n"), long, Options{}))
	require.NoError(t, err)
	assert.Empty(t, api.CheckName(ss[0].Name))
}

func TestEncodings(t *testing.T) {
	utf8src := "我 O\n爱 O\n北 B-LOC\n京 I-LOC\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf8src)
	require.NoError(t, err)
	want := []view{{"我爱北京", []ent{{"LOC", 2, 4}}}}

	for _, enc := range []textenc.Encoding{"", textenc.Auto, textenc.GBK, textenc.GB18030, textenc.GB2312} {
		r := readString(t, gbk, Options{Encoding: enc})
		assert.Equal(t, want, views(t, r), "encoding %q", enc)
		assert.Equal(t, api.EncodingUTF8, r.Samples[0].Encoding)
	}
	for enc, declared := range map[textenc.Encoding]string{textenc.Auto: api.EncodingGBK, textenc.GBK: api.EncodingGBK, textenc.GB2312: api.EncodingGB2312} {
		r := readString(t, gbk, Options{Encoding: enc, KeepEncoding: true})
		assert.Equal(t, want, views(t, r), "encoding %q", enc)
		assert.Equal(t, declared, r.Samples[0].Encoding, "encoding %q", enc)
		assert.Equal(t, "北京", decoded(t, r.Samples[0])[6:12])
	}
	// UTF-8 input is UTF-8 with or without -keep-encoding.
	r := readString(t, utf8src, Options{KeepEncoding: true})
	assert.Equal(t, want, views(t, r))
	assert.Equal(t, api.EncodingUTF8, r.Samples[0].Encoding)
}

func TestFatal(t *testing.T) {
	tests := []struct {
		name, src string
		opts      Options
		pos       importers.Position
		is        error
		contains  string
	}{
		{"one column", "\nEU\nrejects\n", Options{}, importers.Position{File: "in.conll", Line: 2}, ErrColumns, "1 column"},
		{"tag column past the columns", "EU NNP O\n", Options{TagColumn: 4}, importers.Position{File: "in.conll", Line: 1}, ErrColumns, "tag column is 4"},
		{"tag column 1", "EU O\n", Options{TagColumn: 1}, importers.Position{File: "in.conll"}, nil, "tag column"},
		{"bad scheme", "EU O\n", Options{Scheme: "iob3"}, importers.Position{File: "in.conll"}, nil, "iob3"},
		{"bad join", "EU O\n", Options{Join: "tabs"}, importers.Position{File: "in.conll"}, nil, "tabs"},
		{"bad group", "EU O\n", Options{Group: "page"}, importers.Position{File: "in.conll"}, nil, "page"},
		{"bad offsets", "EU O\n", Options{Offsets: "bytes"}, importers.Position{File: "in.conll"}, nil, "bytes"},
		{"invalid utf-8", "EU O\n\nbad\xff O\n", Options{Encoding: textenc.UTF8}, importers.Position{File: "in.conll", Line: 3}, textenc.ErrInvalid, "utf-8"},
		{"invalid gbk", "EU O\n\nbad\x81 O\n", Options{Encoding: textenc.GBK}, importers.Position{File: "in.conll", Line: 3}, textenc.ErrInvalid, "gbk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, tt.opts)
			var ie *importers.Error
			require.ErrorAs(t, r.Err, &ie)
			assert.Equal(t, tt.pos, ie.Pos)
			if tt.is != nil {
				assert.ErrorIs(t, r.Err, tt.is)
			}
			assert.Contains(t, r.Err.Error(), tt.contains)
		})
	}

	_, err := importers.Collect(Read(context.Background(), fstest.MapFS{}, "missing.conll", Options{}))
	var ie *importers.Error
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "missing.conll", ie.Pos.File)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = importers.Collect(ReadFrom(ctx, strings.NewReader("a O\n"), "in", Options{}))
	assert.ErrorIs(t, err, context.Canceled)
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	in := io.MultiReader(strings.NewReader("a O\n\nb O\n"), iotestErr{boom})
	r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return ReadFrom(ctx, in, "in.conll", Options{Encoding: textenc.UTF8, Warn: warn}) // auto detection would fail in its sniff
	})
	assert.ErrorIs(t, r.Err, boom)
	assert.Len(t, r.Samples, 1, "the sentence before the failure came out; the one cut short did not")
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func TestLongLinesAndLargeSamples(t *testing.T) {
	long := strings.Repeat("x", 200_000) // several read buffers
	r := readString(t, "a O\n"+long+" B-LONG\nb O\n", Options{})
	require.NoError(t, r.Err)
	require.Empty(t, r.Warnings)
	require.Len(t, r.Samples, 1)
	assert.Equal(t, []ent{{"LONG", 2, 200_002}}, ents(r.Samples[0]))

	// A document over the service's sample limit is rejected, not yielded.
	var b bytes.Buffer
	word := strings.Repeat("y", 999) + " O\n"
	for b.Len() < api.MaxSampleBytes+100_000 {
		b.WriteString(word)
	}
	b.WriteString("-DOCSTART-\nsmall B-PER\n")
	r = readString(t, b.String(), Options{Group: GroupDocument})
	require.Len(t, r.Samples, 1)
	assert.Equal(t, "small", decoded(t, r.Samples[0]))
	assert.Equal(t, "in.conll-doc000002.txt", r.Samples[0].Name)
	require.Len(t, r.Warnings, 1)
	assert.True(t, r.Warnings[0].Rejected)
	assert.Contains(t, r.Warnings[0].Reason, "a sample holds at most 12582912")
	assert.Contains(t, r.Warnings[0].Reason, "document 1")
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Scheme{"": SchemeNone, "none": SchemeNone, "IOB1": SchemeIOB1, "bio": SchemeIOB2, "iob2": SchemeIOB2,
		"ioe": SchemeIOE2, "ioe1": SchemeIOE1, "iobes": SchemeBIOES, "bioes": SchemeBIOES, "bilou": SchemeBILOU, "bmes": SchemeBMES, "io": SchemeIO} {
		got, err := ParseScheme(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
		if want != SchemeNone {
			assert.NotNil(t, schemes[got], "rules for %s", got)
		}
	}
	_, err := ParseScheme("iob3")
	assert.Error(t, err)

	j, err := ParseJoin("SPACE")
	assert.NoError(t, err)
	assert.Equal(t, JoinSpace, j)
	_, err = ParseJoin("tab")
	assert.Error(t, err)

	g, err := ParseGroup("document")
	assert.NoError(t, err)
	assert.Equal(t, GroupDocument, g)
	_, err = ParseGroup("page")
	assert.Error(t, err)

	o, err := ParseOffsets("utf-16")
	assert.NoError(t, err)
	assert.Equal(t, OffsetsUTF16, o)
	o, err = ParseOffsets("")
	assert.NoError(t, err)
	assert.Equal(t, OffsetsCodePoints, o)
	_, err = ParseOffsets("bytes")
	assert.Error(t, err)
}
