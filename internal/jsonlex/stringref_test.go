package jsonlex

import (
	"bytes"
	"testing"
)

// stringReference is Lexer.String as it was before it kept its cursor in a local and passed
// plain bytes by a table (commit 2a53942), kept to check the new one against.
func (l *Lexer) stringReference() (raw []byte, escaped bool, problem string) {
	start := l.I
	l.I++ // "
	for l.I < len(l.B) {
		switch c := l.B[l.I]; {
		case c == '\\':
			escaped = true
			l.I += 2
			continue
		case c == '"':
			l.I++
			return l.B[start:l.I], escaped, ""
		case c < 0x20:
			return nil, escaped, ErrControl
		}
		l.I++
	}
	return nil, escaped, ErrUnterminated
}

// checkString compares String with the reference from every '"' in b: the token, the
// escape flag, the problem and where the cursor is left, on success or not.
func checkString(t *testing.T, b []byte) {
	t.Helper()
	for i, c := range b {
		if c != '"' {
			continue
		}
		l1, l2 := Lexer{B: b, I: i}, Lexer{B: b, I: i}
		r1, e1, p1 := l1.String()
		r2, e2, p2 := l2.stringReference()
		if !bytes.Equal(r1, r2) || (r1 == nil) != (r2 == nil) || e1 != e2 || p1 != p2 || l1.I != l2.I {
			t.Fatalf("String of %q at %d = %q, %v, %q, I %d; the reference %q, %v, %q, I %d", b, i, r1, e1, p1, l1.I, r2, e2, p2, l2.I)
		}
	}
}

var stringCases = []string{
	`""`, `"a"`, `"segmentation"`, `"a\"b"`, `"a\\"`, `"\u00e9x"`, `"x\`, `"x\"`, `"x`, "\"a\x01b\"", "\"a\x1f\"",
	"\"\xff\xfe\"", `{"a":"b","c\n":"d"}`, `"\\\\\"`, `"a\`, `"` + string(bytes.Repeat([]byte("xy"), 100)) + `"`,
}

func TestStringMatchesReference(t *testing.T) {
	for _, c := range stringCases {
		for cut := 0; cut <= len(c); cut++ {
			checkString(t, []byte(c[:cut]))
		}
	}
}

func FuzzStringMatchesReference(f *testing.F) {
	for _, c := range stringCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkString(t, b) })
}

// TestNumberMatchesIsNumberByte checks Number's table against IsNumberByte: every byte value
// after a run of number bytes, from every start.
func TestNumberMatchesIsNumberByte(t *testing.T) {
	for c := range 256 {
		b := []byte("-12.5e+7" + string(rune(0)) + "9")
		b[8] = byte(c)
		for i := range b {
			want := i
			for want < len(b) && IsNumberByte(b[want]) {
				want++
			}
			l := Lexer{B: b, I: i}
			if n := l.Number(); l.I != want || len(n) != want-i {
				t.Fatalf("Number of %q from %d ends at %d, want %d", b, i, l.I, want)
			}
		}
	}
}
