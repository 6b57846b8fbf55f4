package conll

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/textenc"
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
	for _, n := range []int{0, 1, 9, 10, 99, 100, 99999, 100000, 999999, 1000000, 1234567, 99999999, 100000000, 1 << 40} {
		want := fmt.Sprintf("%06d", n)
		assert.Equal(t, "x"+want, string(appendPadded([]byte("x"), n)))
		assert.Equal(t, "x"+strconv.Itoa(n), string(appendLine([]byte("x"), n)))
	}
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

// Issue 11: LF, CRLF and a lone CR all end lines, mixed in one file too, whatever the read
// sizes (a CR may be the last byte of one read and its LF the first of the next).
func TestCROnlyAndMixedLineEnds(t *testing.T) {
	want := []view{
		{"EU rejects", []ent{{"ORG", 0, 2}}},
		{"Peter Blackburn", []ent{{"PER", 0, 15}}},
	}
	tests := []struct{ name, src string }{
		{"cr", "EU B-ORG\rrejects O\r\rPeter B-PER\rBlackburn I-PER\r\r"},
		{"cr, no final line end", "EU B-ORG\rrejects O\r\rPeter B-PER\rBlackburn I-PER"},
		{"cr, crlf and lf", "EU B-ORG\rrejects O\r\n\nPeter B-PER\nBlackburn I-PER\r\r\n"},
		{"lf then cr as a blank line", "EU B-ORG\nrejects O\n\rPeter B-PER\r\nBlackburn I-PER\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, oneByte := range []bool{false, true} {
				var in io.Reader = strings.NewReader(tt.src)
				if oneByte {
					in = iotest.OneByteReader(in)
				}
				r := importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
					return ReadFrom(ctx, in, "in.conll", Options{Encoding: textenc.UTF8, Warn: warn})
				})
				assert.Equal(t, want, views(t, r), "one byte at a time: %v", oneByte)
				assert.Empty(t, r.Warnings)
				require.Len(t, r.Samples, 2)
				assert.Equal(t, "in.conll:4", r.Samples[1].Origin, "a CRLF is one line end")
			}
		})
	}
	// A CR-only file longer than the read buffer: every line is found.
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		b.WriteString("EU B-ORG\rrejects O\r\r")
	}
	r := readString(t, b.String(), Options{})
	require.NoError(t, r.Err)
	assert.Len(t, r.Samples, 20000)
}

// Issue 12: -join auto looks at the first tokens; a character-level file is joined with
// nothing, said once; a word-level file keeps the space rule.
func TestJoinAutoCharacterLevel(t *testing.T) {
	msra := "一 O\n册 O\n1 O\n9 O\n4 O\n5 O\n年 O\n6 O\n月 O\n出 O\n版 O\n\n江 B-NR\n泽 I-NR\n民 I-NR\n说 O\n"
	fullWidth := "１ O\n９ O\n４ O\n５ O\n年 O\n， O\n他 O\n在 O\n上 B-NS\n海 I-NS\n"
	tests := []struct {
		name, src string
		join      Join
		want      []string
		notice    bool
	}{
		{"msra digits", msra, JoinAuto, []string{"一册1945年6月出版", "江泽民说"}, true},
		{"full-width digits as written", fullWidth, JoinAuto, []string{"１９４５年，他在上海"}, true},
		{"one multi-character token in 40", strings.Repeat("中 O\n", 39) + "…… O\n", JoinAuto, []string{strings.Repeat("中", 39) + "……"}, true},
		{"latin letters and emoji", "我 O\n用 O\ni O\nP O\nh O\no O\nn O\ne O\n拍 O\n照 O\n👍🏻 O\n🇨🇳 O\n", JoinAuto, []string{"我用iPhone拍照👍🏻🇨🇳"}, true},
		{"-join space", msra, JoinSpace, []string{"一 册 1 9 4 5 年 6 月 出 版", "江 泽 民 说"}, false},
		{"word-level chinese", "北京 B-NS\n欢迎 O\n你 O\n2008 O\n年 O\n", JoinAuto, []string{"北京欢迎你 2008 年"}, false},
		{"word-level english", "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\nto O\nboycott O\nBritish B-MISC\nlamb O\n. O\n", JoinAuto, []string{"EU rejects German call to boycott British lamb ."}, false},
		{"too few tokens to tell", "2 O\n0 O\n年 O\n", JoinAuto, []string{"2 0 年"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, Options{Join: tt.join})
			var got []string
			for _, v := range views(t, r) {
				got = append(got, v.Text)
			}
			assert.Equal(t, tt.want, got)
			var notices []string
			for _, w := range r.Warnings {
				notices = append(notices, w.String())
			}
			if tt.notice {
				assert.Equal(t, []string{"in.conll:1: warning: tokens are single characters: joined without spaces; option Join space to change"}, notices)
			} else {
				assert.Empty(t, notices)
			}
		})
	}
	r := readString(t, msra, Options{})
	assert.Equal(t, []ent{{"NR", 0, 3}}, ents(r.Samples[1]), "offsets index the joined text")
}

func TestSingleChar(t *testing.T) {
	for _, s := range []string{"中", "a", "1", "。", "é", "e\u0301", "👍🏻", "🇨🇳", "👨\u200d👩\u200d👧", "❤️"} {
		assert.True(t, singleChar([]byte(s)), "%q", s)
	}
	for _, s := range []string{"", "ab", "中文", "……", "12", "🇨🇳🇨🇳"} {
		assert.False(t, singleChar([]byte(s)), "%q", s)
	}
}

// Issue 12: -token-column, and the warning for a token column of row numbers.
func TestTokenColumn(t *testing.T) {
	germ := "#\thttp://de.wikipedia.org/wiki/X [2009-10-17]\n1\tAufgrund\tO\tO\n2\tseiner\tO\tO\n3\tStuttgart\tB-LOC\tO\n\n1\tDeutsche\tB-ORG\tB-LOCderiv\n2\tBank\tI-ORG\tO\n"
	r := readString(t, germ, Options{Tab: true, TokenColumn: 2, TagColumn: 3})
	assert.Equal(t, []view{{"Aufgrund seiner Stuttgart", []ent{{"LOC", 16, 25}}}, {"Deutsche Bank", []ent{{"ORG", 0, 13}}}}, views(t, r))
	assert.Empty(t, r.Warnings)

	r = readString(t, germ, Options{Tab: true})
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, "in.conll:2: warning: column 1, read as the tokens, holds only increasing integers, as row numbers do (GermEval's first column); if the tokens are in column 2, give option TokenColumn 2", r.Warnings[0].String())

	// Integers that do not increase are tokens like any other.
	r = readString(t, "3 O\n1 O\n2 O\n", Options{})
	assert.Empty(t, r.Warnings)

	tests := []struct {
		name, src string
		opts      Options
		err       string
	}{
		{"past the columns", "a b O\n", Options{TokenColumn: 4}, "in.conll:1: not a CoNLL column file: the token column is 4, but the first token line has 3 columns"},
		{"the last column is the tag", "a b O\n", Options{TokenColumn: 3}, "in.conll:1: not a CoNLL column file: the token column 3 is the last column, which holds the tag; give option TagColumn"},
		{"same as the tag column", "a b O\n", Options{TokenColumn: 2, TagColumn: 2}, "in.conll: tag column 2: the tag column is not the token column (2); 0 means the last"},
		{"negative", "a b O\n", Options{TokenColumn: -1}, "in.conll: token column -1: columns count from 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, tt.opts)
			require.Error(t, r.Err)
			assert.Equal(t, tt.err, r.Err.Error())
		})
	}
}

// Issue 12: comment lines are skipped and do not set the column count; a "#" token with the
// file's column count is a token.
func TestCommentLines(t *testing.T) {
	tests := []struct {
		name, src string
		opts      Options
		want      []view
	}{
		{"conll-u comments", "# sent_id = 1\n# text = EU rejects\n1\tEU\tB-ORG\n2\trejects\tO\n\n# sent_id = 2\n1\tPeter\tB-PER\n", Options{Tab: true, TokenColumn: 2},
			[]view{{"EU rejects", []ent{{"ORG", 0, 2}}}, {"Peter", []ent{{"PER", 0, 5}}}}},
		{"germeval comment with spaces", "#\tsource x [2009]\n1\tEU\tB-ORG\tO\n", Options{TokenColumn: 2, TagColumn: 3},
			[]view{{"EU", []ent{{"ORG", 0, 2}}}}},
		{"hashtag token first", "# O\nlove O\nParis B-LOC\n", Options{},
			[]view{{"# love Paris", []ent{{"LOC", 7, 12}}}}},
		{"hashtag token with tabs", "I\tO\n#\tO\nNBA\tB-ORG\n", Options{Tab: true},
			[]view{{"I # NBA", []ent{{"ORG", 4, 7}}}}},
		{"not a comment: no space after #", "#NBA B-ORG\nrocks O\n", Options{},
			[]view{{"#NBA rocks", []ent{{"ORG", 0, 4}}}}},
		{"comment inside a sentence", "EU B-ORG\n# a note here\nrejects O\n", Options{},
			[]view{{"EU rejects", []ent{{"ORG", 0, 2}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readString(t, tt.src, tt.opts)
			assert.Equal(t, tt.want, views(t, r))
			assert.Empty(t, r.Warnings)
		})
	}
	// Past the look-ahead, a comment before the first token line still does not set the
	// column count.
	src := strings.Repeat("# comment of four columns\n", 20000) + "EU B-ORG\nrejects O\n"
	r := readString(t, src, Options{})
	assert.Equal(t, []view{{"EU rejects", []ent{{"ORG", 0, 2}}}}, views(t, r))
	assert.Empty(t, r.Warnings)
}

// Issue 12: a tag holding several tags is warned about once per distinct tag.
func TestSeveralTags(t *testing.T) {
	src := "Apple\tB-corporation,B-person\nrocks\tO\n\nApple\tB-corporation,B-person\n\nParis\tB-location|B-person\n\nX\tB-PER,LOC\n"
	r := readString(t, src, Options{Tab: true})
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.String())
	}
	assert.Equal(t, []string{
		`in.conll:1: warning: tag "B-corporation,B-person" holds several tags ("B-corporation", "B-person"); it is read as one entity type "corporation,B-person"`,
		`in.conll:6: warning: tag "B-location|B-person" holds several tags ("B-location", "B-person"); it is read as one entity type "location|B-person"`,
	}, got, "B-PER,LOC is one tag of type PER,LOC")
	assert.Len(t, r.Samples, 4)
}

// Issue 11: a record is rejected as soon as it cannot fit in a sample, and reading goes on.
func TestRecordBounds(t *testing.T) {
	// Entities whose labels alone pass the sample limit.
	var b strings.Builder
	for i := 0; b.Len() < 1_200_000; i++ {
		b.WriteString("a S-PER\n")
	}
	b.WriteString("\nnext B-LOC\n")
	r := readString(t, b.String(), Options{})
	require.NoError(t, r.Err)
	assert.Equal(t, []view{{"next", []ent{{"LOC", 0, 4}}}}, views(t, r))
	require.Len(t, r.Warnings, 2)
	assert.False(t, r.Warnings[0].Rejected, "the character-level notice")
	w := r.Warnings[1]
	assert.True(t, w.Rejected)
	assert.Contains(t, w.Reason, "entities pass 12582912 bytes of labels; a sample holds at most 12582912; sentence 1 (lines 1-")
	assert.Less(t, w.Pos.Line, 150_001, "rejected where the labels passed the limit")

	// A text that passes the limit is rejected at the line where it does.
	b.Reset()
	word := strings.Repeat("y", 999) + " O\n"
	for b.Len() < api.MaxSampleBytes+100_000 {
		b.WriteString(word)
	}
	b.WriteString("\nsmall B-PER\n")
	r = readString(t, b.String(), Options{})
	assert.Equal(t, []view{{"small", []ent{{"PER", 0, 5}}}}, views(t, r))
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, api.MaxSampleBytes/1000+1, r.Warnings[0].Pos.Line)
	assert.Contains(t, r.Warnings[0].Reason, "the text passes 12582912 bytes; a sample holds at most 12582912; sentence 1")

	// A line over the line limit rejects its sentence; the file goes on.
	in := io.MultiReader(strings.NewReader("a O\n"), &repeatReader{c: 'x', n: maxLine + 10<<20}, strings.NewReader(" O\nb O\n\nc B-PER\n"))
	r = importertest.Read(t, context.Background(), func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return ReadFrom(ctx, in, "in.conll", Options{Encoding: textenc.UTF8, Warn: warn})
	})
	require.NoError(t, r.Err)
	assert.Equal(t, []view{{"c", []ent{{"PER", 0, 1}}}}, views(t, r))
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, fmt.Sprintf("in.conll:2: rejected: the line is longer than %d bytes; sentence 1 (lines 1-3) not converted", maxLine), r.Warnings[0].String())
}

// The table of distinct tags is bounded: past maxTags, tags are still read, and said once.
func TestManyDistinctTags(t *testing.T) {
	var b strings.Builder
	for i := 0; i < maxTags+100; i++ {
		fmt.Fprintf(&b, "word B-T%d\n\n", i)
	}
	r := readString(t, b.String(), Options{})
	require.NoError(t, r.Err)
	assert.Len(t, r.Samples, maxTags+100)
	assert.Equal(t, "T10099", r.Samples[maxTags+99].Labels[0].Name)
	require.Len(t, r.Warnings, 1)
	assert.Contains(t, r.Warnings[0].Reason, "more than 10000 distinct tags")
}

// repeatReader reads n bytes c.
type repeatReader struct {
	c byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	p = p[:min(len(p), r.n)]
	for i := range p {
		p[i] = r.c
	}
	r.n -= len(p)
	return len(p), nil
}
