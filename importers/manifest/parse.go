package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// The line parser reads a line's object and its annotation objects straight into fixed
// slots, without a map per object or a string per key: the keys of the manifest format are
// few and known. Values are the ones package api's JSON parser gives (string, json.Number,
// bool, nil, []any, map[string]any); label properties and other nested values are parsed by
// package api itself.

// field is a key of a line or annotation object this importer knows.
type field int

const (
	fSource field = iota
	fAnnotation
	fUsage
	fID
	fInferenceLoc
	fHard
	fHardCoefficient
	fHardReasons
	fHardReasonsUnderscore
	fSampleType
	fProperty
	fSourceType
	fType
	fName
	fConfidence
	fAnnotatedBy
	fCreationTime
	fAnnotationLoc
	fAnnotationFormat
	nFields
)

// fieldNames are the keys of the fields.
var fieldNames = [nFields]string{
	fSource: "source", fAnnotation: "annotation", fUsage: "usage", fID: "id", fInferenceLoc: "inference-loc",
	fHard: "hard", fHardCoefficient: "hard-coefficient", fHardReasons: "hard-reasons",
	fHardReasonsUnderscore: "hard_reasons", fSampleType: "sample-type", fProperty: "property",
	fSourceType: "source-type", fType: "type", fName: "name", fConfidence: "confidence",
	fAnnotatedBy: "annotated-by", fCreationTime: "creation-time", fAnnotationLoc: "annotation-loc",
	fAnnotationFormat: "annotation-format",
}

// sampleFields and annotationFields are the fields of a line's object and of an annotation.
var sampleFields, annotationFields [nFields]bool

func init() {
	for f, name := range fieldNames {
		sampleFields[f] = sampleKeys[name]
		annotationFields[f] = annotationKeys[name]
	}
}

// fieldOf returns the field a key names; ok is false for other keys.
func fieldOf(key string) (field, bool) { return fieldOfBytes([]byte(key)) }

// fieldOfBytes is fieldOf without making a string (the compiler does not allocate for a
// switch on string(b)).
func fieldOfBytes(b []byte) (field, bool) {
	switch string(b) {
	case "source":
		return fSource, true
	case "annotation":
		return fAnnotation, true
	case "usage":
		return fUsage, true
	case "id":
		return fID, true
	case "inference-loc":
		return fInferenceLoc, true
	case "hard":
		return fHard, true
	case "hard-coefficient":
		return fHardCoefficient, true
	case "hard-reasons":
		return fHardReasons, true
	case "hard_reasons":
		return fHardReasonsUnderscore, true
	case "sample-type":
		return fSampleType, true
	case "property":
		return fProperty, true
	case "source-type":
		return fSourceType, true
	case "type":
		return fType, true
	case "name":
		return fName, true
	case "confidence":
		return fConfidence, true
	case "annotated-by":
		return fAnnotatedBy, true
	case "creation-time":
		return fCreationTime, true
	case "annotation-loc":
		return fAnnotationLoc, true
	case "annotation-format":
		return fAnnotationFormat, true
	}
	return 0, false
}

// object is a parsed line or annotation object.
type object struct {
	vals  [nFields]any
	has   [nFields]bool
	other []string // keys of no field, in order of appearance
	// list is a line's "annotation" list, when it is one (vals holds nil then): kept out of
	// an interface, and in the worker's storage, so that it costs no allocation.
	list   []any
	isList bool
	// content is the text of a line's "content://TEXT" source written without escapes, a
	// piece of the line (vals holds nil then): encoded into the sample's data with no string
	// made for it.
	content   []byte
	isContent bool
}

// annotationList returns the line's "annotation" list, and whether it is one.
func (o *object) annotationList() ([]any, bool) {
	if o.isList {
		return o.list, true
	}
	list, ok := o.vals[fAnnotation].([]any)
	return list, ok
}

// get returns the value of a known key and whether the object has it.
func (o *object) get(key string) (any, bool) {
	f, ok := fieldOf(key)
	if !ok {
		panic("manifest: unknown field " + key)
	}
	if f == fSource && o.isContent {
		return "content://" + string(o.content), true
	}
	return o.vals[f], o.has[f]
}

// val returns the value of a known key, nil when absent.
func (o *object) val(key string) any {
	v, _ := o.get(key)
	return v
}

// parseLine parses one manifest line. It returns nil, nil for a blank line. Annotation
// objects in the line's "annotation" list are *object values.
func parseLine(line []byte) (*object, error) { return parseLineIn(nil, line) }

// parseLineIn is parseLine with the objects taken from sc (nil: new ones).
func parseLineIn(sc *scratch, line []byte) (*object, error) {
	line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\ufeff")))
	if len(line) == 0 {
		return nil, nil
	}
	p := &lineParser{Lexer: jsonlex.Lexer{B: line}, sc: sc}
	p.space()
	if p.I < len(p.B) && p.B[p.I] != '{' {
		v, err := p.value()
		if err == nil {
			p.space()
			if p.I != len(p.B) {
				return nil, p.errorf("trailing data after the value")
			}
		}
		if err != nil {
			return nil, fmt.Errorf("not valid JSON: %v", err)
		}
		return nil, fmt.Errorf("not a JSON object (each line of a manifest is one object): %s", show(v))
	}
	o, err := p.object(true)
	if err != nil {
		if errors.As(err, new(repeatedKeyError)) {
			return nil, err // valid JSON, but ambiguous
		}
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	p.space()
	if p.I != len(p.B) {
		return nil, fmt.Errorf("not valid JSON: %v", p.errorf("trailing data after the object"))
	}
	return o, nil
}

// lineParser reads a line on the project's JSON lexer, checking everything (a manifest line
// has not been checked by encoding/json) and saying in which column it failed.
type lineParser struct {
	jsonlex.Lexer
	sc *scratch // where objects come from (nil: new ones)
}

// scratch is one worker's storage, reused from line to line: the parsed objects (nothing
// that outlives a line points into them: values are moved out of them), the line's
// conversion state and a byte buffer. It is what keeps a million-line manifest from
// allocating a few hundred bytes of objects per line.
type scratch struct {
	objs []*object // objects, the first n handed out for the current line
	n    int
	conv lineConv
	anns []annotation
	buf  []byte

	intern map[string]any // see str
}

// reset makes the scratch's objects free for the next line.
func (sc *scratch) reset() { sc.n = 0 }

// Short strings that come back line after line (types, label names, "human", times) are
// made and boxed once per worker: a value is then neither a new string nor a new interface.
// The table is bounded, and emptied when full, so memory stays flat whatever the values.
const (
	internMax  = 64   // the longest string kept
	internSize = 4096 // the most strings kept
)

// str reads a string value as p.str does, as an interned, boxed value when it is short.
func (sc *scratch) str(p *lineParser) (any, error) {
	start := p.I
	raw, escaped, err := p.strRaw()
	if err != nil {
		return nil, err
	}
	body := raw[1 : len(raw)-1]
	if escaped || len(body) > internMax {
		p.I = start
		return p.str()
	}
	if v, ok := sc.intern[string(body)]; ok { // no string is made for the lookup
		return v, nil
	}
	if sc.intern == nil || len(sc.intern) >= internSize {
		sc.intern = make(map[string]any, 256)
	}
	str := string(body)
	v := any(str)
	sc.intern[str] = v
	return v, nil
}

func (p *lineParser) newObject() *object {
	sc := p.sc
	if sc == nil {
		return &object{}
	}
	if sc.n == len(sc.objs) {
		sc.objs = append(sc.objs, new(object))
	}
	o := sc.objs[sc.n]
	sc.n++
	clear(o.list)
	*o = object{other: o.other[:0], list: o.list[:0]} // content: a piece of the line, left
	return o
}

// repeatedKeyError is a field given twice in one object: valid JSON that encoding/json would
// read as its last value.
type repeatedKeyError struct{ error }

func (p *lineParser) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: %s", p.I+1, fmt.Sprintf(format, args...))
}

func (p *lineParser) space() { p.Space() }

// object reads an object whose opening brace is at p.I. A line's object (top) reads its
// "annotation" list's objects as *object.
func (p *lineParser) object(top bool) (*object, error) {
	o := p.newObject()
	if p.Open('}') {
		return o, nil
	}
	for {
		p.space()
		if p.I >= len(p.B) || p.B[p.I] != '"' {
			return nil, p.errorf("expected a key")
		}
		keyAt := p.I
		f, known, key, err := p.key()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.I >= len(p.B) || p.B[p.I] != ':' {
			return nil, p.errorf("expected ':'")
		}
		p.I++
		p.space()
		if known && !(top && sampleFields[f] || !top && annotationFields[f]) {
			known, key = false, fieldNames[f] // a key of the other level
		}
		if known && o.has[f] {
			// encoding/json would keep the last value; which one the line means is unknown,
			// and keeping either would lose the other without a word.
			p.I = keyAt
			return nil, repeatedKeyError{p.errorf("the key %q is given twice; which value the line means is unknown", fieldNames[f])}
		}
		var v any
		asList, asContent := false, false
		switch {
		case !known || f == fUsage || f == fInferenceLoc || f == fID && top:
			err = p.ignore()
		case top && f == fSource && p.sc != nil && p.I < len(p.B) && p.B[p.I] == '"':
			start := p.I
			raw, escaped, rerr := p.strRaw()
			if rerr == nil && !escaped && bytes.HasPrefix(raw, []byte(`"content://`)) {
				o.content, asContent = raw[len(`"content://`):len(raw)-1], true
			} else {
				p.I = start
				v, err = p.value()
			}
		case top && f == fAnnotation && p.I < len(p.B) && p.B[p.I] == '[':
			o.list, err = p.annotations(o.list[:0])
			asList = true
		default:
			v, err = p.value()
		}
		if err != nil {
			return nil, err
		}
		if known {
			switch f {
			case fAnnotation:
				o.isList = asList
			case fSource:
				o.isContent = asContent
			}
			o.vals[f], o.has[f] = v, true
		} else {
			o.other = append(o.other, key)
		}
		if more, problem := p.Next('}', "unexpected end of line"); !more {
			if problem != "" {
				return nil, p.errorf("%s", problem)
			}
			return o, nil
		}
	}
}

// annotations reads the annotation list: objects become *object, anything else stays a
// value (and is rejected later).
func (p *lineParser) annotations(list []any) ([]any, error) {
	if list == nil {
		list = make([]any, 0, 2)
	}
	if p.Open(']') {
		return list, nil
	}
	for {
		p.space()
		var v any
		var err error
		if p.I < len(p.B) && p.B[p.I] == '{' {
			v, err = p.object(false)
		} else {
			v, err = p.value()
		}
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		if more, problem := p.Next(']', "unexpected end of line"); !more {
			if problem != "" {
				return nil, p.errorf("%s", problem)
			}
			return list, nil
		}
	}
}

// value reads any value: strings, numbers and literals here, objects and arrays with
// package api's parser.
func (p *lineParser) value() (any, error) {
	if p.I >= len(p.B) {
		return nil, p.errorf("unexpected end of line")
	}
	switch c := p.B[p.I]; {
	case c == '"':
		if p.sc != nil {
			return p.sc.str(p)
		}
		return p.str()
	case c == '{' || c == '[':
		start := p.I
		if err := p.skip(); err != nil {
			return nil, err
		}
		raw := p.B[start:p.I]
		if c == '{' {
			var m api.Property
			if err := m.UnmarshalJSON(raw); err != nil {
				return nil, fmt.Errorf("column %d: %v", start+1, err)
			}
			return map[string]any(m), nil
		}
		var m api.Metadata
		wrapped := append(append([]byte(`{"v":`), raw...), '}')
		if err := m.UnmarshalJSON(wrapped); err != nil {
			return nil, fmt.Errorf("column %d: %v", start+1, err)
		}
		return m["v"], nil
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		n := p.Number()
		if !api.IsNumberLiteral(n) {
			return nil, p.errorf("invalid number %q", n)
		}
		return json.Number(n), nil
	}
	return nil, p.errorf("unexpected character %q", p.B[p.I])
}

func (p *lineParser) literal(word string) error {
	if !p.Literal(word) {
		return p.errorf("invalid literal")
	}
	return nil
}

// strRaw moves past the string at p.I and returns it with its quotes, and whether it has
// escapes.
func (p *lineParser) strRaw() ([]byte, bool, error) {
	raw, escaped, problem := p.String()
	switch problem {
	case jsonlex.ErrControl:
		return nil, false, p.errorf("control character in a string")
	case jsonlex.ErrUnterminated:
		return nil, false, p.errorf("unterminated string")
	}
	return raw, escaped, nil
}

// str reads a string. Strings without escapes are sliced directly (the line is valid
// UTF-8); the rest go through encoding/json, which knows every escape.
func (p *lineParser) str() (string, error) {
	start := p.I
	raw, escaped, err := p.strRaw()
	if err != nil {
		return "", err
	}
	if !escaped {
		return string(raw[1 : len(raw)-1]), nil
	}
	s, err := jsonlex.Unquote(raw)
	if err != nil {
		return "", fmt.Errorf("column %d: invalid string: %v", start+1, err)
	}
	return s, nil
}

// key reads an object key: the field it names, or the key itself when it names none (only
// then is a string made).
func (p *lineParser) key() (f field, known bool, other string, err error) {
	start := p.I
	raw, escaped, err := p.strRaw()
	if err != nil {
		return 0, false, "", err
	}
	if !escaped {
		if f, ok := fieldOfBytes(raw[1 : len(raw)-1]); ok {
			return f, true, "", nil
		}
		return 0, false, string(raw[1 : len(raw)-1]), nil
	}
	p.I = start
	k, err := p.str()
	if err != nil {
		return 0, false, "", err
	}
	f, ok := fieldOf(k)
	return f, ok, k, nil
}

// ignore moves past a value whose content is not needed (usage, id, unknown keys): a string
// is checked without being made.
func (p *lineParser) ignore() error {
	if p.I < len(p.B) && p.B[p.I] == '"' {
		start := p.I
		raw, escaped, err := p.strRaw()
		if err == nil && escaped && !json.Valid(raw) {
			return fmt.Errorf("column %d: invalid string escape", start+1)
		}
		return err
	}
	_, err := p.value()
	return err
}

// skip moves past the object or array at p.I, minding strings; package api's parser then
// checks what it spans.
func (p *lineParser) skip() error {
	depth := 0
	for p.I < len(p.B) {
		switch p.B[p.I] {
		case '"':
			if _, _, err := p.strRaw(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				p.I++
				return nil
			}
		}
		p.I++
	}
	return errors.New("unexpected end of line")
}
