package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/internal/cputime"
)

// A copy of emit's shapeSamples (package emit's tests cannot be imported here).

// shapeSamples returns n samples shaped as the whole-command benchmarks' importers make
// them (issue 17): "conll" (a CoNLL-2003 sentence, 0 to 3 named entities with int spans),
// "csv" (a short Chinese text, 1 to 3 text-classification labels), "bbox" and "polygon" (a
// COCO image by OBS path with its size and 7 objects: boxes of two-decimal numbers, or
// polygons of 8 to 40 points, each with its annotation id).
func shapeSamples(kind string, n int) []*Sample {
	r := rand.New(rand.NewPCG(1, uint64(len(kind))))
	words := []string{"EU", "rejects", "German", "call", "to", "boycott", "British", "lamb", ".", "Peter", "Blackburn", "BRUSSELS", "1996-08-22"}
	hanzi := []rune("天气也完好续航上涨差股市下雨再来晴朗一般冠军好吃态度高了赢得时间我们包装结果屏幕")
	coord := func(max int) json.Number {
		return json.Number(strconv.FormatFloat(float64(r.IntN(max*100))/100, 'f', 2, 64))
	}
	out := make([]*Sample, n)
	for i := range out {
		var s *Sample
		switch kind {
		case "conll":
			var text []string
			for range 5 + r.IntN(20) {
				text = append(text, words[r.IntN(len(words))])
			}
			t := strings.Join(text, " ")
			s = &Sample{Name: fmt.Sprintf("eng.train-%06d.txt", i+1), SampleType: SampleText, Encoding: EncodingUTF8,
				Data: base64.StdEncoding.EncodeToString([]byte(t))}
			for range r.IntN(4) {
				start := r.IntN(len(t) - 1)
				s.Labels = append(s.Labels, SampleLabel{Name: []string{"PER", "ORG", "LOC", "MISC"}[r.IntN(4)], Type: LabelNamedEntity,
					Property: Property{PropStartIndex: start, PropEndIndex: start + 1 + r.IntN(len(t)-start-1)}})
			}
		case "csv":
			t := make([]rune, 20+r.IntN(40))
			for j := range t {
				t[j] = hanzi[r.IntN(len(hanzi))]
			}
			s = &Sample{Name: fmt.Sprintf("utf8.csv-%06d.txt", i+2), SampleType: SampleText, Encoding: EncodingUTF8,
				Data: base64.StdEncoding.EncodeToString([]byte(string(t)))}
			for range 1 + r.IntN(3) {
				s.Labels = append(s.Labels, SampleLabel{Name: []string{"天气", "负面", "positive", "中性"}[r.IntN(4)], Type: LabelTextClassification})
			}
		case "bbox", "polygon":
			name := fmt.Sprintf("%012d.jpg", i+1)
			s = &Sample{Name: name, DataSource: &DataSource{DataPath: "obs://bucket/train2017/" + name}, Metadata: Metadata{}}
			s.Metadata.SetSize(640, 480, 0)
			for range 7 {
				var f Feature
				shape := ShapeBndbox
				if kind == "bbox" {
					x, y := coord(300), coord(200)
					f = Feature{{x, y}, {"3" + x, "2" + y}} // x2 = 3xx.xx > x1, y2 > y1
				} else {
					shape = ShapePolygon
					flat := make([]json.Number, 2*(8+r.IntN(33)))
					for j := range flat {
						flat[j] = coord(600)
					}
					for k := 0; k < len(flat); k += 2 {
						f = append(f, flat[k:k+2:k+2])
					}
				}
				p := Property{"annotation_id": strconv.Itoa(r.IntN(900000))}
				p.SetShape(shape, f)
				s.Labels = append(s.Labels, SampleLabel{Name: fmt.Sprintf("category %d", 1+r.IntN(90)), Type: LabelObjectDetection, Property: p})
			}
		}
		out[i] = s
	}
	return out
}

// BenchmarkValidateShapes validates samples of the shapes the whole-command benchmarks
// make (see shapeSamples): ns/cpu is CPU time per sample of the whole process.
func BenchmarkValidateShapes(b *testing.B) {
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		samples := shapeSamples(kind, 2000)
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for i := 0; b.Loop(); i++ {
				if vs := ValidateSample("sample", samples[i%len(samples)]); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
			reportCPU(b, cpu0, 0)
		})
	}
}
