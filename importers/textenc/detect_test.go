package textenc

import (
	"bytes"
	"io"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// FuzzDetect checks the charset detector against its references: x/text's BOM sniffing
// (unicode.BOMOverride) for the byte order mark, utf8.Valid for "no line is not UTF-8", and,
// for a small input (under the stream's 1 MiB window), the streaming decoder's own decision.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("你好\n\xd4\xd9\xbc\xfb\n"))
	f.Add([]byte("\xef\xbb\xbfa\r\xcb\xb5\r\n"))
	f.Add([]byte("\xff\xfea\x00"))
	f.Add([]byte("\xfe\xff\x00a"))
	f.Add([]byte("abc\xe4\xbd"))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := Detect(in)

		// The BOM, as x/text reads it: BOMOverride consumes a BOM and decodes by it.
		viaXText, _, err := transform.Bytes(unicode.BOMOverride(transform.Nop), in)
		if d.BOMLen == 0 {
			require.NoError(t, err)
			require.Equal(t, in, viaXText, "x/text saw a BOM Detect did not")
		} else {
			var want []byte
			switch d.Encoding {
			case UTF8:
				want = in[3:]
			case UTF16LE:
				want, _ = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder().Bytes(in[2:])
			case UTF16BE:
				want, _ = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder().Bytes(in[2:])
			default:
				t.Fatalf("BOM of %d bytes for %s", d.BOMLen, d.Encoding)
			}
			if err == nil && utf8.Valid(want) {
				require.Equal(t, want, viaXText)
			}
		}

		// Lines: OtherLine is 0 exactly when the text after any UTF-8 BOM is valid UTF-8.
		if d.Encoding != UTF16LE && d.Encoding != UTF16BE {
			require.Equal(t, utf8.Valid(in[d.BOMLen:]), d.OtherLine == 0, "%q", in)
			if d.Encoding == GB18030 {
				require.Zero(t, d.UTF8Line)
				// and x/text decodes it without failing
				_, err := io.ReadAll(transform.NewReader(bytes.NewReader(in), simplifiedchinese.GB18030.NewDecoder()))
				require.NoError(t, err)
			}
		}

		// The stream decides the same (its window covers all of a small input).
		dec, err := NewDecoder(bytes.NewReader(in), Auto)
		require.NoError(t, err)
		io.Copy(io.Discard, dec)
		got := dec.Encoding()
		if d.BOMLen == 0 && d.OtherLine == 0 && d.Encoding == UTF8 {
			require.Equal(t, UTF8, got) // ASCII only reads as UTF8 too
		} else {
			require.Equal(t, d.Encoding, got, "%q", in)
		}
		if d.BOMLen == 0 {
			u, o, mixed := dec.Mixed()
			require.Equal(t, d.Mixed(), mixed)
			if mixed {
				require.Equal(t, [2]int{d.UTF8Line, d.OtherLine}, [2]int{u, o})
			}
		}
	})
}
