package preview_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/modelarts-convert/convert/preview"
)

func Example() {
	var page strings.Builder
	w := preview.NewWriter(&page, preview.Options{Limit: 10})
	body := `{"samples":[{"name":"street.jpg","sample_type":0,
	  "data_source":{"data_path":"obs://bucket/street.jpg"},"metadata":{"@modelarts:size":[640,480]},
	  "labels":[{"name":"car","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[10,20],[110,220]]}}]}]}`
	if err := w.AddBody("part-000001.json", []byte(body)); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	if err := w.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	shown, invalid := w.Counts()
	fmt.Println(shown, invalid, strings.Contains(page.String(), `<rect class="shape"`))
	// Output: 1 0 true
}
