package jsonlex

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzScanValue checks the scanner against encoding/json: a value it accepts whole is one
// json.Valid accepts, and the other way round; a value cut short is never accepted.
func FuzzScanValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, `0`, `-0.0e0`, `[]`, `{}`, `"\ud800"`, "\"\xff\"", `01`, `1.`, `[1,]`, `{"a"}`, ` 1 `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var stack []byte
		// A value followed by a space, as an element is followed by ',' or ']'.
		doc := append(bytes.Clone(b), ' ')
		i := 0
		for i < len(doc) && isSpace[doc[i]] {
			i++
		}
		end, ok := ScanValue(doc, i, &stack)
		whole := ok && len(bytes.Trim(doc[end:], " \t\r\n")) == 0
		if whole != json.Valid(b) {
			t.Fatalf("scanValue says %v (end %d), json.Valid %v, for %q", ok, end, json.Valid(b), b)
		}
		if ok {
			// The value scanned is valid JSON by itself, and cut short it is unfinished.
			if !json.Valid(doc[i:end]) {
				t.Fatalf("accepted %q, which is not valid JSON", doc[i:end])
			}
			if _, ok := ScanValue(doc[:end-1], i, &stack); ok {
				t.Fatalf("accepted %q, cut short", doc[i:end-1])
			}
		}
	})
}
