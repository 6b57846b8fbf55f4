package manifest

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
)

// FuzzParseLine checks the line parser against encoding/json: a line parses exactly when it
// is one valid JSON object, and the fields it reads agree with encoding/json's reading. It
// then converts the line, which must not panic.
func FuzzParseLine(f *testing.F) {
	for _, seed := range []string{
		`{"source":"s3://b/a.jpg","usage":"TRAIN","annotation":[{"type":"modelarts/image_classification","name":"cat","confidence":0.8}]}`,
		`{"source":"content://I \"like\" it\u00e9","annotation":[{"type":"text_entity","property":{"@modelarts:start_index":0,"@modelarts:end_index":1}}],"id":"x"}`,
		`{"source":"s3://b/a.wav","hard":true,"hard-reasons":[1,2],"annotation":[1,{"type":"audio_content"}]}`,
		`{"a":{"b":[1,{"c":"]"}]},"source":null}`,
		`  {}  `, `[]`, `null`, `{"source":"x"`, `{"source":"\ud800"}`, `{"sou\u0072ce":"s3://b/k.jpg"}`,
		"\ufeff{\"source\":\"content://bom\"}",
		`{"":[{"":"","":0}]}`, `{"source":"s3://b/a.jpg","source":"content://x"}`,
	} {
		f.Add([]byte(seed))
	}
	r := newReader(nil, ".", "fuzz.manifest", Options{})
	f.Fuzz(func(t *testing.T, line []byte) {
		if !utf8.Valid(line) {
			return
		}
		trimmed := bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\ufeff")))
		o, err := parseLine(line)
		var want map[string]json.RawMessage
		wantErr := json.Unmarshal(trimmed, &want)
		switch {
		case len(trimmed) == 0:
			if o != nil || err != nil {
				t.Fatalf("a blank line gave %v, %v", o, err)
			}
			return
		case wantErr == nil && want != nil:
			if err != nil && len(api.DuplicateKeys(trimmed)) == 0 {
				// A repeated key is refused on purpose (encoding/json keeps the last value).
				t.Fatalf("encoding/json reads an object, parseLine fails: %v", err)
			}
			if err != nil {
				return
			}
		default:
			if err == nil {
				t.Fatalf("encoding/json fails (%v) or reads null, parseLine reads an object", wantErr)
			}
			return
		}
		// The source agrees with encoding/json's reading (exact key).
		if s, ok := want["source"]; ok {
			var v any
			if json.Unmarshal(s, &v) == nil {
				if str, ok := v.(string); ok && o.val("source") != str {
					t.Fatalf("source %q, encoding/json reads %q", o.val("source"), str)
				}
			}
		}
		r.convert(1, line, nil)
	})
}
