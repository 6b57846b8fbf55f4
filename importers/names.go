package importers

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// unsafeInName are the characters SafeName replaces besides control characters: those the
// API forbids in names (! < > = & " '), the path separators (the service stores a sample as
// a file under its name) and ':' (no file-name character on Windows, where datasets are
// downloaded).
const unsafeInName = `!<>=&"'/\:`

// SafeName makes s (a file name, say) usable as the stem of generated sample names: every
// character the API forbids in a name, a path separator, ':', a control character (NUL, Tab,
// a line end, DEL, C1), a line or paragraph separator (U+2028, U+2029) and every byte of
// invalid UTF-8 becomes '_'. It is cut to maxRunes characters when maxRunes > 0. Every
// importer names its samples through it, so the rule is the same for all formats.
func SafeName(s string, maxRunes int) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if !clean {
		var b strings.Builder
		b.Grow(len(s))
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unsafeRune(r) {
				b.WriteByte('_')
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		s = b.String()
	}
	if maxRunes > 0 && utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	return s
}

// unsafeRune reports whether r may not appear in a generated name (utf8.RuneError stands
// for a byte of invalid UTF-8; a literal U+FFFD is replaced too, harmlessly).
func unsafeRune(r rune) bool {
	return r == utf8.RuneError || unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
		r < utf8.RuneSelf && strings.IndexByte(unsafeInName, byte(r)) >= 0
}
