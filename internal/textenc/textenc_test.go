package textenc

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/modelarts-convert/convert/api"
)

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	require.NoError(t, err)
	return []byte(b)
}

func TestNewReader(t *testing.T) {
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("中文 text")
	tests := []struct {
		name    string
		in      []byte
		enc     Encoding
		want    string
		wantEnc Encoding
	}{
		{"plain ascii is utf-8", []byte("hello"), Auto, "hello", UTF8},
		{"utf-8 chinese", []byte("北京欢迎你"), Auto, "北京欢迎你", UTF8},
		{"utf-8 bom stripped", append([]byte{0xEF, 0xBB, 0xBF}, "a,b"...), Auto, "a,b", UTF8},
		{"bom stripped when utf-8 is forced", append([]byte{0xEF, 0xBB, 0xBF}, "a"...), UTF8, "a", UTF8},
		{"gbk detected as gb18030", gbk(t, "北京欢迎你"), Auto, "北京欢迎你", GB18030},
		{"gbk forced", gbk(t, "人民"), GBK, "人民", GBK},
		{"gb2312 forced", gbk(t, "人民"), GB2312, "人民", GB2312},
		{"utf-16le by bom", []byte(utf16le), Auto, "中文 text", UTF16LE},
		{"empty", nil, Auto, "", UTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, enc, err := NewReader(bytes.NewReader(tt.in), tt.enc)
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnc, enc)
			// One byte at a time proves runes split across reads are handled.
			got, err := io.ReadAll(iotest.OneByteReader(r))
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestUTF8SplitAcrossReads(t *testing.T) {
	text := strings.Repeat("汉字ab", 50000) // well past one buffer
	r, enc, err := NewReader(iotest.HalfReader(strings.NewReader(text)), UTF8)
	require.NoError(t, err)
	assert.Equal(t, UTF8, enc)
	got, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, text, string(got))
}

func TestInvalidUTF8LaterFails(t *testing.T) {
	in := append([]byte(strings.Repeat("a", 2<<20)), 0xFF, 'b')
	r, enc, err := NewReader(bytes.NewReader(in), Auto)
	require.NoError(t, err)
	assert.Equal(t, UTF8, enc, "the first MiB decides")
	_, err = io.ReadAll(r)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(2<<20), de.Offset)
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestInvalidGBKFails(t *testing.T) {
	_, _, err := Decode([]byte{'a', 0x81}, GBK)
	assert.ErrorIs(t, err, ErrInvalid)
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Encoding{"": Auto, "AUTO": Auto, "UTF8": UTF8, "utf-8": UTF8, "GBK": GBK, "cp936": GBK, "GB18030": GB18030, "gb2312": GB2312} {
		got, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := Parse("latin1")
	assert.Error(t, err)
}

func TestEncode(t *testing.T) {
	data, enc := Encode("人民", GBK, true)
	assert.Equal(t, gbk(t, "人民"), data)
	assert.Equal(t, api.EncodingGBK, enc)

	data, enc = Encode("人民", GB2312, true)
	assert.Equal(t, api.EncodingGB2312, enc)
	assert.Equal(t, gbk(t, "人民"), data)

	// 镕 is in GBK but not in GB2312, so a GB2312 file holding it is declared GBK.
	_, enc = Encode("朱镕基", GB2312, true)
	assert.Equal(t, api.EncodingGBK, enc)

	data, enc = Encode("人民", GBK, false)
	assert.Equal(t, []byte("人民"), data)
	assert.Equal(t, api.EncodingUTF8, enc)

	// An emoji has no GBK form: the sample stays UTF-8.
	data, enc = Encode("a😀", GB18030, true)
	assert.Equal(t, []byte("a😀"), data)
	assert.Equal(t, api.EncodingUTF8, enc)
}

// A reader asked for fewer bytes than a rune takes still delivers, and a line far longer than
// any buffer passes through bufio.ReadSlice-style readers.
func TestUTF8TinyReads(t *testing.T) {
	text := "a汉" + strings.Repeat("字", 40000) + "\n"
	r, _, err := NewReader(strings.NewReader(text), UTF8)
	require.NoError(t, err)
	inner := r.(*bufio.Reader)
	_ = inner
	var got []byte
	buf := make([]byte, 3)
	for {
		n, err := r.Read(buf[:1+len(got)%3])
		got = append(got, buf[:n]...)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	assert.Equal(t, text, string(got))

	u := &utf8Reader{r: strings.NewReader(text)}
	long, err := io.ReadAll(iotest.OneByteReader(u))
	require.NoError(t, err)
	assert.Equal(t, text, string(long))
}
