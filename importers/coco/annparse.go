package coco

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/modelarts-convert/convert/api"
)

// rawAnn is what is read of an annotation or a result: spans of the element's bytes, valid
// while the element is. Numbers are their literals; nil is absent (or null).
type rawAnn struct {
	ID, ImageID, CategoryID, Score []byte
	BBox, Keypoints                [][]byte
	Segmentation                   []byte // the raw value
	Attributes                     []byte
}

// parseAnnotation reads one annotation object. b is one array element that the walker's
// json.Decoder has already checked to be well-formed JSON, so this only has to find the
// members it needs, without the reflection and the second scan of json.Unmarshal, and without
// allocating. A member of the wrong type gives a reason; unknown members are passed over. As
// with encoding/json, a repeated key's last value wins, and a number written as a string
// ("id": "7") is accepted.
func parseAnnotation(b []byte, a *rawAnn) (reason string) {
	*a = rawAnn{BBox: a.BBox[:0], Keypoints: a.Keypoints[:0]}
	return members(b, func(key, v []byte) (why string) {
		switch string(key) {
		case "id":
			a.ID, why = numberMember("id", v)
		case "image_id":
			a.ImageID, why = numberMember("image_id", v)
		case "category_id":
			a.CategoryID, why = numberMember("category_id", v)
		case "score":
			a.Score, why = numberMember("score", v)
		case "bbox":
			a.BBox, why = numberListMember("bbox", v, a.BBox[:0])
		case "keypoints":
			a.Keypoints, why = numberListMember("keypoints", v, a.Keypoints[:0])
		case "segmentation":
			a.Segmentation = nil
			if string(v) != "null" {
				a.Segmentation = v
			}
		case "attributes":
			a.Attributes = nil
			if string(v) != "null" {
				a.Attributes = v
			}
		}
		return why
	})
}

// members calls each for every member of the object b (well-formed JSON) with its key
// (unescaped) and raw value, and returns the first reason each gives, or why b is not an
// object.
func members(b []byte, each func(key, v []byte) string) (reason string) {
	l := &lexer{b: b}
	l.space()
	if l.peek() != '{' {
		return "is a JSON " + jsonKind(l.peek()) + ", not an object"
	}
	l.i++
	for first := true; ; first = false {
		l.space()
		if l.consume('}') {
			return reason
		}
		if !first {
			if !l.consume(',') {
				return "is malformed"
			}
			l.space()
		}
		key, ok := l.key()
		if !ok {
			return "is malformed"
		}
		l.space()
		if !l.consume(':') {
			return "is malformed"
		}
		l.space()
		start := l.i
		if !l.skipValue() {
			return "is malformed"
		}
		if why := each(key, b[start:l.i]); why != "" && reason == "" {
			reason = why
		}
	}
}

func jsonKind(c byte) string {
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

// numberMember reads a number (or a string holding one); null is absent.
func numberMember(key string, v []byte) ([]byte, string) {
	switch {
	case len(v) == 0, string(v) == "null":
		return nil, ""
	case v[0] == '"':
		if inner := v[1 : len(v)-1]; api.IsNumberLiteral(inner) {
			return inner, ""
		}
		return nil, fmt.Sprintf("%s is a JSON string, not a number", key)
	case isNumberByte(v[0]):
		return v, ""
	}
	return nil, fmt.Sprintf("%s is a JSON %s, not a number", key, jsonKind(v[0]))
}

// numberListMember reads an array of numbers; null is absent.
func numberListMember(key string, v []byte, out [][]byte) ([][]byte, string) {
	if string(v) == "null" {
		return out, ""
	}
	if v[0] != '[' {
		return out, fmt.Sprintf("%s is a JSON %s, not an array of numbers", key, jsonKind(v[0]))
	}
	l := &lexer{b: v}
	return l.numberSpans(key, out)
}

// key reads an object key. A key with escapes is unescaped into a new slice.
func (l *lexer) key() ([]byte, bool) {
	if l.peek() != '"' {
		return nil, false
	}
	start := l.i
	l.i++
	escaped := false
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case '\\':
			escaped = true
			l.i += 2
			continue
		case '"':
			l.i++
			if !escaped {
				return l.b[start+1 : l.i-1], true
			}
			var s string
			err := json.Unmarshal(l.b[start:l.i], &s)
			return []byte(s), err == nil
		}
		l.i++
	}
	return nil, false
}

// skipValue moves past one well-formed JSON value.
func (l *lexer) skipValue() bool {
	switch l.peek() {
	case '{', '[':
		return l.skipObject()
	case '"':
		l.i++
		for l.i < len(l.b) {
			switch l.b[l.i] {
			case '\\':
				l.i += 2
				continue
			case '"':
				l.i++
				return true
			}
			l.i++
		}
		return false
	}
	start := l.i
	for l.i < len(l.b) {
		c := l.b[l.i]
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		l.i++
	}
	return l.i > start
}

// isEmptyJSON reports whether b is null, [] or {} (with any spaces).
func isEmptyJSON(b []byte) bool {
	t := bytes.TrimSpace(b)
	if len(t) == 0 || string(t) == "null" {
		return true
	}
	if len(t) < 2 || (t[0] != '[' && t[0] != '{') {
		return false
	}
	return len(bytes.TrimSpace(t[1:len(t)-1])) == 0
}
