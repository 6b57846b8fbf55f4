package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidate: whatever a request body holds, decoding and validating it never panics, and
// a body that validates still validates after a round trip through the model.
func FuzzValidate(f *testing.F) {
	for _, dir := range []string{"../testdata/requests", "../testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"samples":[{"labels":[{"type":101,"property":{"@modelarts:start_index":1e400}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Request
		if json.Unmarshal(body, &r) != nil {
			return
		}
		if len(Validate(&r)) > 0 {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("a valid request does not marshal: %v", err)
		}
		var again Request
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if vs := Validate(&again); len(vs) > 0 {
			t.Fatalf("valid before the round trip, not after: %v", vs)
		}
	})
}
