package preview

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzAddBody: any bytes give a page, never a panic, and nothing from the body escapes into
// markup (no script element, the page ends).
func FuzzAddBody(f *testing.F) {
	for _, name := range []string{"image", "text", "speech"} {
		if data, err := os.ReadFile("../testdata/requests/" + name + ".json"); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"samples":[{"name":"t","sample_type":1,"data":"YfCfmIBi","labels":[{"name":"E","type":101,"property":{"@modelarts:start_index":1,"@modelarts:end_index":3}}]}]}`))
	f.Add([]byte(`{"samples":[{"sample_type":0,"metadata":{"@modelarts:size":[5,5]},"labels":[{"type":1,"property":{"@modelarts:shape":"circle","@modelarts:feature":[[1,1],[1e300]]}}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var page bytes.Buffer
		w := NewWriter(&page, Options{Limit: 5})
		_ = w.AddBody("f.json", body)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(page.String()), "<script") {
			t.Fatalf("markup from the body: %s", page.String())
		}
		if !strings.HasSuffix(page.String(), "</html>\n") {
			t.Fatal("page not finished")
		}
	})
}
