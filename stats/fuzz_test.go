package stats

import (
	"bytes"
	"os"
	"testing"
)

// FuzzAddBody: any bytes are counted or refused with an error, never a panic, and the report
// always prints.
func FuzzAddBody(f *testing.F) {
	for _, name := range []string{"image", "text", "speech"} {
		if data, err := os.ReadFile("../testdata/requests/" + name + ".json"); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"samples":[{"sample_type":1,"data":"sbG+qbu2063E4w==","encoding":"GBK"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		s := New()
		_ = s.AddBody(body)
		var out bytes.Buffer
		if err := s.Report().WriteTable(&out); err != nil {
			t.Fatal(err)
		}
		if err := s.Report().WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
	})
}
