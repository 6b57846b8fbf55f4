package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DecodeError is a request body that cannot be read as one, with its position: line and
// column (1-based; the column counts bytes; 0 when unknown), where in the body (Path, such as
// "samples[0].labels[1]"; "request" for the top level) and why.
type DecodeError struct {
	Line, Column int
	Path         string
	Msg          string
}

func (e *DecodeError) Error() string {
	if e.Line == 0 { // position unknown
		if e.Path == "" {
			return e.Msg
		}
		return e.Path + ": " + e.Msg
	}
	if e.Path == "" {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("line %d, column %d: %s: %s", e.Line, e.Column, e.Path, e.Msg)
}

// DecodeErrors is every problem found in one body, in order.
type DecodeErrors []*DecodeError

func (es DecodeErrors) Error() string {
	switch len(es) {
	case 0:
		return "no errors"
	case 1:
		return es[0].Error()
	}
	return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
}

// DecodeRequest reads one request body strictly, as the service should read it and as
// `convert validate` and `convert upload` do: the bytes must be one JSON object (a syntax
// error is a *DecodeError with its line and column), no key may repeat in any object (a
// repeat is a DecodeErrors listing every one; see DuplicateKeys), every key must be a field
// of the API (keys of property and metadata are free), and every value must have its
// field's JSON type (a *DecodeError naming the field). A well-formed body is read in one
// pass (see decodeFast); only a body that is not gets the slower passes that say where.
// The labels of a request's samples may share one array (each sample's slice is capped at
// its length, so appending to one copies it rather than overwrite the next sample's).
func DecodeRequest(data []byte) (*Request, error) {
	if req, ok := decodeFast(data); ok {
		return req, nil
	}
	return decodeStrict(data)
}

// decodeStrict is DecodeRequest in three passes (syntax, repeated keys, encoding/json with
// unknown fields refused), each of which says what is wrong and where. Every body
// decodeFast gives up on comes here.
func decodeStrict(data []byte) (*Request, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			// Offset is just past the byte that broke the syntax; at the end of the input
			// it is the end.
			off := se.Offset
			if off > 0 && off < int64(len(data)) {
				off--
			}
			line, col := LineColumn(data, off)
			return nil, &DecodeError{Line: line, Column: col, Msg: "invalid JSON: " + se.Error()}
		}
		return nil, &DecodeError{Line: 1, Column: 1, Msg: fmt.Sprintf("invalid JSON: %v", err)}
	}
	if dups := DuplicateKeys(data); len(dups) > 0 {
		return nil, dups
	}
	var req Request
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelled key ("lables") would drop what it holds
	if err := dec.Decode(&req); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			line, col := LineColumn(data, te.Offset)
			path := te.Field
			if path == "" {
				path = "request"
			}
			return nil, &DecodeError{Line: line, Column: col, Path: path, Msg: fmt.Sprintf("is a JSON %s; must be %s", te.Value, te.Type)}
		}
		// An unknown field: encoding/json does not say where.
		return nil, &DecodeError{Msg: strings.TrimPrefix(err.Error(), "json: ") + " (not a field of the API)"}
	}
	return &req, nil
}

// LineColumn returns the 1-based line and column (in bytes) of a byte offset in data.
func LineColumn(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// DuplicateKeys returns every key that repeats within one JSON object of data, anywhere in
// it, with the repeat's position and the first one's. encoding/json (and most readers)
// silently keep the last value of a repeated key, so {"samples":[A],"samples":[B]} would
// send only B, and "labels":[x],"labels":[] no labels at all. In the API's own objects keys
// are compared as encoding/json matches them to fields, ignoring case ("Samples" repeats
// "samples"); in the free maps (property, metadata) exactly. data should be valid JSON
// (check with json.Valid first); on invalid input the result is incomplete, never a panic.
func DuplicateKeys(data []byte) DecodeErrors {
	s := dupScanner{data: data}
	s.space()
	s.value("request", false)
	return s.found
}

type dupScanner struct {
	data  []byte
	i     int
	found DecodeErrors
}

// maxDepth bounds nesting, so a hostile body cannot exhaust the stack (encoding/json stops
// at 10,000 levels too).
const maxDepth = 10000

func (s *dupScanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *dupScanner) value(path string, free bool) {
	s.valueAt(path, free, 0)
}

func (s *dupScanner) valueAt(path string, free bool, depth int) {
	if s.i >= len(s.data) || depth > maxDepth {
		s.i = len(s.data)
		return
	}
	switch s.data[s.i] {
	case '{':
		s.object(path, free, depth)
	case '[':
		s.i++
		for n := 0; ; n++ {
			s.space()
			if s.i >= len(s.data) {
				return
			}
			if s.data[s.i] == ']' {
				s.i++
				return
			}
			s.valueAt(path+"["+strconv.Itoa(n)+"]", free, depth+1)
			s.space()
			if s.i < len(s.data) && s.data[s.i] == ',' {
				s.i++
			}
		}
	case '"':
		s.skipString()
	default: // number, true, false, null
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.i++
		}
	}
}

// seenKey is a key already met in an object: its comparison form and offset.
type seenKey struct {
	key string
	off int
}

func (s *dupScanner) object(path string, free bool, depth int) {
	s.i++ // {
	var seen []seenKey
	var index map[string]int // for objects with many keys
	for {
		s.space()
		if s.i >= len(s.data) {
			return
		}
		if s.data[s.i] == '}' {
			s.i++
			return
		}
		if s.data[s.i] != '"' {
			s.i = len(s.data) // not valid JSON: stop
			return
		}
		off := s.i
		key := s.str()
		cmp := key
		if !free {
			cmp = foldKey(key)
		}
		first := -1
		if index != nil {
			if j, ok := index[cmp]; ok {
				first = j
			}
		} else {
			for _, k := range seen {
				if k.key == cmp {
					first = k.off
					break
				}
			}
		}
		if first >= 0 {
			s.report(path, key, off, first)
		} else {
			seen = append(seen, seenKey{cmp, off})
			if index != nil {
				index[cmp] = off
			} else if len(seen) > 16 {
				index = make(map[string]int, 2*len(seen))
				for _, k := range seen {
					index[k.key] = k.off
				}
			}
		}
		s.space()
		if s.i < len(s.data) && s.data[s.i] == ':' {
			s.i++
		}
		s.space()
		childFree := free || cmp == "property" || cmp == "metadata"
		var child string
		if free {
			child = path + "[" + strconv.Quote(key) + "]"
		} else {
			child = path + "." + key
			if path == "request" {
				child = key
			}
		}
		s.valueAt(child, childFree, depth+1)
		s.space()
		if s.i < len(s.data) && s.data[s.i] == ',' {
			s.i++
		}
	}
}

func (s *dupScanner) report(path, key string, off, first int) {
	line, col := LineColumn(s.data, int64(off))
	fline, fcol := LineColumn(s.data, int64(first))
	firstKey := s.keyAt(first)
	same := fmt.Sprintf("key %q", key)
	if firstKey != key {
		same = fmt.Sprintf("key %q (the same field as %q: keys are matched ignoring case)", key, firstKey)
	}
	s.found = append(s.found, &DecodeError{Line: line, Column: col, Path: path,
		Msg: fmt.Sprintf("%s repeats the one at line %d, column %d; a reader keeps only one of them, so the other's value would be lost", same, fline, fcol)})
}

// keyAt reads the key that starts at off.
func (s *dupScanner) keyAt(off int) string {
	t := dupScanner{data: s.data, i: off}
	return t.str()
}

// skipString moves past the string at s.i without building it (values such as data can be
// megabytes long).
func (s *dupScanner) skipString() {
	s.i++ // "
	for s.i < len(s.data) {
		rest := s.data[s.i:]
		q := bytes.IndexByte(rest, '"')
		if q < 0 {
			s.i = len(s.data)
			return
		}
		b := bytes.IndexByte(rest[:q], '\\')
		if b < 0 {
			s.i += q + 1
			return
		}
		s.i += b + 2 // the backslash and the byte it escapes
	}
}

// str reads a string at s.i and returns its value.
func (s *dupScanner) str() string {
	start := s.i
	s.i++ // "
	escaped := false
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			raw := s.data[start:s.i]
			if !escaped {
				return string(raw[1 : len(raw)-1])
			}
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return string(raw)
			}
			return v
		}
		s.i++
	}
	return string(s.data[start:])
}

// foldKey is the form in which encoding/json matches a key to a field: case folded.
func foldKey(k string) string {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, k)
		}
	}
	return k
}
