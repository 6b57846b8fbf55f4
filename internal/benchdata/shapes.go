package benchdata

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Shapes returns n samples shaped as the whole-command benchmarks' importers make
// them (issue 17): "conll" (a CoNLL-2003 sentence, 0 to 3 named entities with int spans),
// "csv" (a short Chinese text, 1 to 3 text-classification labels), "bbox" and "polygon" (a
// COCO image by OBS path with its size and 7 objects: boxes of two-decimal numbers, or
// polygons of 8 to 40 points, each with its annotation id).
func Shapes(kind string, n int) []*api.Sample {
	r := rand.New(rand.NewPCG(1, uint64(len(kind))))
	words := []string{"EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", ".", "Peter", "Blackburn", "BRUSSELS", "1996-08-22"}
	hanzi := []rune("天气也完好续航上涨差股市下雨再来晴朗一般冠军好吃态度高了赢得时间我们包装结果屏幕")
	coord := func(max int) json.Number {
		return json.Number(strconv.FormatFloat(float64(r.IntN(max*100))/100, 'f', 2, 64))
	}
	out := make([]*api.Sample, n)
	for i := range out {
		var s *api.Sample
		switch kind {
		case "conll":
			var text []string
			for range 5 + r.IntN(20) {
				text = append(text, words[r.IntN(len(words))])
			}
			t := strings.Join(text, " ")
			s = &api.Sample{Name: fmt.Sprintf("eng.train-%06d.txt", i+1), SampleType: api.SampleText, Encoding: api.EncodingUTF8,
				Data: base64.StdEncoding.EncodeToString([]byte(t))}
			for range r.IntN(4) {
				start := r.IntN(len(t) - 1)
				s.Labels = append(s.Labels, api.SampleLabel{Name: []string{"PER", "ORG", "LOC", "MISC"}[r.IntN(4)], Type: api.LabelNamedEntity,
					Property: api.Property{api.PropStartIndex: start, api.PropEndIndex: start + 1 + r.IntN(len(t)-start-1)}})
			}
		case "csv":
			t := make([]rune, 20+r.IntN(40))
			for j := range t {
				t[j] = hanzi[r.IntN(len(hanzi))]
			}
			s = &api.Sample{Name: fmt.Sprintf("utf8.csv-%06d.txt", i+2), SampleType: api.SampleText, Encoding: api.EncodingUTF8,
				Data: base64.StdEncoding.EncodeToString([]byte(string(t)))}
			for range 1 + r.IntN(3) {
				s.Labels = append(s.Labels, api.SampleLabel{Name: []string{"天气", "负面", "positive", "中性"}[r.IntN(4)], Type: api.LabelTextClassification})
			}
		case "bbox", "polygon":
			name := fmt.Sprintf("%012d.jpg", i+1)
			s = &api.Sample{Name: name, DataSource: &api.DataSource{DataPath: "obs://bucket/train2017/" + name}, Metadata: api.Metadata{}}
			s.Metadata.SetSize(640, 480, 0)
			for range 7 {
				var f api.Feature
				shape := api.ShapeBndbox
				if kind == "bbox" {
					x, y := coord(300), coord(200)
					f = api.Feature{{x, y}, {"3" + x, "2" + y}} // x2 = 3xx.xx > x1, y2 > y1
				} else {
					shape = api.ShapePolygon
					flat := make([]json.Number, 2*(8+r.IntN(33)))
					for j := range flat {
						flat[j] = coord(600)
					}
					for k := 0; k < len(flat); k += 2 {
						f = append(f, flat[k:k+2:k+2])
					}
				}
				p := api.Property{"annotation_id": strconv.Itoa(r.IntN(900000))}
				p.SetShape(shape, f)
				s.Labels = append(s.Labels, api.SampleLabel{Name: fmt.Sprintf("category %d", 1+r.IntN(90)), Type: api.LabelObjectDetection, Property: p})
			}
		}
		out[i] = s
	}
	return out
}
