package coco

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/modelarts-convert/convert/api"
)

// TestObjectTemplates holds the property maps cloned from templates equal to those built key
// by key, for every combination of own keys and shape, several records in a row (a template
// is built once and must not keep a record's values).
func TestObjectTemplates(t *testing.T) {
	var tmpl propTemplates
	shapes := []any{string(api.ShapeBndbox), string(api.ShapePolygon), nil}
	for round := range 3 {
		for k := range 8 {
			for _, shape := range shapes {
				rec := &record{crowd: k&2 != 0, ignore: k&4 != 0, score: "0.5"}
				if k&1 != 0 {
					rec.id = "id" + string(rune('a'+round))
				}
				f := api.Feature{{json.Number("1"), json.Number(string(rune('2' + round)))}}
				for _, attrs := range []map[string]any{nil, {"colour": "red"}} {
					plain := recordLabels{rec: rec, name: "cat", attrs: attrs}
					fast := plain
					fast.tmpl = &tmpl
					if rec.id != "" {
						plain.id, fast.id = rec.id, rec.id
					}
					want := plain.object(nil, api.LabelObjectDetection, shape, f)
					got := fast.object(nil, api.LabelObjectDetection, shape, f)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("round %d, keys %03b, shape %v, attrs %v: got %#v, want %#v", round, k, shape, attrs, got, want)
					}
				}
			}
		}
	}
}
