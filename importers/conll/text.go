package conll

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Join says how tokens are joined into a sample's text.
type Join string

// Joins.
const (
	// JoinAuto looks at the file's first tokens: when (nearly) all are one character, the
	// file is character-level (MSRA, Weibo NER, Resume NER) and its tokens are joined with
	// nothing, digits and Latin letters included ("1945年"). Otherwise it puts one space
	// between two tokens, except where the characters on both sides of the join are CJK (Han
	// ideographs, kana, CJK symbols and punctuation, full-width forms).
	JoinAuto  Join = "auto"
	JoinSpace Join = "space" // always one space
	JoinNone  Join = "none"  // no separator at all
)

// ParseJoin reads a -join value.
func ParseJoin(s string) (Join, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return JoinAuto, nil
	case "space":
		return JoinSpace, nil
	case "none":
		return JoinNone, nil
	}
	return "", fmt.Errorf("unknown join %q (want auto|space|none)", s)
}

// Group says what one sample holds.
type Group string

// Groups.
const (
	GroupSentence Group = "sentence" // one sample per sentence
	GroupDocument Group = "document" // one per -DOCSTART- document, sentences joined by "\n"
)

// ParseGroup reads a -group value.
func ParseGroup(s string) (Group, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "sentence":
		return GroupSentence, nil
	case "document", "doc":
		return GroupDocument, nil
	}
	return "", fmt.Errorf("unknown group %q (want sentence|document)", s)
}

// Offsets says what unit @modelarts:start_index and end_index count.
type Offsets string

// Offset units.
const (
	OffsetsCodePoints Offsets = "codepoint" // Unicode code points (the default)
	OffsetsUTF16      Offsets = "utf16"     // UTF-16 code units (differs past the BMP: an emoji counts 2)
)

// ParseOffsets reads an -offsets value.
func ParseOffsets(s string) (Offsets, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "codepoint", "codepoints", "code-point", "rune", "runes", "char", "chars":
		return OffsetsCodePoints, nil
	case "utf16", "utf-16":
		return OffsetsUTF16, nil
	}
	return "", fmt.Errorf("unknown offsets %q (want codepoint|utf16)", s)
}

// isCJK reports whether r is a character that CJK text writes without spaces around it:
// a Han ideograph, kana, CJK symbols and punctuation (U+3000..U+303F), or a full-width or
// half-width form (U+FF00..U+FFEF, less the half-width Hangul, since Korean is written
// with spaces).
func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x3000 && r <= 0x30FF: // CJK symbols and punctuation, hiragana, katakana
		return true
	case r >= 0x31F0 && r <= 0x31FF: // katakana phonetic extensions
		return true
	case r >= 0xFF00 && r <= 0xFF9F, r >= 0xFFE0 && r <= 0xFFE6: // full-width forms, half-width katakana
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// needSpace reports whether -join auto puts a space between a token ending in last and one
// starting with the bytes of next.
func needSpace(last rune, next []byte) bool {
	if last < utf8.RuneSelf || len(next) == 0 || next[0] < utf8.RuneSelf {
		return true
	}
	r, _ := utf8.DecodeRune(next)
	return !(isCJK(last) && isCJK(r))
}

// lastRune returns the last rune of b (ASCII fast path).
func lastRune(b []byte) rune {
	if n := len(b); n > 0 && b[n-1] < utf8.RuneSelf {
		return rune(b[n-1])
	}
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// length returns the length of valid UTF-8 text in code points, or in UTF-16 units: a code
// point is every byte that is not a continuation byte, and a code point past the BMP (a
// four-byte sequence, lead byte 0xF0 and up) counts twice in UTF-16.
func length(b []byte, utf16 bool) int {
	n := 0
	if utf16 {
		for _, c := range b {
			if c&0xC0 != 0x80 {
				n++
			}
			if c >= 0xF0 {
				n++
			}
		}
		return n
	}
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// singleChar reports whether a token is one character as a reader sees it: one code point,
// with any combining marks, variation selectors, emoji modifiers or tag characters after
// it, ZWJ-joined emoji, or a pair of regional indicators (a flag).
func singleChar(b []byte) bool {
	r, n := utf8.DecodeRune(b)
	if n == 0 {
		return false
	}
	prev := r
	for i := n; i < len(b); {
		c, m := utf8.DecodeRune(b[i:])
		switch {
		case prev == 0x200D: // anything after a zero-width joiner joins
		case c == 0x200D, c >= 0x1F3FB && c <= 0x1F3FF, c >= 0xE0020 && c <= 0xE007F:
		case c >= 0x300 && unicode.In(c, unicode.Mn, unicode.Me, unicode.Mc):
		case i == n && isRegional(r) && isRegional(c):
		default:
			return false
		}
		prev = c
		i += m
	}
	return true
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
