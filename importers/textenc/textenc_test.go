package textenc

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

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
	assert.Equal(t, UTF8, enc, "ASCII so far")
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

// readAll reads d with reads of varied small sizes, so runes and CRLFs fall across reads.
func readAll(t *testing.T, d io.Reader) []byte {
	t.Helper()
	var got []byte
	buf := make([]byte, 7)
	for i := 0; ; i++ {
		n, err := d.Read(buf[:1+i%7])
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got
		}
		require.NoError(t, err)
	}
}

func TestMixedEncodings(t *testing.T) {
	ascii := strings.Repeat("ascii line\n", (2<<20)/11) // past the sniff window
	asciiLines := strings.Count(ascii, "\n")
	cases := []struct {
		name            string
		in              []byte
		enc             Encoding
		wantEnc         Encoding
		utf8, other     int // the lines Mixed names; 0, 0 for no mix
		wantText        string
		valid, notValid []byte
	}{
		{name: "UTF-8 line then a GBK line", in: cat([]byte("你好,a\n"), gbk(t, "你好,b"), []byte("\n")),
			enc: Auto, wantEnc: UTF8, utf8: 1, other: 2, valid: []byte("你好"), notValid: gbk(t, "你好")},
		{name: "GBK line first, CR-only line ends", in: cat([]byte("x\r"), gbk(t, "你好"), []byte("\r\r你好\r")),
			enc: Auto, wantEnc: UTF8, utf8: 4, other: 2},
		{name: "CRLF line ends", in: cat([]byte("x\r\n你好\r\n"), gbk(t, "你好"), []byte("\r\n")),
			enc: Auto, wantEnc: UTF8, utf8: 2, other: 3},
		{name: "GBK line after the sniff window", in: cat([]byte("你好\n"), []byte(ascii), gbk(t, "再见"), []byte("\n")),
			enc: Auto, wantEnc: UTF8, utf8: 1, other: asciiLines + 2},
		{name: "a GBK line that is valid UTF-8 by chance decides nothing", in: gbk(t, "说\n你好\n"), enc: Auto, wantEnc: GB18030, wantText: "说\n你好\n"},
		{name: "all GBK is GB18030, no mix", in: cat(gbk(t, "你好\n再见\n")), enc: Auto, wantEnc: GB18030, wantText: "你好\n再见\n"},
		{name: "ASCII for more than the window, then GBK: GB18030", in: cat([]byte(ascii), gbk(t, "再见\n")),
			enc: Auto, wantEnc: GB18030, wantText: ascii + "再见\n"},
		{name: "a UTF-8 BOM and a GBK line", in: cat([]byte("\xEF\xBB\xBFa\n"), gbk(t, "再见")), enc: Auto, wantEnc: UTF8, utf8: 1, other: 2},
		{name: "-encoding gbk overrides", in: cat([]byte("你好\n"), gbk(t, "再见")), enc: GBK, wantEnc: GBK, wantText: "浣犲ソ\n再见"},
		{name: "UTF-8 only", in: []byte("你好\n😀\n"), enc: Auto, wantEnc: UTF8, wantText: "你好\n😀\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := NewDecoder(bytes.NewReader(c.in), c.enc)
			require.NoError(t, err)
			got := readAll(t, d)
			assert.Equal(t, c.wantEnc, d.Encoding())
			u, o, mixed := d.Mixed()
			assert.Equal(t, c.other > 0, mixed)
			if mixed {
				assert.Equal(t, [2]int{c.utf8, c.other}, [2]int{u, o})
			}
			if mixed {
				assert.Equal(t, string(bytes.TrimPrefix(c.in, []byte("\xEF\xBB\xBF"))), string(got), "a mixed file passes through as it is")
				w := d.MixedWarning()
				assert.Contains(t, w, fmt.Sprintf("line %d is UTF-8, line %d is not", c.utf8, c.other))
				assert.Empty(t, d.MixedWarning(), "once")
				if c.notValid != nil {
					assert.True(t, d.Valid(c.valid))
					assert.False(t, d.Valid(c.notValid))
				}
			} else {
				assert.Equal(t, c.wantText, string(got))
				assert.Empty(t, d.MixedWarning())
				assert.True(t, d.Valid([]byte{0xFF}), "nothing to check in a file that is not mixed")
			}
		})
	}
}

func TestMixedIsAnErrorForNewReader(t *testing.T) {
	in := cat([]byte("你好\n"), gbk(t, "再见"))
	r, enc, err := NewReader(bytes.NewReader(in), Auto)
	require.NoError(t, err)
	assert.Equal(t, UTF8, enc)
	got, err := io.ReadAll(r)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, int64(len("你好\n")), de.Offset)
	assert.Equal(t, "你好\n", string(got))
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// FuzzDecoder: auto detection never panics; text it reads as UTF-8 passes through byte for
// byte (less a BOM) and is valid unless the file is mixed; Mixed names lines of the input.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte("你好\n\xd4\xd9\xbc\xfb\n"))
	f.Add([]byte("\xef\xbb\xbfa\r\xcb\xb5\r\n"))
	f.Add([]byte("abc\xe4\xbd"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := NewDecoder(iotest.HalfReader(bytes.NewReader(in)), Auto)
		require.NoError(t, err)
		out, err := io.ReadAll(d)
		u, o, mixed := d.Mixed()
		if d.Encoding() == UTF8 {
			require.NoError(t, err)
			require.Equal(t, bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF")), out)
			if !mixed {
				require.True(t, utf8.Valid(out), "%q", in)
			}
		}
		if mixed {
			cr := false
			lines := CountLines(in, &cr) + 1
			require.True(t, u >= 1 && u <= lines && o >= 1 && o <= lines, "lines %d, %d of %d", u, o, lines)
		}
	})
}

// TestAppendEncodeMatchesEncode checks AppendEncode against Encode on texts GBK can hold,
// texts only GB18030 or nothing can (emoji), GB2312 and GBK-only characters, long texts and
// bytes that are not UTF-8, for every source encoding, appending to a non-empty slice.
func TestAppendEncodeMatchesEncode(t *testing.T) {
	pieces := []string{"abc", "中文", "，。", "丂", "€", "😀", "é", "\xff", "\xe4\xb8", "\n", strings.Repeat("长文本", 300)}
	r := rand.New(rand.NewPCG(9, 2026))
	for range 500 {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		for _, src := range []Encoding{UTF8, GBK, GB18030, GB2312, UTF16LE} {
			for _, keep := range []bool{false, true} {
				want, wantEnc := Encode(text, src, keep)
				got, gotEnc := AppendEncode([]byte("prefix"), []byte(text), src, keep)
				require.Equal(t, "prefix"+string(want), string(got), "%q from %s, keep %v", text, src, keep)
				require.Equal(t, wantEnc, gotEnc, "%q from %s, keep %v", text, src, keep)
			}
		}
	}
}
