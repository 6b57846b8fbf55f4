package yolo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrYAML is wrapped by the errors of the data.yaml reader.
var ErrYAML = errors.New("data.yaml")

// YAMLError is a problem in data.yaml at a line.
type YAMLError struct {
	Line int
	Msg  string
}

func (e *YAMLError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }
func (e *YAMLError) Unwrap() error { return ErrYAML }

// yamlScalar is one scalar with its line. Null is set for an empty value, ~ or null.
type yamlScalar struct {
	Line int
	Text string
	Null bool
}

// yamlValue is the value of a top-level key: a scalar, a list of scalars or a map of
// scalars to scalars (the shapes data.yaml uses).
type yamlValue struct {
	Line   int
	Scalar *yamlScalar
	List   []yamlScalar
	Map    [][2]yamlScalar
	IsList bool
	IsMap  bool
}

// DataYAML is what the reader takes from an Ultralytics data.yaml.
type DataYAML struct {
	Path             string
	Train, Val, Test []Entry
	// Names by class index; a gap in a names map leaves "" (a row of that class is then
	// rejected).
	Names []string
	// NC is the nc key, or -1.
	NC int
	// Line of each key, for messages.
	Lines map[string]int
}

// Entry is one train/val/test value: a folder of images or a list file, with its line.
type Entry struct {
	Path string
	Line int
}

// knownKeys are the keys whose values the reader parses; any other top-level key (download
// scripts, roboflow blocks, kpt_shape...) is skipped with its indented block, unread.
var knownKeys = map[string]bool{"path": true, "train": true, "val": true, "test": true, "names": true, "nc": true}

// ParseDataYAML reads the subset of YAML that data.yaml files use: top-level `key: value`
// pairs whose values are plain or quoted scalars, flow lists `[a, b]` (over several lines
// too), flow maps `{0: a}`, block lists (`- a`) and block maps (`0: a`) one level deep.
// Comments, a BOM and document markers are allowed. Keys other than path, train, val,
// test, names and nc are skipped whatever they hold. What the subset does not cover in
// those keys (anchors, aliases, tags, block scalars, nesting) is a *YAMLError with its line,
// never a silent misreading.
func ParseDataYAML(data []byte) (*DataYAML, error) {
	if !utf8.Valid(data) {
		return nil, &YAMLError{Line: 1, Msg: "not UTF-8"}
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	values := map[string]yamlValue{}
	for i := 0; i < len(lines); {
		raw := lines[i]
		ln := i + 1
		trimmed := strings.TrimSpace(stripComment(raw))
		if trimmed == "" || i == 0 && strings.HasPrefix(trimmed, "%") {
			i++
			continue
		}
		if trimmed == "---" || trimmed == "..." || strings.HasPrefix(trimmed, "--- ") {
			if len(values) > 0 && trimmed != "..." {
				return nil, &YAMLError{Line: ln, Msg: "a second YAML document"}
			}
			i++
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			return nil, &YAMLError{Line: ln, Msg: "indented line outside a key's block"}
		}
		key, rest, ok := splitKey(raw)
		if !ok {
			return nil, &YAMLError{Line: ln, Msg: fmt.Sprintf("expected `key: value`, found %q", trimmed)}
		}
		// The key's block: the lines that follow, indented or list items at column 0.
		end := i + 1
		for end < len(lines) {
			l := lines[end]
			t := strings.TrimSpace(stripComment(l))
			if t == "" || l[0] == ' ' || l[0] == '\t' || strings.HasPrefix(l, "- ") || l == "-" {
				end++
				continue
			}
			break
		}
		if _, dup := values[key]; dup && knownKeys[key] {
			return nil, &YAMLError{Line: ln, Msg: fmt.Sprintf("key %q is given twice (first on line %d)", key, values[key].Line)}
		}
		if !knownKeys[key] {
			values[key] = yamlValue{Line: ln}
			i = end
			continue
		}
		v, err := parseValue(lines, i, end, rest)
		if err != nil {
			return nil, err
		}
		v.Line = ln
		values[key] = v
		i = end
	}
	return buildDataYAML(values)
}

// splitKey splits `key: rest` at column 0. The key may be quoted.
func splitKey(line string) (key, rest string, ok bool) {
	if line[0] == '"' || line[0] == '\'' {
		s, n, err := quoted(line)
		if err != nil || n >= len(line) || line[n] != ':' {
			return "", "", false
		}
		return s, line[n+1:], true
	}
	for i := 0; i < len(line); i++ {
		if line[i] == ':' && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t') {
			k := strings.TrimSpace(line[:i])
			if k == "" || strings.ContainsAny(k[:1], "-?[]{}&*!|>%@`#,") {
				return "", "", false
			}
			return k, line[i+1:], true
		}
	}
	return "", "", false
}

// inQuote steps over s[i] inside a scalar quoted with q: it returns where the scan goes on
// (minus one, for the loop's own step) and the quote still open (0 once it closed). A
// single-quoted scalar writes its quote twice to hold one; a double-quoted one escapes with a
// backslash.
func inQuote(s string, i int, q byte) (int, byte) {
	switch c := s[i]; {
	case c == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
		return i + 1, q
	case c == q:
		return i, 0
	case c == '\\' && q == '"':
		return i + 1, q
	}
	return i, q
}

// stripComment removes a # comment (at the start or after a blank), outside quotes.
func stripComment(s string) string {
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			i, q = inQuote(s, i, q)
		case c == '"' || c == '\'':
			if i == 0 || strings.ContainsRune(" \t[{,:", rune(s[i-1])) {
				q = c
			}
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		}
	}
	return s
}

// parseValue parses the value of the key on lines[at], whose text after the colon is rest
// and whose block runs to lines[end].
func parseValue(lines []string, at, end int, rest string) (yamlValue, error) {
	ln := at + 1
	r := strings.TrimSpace(stripComment(rest))
	if r != "" {
		if err := unsupported(r, ln); err != nil {
			return yamlValue{}, err
		}
		if r[0] == '[' || r[0] == '{' {
			// A flow collection may go on over the block's lines.
			text := r
			for j := at + 1; j < end && !balanced(text); j++ {
				text += " " + strings.TrimSpace(stripComment(lines[j]))
			}
			if !balanced(text) {
				return yamlValue{}, &YAMLError{Line: ln, Msg: "unclosed " + text[:1]}
			}
			return parseFlow(text, ln)
		}
		for j := at + 1; j < end; j++ {
			if strings.TrimSpace(stripComment(lines[j])) != "" {
				return yamlValue{}, &YAMLError{Line: j + 1, Msg: "a scalar value does not go on over indented lines here"}
			}
		}
		s, err := scalar(r, ln)
		if err != nil {
			return yamlValue{}, err
		}
		return yamlValue{Scalar: &s}, nil
	}
	var v yamlValue
	indent := -1
	for j := at + 1; j < end; j++ {
		l := lines[j]
		t := strings.TrimSpace(stripComment(l))
		if t == "" {
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(l, " "), "\t") {
			return yamlValue{}, &YAMLError{Line: j + 1, Msg: "a tab in indentation"}
		}
		ind := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 {
			indent = ind
		} else if ind != indent {
			return yamlValue{}, &YAMLError{Line: j + 1, Msg: "nested blocks are not supported here (indentation changes)"}
		}
		if t == "-" || strings.HasPrefix(t, "- ") {
			if v.IsMap {
				return yamlValue{}, &YAMLError{Line: j + 1, Msg: "a list item in a map"}
			}
			v.IsList = true
			item := strings.TrimSpace(t[1:])
			if err := unsupported(item, j+1); err != nil {
				return yamlValue{}, err
			}
			if item != "" && (item[0] == '[' || item[0] == '{' || item[0] == '-') {
				return yamlValue{}, &YAMLError{Line: j + 1, Msg: "nested collections are not supported here"}
			}
			s, err := scalar(item, j+1)
			if err != nil {
				return yamlValue{}, err
			}
			v.List = append(v.List, s)
			continue
		}
		if v.IsList {
			return yamlValue{}, &YAMLError{Line: j + 1, Msg: "a map entry in a list"}
		}
		k, val, ok := splitKey(strings.TrimLeft(l, " "))
		if !ok {
			return yamlValue{}, &YAMLError{Line: j + 1, Msg: fmt.Sprintf("expected `key: value` or `- item`, found %q", t)}
		}
		val = strings.TrimSpace(stripComment(val))
		if err := unsupported(val, j+1); err != nil {
			return yamlValue{}, err
		}
		if val != "" && (val[0] == '[' || val[0] == '{') {
			return yamlValue{}, &YAMLError{Line: j + 1, Msg: "nested collections are not supported here"}
		}
		ks, err := scalar(k, j+1)
		if err != nil {
			return yamlValue{}, err
		}
		vs, err := scalar(val, j+1)
		if err != nil {
			return yamlValue{}, err
		}
		v.IsMap = true
		v.Map = append(v.Map, [2]yamlScalar{ks, vs})
	}
	if !v.IsList && !v.IsMap {
		v.Scalar = &yamlScalar{Line: ln, Null: true}
	}
	return v, nil
}

// unsupported refuses the YAML features the subset leaves out, rather than misreading them.
func unsupported(s string, line int) error {
	if s == "" {
		return nil
	}
	switch s[0] {
	case '&', '*':
		return &YAMLError{Line: line, Msg: "anchors and aliases are not supported"}
	case '!':
		return &YAMLError{Line: line, Msg: "tags are not supported"}
	case '|', '>':
		return &YAMLError{Line: line, Msg: "block scalars (| or >) are not supported here"}
	case '?':
		return &YAMLError{Line: line, Msg: "complex keys are not supported"}
	}
	return nil
}

// balanced reports whether the brackets of a flow collection are closed (outside quotes).
func balanced(s string) bool {
	depth := 0
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			i, q = inQuote(s, i, q)
		case c == '"' || c == '\'':
			q = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
		}
	}
	return depth <= 0 && q == 0
}

// parseFlow parses a one-level flow list or map.
func parseFlow(s string, line int) (yamlValue, error) {
	open := s[0]
	close := byte(']')
	if open == '{' {
		close = '}'
	}
	if s[len(s)-1] != close {
		return yamlValue{}, &YAMLError{Line: line, Msg: fmt.Sprintf("text after the closing %c", close)}
	}
	body := s[1 : len(s)-1]
	var v yamlValue
	if open == '[' {
		v.IsList = true
	} else {
		v.IsMap = true
	}
	items, err := splitFlow(body, line)
	if err != nil {
		return yamlValue{}, err
	}
	for _, it := range items {
		if err := unsupported(it, line); err != nil {
			return yamlValue{}, err
		}
		if open == '[' {
			s, err := scalar(it, line)
			if err != nil {
				return yamlValue{}, err
			}
			v.List = append(v.List, s)
			continue
		}
		k, val, ok := splitFlowPair(it)
		if !ok {
			return yamlValue{}, &YAMLError{Line: line, Msg: fmt.Sprintf("expected `key: value` in a flow map, found %q", it)}
		}
		ks, err := scalar(k, line)
		if err != nil {
			return yamlValue{}, err
		}
		vs, err := scalar(val, line)
		if err != nil {
			return yamlValue{}, err
		}
		v.Map = append(v.Map, [2]yamlScalar{ks, vs})
	}
	return v, nil
}

// splitFlow splits a flow collection's body at commas outside quotes. A trailing comma is
// allowed; nested collections are not.
func splitFlow(body string, line int) ([]string, error) {
	var out []string
	var q byte
	start := 0
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case q != 0:
			if c == q {
				if q == '\'' && i+1 < len(body) && body[i+1] == '\'' {
					i++
					continue
				}
				q = 0
			} else if c == '\\' && q == '"' {
				i++
			}
		case c == '"' || c == '\'':
			q = c
		case c == '[' || c == '{' || c == ']' || c == '}':
			return nil, &YAMLError{Line: line, Msg: "nested collections are not supported here"}
		case c == ',':
			out = append(out, strings.TrimSpace(body[start:i]))
			start = i + 1
		}
	}
	last := strings.TrimSpace(body[start:])
	if last != "" { // a trailing comma is allowed
		out = append(out, last)
	}
	for _, it := range out {
		if it == "" {
			return nil, &YAMLError{Line: line, Msg: "an empty item in a flow collection"}
		}
	}
	return out, nil
}

// splitFlowPair splits `key: value` inside a flow map.
func splitFlowPair(s string) (string, string, bool) {
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		_, n, err := quoted(s)
		if err != nil {
			return "", "", false
		}
		r := strings.TrimLeft(s[n:], " ")
		if !strings.HasPrefix(r, ":") {
			return "", "", false
		}
		return s[:n], strings.TrimSpace(r[1:]), true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == ':' && (i+1 == len(s) || s[i+1] == ' ') {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
		}
	}
	return "", "", false
}

// scalar reads a plain or quoted scalar (already stripped of its comment).
func scalar(s string, line int) (yamlScalar, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "~" || s == "null" || s == "Null" || s == "NULL":
		return yamlScalar{Line: line, Null: true}, nil
	case s[0] == '"' || s[0] == '\'':
		v, n, err := quoted(s)
		if err != nil {
			return yamlScalar{}, &YAMLError{Line: line, Msg: err.Error()}
		}
		if strings.TrimSpace(s[n:]) != "" {
			return yamlScalar{}, &YAMLError{Line: line, Msg: fmt.Sprintf("text after a quoted string: %q", s[n:])}
		}
		return yamlScalar{Line: line, Text: v}, nil
	}
	if err := unsupported(s, line); err != nil {
		return yamlScalar{}, err
	}
	return yamlScalar{Line: line, Text: s}, nil
}

// quoted reads a quoted string at the start of s and returns its value and length.
func quoted(s string) (string, int, error) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		if c == q {
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			return b.String(), i + 1, nil
		}
		if c == '\\' && q == '"' {
			if i+1 >= len(s) {
				break
			}
			i++
			switch e := s[i]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if i+1+n > len(s) {
					return "", 0, errors.New("short escape in a quoted string")
				}
				r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(r)) {
					return "", 0, errors.New("bad escape in a quoted string")
				}
				b.WriteRune(rune(r))
				i += n
			default:
				return "", 0, fmt.Errorf("escape \\%c is not supported", e)
			}
			continue
		}
		b.WriteByte(c)
	}
	return "", 0, errors.New("unclosed quoted string")
}

// buildDataYAML interprets the keys.
func buildDataYAML(values map[string]yamlValue) (*DataYAML, error) {
	d := &DataYAML{NC: -1, Lines: map[string]int{}}
	for k, v := range values {
		d.Lines[k] = v.Line
	}
	if v, ok := values["path"]; ok {
		if v.Scalar == nil {
			return nil, &YAMLError{Line: v.Line, Msg: "path must be a single folder"}
		}
		d.Path = v.Scalar.Text
	}
	for _, k := range []struct {
		key string
		dst *[]Entry
	}{{"train", &d.Train}, {"val", &d.Val}, {"test", &d.Test}} {
		v, ok := values[k.key]
		if !ok {
			continue
		}
		switch {
		case v.Scalar != nil:
			if !v.Scalar.Null && v.Scalar.Text != "" {
				*k.dst = []Entry{{Path: v.Scalar.Text, Line: v.Scalar.Line}}
			}
		case v.IsList:
			for _, s := range v.List {
				if s.Null || s.Text == "" {
					return nil, &YAMLError{Line: s.Line, Msg: k.key + ": an empty entry"}
				}
				*k.dst = append(*k.dst, Entry{Path: s.Text, Line: s.Line})
			}
		default:
			return nil, &YAMLError{Line: v.Line, Msg: k.key + " must be a folder, a list file, or a list of them"}
		}
	}
	if v, ok := values["nc"]; ok && v.Scalar != nil && !v.Scalar.Null {
		n, err := strconv.Atoi(v.Scalar.Text)
		if err != nil || n < 0 || n > 1_000_000 {
			return nil, &YAMLError{Line: v.Line, Msg: fmt.Sprintf("nc %q is not a class count", v.Scalar.Text)}
		}
		d.NC = n
	}
	if v, ok := values["names"]; ok {
		switch {
		case v.IsList:
			for _, s := range v.List {
				d.Names = append(d.Names, s.Text)
			}
		case v.IsMap:
			byIndex := map[int]string{}
			top := -1
			for _, kv := range v.Map {
				i, err := strconv.Atoi(kv[0].Text)
				if err != nil || i < 0 || i > 1_000_000 {
					return nil, &YAMLError{Line: kv[0].Line, Msg: fmt.Sprintf("names: key %q is not a class index", kv[0].Text)}
				}
				if _, dup := byIndex[i]; dup {
					return nil, &YAMLError{Line: kv[0].Line, Msg: fmt.Sprintf("names: class %d is named twice", i)}
				}
				byIndex[i] = kv[1].Text
				top = max(top, i)
			}
			d.Names = make([]string, top+1)
			for i, n := range byIndex {
				d.Names[i] = n
			}
		case v.Scalar != nil && v.Scalar.Null:
		default:
			return nil, &YAMLError{Line: v.Line, Msg: "names must be a list or a map of class index to name"}
		}
	}
	return d, nil
}
