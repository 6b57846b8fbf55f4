package jsonlex

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// reference walks b with encoding/json (the lexer's reference): the raw top-level value
// and, when it is an object, its keys with their raw values.
func reference(b []byte) (value []byte, keys []string, values [][]byte) {
	var raw json.RawMessage
	if json.Unmarshal(b, &raw) != nil {
		return nil, nil, nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if t, _ := d.Token(); t != json.Delim('{') {
		return raw, nil, nil
	}
	for d.More() {
		k, _ := d.Token()
		var v json.RawMessage
		d.Decode(&v)
		keys = append(keys, k.(string))
		values = append(values, v)
	}
	return raw, keys, values
}

func TestLexer(t *testing.T) {
	for _, in := range []string{
		` {"a": [1, -2.5e3, "x\"]"], "b\u00e9": {"c": null}, "d": true} `,
		`"plain"`, `[]`, `{}`, `-0.1e-9`, `{"\ud83d\ude00": "\\"}`,
	} {
		checkAgainstReference(t, []byte(in))
	}
}

// FuzzLexer: on every text encoding/json accepts, SkipValue ends where encoding/json's value
// does, Key reads the keys encoding/json reads (for valid UTF-8), and String finds the
// same string tokens.
func FuzzLexer(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"}"}],"c\n":"\u0041"}`, `[1e5,"x",null]`, `"\""`, `{"k":"v","k":1}`, `{"segmentation":[[100.25,200.5,300,400,500,600.75,700,800]],"counts":"ab]}{\"cd","x":[{"y":[1,2,3,4,5,6,7,8,9]}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			// Never panics, whatever it is given.
			l := Lexer{B: b}
			l.Space()
			l.SkipValue()
			l = Lexer{B: b}
			l.Space()
			if l.Peek() == '"' {
				l.String()
			}
			return
		}
		checkAgainstReference(t, b)
	})
}

func checkAgainstReference(t *testing.T, b []byte) {
	raw, keys, values := reference(b)
	require.NotNil(t, raw, "%q", b)
	l := Lexer{B: b}
	l.Space()
	start := l.I
	require.True(t, l.SkipValue(), "%q", b)
	require.Equal(t, string(raw), string(b[start:l.I]))
	l.Space()
	require.Equal(t, len(b), l.I)

	if keys == nil {
		return
	}
	l = Lexer{B: b, I: start}
	require.Equal(t, len(keys) == 0, l.Open('}'))
	for i := range keys {
		l.Space()
		at := l.I
		k, ok := l.Key()
		require.True(t, ok)
		rawKey := b[at:l.I]
		if utf8.Valid(rawKey) {
			require.Equal(t, keys[i], string(k))
		}
		// String sees the same token, and agrees on its escapes.
		s := Lexer{B: b, I: at}
		tok, escaped, problem := s.String()
		require.Empty(t, problem)
		require.Equal(t, rawKey, tok)
		require.Equal(t, bytes.IndexByte(tok, '\\') >= 0, escaped)
		l.Space()
		require.True(t, l.Consume(':'))
		l.Space()
		vs := l.I
		require.True(t, l.SkipValue())
		require.Equal(t, string(values[i]), string(b[vs:l.I]))
		if c := b[vs]; c == '-' || c >= '0' && c <= '9' {
			n := Lexer{B: b, I: vs}
			require.Equal(t, string(values[i]), string(n.Number()))
		}
		more, problem := l.Next('}', "end")
		require.Empty(t, problem)
		require.Equal(t, i < len(keys)-1, more)
	}
	l.Space()
	require.Equal(t, len(b), l.I)
	end := Lexer{B: b, I: len(b)} // at the end of the text
	_, problem := end.Next('}', "the end")
	require.Equal(t, "the end", problem)
}

// TestAnyStructural checks the eight-byte test against a byte-by-byte look: every byte
// value in every position, alone among plain bytes.
func TestAnyStructural(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			var b [8]byte
			copy(b[:], "12345.67")
			b[pos] = byte(c)
			want := false
			for _, v := range b {
				want = want || structural[v]
			}
			got := anyStructural(binary.LittleEndian.Uint64(b[:]))
			if want && !got {
				t.Fatalf("%q: a structural byte passed over", b)
			}
			if got && !want && byte(c) != 0x02 {
				t.Fatalf("%q: no structural byte, but anyStructural says so", b)
			}
		}
	}
}
