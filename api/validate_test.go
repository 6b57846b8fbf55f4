package api

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// validRequest holds one sample of each kind the project emits, all valid.
func validRequest() *Request {
	final := true
	return &Request{
		FinalAnnotation: &final,
		LabelFormat:     &LabelFormat{LabelType: "1", TextLabelSeparator: ",", TextSampleSeparator: "\t"},
		Samples: []Sample{
			{ // 0: image with every shape
				Name: "a.jpg", SampleType: SampleImage,
				DataSource: &DataSource{DataPath: "obs://bucket/a.jpg", DataType: DataOBS},
				Metadata:   Metadata{MetaSize: []int{100, 80, 3}, MetaHard: 0, MetaHardCoefficient: 0.5, MetaHardReasons: []int{3, 20}},
				Labels: []SampleLabel{
					{Name: "cat", Type: LabelObjectDetection, Score: "0.9", Property: Property{PropShape: "bndbox", PropFeature: Feature{{"0", "10"}, {"50", "95"}}, "color": "yellow"}},
					{Name: "p", Type: LabelObjectDetection, Property: Property{PropShape: "polygon", PropFeature: Feature{{"0", "100"}, {"50", "95"}, {"10", "60"}}}},
					{Name: "c", Type: LabelObjectDetection, Property: Property{PropShape: "circle", PropFeature: Feature{{"100", "100"}, {"50"}}}},
					{Name: "l", Type: LabelObjectDetection, Property: Property{PropShape: "line", PropFeature: Feature{{"0", "100"}, {"50", "95"}}}},
					{Name: "d", Type: LabelObjectDetection, Property: Property{PropShape: "dashed", PropFeature: Feature{{"0", "100"}, {"50", "95"}}}},
					{Name: "pt", Type: LabelObjectDetection, Property: Property{PropShape: "point", PropFeature: Feature{{"12.5", "100"}}}},
					{Name: "pl", Type: LabelObjectDetection, Property: Property{PropShape: "polyline", PropFeature: Feature{{"0", "100"}, {"50", "95"}}, PropHard: "1", PropHardCoefficient: "0.3", PropHardReasons: "3-20-21-19"}},
				},
			},
			{ // 1: inline image with classification
				Name: "b.png", SampleType: SampleImage, Data: b64("\x89PNG fake"),
				Labels: []SampleLabel{{Name: "dog", Type: LabelImageClassification}},
			},
			{ // 2: text classification, GBK
				Name: "t1", SampleType: SampleText, Data: base64.StdEncoding.EncodeToString(gbk("中文文本")), Encoding: EncodingGBK,
				Labels: []SampleLabel{{Name: "news", Type: LabelTextClassification}},
			},
			{ // 3: NER; "Barack Hussein Obama II" is 0..23 (the page's example)
				Name: "ner1", SampleType: SampleText, Data: b64("Barack Hussein Obama II (born August 4, 1961) is an American attorney and politician."),
				Labels: []SampleLabel{{Name: "PER", Type: LabelNamedEntity, Property: Property{PropStartIndex: 0, PropEndIndex: 23}}},
			},
			{ // 4: speech
				Name: "s.wav", SampleType: SampleSpeech, DataSource: &DataSource{DataPath: "obs://bucket/s.wav"},
				Labels: []SampleLabel{
					{Name: "speech", Type: LabelSpeechParagraph, AnnotatedBy: AnnotatedByHuman, Property: Property{PropContent: "hello", PropStartTime: "00:00:01.250", PropEndTime: "00:01:02.000", PropSource: "narrator"}},
					{Name: "music", Type: LabelSpeechClassification},
				},
			},
			{ // 5: NER over an emoji: 2 code points before "x", 3 UTF-16 units
				Name: "ner2", SampleType: SampleText, Data: b64("😀 x"),
				Labels: []SampleLabel{{Name: "X", Type: LabelNamedEntity, Property: Property{PropStartIndex: 2, PropEndIndex: 3}}},
			},
		},
	}
}

func gbk(s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return []byte(b)
}

func TestValidRequest(t *testing.T) {
	assert.Empty(t, Validate(validRequest()))
}

// Each case breaks one rule; the test proves the validator catches it (and would fail without
// the rule).
func TestValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r *Request)
		path   string // the violation's location
		reason string // a fragment of its reason
	}{
		{"name too long", func(r *Request) { r.Samples[1].Name = strings.Repeat("n", 1025) }, "samples[1].name", "at most 1024"},
		{"name special character", func(r *Request) { r.Samples[1].Name = "a<b.png" }, "samples[1].name", `"<"`},
		{"name quote", func(r *Request) { r.Samples[1].Name = "it's.png" }, "samples[1].name", `"'"`},
		{"name newline", func(r *Request) { r.Samples[1].Name = "a\nb.png" }, "samples[1].name", "control character U+000A"},
		{"name NUL", func(r *Request) { r.Samples[1].Name = "a\x00b.png" }, "samples[1].name", "control character U+0000"},
		{"names unique", func(r *Request) { r.Samples[1].Name = "a.jpg" }, "samples[1].name", "repeats the name of samples[0]"},
		{"sample_type", func(r *Request) { r.Samples[1].SampleType = 3 }, "samples[1].sample_type", "must be one of"},
		{"label type", func(r *Request) { r.Samples[1].Labels[0].Type = 2 }, "samples[1].labels[0].type", "must be one of"},
		{"data_type", func(r *Request) { r.Samples[0].DataSource.DataType = 7 }, "samples[0].data_source.data_type", "0..6"},
		{"annotated_by", func(r *Request) { r.Samples[4].Labels[0].AnnotatedBy = "robot" }, "samples[4].labels[0].annotated_by", "human or auto"},
		{"score above 1", func(r *Request) { r.Samples[0].Labels[0].Score = "1.5" }, "samples[0].labels[0].score", "[0,1]"},
		{"score negative", func(r *Request) { r.Samples[0].Labels[0].Score = "-0.1" }, "samples[0].labels[0].score", "[0,1]"},
		{"shape unknown", func(r *Request) { r.Samples[0].Labels[0].Property[PropShape] = "ellipse" }, `samples[0].labels[0].property["@modelarts:shape"]`, "must be one of"},
		{"bndbox arity", func(r *Request) { r.Samples[0].Labels[0].Property[PropFeature] = Feature{{"0", "10"}} }, `samples[0].labels[0].property["@modelarts:feature"]`, "exactly 2 points"},
		{"line arity", func(r *Request) {
			r.Samples[0].Labels[3].Property[PropFeature] = Feature{{"0", "10"}, {"1", "1"}, {"2", "2"}}
		}, `samples[0].labels[3].property["@modelarts:feature"]`, "exactly 2 points"},
		{"dashed arity", func(r *Request) { r.Samples[0].Labels[4].Property[PropFeature] = Feature{{"0", "10"}} }, `samples[0].labels[4].property["@modelarts:feature"]`, "exactly 2 points"},
		{"point arity", func(r *Request) { r.Samples[0].Labels[5].Property[PropFeature] = Feature{{"0", "10"}, {"1", "1"}} }, `samples[0].labels[5].property["@modelarts:feature"]`, "exactly 1 point"},
		{"polygon arity", func(r *Request) { r.Samples[0].Labels[1].Property[PropFeature] = Feature{{"0", "10"}, {"1", "1"}} }, `samples[0].labels[1].property["@modelarts:feature"]`, "at least 3 points"},
		{"polyline arity", func(r *Request) { r.Samples[0].Labels[6].Property[PropFeature] = Feature{{"0", "10"}} }, `samples[0].labels[6].property["@modelarts:feature"]`, "at least 2 points"},
		{"circle form", func(r *Request) { r.Samples[0].Labels[2].Property[PropFeature] = Feature{{"1", "1"}, {"2", "2"}} }, `samples[0].labels[2].property["@modelarts:feature"]`, "[[cx,cy],[r]]"},
		{"circle radius", func(r *Request) { r.Samples[0].Labels[2].Property[PropFeature] = Feature{{"1", "1"}, {"0"}} }, `samples[0].labels[2].property["@modelarts:feature"]`, "radius"},
		{"point of 3 numbers", func(r *Request) {
			r.Samples[0].Labels[1].Property[PropFeature] = Feature{{"0", "1", "2"}, {"1", "1"}, {"2", "2"}}
		}, `samples[0].labels[1].property["@modelarts:feature"]`, "each point is [x,y]"},
		{"negative coordinate", func(r *Request) {
			r.Samples[0].Labels[1].Property[PropFeature] = Feature{{"0", "-1"}, {"1", "1"}, {"2", "2"}}
		}, `samples[0].labels[1].property["@modelarts:feature"]`, ">= 0"},
		{"bndbox x1 < x2", func(r *Request) { r.Samples[0].Labels[0].Property[PropFeature] = Feature{{"50", "10"}, {"50", "95"}} }, `samples[0].labels[0].property["@modelarts:feature"]`, "x1 < x2"},
		{"bndbox y1 < y2 (the page's prose is wrong)", func(r *Request) { r.Samples[0].Labels[0].Property[PropFeature] = Feature{{"0", "95"}, {"50", "10"}} }, `samples[0].labels[0].property["@modelarts:feature"]`, "y1 < y2"},
		{"feature without shape", func(r *Request) { delete(r.Samples[0].Labels[0].Property, PropShape) }, `samples[0].labels[0].property["@modelarts:shape"]`, "missing"},
		{"shape without feature", func(r *Request) { delete(r.Samples[0].Labels[0].Property, PropFeature) }, `samples[0].labels[0].property["@modelarts:feature"]`, "missing"},
		{"size required for detection", func(r *Request) { delete(r.Samples[0].Metadata, MetaSize) }, "samples[0].metadata", "@modelarts:size"},
		{"size form", func(r *Request) { r.Samples[0].Metadata[MetaSize] = []int{100} }, `samples[0].metadata["@modelarts:size"]`, "[width, height]"},
		{"size positive", func(r *Request) { r.Samples[0].Metadata[MetaSize] = []int{100, 0} }, `samples[0].metadata["@modelarts:size"]`, "positive"},
		{"size integers", func(r *Request) { r.Samples[0].Metadata[MetaSize] = []any{json.Number("100.5"), json.Number("2")} }, `samples[0].metadata["@modelarts:size"]`, "positive integers"},
		{"metadata hard", func(r *Request) { r.Samples[0].Metadata[MetaHard] = 2 }, `samples[0].metadata["@modelarts:hard"]`, "0 or 1"},
		{"metadata hard_coefficient", func(r *Request) { r.Samples[0].Metadata[MetaHardCoefficient] = 1.5 }, `samples[0].metadata["@modelarts:hard_coefficient"]`, "[0,1]"},
		{"metadata hard_reasons id", func(r *Request) { r.Samples[0].Metadata[MetaHardReasons] = []int{31} }, `samples[0].metadata["@modelarts:hard_reasons"]`, "0..30"},
		{"metadata hard_reasons type", func(r *Request) { r.Samples[0].Metadata[MetaHardReasons] = "3-20" }, `samples[0].metadata["@modelarts:hard_reasons"]`, "array"},
		{"label hard", func(r *Request) { r.Samples[0].Labels[6].Property[PropHard] = "yes" }, `samples[0].labels[6].property["@modelarts:hard"]`, `"true"`},
		{"label hard_coefficient", func(r *Request) { r.Samples[0].Labels[6].Property[PropHardCoefficient] = "2" }, `samples[0].labels[6].property["@modelarts:hard_coefficient"]`, "[0,1]"},
		{"label hard_reasons", func(r *Request) { r.Samples[0].Labels[6].Property[PropHardReasons] = "3-31" }, `samples[0].labels[6].property["@modelarts:hard_reasons"]`, "0..30"},
		{"label hard_reasons as array", func(r *Request) { r.Samples[0].Labels[6].Property[PropHardReasons] = []int{3} }, `samples[0].labels[6].property["@modelarts:hard_reasons"]`, "joined by '-'"},
		{"start_time format", func(r *Request) { r.Samples[4].Labels[0].Property[PropStartTime] = "0:00:01.250" }, `samples[4].labels[0].property["@modelarts:start_time"]`, "hh:mm:ss.SSS"},
		{"end_time format", func(r *Request) { r.Samples[4].Labels[0].Property[PropEndTime] = "00:01:02" }, `samples[4].labels[0].property["@modelarts:end_time"]`, "hh:mm:ss.SSS"},
		{"encoding", func(r *Request) { r.Samples[2].Encoding = "latin1" }, "samples[2].encoding", "UTF-8, GBK or GB2312"},
		{"label_format.label_type", func(r *Request) { r.LabelFormat.LabelType = "2" }, "label_format.label_type", `"0" or "1"`},
		{"separator length", func(r *Request) { r.LabelFormat.TextLabelSeparator = ",," }, "label_format.text_label_separator", "exactly one character"},
		{"separator set", func(r *Request) { r.LabelFormat.TextSampleSeparator = "~" }, "label_format.text_sample_separator", "must be a letter"},
		{"data base64", func(r *Request) { r.Samples[1].Data = "not base64!" }, "samples[1].data", "not valid base64"},
		{"data size", func(r *Request) {
			r.Samples[1].Data = base64.StdEncoding.EncodeToString(make([]byte, MaxSampleBytes+1))
		}, "samples[1].data", "at most 12582912"},
		{"data or data_source", func(r *Request) { r.Samples[1].Data = "" }, "samples[1]", "neither data nor data_source"},
		{"ner end past text", func(r *Request) { r.Samples[3].Labels[0].Property[PropEndIndex] = 500 }, `samples[3].labels[0].property["@modelarts:end_index"]`, "past the end"},
		{"ner start < end", func(r *Request) { r.Samples[3].Labels[0].Property[PropStartIndex] = 23 }, `samples[3].labels[0].property["@modelarts:start_index"]`, "start < end"},
		{"ner negative start", func(r *Request) { r.Samples[3].Labels[0].Property[PropStartIndex] = -1 }, `samples[3].labels[0].property["@modelarts:start_index"]`, "0 <= start"},
		{"ner integer", func(r *Request) { r.Samples[3].Labels[0].Property[PropStartIndex] = json.Number("1.5") }, `samples[3].labels[0].property["@modelarts:start_index"]`, "integer"},
		{"ner missing end", func(r *Request) { delete(r.Samples[3].Labels[0].Property, PropEndIndex) }, `samples[3].labels[0].property["@modelarts:end_index"]`, "integer end"},
		{"ner counts characters of the declared encoding", func(r *Request) {
			// 4 characters in GBK are 8 bytes: an end of 5 is past the text.
			r.Samples[2].Labels = []SampleLabel{{Name: "X", Type: LabelNamedEntity, Property: Property{PropStartIndex: 0, PropEndIndex: 5}}}
		}, `samples[2].labels[0].property["@modelarts:end_index"]`, "4-character text"},
		{"ner text not in its encoding", func(r *Request) {
			r.Samples[3].Data = base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe})
		}, `samples[3].labels[0].property["@modelarts:end_index"]`, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.mutate(r)
			vs := Validate(r)
			require.NotEmpty(t, vs, "the broken rule was not caught")
			var found bool
			for _, v := range vs {
				if v.Path == tt.path && strings.Contains(v.Reason, tt.reason) {
					found = true
				}
			}
			assert.True(t, found, "no violation at %s mentioning %q; got:\n%v", tt.path, tt.reason, vs)
		})
	}
}

func TestNEREndAtTextLength(t *testing.T) {
	r := validRequest()
	r.Samples[2].Labels = []SampleLabel{{Name: "X", Type: LabelNamedEntity, Property: Property{PropStartIndex: 0, PropEndIndex: 4}}}
	assert.Empty(t, Validate(r), "a GBK text of 4 characters admits end 4")
}

func TestEveryViolationReported(t *testing.T) {
	r := validRequest()
	r.Samples[0].Labels[0].Score = "2"
	r.Samples[1].Name = "bad<name"
	r.Samples[4].SampleType = 5
	vs := Validate(r)
	require.Len(t, vs, 3)
	assert.Equal(t, "a.jpg", vs[0].Sample)
	assert.Equal(t, "bad<name", vs[1].Sample)
	assert.Equal(t, "s.wav", vs[2].Sample)
	assert.ErrorIs(t, vs.Err(), ErrInvalid)
	assert.Nil(t, Violations(nil).Err())
}

func TestRoundTripKeepsNumbers(t *testing.T) {
	in := `{"samples":[{"name":"a.jpg","sample_type":0,"data_source":{"data_path":"obs://b/a.jpg","data_type":0},"labels":[{"name":"c","property":{"@modelarts:feature":[[100,45.70000076293945],[120.0,200]],"@modelarts:shape":"bndbox","color":"yellow"},"score":0.50,"type":1}],"metadata":{"@modelarts:size":[300,400,3]}}]}`
	var r Request
	require.NoError(t, json.Unmarshal([]byte(in), &r))
	assert.Empty(t, Validate(&r))
	out, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(out), `[[100,45.70000076293945],[120.0,200]]`)
	assert.Contains(t, string(out), `"score":0.50`)
	f, err := r.Samples[0].Labels[0].Property.Feature()
	require.NoError(t, err)
	assert.Equal(t, Feature{{"100", "45.70000076293945"}, {"120.0", "200"}}, f)
}

func TestParseNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"48", "48"}, {"12.5", "12.5"}, {" 7 ", "7"}, {"45.70000076293945", "45.70000076293945"},
		{"-3", "-3"}, {"1e3", "1e3"}, {"+5", "5"}, {".5", "0.5"}, {"5.", "5"}, {"0012", "12"},
	}
	for _, tt := range tests {
		got, err := ParseNumber(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, string(got), tt.in)
	}
	for _, bad := range []string{"", "abc", "NaN", "Inf", "-inf", "1e999", "0x10", "1_000", "1,5"} {
		_, err := ParseNumber(bad)
		assert.ErrorIs(t, err, ErrNotNumber, bad)
	}
}

func TestCheckName(t *testing.T) {
	assert.Empty(t, CheckName(""))
	assert.Empty(t, CheckName("子目录/图片 1.jpg"))
	assert.Empty(t, CheckName(strings.Repeat("字", 1024)), "the limit counts characters, not bytes")
	assert.NotEmpty(t, CheckName(strings.Repeat("字", 1025)))
	for _, c := range `!<>=&"'` {
		assert.NotEmpty(t, CheckName("a"+string(c)), string(c))
	}
	// Control characters and line breaks anywhere in a name.
	for _, name := range []string{"a\x00b.jpg", "a\nb.jpg", "a\rb.jpg", "a\tb.jpg", "\x1b[31mred.jpg", "a\x7f.jpg", "a\u0085.jpg", "a\u2028.jpg", "a.jpg\n"} {
		assert.Contains(t, CheckName(name), "control character", "%q", name)
	}
	assert.Equal(t, "contains the control character U+000A at byte 1; sample names may not contain control characters or line breaks", CheckName("a\nb"))
	// Letters, spaces and marks of any script stay valid.
	for _, name := range []string{"a b.jpg", "ünïcødé.jpg", "العربية.jpg", "emoji-😀.jpg", "a\u00a0b.jpg"} {
		assert.Empty(t, CheckName(name), "%q", name)
	}
}

func TestPropertyAccessors(t *testing.T) {
	p := Property{}
	p.SetShape(ShapeBndbox, Feature{{"1", "2"}, {"3", "4"}})
	assert.Equal(t, ShapeBndbox, p.Shape())
	p.SetSpan(3, 9)
	s, e, ok := p.Span()
	assert.True(t, ok)
	assert.Equal(t, [2]int{3, 9}, [2]int{s, e})
	p.SetHardReasons(HardPredictionOutlier, HardFliplrInconsistent)
	assert.Equal(t, "3-20", p[PropHardReasons])
	m := Metadata{}
	m.SetSize(640, 480, 3)
	size, ok := m.Size()
	assert.True(t, ok)
	assert.Equal(t, []int{640, 480, 3}, size)
	assert.Equal(t, "object detection", LabelObjectDetection.String())
	assert.Equal(t, "label type 7", LabelType(7).String())
}

// Image-segmentation labels (type 3) are checked as object detection is: a shape with its
// feature, valid coordinates, and the sample's @modelarts:size.
func TestValidateSegmentation(t *testing.T) {
	seg := func() *Sample {
		return &Sample{
			Name: "seg.jpg", SampleType: SampleImage,
			DataSource: &DataSource{DataPath: "obs://bucket/seg.jpg", DataType: DataOBS},
			Metadata:   Metadata{MetaSize: []int{230, 300, 3}, "mask_source": "obs://b/m.png"},
			Labels: []SampleLabel{{Name: "bike", Type: LabelImageSegmentation, Property: Property{
				PropShape: "polygon", PropFeature: Feature{{"71", "48"}, {"75", "73"}, {"49", "69"}}, "mask_color": "193,243,53"}}},
		}
	}
	require.Empty(t, ValidateSample("s", seg()), "a valid segmentation sample")
	tests := []struct {
		name   string
		mutate func(s *Sample)
		path   string
		reason string
	}{
		{"no size", func(s *Sample) { delete(s.Metadata, MetaSize) }, "s.metadata", "image-segmentation label"},
		{"no shape", func(s *Sample) { delete(s.Labels[0].Property, PropShape); delete(s.Labels[0].Property, PropFeature) },
			`s.labels[0].property["@modelarts:shape"]`, "image-segmentation label needs a shape"},
		{"shape without feature", func(s *Sample) { delete(s.Labels[0].Property, PropFeature) }, `s.labels[0].property["@modelarts:feature"]`, "missing"},
		{"polygon arity", func(s *Sample) { s.Labels[0].Property[PropFeature] = Feature{{"1", "1"}, {"2", "2"}} }, `s.labels[0].property["@modelarts:feature"]`, "at least 3 points"},
		{"negative coordinate", func(s *Sample) { s.Labels[0].Property[PropFeature] = Feature{{"1", "-1"}, {"2", "2"}, {"3", "3"}} }, `s.labels[0].property["@modelarts:feature"]`, ">= 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seg()
			tt.mutate(s)
			vs := ValidateSample("s", s)
			var found bool
			for _, v := range vs {
				if v.Path == tt.path && strings.Contains(v.Reason, tt.reason) {
					found = true
				}
			}
			assert.True(t, found, "no violation at %s mentioning %q; got:\n%v", tt.path, tt.reason, vs)
		})
	}
}
