// Package jsonlex is the one JSON lexer of the project: a cursor over a JSON text in memory
// that reads its tokens (white space, punctuation, strings, numbers, literals) and skips
// whole values, without building anything. Package api builds its label-property values on
// it (parsing bytes encoding/json has not checked: it reports every fault with its offset);
// the COCO importer finds and checks each array element of its input with ScanValue (a
// validating scanner that accepts exactly what encoding/json accepts, several times as fast
// as its Decoder), then reads element members, segmentations and number arrays with the
// Lexer (bytes ScanValue has checked, so it takes the fast paths: SkipValue, Key).
//
// It is a leaf package (the standard library only), so that api may use it.
package jsonlex

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// Lexer reads the JSON text B from offset I.
type Lexer struct {
	B []byte
	I int
}

// Space moves past JSON white space.
func (l *Lexer) Space() {
	for l.I < len(l.B) {
		switch l.B[l.I] {
		case ' ', '\t', '\n', '\r':
			l.I++
		default:
			return
		}
	}
}

// Peek returns the byte at I, or 0 at the end.
func (l *Lexer) Peek() byte {
	if l.I < len(l.B) {
		return l.B[l.I]
	}
	return 0
}

// Consume moves past c when it is the byte at I.
func (l *Lexer) Consume(c byte) bool {
	if l.Peek() == c {
		l.I++
		return true
	}
	return false
}

// Open moves past the '{' or '[' at I and any space after it, and reports whether the object
// or array is empty (its closing byte close is then consumed too).
func (l *Lexer) Open(close byte) (empty bool) {
	l.I++
	l.Space()
	return l.Consume(close)
}

// Next reads, after a member or element and any space, the separator ',' (more is true) or
// the closing byte close (more is false). At the end of the text problem is end (the caller
// names the end: of the input, of the line); at any other byte it says what was expected.
func (l *Lexer) Next(close byte, end string) (more bool, problem string) {
	l.Space()
	if l.I >= len(l.B) {
		return false, end
	}
	switch l.B[l.I] {
	case ',':
		l.I++
		return true, ""
	case close:
		l.I++
		return false, ""
	}
	return false, fmt.Sprintf("expected ',' or '%c'", close)
}

// String problems.
const (
	ErrUnterminated = "unterminated string"
	ErrControl      = "control character in string"
)

// String moves past the string token at I (which starts with '"') and returns it, quotes
// included, with whether it holds an escape; problem is ErrUnterminated or ErrControl when
// the token is not one (I is then at the fault, or at or past the end). Escapes are only skipped: see
// Unquote.
func (l *Lexer) String() (raw []byte, escaped bool, problem string) {
	// The cursor is kept in a local (not l.I, a store each byte) and the plain bytes passed
	// by a table (strSpecial: the quote, the backslash, the control characters).
	b, start := l.B, l.I
	i := start + 1 // "
	for {
		for i < len(b) && !strSpecial[b[i]] {
			i++
		}
		if i >= len(b) {
			l.I = i
			return nil, escaped, ErrUnterminated
		}
		switch b[i] {
		case '\\':
			escaped = true
			i += 2
		case '"':
			l.I = i + 1
			return b[start : i+1], escaped, ""
		default:
			l.I = i
			return nil, escaped, ErrControl
		}
	}
}

// Unquote returns the text of a string token raw (quotes included) that holds escapes, by
// encoding/json's rules (which also turn invalid UTF-8 into U+FFFD).
func Unquote(raw []byte) (string, error) {
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

// Key reads an object key in a checked text: the string's bytes as they stand (invalid
// UTF-8 kept), or, when it holds escapes, its unescaped text in a new slice.
func (l *Lexer) Key() ([]byte, bool) {
	if l.Peek() != '"' {
		return nil, false
	}
	raw, escaped, problem := l.String()
	if problem != "" {
		return nil, false
	}
	if !escaped {
		return raw[1 : len(raw)-1], true
	}
	s, err := Unquote(raw)
	return []byte(s), err == nil
}

// IsNumberByte reports whether c may stand in a number literal (a span of such bytes is a
// number candidate; api.IsNumberLiteral says whether it is one).
func IsNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// Number moves past the bytes that may make a number literal and returns them (empty when
// there are none).
func (l *Lexer) Number() []byte {
	b, start := l.B, l.I
	i := start
	for i < len(b) && numberByte[b[i]] {
		i++
	}
	l.I = i
	return b[start:i]
}

// numberByte is IsNumberByte as a table.
var numberByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = IsNumberByte(byte(c))
	}
	return t
}()

// Literal moves past word (true, false, null) when it stands at I.
func (l *Lexer) Literal(word string) bool {
	if len(l.B)-l.I < len(word) || string(l.B[l.I:l.I+len(word)]) != word {
		return false
	}
	l.I += len(word)
	return true
}

// SkipValue moves past one value of a checked text (one encoding/json accepts): it finds
// where the value ends, it does not check it.
func (l *Lexer) SkipValue() bool {
	switch l.Peek() {
	case '{', '[':
		return l.SkipContainer()
	case '"':
		l.I++
		for l.I < len(l.B) {
			switch l.B[l.I] {
			case '\\':
				l.I += 2
				continue
			case '"':
				l.I++
				return true
			}
			l.I++
		}
		return false
	}
	start := l.I
	for l.I < len(l.B) {
		c := l.B[l.I]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		l.I++
	}
	return l.I > start
}

// structural marks the bytes SkipContainer stops at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// SkipContainer moves past one object or array of a checked text, counting brackets outside
// strings. Between them it goes eight bytes at a time (a COCO segmentation is thousands of
// bytes of numbers).
func (l *Lexer) SkipContainer() bool {
	depth := 0
	b := l.B
	for i := l.I; i < len(b); i++ {
		for i+8 <= len(b) && !anyStructural(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		if i >= len(b) {
			break
		}
		if !structural[b[i]] {
			continue
		}
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				l.I = i + 1
				return true
			}
		}
	}
	l.I = len(b)
	return false
}

// anyStructural reports whether one of the eight bytes in x may be a byte SkipContainer
// stops at ('"', '[', ']', '{', '}'). x|0x20 turns '[' into '{' and ']' into '}' (and
// nothing else into either); it leaves '"' and makes it of 0x02 too, a control character,
// which the byte-by-byte look that follows passes over. A byte equal to c is a zero byte of
// x^c, which zero finds.
func anyStructural(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	x |= 0x20 * ones
	return zero(x^('{'*ones))|zero(x^('}'*ones))|zero(x^('"'*ones)) != 0
}

// Kind names the kind of JSON value that starts with c, for messages.
func Kind(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
