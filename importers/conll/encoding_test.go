package conll

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// A file with UTF-8 sentences and a GBK sentence: read as UTF-8, the GBK sentence rejected
// with its line, one warning naming the first line of each kind. (Decoding it all as
// GB18030 turned 你好 into 浣犲ソ.)
func TestMixedEncodingsRejectTheOtherRecords(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("再 B-LOC\n见 I-LOC\n")
	require.NoError(t, err)
	src := "你 B-PER\n好 O\n\n" + gbk + "\n谢 O\n"
	r := readString(t, src, Options{})
	assert.Equal(t, []view{{"你好", []ent{{"PER", 0, 1}}}, {"谢", nil}}, views(t, r))
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.String())
	}
	require.Len(t, got, 2)
	assert.Contains(t, got[0], "in.conll:4: warning: the file mixes encodings: line 1 is UTF-8, line 4 is not")
	assert.Contains(t, got[1], "in.conll:4: rejected: "+textenc.ErrNotUTF8)

	// -encoding gbk reads it all as GBK (the UTF-8 sentences are then mojibake or invalid).
	r = readString(t, "a O\n\n"+gbk, Options{Encoding: textenc.GBK})
	assert.Equal(t, []view{{"a", nil}, {"再见", []ent{{"LOC", 0, 2}}}}, views(t, r))
}

// Generated names never hold ':' or control characters (importers.SafeName).
func TestNamesAreSafe(t *testing.T) {
	ss, err := importers.Collect(ReadFrom(context.Background(), strings.NewReader("a O\n"), "dir/a:b\x00\n.conll", Options{}))
	require.NoError(t, err)
	require.Len(t, ss, 1)
	assert.Equal(t, "a_b__.conll-000001.txt", ss[0].Name)
}
