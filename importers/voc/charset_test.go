package voc

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// referencePrepare is prepare written straight on x/text and unicode/utf8 (what VOC did
// before it shared textenc's detector).
func referencePrepare(data []byte) ([]byte, bool) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		dec, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			return dec, false
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) || declaresEncoding(data) {
		return data, false
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return data, false
	}
	return dec, true
}

// FuzzPrepare: the XML reader's charset handling, on the shared detector, gives what x/text
// and utf8 give directly.
func FuzzPrepare(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("<annotation><name>狗</name></annotation>\n")
	for _, s := range []string{gbk, "\xef\xbb\xbf<a>狗</a>", "\xff\xfe<\x00a\x00>\x00", "\xfe\xff\x00<", "<?xml version=\"1.0\" encoding=\"gbk\"?><a>\xb9\xb7</a>", "<a>\xef\xbb\xbf\xb9</a>", "<a>你\n\xb9\xb7</a>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantRecoded := referencePrepare(bytes.Clone(data))
		got, recoded := prepare(bytes.Clone(data))
		require.Equal(t, wantRecoded, recoded, "%q", data)
		require.Equal(t, want, got, "%q", data)
	})
}
