package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// parseObject reads one JSON object into a map whose numbers are json.Number, the same
// values a json.Decoder with UseNumber gives, without the decoder: encoding/json has already
// checked the bytes before it calls UnmarshalJSON, and building a Decoder for every label
// made decoding request bodies several times slower than everything else.
func parseObject(b []byte) (map[string]any, error) {
	p := valueParser{b: b, maxDepth: maxDepth}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.b) {
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

type valueParser struct {
	b []byte
	i int
	// depth is how deep the value at i is nested; past maxDepth the parser stops with an
	// error rather than recurse on.
	depth, maxDepth int
}

func (p *valueParser) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *valueParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *valueParser) value() (any, error) {
	if p.i >= len(p.b) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		if err == nil {
			switch s {
			case string(ShapeBndbox):
				return boxedBndbox, nil
			case string(ShapePolygon):
				return boxedPolygon, nil
			}
		}
		return s, err
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		for p.i < len(p.b) {
			c := p.b[p.i]
			if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
				p.i++
				continue
			}
			break
		}
		if v, ok := smallInt(p.b[start:p.i]); ok {
			return boxedInts[v], nil
		}
		n := string(p.b[start:p.i])
		if !IsNumberLiteral(n) {
			return nil, p.errorf("invalid number %q", n)
		}
		return json.Number(n), nil
	}
	return nil, p.errorf("unexpected character %q", p.b[p.i])
}

func (p *valueParser) literal(word string) error {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		return p.errorf("invalid literal")
	}
	p.i += len(word)
	return nil
}

func (p *valueParser) object() (any, error) {
	p.i++ // {
	if p.depth++; p.depth > p.maxDepth {
		return nil, p.errorf("nested too deep")
	}
	defer func() { p.depth-- }()
	m := make(map[string]any)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return m, nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, p.errorf("expected a key")
		}
		keyAt := p.i
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.i++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; dup {
			// Keeping either value would lose the other without a word.
			p.i = keyAt
			return nil, p.errorf("key %q repeats", k)
		}
		m[k] = v
		p.space()
		if p.i >= len(p.b) {
			return nil, p.errorf("unexpected end of input")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, nil
		default:
			return nil, p.errorf("expected ',' or '}'")
		}
	}
}

func (p *valueParser) array() (any, error) {
	p.i++ // [
	if p.depth++; p.depth > p.maxDepth {
		return nil, p.errorf("nested too deep")
	}
	defer func() { p.depth-- }()
	a := make([]any, 0, 2)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return a, nil
	}
	for {
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		p.space()
		if p.i >= len(p.b) {
			return nil, p.errorf("unexpected end of input")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return a, nil
		default:
			return nil, p.errorf("expected ',' or ']'")
		}
	}
}

// str reads a string. Strings without escapes (nearly all) are sliced directly; the rest go
// through encoding/json, which knows every escape.
func (p *valueParser) str() (string, error) {
	start := p.i
	p.i++ // "
	escaped := false
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '\\':
			escaped = true
			p.i += 2
			continue
		case c == '"':
			p.i++
			raw := p.b[start:p.i]
			if !escaped && utf8.Valid(raw) {
				return internString(raw[1 : len(raw)-1]), nil
			}
			// Escapes, or invalid UTF-8 (which encoding/json turns into U+FFFD).
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", p.errorf("invalid string: %v", err)
			}
			return s, nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
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
