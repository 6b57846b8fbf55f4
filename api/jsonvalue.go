package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// parseObject reads one JSON object into a map whose numbers are json.Number, the same
// values a json.Decoder with UseNumber gives, without the decoder: encoding/json has already
// checked the bytes before it calls UnmarshalJSON, and building a Decoder for every label
// made decoding request bodies several times slower than everything else.
func parseObject(b []byte) (map[string]any, error) {
	p := valueParser{Lexer: jsonlex.Lexer{B: b}, maxDepth: maxDepth}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.I != len(p.B) {
		return nil, p.errorf("trailing data")
	}
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case nil:
		return nil, nil
	}
	return nil, errors.New("not a JSON object")
}

// valueParser builds values on the shared JSON lexer; unlike the COCO importer, which reads
// bytes a json.Decoder has checked, it checks everything and says where it failed.
type valueParser struct {
	jsonlex.Lexer
	// depth is how deep the value at I is nested; past maxDepth the parser stops with an
	// error rather than recurse on.
	depth, maxDepth int
}

func (p *valueParser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.I, fmt.Sprintf(format, args...))
}

func (p *valueParser) space() { p.Space() }

func (p *valueParser) value() (any, error) {
	if p.I >= len(p.B) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.B[p.I]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		raw := p.Number()
		if v, ok := smallInt(raw); ok {
			return boxedInts[v], nil
		}
		n := string(raw)
		if !IsNumberLiteral(n) {
			return nil, p.errorf("invalid number %q", n)
		}
		return json.Number(n), nil
	}
	return nil, p.errorf("unexpected character %q", p.B[p.I])
}

func (p *valueParser) literal(word string) error {
	if !p.Literal(word) {
		return p.errorf("invalid literal")
	}
	return nil
}

func (p *valueParser) object() (any, error) {
	if p.depth++; p.depth > p.maxDepth {
		return nil, p.errorf("nested too deep")
	}
	defer func() { p.depth-- }()
	m := make(map[string]any)
	if p.Open('}') {
		return m, nil
	}
	for {
		p.space()
		if p.Peek() != '"' {
			return nil, p.errorf("expected a key")
		}
		keyAt := p.I
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if !p.Consume(':') {
			return nil, p.errorf("expected ':'")
		}
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			// Keeping either value would lose the other without a word.
			p.I = keyAt
			return nil, p.errorf("key %q repeats", k)
		}
		m[k] = v
		if more, problem := p.Next('}', "unexpected end of input"); !more {
			if problem != "" {
				return nil, p.errorf("%s", problem)
			}
			return m, nil
		}
	}
}

func (p *valueParser) array() (any, error) {
	if p.depth++; p.depth > p.maxDepth {
		return nil, p.errorf("nested too deep")
	}
	defer func() { p.depth-- }()
	a := make([]any, 0, 2)
	if p.Open(']') {
		return a, nil
	}
	for {
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if more, problem := p.Next(']', "unexpected end of input"); !more {
			if problem != "" {
				return nil, p.errorf("%s", problem)
			}
			return a, nil
		}
	}
}

// str reads a string. Strings without escapes (nearly all) are sliced directly; the rest go
// through encoding/json, which knows every escape.
func (p *valueParser) str() (string, error) {
	raw, escaped, problem := p.String()
	if problem != "" {
		return "", p.errorf("%s", problem)
	}
	if !escaped && utf8.Valid(raw) {
		return internString(raw[1 : len(raw)-1]), nil
	}
	// Escapes, or invalid UTF-8 (which encoding/json turns into U+FFFD).
	s, err := jsonlex.Unquote(raw)
	if err != nil {
		return "", p.errorf("invalid string: %v", err)
	}
	return s, nil
}

// internString returns b as a string, without a copy for the keys and shapes that nearly
// every label and sample holds.
func internString(b []byte) string {
	switch string(b) { // no allocation: the compiler compares the bytes
	case PropShape:
		return PropShape
	case PropFeature:
		return PropFeature
	case PropStartIndex:
		return PropStartIndex
	case PropEndIndex:
		return PropEndIndex
	case MetaSize:
		return MetaSize
	case string(ShapeBndbox):
		return string(ShapeBndbox)
	case string(ShapePolygon):
		return string(ShapePolygon)
	case string(ShapePoint):
		return string(ShapePoint)
	}
	return string(b)
}

// Values that nearly every label holds, boxed once: returning a copy of an interface value
// allocates nothing, where boxing a fresh json.Number or string allocates twice (the text and
// the box). Coordinates, sizes and offsets are mostly small integers.
var (
	boxedInts = func() (b [1000]any) {
		for i := range b {
			b[i] = json.Number(strconv.Itoa(i))
		}
		return b
	}()
	boxedBndbox  any = string(ShapeBndbox)
	boxedPolygon any = string(ShapePolygon)
)

// smallInt reads n as an integer 0..999 written without a sign, a fraction, an exponent or a
// leading zero (the literal's only spelling, so json.Number keeps it exactly).
func smallInt(n []byte) (int, bool) {
	if len(n) == 0 || len(n) > 3 || n[0] == '0' && len(n) > 1 {
		return 0, false
	}
	v := 0
	for _, c := range n {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}
