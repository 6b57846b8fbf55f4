package textenc

import (
	"encoding/binary"
	"unicode/utf8"
)

// validUTF8 is utf8.Valid for the text this package reads: mostly ASCII and CJK. It takes
// ASCII eight bytes at a time wherever it is (utf8.Valid does only before the first
// non-ASCII byte), accepts a three-byte character whose lead byte allows any continuation
// bytes (E1-EC, EE, EF: most of the BMP, all of CJK) on two masks, and leaves every other
// character to utf8.DecodeRune.
func validUTF8(p []byte) bool {
	const high = 0x8080808080808080
	i, n := 0, len(p)
	for i < n {
		c := p[i]
		if c < utf8.RuneSelf {
			i++
			for i+8 <= n && binary.LittleEndian.Uint64(p[i:])&high == 0 {
				i += 8
			}
			continue
		}
		if i+3 <= n && c-0xE1 <= 0xEF-0xE1 && c != 0xED && p[i+1]&0xC0 == 0x80 && p[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
	}
	return true
}
