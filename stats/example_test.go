package stats_test

import (
	"fmt"

	"github.com/modelarts-convert/convert/stats"
)

func Example() {
	s := stats.New()
	body := `{"samples":[{"name":"a.jpg","sample_type":0,"data":"AAAA",
	  "metadata":{"@modelarts:size":[640,480]},
	  "labels":[{"name":"cat","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[10,20],[110,220]]}}]}]}`
	if err := s.AddBody([]byte(body)); err != nil {
		fmt.Println(err)
	}
	r := s.Report()
	fmt.Println(r.Samples, r.LabelNames[0].Name, r.Shapes["bndbox"], r.Images.Width.Max)
	// Output: 1 cat 1 640
}
