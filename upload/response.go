package upload

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// decodeResponse decodes a response body into r as json.Unmarshal does (its error when the
// body does not decode). Answers of the usual shape (the API's own keys in lower case, each
// once; booleans; strings without escapes) are read by a small scanner, about a tenth of
// json.Unmarshal's CPU, which was most of what a sender did besides the HTTP exchange;
// anything else goes to json.Unmarshal. FuzzDecodeResponse proves the two equal on every
// body the scanner accepts.
func decodeResponse(data []byte, r *api.Response) error {
	if fastResponse(data, r) {
		return nil
	}
	*r = api.Response{}
	return json.Unmarshal(data, r)
}

// fastResponse reads data into r when it has the usual shape, else returns false (r is
// then undefined).
func fastResponse(data []byte, r *api.Response) bool {
	s := respScanner{jsonlex.Lexer{B: data}}
	*r = api.Response{}
	var seen [4]bool
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "success":
			return once(&seen[0]) && s.boolean(&r.Success)
		case "error_code":
			return once(&seen[1]) && s.str(&r.ErrorCode)
		case "error_msg":
			return once(&seen[2]) && s.str(&r.ErrorMsg)
		case "results":
			if !once(&seen[3]) {
				return false
			}
			r.Results = []api.UploadSampleResp{}
			return s.array(func() bool {
				r.Results = append(r.Results, api.UploadSampleResp{})
				res := &r.Results[len(r.Results)-1]
				var seen [5]bool
				return s.object(func(key []byte) bool {
					switch string(key) {
					case "success":
						return once(&seen[0]) && s.boolean(&res.Success)
					case "name":
						return once(&seen[1]) && s.str(&res.Name)
					case "info":
						return once(&seen[2]) && s.str(&res.Info)
					case "error_code":
						return once(&seen[3]) && s.str(&res.ErrorCode)
					case "error_msg":
						return once(&seen[4]) && s.str(&res.ErrorMsg)
					}
					return false
				})
			})
		}
		return false
	})
	s.Space()
	return ok && s.I == len(data)
}

// once marks a key seen and reports whether it was the first time (a repeated key is left
// to json.Unmarshal).
func once(seen *bool) bool {
	if *seen {
		return false
	}
	*seen = true
	return true
}

// respScanner reads the subset of JSON fastResponse accepts; each method returns false on
// anything outside it.
type respScanner struct{ jsonlex.Lexer }

// next moves past any white space and then c, when c stands there.
func (s *respScanner) next(c byte) bool {
	s.Space()
	return s.Consume(c)
}

// object reads {"key": value, ...}; field reads each value after its key.
func (s *respScanner) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		s.Space()
		key, ok := s.raw()
		if !ok || !s.next(':') {
			return false
		}
		s.Space()
		if !field(key) {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next('}')
	}
}

// array reads [elem, ...].
func (s *respScanner) array(elem func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.next(',') {
			continue
		}
		return s.next(']')
	}
}

func (s *respScanner) boolean(v *bool) bool {
	switch {
	case s.Literal("true"):
		*v = true
	case s.Literal("false"):
		*v = false
	default:
		return false
	}
	return true
}

func (s *respScanner) str(v *string) bool {
	raw, ok := s.raw()
	if ok {
		*v = string(raw)
	}
	return ok
}

// raw reads a string without escapes or control characters, in valid UTF-8, and returns
// its bytes between the quotes.
func (s *respScanner) raw() ([]byte, bool) {
	if s.I >= len(s.B) || s.B[s.I] != '"' {
		return nil, false
	}
	start := s.I + 1
	ascii := true
	for j := start; j < len(s.B); j++ {
		switch c := s.B[j]; {
		case c == '"':
			s.I = j + 1
			if !ascii && !utf8.Valid(s.B[start:j]) {
				return nil, false
			}
			return s.B[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
	}
	return nil, false
}
