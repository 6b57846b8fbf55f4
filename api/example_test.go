package api_test

import (
	"fmt"

	"github.com/modelarts-convert/convert/api"
)

// Build an object-detection sample and check it the way the service would.
func ExampleValidate() {
	label := api.SampleLabel{Name: "cat", Type: api.LabelObjectDetection, Property: api.Property{}}
	label.Property.SetShape(api.ShapeBndbox, api.Feature{{"10", "20.5"}, {"5", "80"}})
	req := &api.Request{Samples: []api.Sample{{
		Name:       "cat.jpg",
		SampleType: api.SampleImage,
		DataSource: &api.DataSource{DataPath: "obs://bucket/cat.jpg"},
		Labels:     []api.SampleLabel{label},
	}}}
	for _, v := range api.Validate(req) {
		fmt.Println(v)
	}
	// Output:
	// samples[0].labels[0].property["@modelarts:feature"] (sample "cat.jpg"): bndbox [[10,20.5],[5,80]] must go from upper-left to lower-right (x1 < x2 and y1 < y2)
	// samples[0].metadata (sample "cat.jpg"): has no @modelarts:size; it is required when a sample has an object-detection label (the service fails with ModelArts.4423 without it)
}
