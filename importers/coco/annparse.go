package coco

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// rawAnn is what is read of an annotation or a result: spans of the element's bytes, valid
// while the element is. Numbers are their literals; nil is absent (or null).
type rawAnn struct {
	ID, ImageID, CategoryID, Score []byte
	BBox, Keypoints                [][]byte
	Segmentation                   []byte // the raw value
	Attributes                     []byte
	AttributesAt                   int // where Attributes starts in the element

	// IsCrowd and Ignore are "1" when the annotation is a crowd region (iscrowd: 1) or is
	// marked to be ignored (mmdetection's ignore: 1), else nil.
	IsCrowd, Ignore []byte

	// Caption and SegmentsInfo say that the element is a caption or a panoptic segmentation
	// annotation, which have no label type here.
	Caption, SegmentsInfo bool
}

// parseAnnotation reads one annotation object. b is one array element that the walker's
// scanner has already checked to be well-formed JSON, so this only has to find the
// members it needs, without the reflection and the second scan of json.Unmarshal, and without
// allocating. A member of the wrong type gives a reason; unknown members are passed over. A
// repeated key is a reason (encoding/json would keep the last value silently), and a number
// written as a string ("id": "7") is accepted.
func parseAnnotation(b []byte, a *rawAnn) (reason string) {
	*a = rawAnn{BBox: a.BBox[:0], Keypoints: a.Keypoints[:0]}
	return members(b, func(key, v []byte, at int) (why string) {
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
			a.BBox, why = numberListMember("bbox", v, a.BBox[:0], 1024)
		case "keypoints":
			// Each labelled keypoint (3 numbers) is a point label of 75 bytes or more.
			a.Keypoints, why = numberListMember("keypoints", v, a.Keypoints[:0], int(sampleLimit/25))
		case "segmentation":
			a.Segmentation = nil
			if string(v) != "null" {
				a.Segmentation = v
			}
		case "attributes":
			a.Attributes = nil
			if string(v) != "null" {
				a.Attributes, a.AttributesAt = v, at
			}
		case "iscrowd":
			a.IsCrowd, why = flagMember("iscrowd", v)
		case "ignore":
			a.Ignore, why = flagMember("ignore", v)
		case "caption":
			a.Caption = true
		case "segments_info":
			a.SegmentsInfo = true
		}
		return why
	})
}

var one = []byte("1")

// flagMember reads a 0/1 flag (iscrowd, ignore): 1, true or "1" give "1"; 0, false, "0" and
// null give nil; anything else is a reason.
func flagMember(key string, v []byte) ([]byte, string) {
	switch string(v) {
	case "null", "false", "0", `"0"`:
		return nil, ""
	case "true", "1", `"1"`:
		return one, ""
	}
	if jsonlex.IsNumberByte(v[0]) {
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			switch f {
			case 0:
				return nil, ""
			case 1:
				return one, ""
			}
		}
		return nil, fmt.Sprintf("%s is %s; must be 0 or 1", key, v)
	}
	return nil, fmt.Sprintf("%s is a JSON %s, not 0 or 1", key, jsonlex.Kind(v[0]))
}

// members calls each for every member of the object b (well-formed JSON) with its key
// (unescaped), raw value and the value's index in b, and returns the first reason each
// gives, why b is not an object, or the first key that occurs twice (a repeated key would
// otherwise silently keep one of the values).
func members(b []byte, each func(key, v []byte, at int) string) (reason string) {
	var seen keySet
	l := &jsonlex.Lexer{B: b}
	l.Space()
	if l.Peek() != '{' {
		return "is a JSON " + jsonlex.Kind(l.Peek()) + ", not an object"
	}
	l.I++
	for first := true; ; first = false {
		l.Space()
		if l.Consume('}') {
			return reason
		}
		if !first {
			if !l.Consume(',') {
				return "is malformed"
			}
			l.Space()
		}
		key, ok := l.Key()
		if !ok {
			return "is malformed"
		}
		if seen.add(key) && reason == "" {
			reason = fmt.Sprintf("has the key %q twice", key)
		}
		l.Space()
		if !l.Consume(':') {
			return "is malformed"
		}
		l.Space()
		start := l.I
		end, ok := passValue(b, start)
		if !ok {
			return "is malformed"
		}
		l.I = end
		if why := each(key, b[start:end], start); why != "" && reason == "" {
			reason = why
		}
	}
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
	case jsonlex.IsNumberByte(v[0]):
		return v, ""
	}
	return nil, fmt.Sprintf("%s is a JSON %s, not a number", key, jsonlex.Kind(v[0]))
}

// numberListMember reads an array of numbers; null is absent.
func numberListMember(key string, v []byte, out [][]byte, max int) ([][]byte, string) {
	if string(v) == "null" {
		return out, ""
	}
	if v[0] != '[' {
		return out, fmt.Sprintf("%s is a JSON %s, not an array of numbers", key, jsonlex.Kind(v[0]))
	}
	return numberSpans(&jsonlex.Lexer{B: v}, key, out, max)
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

// keySet is the keys of one object, to find a repeated one: a list while it is short (the
// usual COCO element has a dozen keys), a map beyond.
type keySet struct {
	list [16][]byte // on the stack: no allocation for the usual element
	n    int
	big  map[string]struct{}
}

// add adds key and reports whether it was already there.
func (s *keySet) add(key []byte) bool {
	if s.big == nil {
		for _, k := range s.list[:s.n] {
			if bytes.Equal(k, key) {
				return true
			}
		}
		if s.n < len(s.list) {
			s.list[s.n] = key
			s.n++
			return false
		}
		s.big = make(map[string]struct{}, 32)
		for _, k := range s.list {
			s.big[string(k)] = struct{}{}
		}
	}
	if _, ok := s.big[string(key)]; ok {
		return true
	}
	s.big[string(key)] = struct{}{}
	return false
}

// repeatedKey returns why some object anywhere in the value v (well-formed JSON) has a
// repeated key, or "".
func repeatedKey(v []byte) string {
	l := &jsonlex.Lexer{B: v}
	l.Space()
	switch l.Peek() {
	case '{':
		return members(v[l.I:], func(_, inner []byte, _ int) string { return repeatedKey(inner) })
	case '[':
		l.I++
		for first := true; ; first = false {
			l.Space()
			if l.Consume(']') || l.I >= len(l.B) {
				return ""
			}
			if !first && !l.Consume(',') {
				return ""
			}
			l.Space()
			start := l.I
			if !l.SkipValue() {
				return ""
			}
			if why := repeatedKey(v[start:l.I]); why != "" {
				return why
			}
		}
	}
	return ""
}

// checkText says why the raw JSON value v (well-formed) would not come through decoding
// unchanged: a byte that is not UTF-8, or a \u escape of a lone UTF-16 surrogate, both of
// which encoding/json silently turns into U+FFFD. base is the file offset of v, for the
// position of the bad byte.
func checkText(v []byte, base int64) string {
	if !utf8.Valid(v) {
		i := 0
		for i < len(v) {
			r, n := utf8.DecodeRune(v[i:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			i += n
		}
		return fmt.Sprintf("holds a byte that is not UTF-8 (0x%02x at byte %d)", v[i], base+int64(i))
	}
	for i := 0; i+5 < len(v); i++ {
		if v[i] != '\\' {
			continue
		}
		if v[i+1] != 'u' {
			i++ // an escaped backslash or quote
			continue
		}
		r, err := strconv.ParseUint(string(v[i+2:i+6]), 16, 32)
		if err != nil || r < 0xd800 || r > 0xdfff {
			i += 5
			continue
		}
		if r < 0xdc00 && i+11 < len(v) && v[i+6] == '\\' && v[i+7] == 'u' {
			if lo, err := strconv.ParseUint(string(v[i+8:i+12]), 16, 32); err == nil && lo >= 0xdc00 && lo <= 0xdfff {
				i += 11
				continue
			}
		}
		return fmt.Sprintf("holds %s, a lone UTF-16 surrogate that is no character (at byte %d)", v[i:i+6], base+int64(i))
	}
	return ""
}

// stringMember reads a JSON string (well-formed) whose text must come through unchanged;
// null is absent. base is the file offset of v.
func stringMember(key string, v []byte, base int64) (*string, string) {
	switch {
	case string(v) == "null":
		return nil, ""
	case v[0] != '"':
		return nil, fmt.Sprintf("%s is a JSON %s, not a string", key, jsonlex.Kind(v[0]))
	}
	if why := checkText(v, base); why != "" {
		return nil, key + " " + why
	}
	if !bytes.ContainsRune(v, '\\') {
		s := string(v[1 : len(v)-1])
		return &s, ""
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, key + " is not a valid string"
	}
	return &s, ""
}
