package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/benchdata"
)

// testdataRequests decodes every file under a testdata folder of the repo that holds a
// request body (the request files, the importers' golden bodies), both as encoding/json
// decodes it and as api.DecodeRequest does (numbers kept as json.Number).
func testdataRequests(t testing.TB) (samples []*api.Sample, files int) {
	t.Helper()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(filepath.ToSlash(path), "/testdata/") {
			return nil
		}
		if info, err := d.Info(); err != nil || info.Size() > 4<<20 {
			return nil
		}
		body, err := os.ReadFile(path)
		if err != nil || !json.Valid(body) {
			return nil
		}
		var r api.Request
		if json.Unmarshal(body, &r) != nil || len(r.Samples) == 0 {
			return nil
		}
		files++
		for i := range r.Samples {
			samples = append(samples, &r.Samples[i])
		}
		if strict, err := api.DecodeRequest(body); err == nil {
			for i := range strict.Samples {
				samples = append(samples, &strict.Samples[i])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return samples, files
}

// oddStrings are strings whose JSON form takes every escape rule.
var oddStrings = []string{
	"", "plain", "a\"b\\c", "tab\there\nnl\rcr\bbs\fff", "\x00\x01\x1f\x7f", "<b>&amp;</b>",
	"中文文本", "emoji 😀", "line\u2028para\u2029", "bad \xff utf8 \xc3", "\xe2\x80", "trailing \\",
	strings.Repeat("abcdefgh", 9) + "\"", "0123456\n", "Ωmega/slash", "\u00e9t\u00e9",
}

// oddValues are property and metadata values of every type the encoder writes by hand, and
// some it leaves to encoding/json.
func oddValues(r *rand.Rand) []any {
	f := []float64{0, 1, -1, 0.1, 1e-7, 1.5e-6, 1e21, 123456789e15, math.MaxFloat64, math.SmallestNonzeroFloat64, -2.5e-9, r.NormFloat64() * 1e6, r.Float64() * 1e-3}
	return []any{
		nil, true, false, 0, -17, int64(1 << 60), int32(-5), uint64(1 << 63), f[r.IntN(len(f))],
		json.Number("12.50"), json.Number(""), json.Number("1e400"), json.Number("-0"),
		oddStrings[r.IntN(len(oddStrings))], []int{1, 2, 3}, []int(nil), []int{}, []any{json.Number("1"), "a", nil, []any{}},
		[]any(nil), map[string]any{"b": 1, "a": []any{"x"}, "\u2028": "y"}, map[string]any(nil), map[string]any{},
		api.Feature{{"1", "2"}, {"3.5", "4"}}, api.Feature(nil), [][]json.Number{{"7"}}, []json.Number{"1", "2"},
		api.Point{"1", "2"}, []api.Point{{"1", "2"}}, []api.Point(nil), []string{"a", "\n"}, []string(nil),
		[]api.HardReason{3, 20}, api.HardReason(4), api.Property{"k": "v"}, api.Metadata{"m": 1},
	}
}

// foreignValues are values the hand encoder leaves to encoding/json.
var foreignValues = []any{[]byte("bytes"), struct{ A int }{1}, [2]int{1, 2}, map[string]int{"a": 1}, float32(1.5), json.Number("x1"), math.NaN()}

// genSamples returns n samples built from random parts, valid or not (the encoder writes
// whatever it is given).
func genSamples(seed uint64, n int) []*api.Sample {
	r := rand.New(rand.NewPCG(seed, 42))
	str := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		return oddStrings[r.IntN(len(oddStrings))]
	}
	vals := oddValues(r)
	val := func() any {
		if r.IntN(400) == 0 {
			return foreignValues[r.IntN(len(foreignValues))]
		}
		if r.IntN(4) == 0 {
			vals = oddValues(r) // new random floats and strings
		}
		return vals[r.IntN(len(vals))]
	}
	obj := func() map[string]any {
		switch r.IntN(5) {
		case 0:
			return nil
		case 1:
			return map[string]any{}
		}
		m := map[string]any{}
		for range 1 + r.IntN(20) { // past 16 keys too
			m[str()+fmt.Sprint(r.IntN(30))] = val()
		}
		return m
	}
	out := make([]*api.Sample, n)
	for i := range out {
		s := &api.Sample{Name: str(), SampleType: api.SampleType(r.IntN(12) - 1), Data: str(), Encoding: str()}
		if r.IntN(3) == 0 {
			s.Data = b64(strings.Repeat("data ", r.IntN(50)))
		}
		if r.IntN(2) == 0 {
			ds := &api.DataSource{DataPath: str(), DataType: api.DataType(r.IntN(8))}
			if r.IntN(3) == 0 {
				ds.SchemaMaps = []api.SchemaMap{{DestName: str(), SrcName: str()}, {}}
			}
			if r.IntN(3) == 0 {
				ds.SourceInfo = &api.SourceInfo{ClusterID: str(), IP: str(), UserPassword: str(), VpcID: str()}
			}
			if r.IntN(3) == 0 {
				b := r.IntN(2) == 0
				ds.WithColumnHeader = &b
			}
			s.DataSource = ds
		}
		switch r.IntN(4) {
		case 0:
		case 1:
			s.Labels = []api.SampleLabel{}
		default:
			for range 1 + r.IntN(4) {
				l := api.SampleLabel{AnnotatedBy: str(), ID: str(), Name: str(), Type: api.LabelType(r.IntN(700)), Property: obj()}
				l.Score = json.Number([]string{"", "0.5", "1", "bad"}[r.IntN(4)])
				if r.IntN(2) == 0 {
					if l.Property == nil {
						l.Property = api.Property{}
					}
					l.Property.SetShape(api.ShapeBndbox, api.Feature{{"1", "2"}, {"30.25", "40"}})
				}
				s.Labels = append(s.Labels, l)
			}
		}
		s.Metadata = obj()
		if r.IntN(2) == 0 {
			if s.Metadata == nil {
				s.Metadata = api.Metadata{}
			}
			s.Metadata.SetSize(r.IntN(5000), r.IntN(5000), r.IntN(4))
		}
		out[i] = s
	}
	return out
}

// sameAsReflection fails the test unless EncodeSample gives exactly what encoding/json gives
// for s (bytes, or the error). It reports whether the hand encoder wrote s itself.
func sameAsReflection(t *testing.T, s *api.Sample) (byHand bool) {
	t.Helper()
	var want bytes.Buffer
	wantErr := encodeSampleReflect(&want, s)
	got, err := EncodeSample(s)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("%+v: error %v, encoding/json gives %v", s, err, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("%+v:\n got %s\nwant %s", s, got, want.Bytes())
	}
	// A sample the validator passes is encoded by appendValidSample: the same bytes.
	if one, reason := checkAppend(s, nil); reason == "" && !bytes.Equal(one, want.Bytes()) {
		t.Fatalf("%+v, valid:\n got %s\nwant %s", s, one, want.Bytes())
	}
	_, byHand = appendSample(nil, s)
	return byHand
}

func TestEncoderMatchesReflection(t *testing.T) {
	fromFiles, files := testdataRequests(t)
	if files < 5 || len(fromFiles) < 20 {
		t.Fatalf("only %d request files (%d samples) found under testdata", files, len(fromFiles))
	}
	for _, s := range fromFiles {
		if !sameAsReflection(t, s) {
			t.Errorf("the hand encoder gave up on a sample of the repo's request files: %+v", s)
		}
	}
	byHand, fallback := 0, 0
	for _, s := range genSamples(1, 4000) {
		if sameAsReflection(t, s) {
			byHand++
		} else {
			fallback++
		}
	}
	// Both paths must have been taken for the test to prove anything.
	if byHand < 1000 || fallback < 50 {
		t.Fatalf("%d samples encoded by hand, %d through encoding/json", byHand, fallback)
	}
	t.Logf("%d request files, %d samples; generated: %d by hand, %d through encoding/json", files, len(fromFiles), byHand, fallback)
}

// TestBatchesMatchReflection runs whole streams through Batches with each encoder: the same
// request bodies, byte for byte.
func TestBatchesMatchReflection(t *testing.T) {
	fromFiles, _ := testdataRequests(t)
	samples := fromFiles
	for i, s := range genSamples(2, 1000) {
		// Made valid, keeping the odd values in free properties and metadata.
		s.Name, s.SampleType, s.Encoding, s.DataSource = fmt.Sprintf("g%04d.txt", i), api.SampleText, "", nil
		s.Data = b64(oddStrings[i%len(oddStrings)] + "text")
		for j := range s.Labels {
			l := &s.Labels[j]
			l.Type, l.AnnotatedBy, l.Score = api.LabelTextClassification, "", json.Number([]string{"", "0.25"}[j%2])
			for k := range l.Property {
				if strings.HasPrefix(k, "@modelarts:") {
					delete(l.Property, k)
				}
			}
		}
		for k := range s.Metadata {
			if strings.HasPrefix(k, "@modelarts:") {
				delete(s.Metadata, k)
			}
		}
		samples = append(samples, s)
	}
	// Values encoding/json refuses: the rejection must say the same.
	samples = append(samples, &api.Sample{Name: "nan.txt", SampleType: api.SampleText, Data: b64("x"),
		Labels: []api.SampleLabel{{Name: "a", Type: api.LabelTextClassification, Property: api.Property{"v": math.NaN()}}}})
	samples = append(samples, &api.Sample{Name: "num.txt", SampleType: api.SampleText, Data: b64("x"),
		Metadata: api.Metadata{"n": json.Number("0x1")}})
	var rejected []string
	run := func() [][]byte {
		rejected = nil
		var bodies [][]byte
		opts := Options{BatchSize: 7, MaxBody: 20000, LabelFormat: &api.LabelFormat{TextLabelSeparator: "&"},
			Reject: func(s *api.Sample, reason string) { rejected = append(rejected, s.Name+": "+reason) }}
		for b, err := range Batches(t.Context(), stream(samples, nil), opts) {
			if err != nil {
				t.Fatal(err)
			}
			bodies = append(bodies, b.Body)
		}
		return bodies
	}
	got := run()
	gotRejected := rejected
	useReflection = true
	defer func() { useReflection = false }()
	want := run()
	if !slices.Equal(gotRejected, rejected) {
		t.Fatalf("rejections differ:\n got %q\nwant %q", gotRejected, rejected)
	}
	if !slices.ContainsFunc(rejected, func(r string) bool {
		return strings.HasPrefix(r, "nan.txt: cannot encode: json: unsupported value: NaN")
	}) {
		t.Fatalf("the NaN sample was not rejected as encoding/json refuses it: %q", rejected)
	}
	if len(got) != len(want) || len(got) < 100 {
		t.Fatalf("%d bodies, with encoding/json %d (%d samples rejected in all)", len(got), len(want), len(rejected))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("body %d differs:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
}

// FuzzEncoderMatchesReflection: any sample encoding/json can decode, and any string or float
// in it, encodes by hand exactly as encoding/json encodes it.
func FuzzEncoderMatchesReflection(f *testing.F) {
	f.Add([]byte(`{"name":"a\u2028b","sample_type":0,"labels":[{"type":1,"score":0.5,"property":{"k":[1,"x",null,{"y":true}]}}],"metadata":{"@modelarts:size":[1,2]}}`), "tab\t\"\xff", 1e-7)
	for _, s := range oddStrings {
		f.Add([]byte(`{}`), s, 1e21)
	}
	f.Fuzz(func(t *testing.T, body []byte, str string, x float64) {
		var s api.Sample
		if json.Unmarshal(body, &s) == nil {
			sameAsReflection(t, &s)
		}
		var strict api.Request
		if json.Unmarshal(append(append([]byte(`{"samples":[`), body...), ']', '}'), &strict) == nil && len(strict.Samples) == 1 {
			sameAsReflection(t, &strict.Samples[0])
		}
		sameAsReflection(t, &api.Sample{Name: str, Data: str, Labels: []api.SampleLabel{{Name: str, Property: api.Property{str: x, "f": []any{x, str}}}}, Metadata: api.Metadata{str: str}})
	})
}

// BenchmarkEncodeSample encodes the same samples by hand and through encoding/json, side by
// side in one run. ns/cpu is CPU time per sample (all goroutines), which machine load
// disturbs less than wall time.
func BenchmarkEncodeSample(b *testing.B) {
	var samples []*api.Sample
	for _, s := range genSamples(3, 2000) {
		if _, ok := appendSample(nil, s); ok {
			samples = append(samples, s)
		}
	}
	image := &api.Sample{Name: "2007_000027.jpg", DataSource: &api.DataSource{DataPath: "obs://bucket/voc/JPEGImages/2007_000027.jpg"},
		Metadata: api.Metadata{}}
	image.Metadata.SetSize(486, 500, 3)
	for i := range 3 {
		l := api.SampleLabel{Name: "person", Type: api.LabelObjectDetection, Property: api.Property{"difficult": "0", "pose": "Frontal"}}
		l.Property.SetShape(api.ShapeBndbox, api.Feature{{api.Int(int64(174 + i)), "101"}, {"349.5", "351"}})
		image.Labels = append(image.Labels, l)
	}
	text := &api.Sample{Name: "train.txt-000001.txt", SampleType: api.SampleText, Data: b64(strings.Repeat("EU rejects German call to boycott British lamb . ", 4))}
	for i := range 4 {
		text.Labels = append(text.Labels, api.SampleLabel{Name: "MISC", Type: api.LabelNamedEntity, Property: api.Property{api.PropStartIndex: i * 10, api.PropEndIndex: i*10 + 6}})
	}
	cases := []struct {
		name    string
		samples []*api.Sample
	}{{"generated", samples}, {"voc", []*api.Sample{image}}, {"ner", []*api.Sample{text}}}
	for _, c := range cases {
		for _, impl := range []string{"hand", "reflect"} {
			b.Run(c.name+"/"+impl, func(b *testing.B) {
				b.ReportAllocs()
				cpu0 := cpuTime()
				var buf bytes.Buffer
				for i := 0; b.Loop(); i++ {
					s := c.samples[i%len(c.samples)]
					if impl == "hand" {
						if _, err := EncodeSample(s); err != nil {
							b.Fatal(err)
						}
					} else {
						buf.Reset()
						if err := encodeSampleReflect(&buf, s); err != nil {
							b.Fatal(err)
						}
						_ = bytes.Clone(buf.Bytes()) // EncodeSample's result is the caller's
					}
				}
				if cpu := cpuTime() - cpu0; cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "ns/cpu")
				}
			})
		}
	}
}

// TestValidSamplesMatchReflection: for every sample the validator passes, the encoding of a
// valid sample (data copied, feature numbers written unchecked; see appendValidSample) is
// what encoding/json writes. The samples: the repo's request files, the benchmarks' shapes,
// the generated ones, and those with features of every spelling of a number and of every
// type a feature is held in.
func TestValidSamplesMatchReflection(t *testing.T) {
	samples, _ := testdataRequests(t)
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		samples = append(samples, benchdata.Shapes(kind, 300)...)
	}
	samples = append(samples, genSamples(3, 3000)...)
	numbers := []json.Number{"0", "-0", "1", "12.50", "1e2", "1E+2", "0.0e-0", "3.25", "", "-1", "x", "1e999"}
	r := rand.New(rand.NewPCG(11, 12))
	number := func() json.Number {
		if r.IntN(10) == 0 {
			return numbers[8+r.IntN(4)] // not a coordinate
		}
		return numbers[r.IntN(8)]
	}
	for i := range 4000 {
		rows := make([][]json.Number, 1+r.IntN(5))
		for j := range rows {
			rows[j] = []json.Number{number(), number()}
		}
		if i%7 == 0 {
			rows = [][]json.Number{{"5", "5"}, {"2"}} // a circle
		}
		var feature any = api.Feature(rows)
		switch i % 4 {
		case 1:
			feature = rows
		case 2:
			var anys []any
			for _, row := range rows {
				anys = append(anys, []any{row[0], row[len(row)-1]})
			}
			feature = anys
		}
		shape := []api.Shape{api.ShapeBndbox, api.ShapePolygon, api.ShapePoint, api.ShapeLine, api.ShapeCircle, api.ShapePolyline}[r.IntN(6)]
		s := &api.Sample{Name: fmt.Sprintf("f%04d.jpg", i), Data: b64("image"), Metadata: api.Metadata{}}
		s.Metadata.SetSize(100, 100, 3)
		s.Labels = []api.SampleLabel{{Name: "x", Type: api.LabelObjectDetection, Property: api.Property{
			api.PropShape: string(shape), api.PropFeature: feature, "note": "a\"b"}}}
		if i%3 == 0 {
			delete(s.Labels[0].Property, "note") // the usual two keys
		}
		samples = append(samples, s)
	}
	// Two-key maps that are not a known pair, or half of one.
	for i, p := range []api.Property{{api.PropEndIndex: 3, "z": 1}, {"a": 1, api.PropStartIndex: 0}, {api.PropShape: "point", "b": 2},
		{api.PropFeature: api.Feature{{"1", "2"}}, api.PropEndIndex: 2}, {api.PropEndIndex: 3, api.PropStartIndex: 1}, {"x": 1, "y": 2}} {
		s := &api.Sample{Name: fmt.Sprintf("p%d.txt", i), SampleType: api.SampleText, Data: b64("some text"),
			Labels: []api.SampleLabel{{Name: "E", Type: api.LabelNamedEntity, Property: p}}, Metadata: api.Metadata(p)}
		sameAsReflection(t, s)
		samples = append(samples, s)
	}
	valid, withFeature := 0, 0
	for _, s := range samples {
		got, reason := checkAppend(s, nil)
		if reason != "" {
			continue
		}
		valid++
		if len(s.Labels) > 0 && s.Labels[0].Property[api.PropFeature] != nil {
			withFeature++
		}
		var want bytes.Buffer
		if err := encodeSampleReflect(&want, s); err != nil {
			t.Fatalf("%+v passes the validator, and encoding/json refuses it: %v", s, err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("%+v:\n got %s\nwant %s", s, got, want.Bytes())
		}
	}
	if valid < 1500 || withFeature < 1000 {
		t.Fatalf("%d of %d samples valid, %d with a feature: the test proves too little", valid, len(samples), withFeature)
	}
	t.Logf("%d samples, %d valid, %d with a feature", len(samples), valid, withFeature)
}

// jsonString is encoding/json's form of s (no HTML escaping), the reference for appendString.
func jsonString(t testing.TB, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// appendString (plainRune's two- and three-byte sequences included) writes every string as
// encoding/json does: every one- to three-byte sequence around each lead byte's edges, cut
// short, before and after ASCII, and random bytes.
func TestAppendStringMatchesJSON(t *testing.T) {
	var cases []string
	edges := []byte{0x00, 0x1f, 0x20, '"', '\\', 0x7f, 0x80, 0x9f, 0xa0, 0xa7, 0xa8, 0xa9, 0xaa, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xe2, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff}
	for _, a := range edges {
		for _, b := range edges {
			for _, c := range edges {
				seq := string([]byte{a, b, c})
				cases = append(cases, seq, seq[:2], "x"+seq+"y", "中"+seq[:2], seq+"\u2028")
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20_000 {
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(3) == 0 {
				b[i] = 0x80 | byte(r.IntN(64))
			}
		}
		cases = append(cases, string(b))
	}
	cases = append(cases, oddStrings...)
	for _, s := range cases {
		if got, want := string(appendString(nil, s)), jsonString(t, s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendStringMatchesJSON(f *testing.F) {
	for _, s := range oddStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendString(nil, s)), jsonString(t, s); got != want {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}

func TestAppendIntMatchesStrconv(t *testing.T) {
	for n := int64(-20_000); n <= 20_000; n++ {
		if got, want := string(appendInt([]byte("x"), n)), "x"+strconv.FormatInt(n, 10); got != want {
			t.Fatalf("appendInt(%d) = %s, want %s", n, got, want)
		}
	}
	for _, n := range []int64{math.MinInt64, math.MaxInt64, 1 << 40, -1 << 40} {
		if got, want := string(appendInt(nil, n)), strconv.FormatInt(n, 10); got != want {
			t.Fatalf("appendInt(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestLabelTypeJSON: the end of a label written for a type the validator passes is what
// encoding/json writes for it.
func TestLabelTypeJSON(t *testing.T) {
	known := 0
	for typ := api.LabelType(-5); typ < 1000; typ++ {
		j := labelTypeJSON(typ)
		if j == "" {
			continue
		}
		known++
		if want := `"type":` + strconv.Itoa(int(typ)) + `}`; j != want {
			t.Fatalf("labelTypeJSON(%d) = %s, want %s", typ, j, want)
		}
		l := api.SampleLabel{Type: typ}
		if got, _ := appendLabel(nil, &l, true, nil, false); string(got) != `{`+j {
			t.Fatalf("appendLabel of type %d, valid: %s", typ, got)
		}
	}
	if known < 5 {
		t.Fatalf("%d label types written from constants", known)
	}
}

// TestJSONStringsMatchJSON: strings written through a jsonStrings table, again and again, in
// any order (strings that collide in the table, that JSON escapes, that are not UTF-8, that
// are too long to keep, and more than it has room for), are what encoding/json writes,
// and the table keeps only strings that JSON writes as they are.
func TestJSONStringsMatchJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	var pool []string
	pool = append(pool, oddStrings...)
	pool = append(pool, "天气", "负面", "positive", "neutral", "中性", "PER", "LOC", "ORG", "MISC", "person", "a\"b", `a\b`, "\u2028", "\xff", strings.Repeat("长", 30))
	for i := range 3000 {
		pool = append(pool, fmt.Sprintf("class-%d", i), fmt.Sprintf("类%d", i%50))
	}
	var c jsonStrings
	for n := range 60000 {
		s := pool[r.IntN(len(pool))]
		if n%3 == 0 {
			s = pool[r.IntN(20)] // the few usual ones
		}
		// Strings of the same bytes at another address, and a buffer changed after use: the
		// table compares bytes, and holds its own copies.
		buf := []byte(s)
		got := string(c.append([]byte("x"), string(buf)))
		for i := range buf {
			buf[i] = 'Z'
		}
		if want := "x" + jsonString(t, s); got != want {
			t.Fatalf("jsonStrings.append(%q) = %s, want %s", s, got, want)
		}
	}
	kept := 0
	for _, e := range c.slots {
		if e != "" {
			kept++
		}
	}
	if kept < 200 {
		t.Fatalf("%d strings kept: the test covers too little", kept)
	}
	for _, e := range c.slots {
		if e != "" && jsonString(t, e[1:len(e)-1]) != e {
			t.Fatalf("the table keeps %s, which JSON writes otherwise", e)
		}
	}
}

// TestAppendLiteralRowsMatchesJSON: features of points (written without a copy call per
// number, see putNumber) and of other rows are written as encoding/json writes them, for
// numbers of every length from 1 to 24 bytes, into buffers of any room left.
func TestAppendLiteralRowsMatchesJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	number := func() json.Number {
		n := 1 + r.IntN(24)
		if r.IntN(2) == 0 {
			n = 1 + r.IntN(8)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = '1' + byte(r.IntN(9))
		}
		if n >= 3 && r.IntN(2) == 0 {
			b[1+r.IntN(n-2)] = '.'
		}
		return json.Number(b)
	}
	for n := range 20000 {
		f := make(api.Feature, r.IntN(6))
		for i := range f {
			switch r.IntN(10) {
			case 0:
				f[i] = nil
			case 1:
				f[i] = []json.Number{number()}
			case 2:
				f[i] = []json.Number{number(), number(), number()}
			default:
				f[i] = []json.Number{number(), number()}
			}
		}
		if n%50 == 0 {
			f = nil
		}
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		dst := make([]byte, 1, 1+r.IntN(40)) // room for a point or not
		dst[0] = 'x'
		if got := appendLiteralRows(dst, f); string(got) != "x"+string(want) {
			t.Fatalf("%v:\n got %s\nwant x%s", f, got, want)
		}
		if got := appendLiteralRows(nil, [][]json.Number(f)); string(got) != string(want) {
			t.Fatalf("%v as [][]json.Number:\n got %s\nwant %s", f, got, want)
		}
	}
}

// TestShapeJSON: a shape written from its JSON made once is what encoding/json writes, for
// every shape the validator passes (and only those).
func TestShapeJSON(t *testing.T) {
	for _, s := range []api.Shape{api.ShapeBndbox, api.ShapePolygon, api.ShapeCircle, api.ShapeLine, api.ShapeDashed, api.ShapePoint, api.ShapePolyline} {
		if got, want := shapeJSON(s), jsonString(t, string(s)); got != want {
			t.Fatalf("shapeJSON(%q) = %s, want %s", s, got, want)
		}
	}
	for _, s := range []api.Shape{"", "box", "Polygon", "polygon ", "\"bndbox\""} {
		if j := shapeJSON(s); j != "" {
			t.Fatalf("shapeJSON(%q) = %s, want none", s, j)
		}
	}
}

// TestPlainPrefix: plainPrefix says what looking at each byte says, for strings of every
// length up to 24 with bytes of every kind in every place.
func TestPlainPrefix(t *testing.T) {
	r := rand.New(rand.NewPCG(27, 28))
	special := []byte{0x00, 0x1f, '"', '\\', 0x7f, 0x80, 0xc3, 0xe4, 0xff}
	for n := range 200000 {
		b := make([]byte, r.IntN(25))
		for i := range b {
			b[i] = "aZ09-_./ ~"[r.IntN(10)]
		}
		if len(b) > 0 && n%2 == 0 {
			b[r.IntN(len(b))] = special[r.IntN(len(special))]
		}
		want := 0
		for want < len(b) && b[want] >= 0x20 && b[want] < 0x80 && b[want] != '"' && b[want] != '\\' {
			want++
		}
		if got := plainPrefix(string(b)); got != want {
			t.Fatalf("plainPrefix(%q) = %d, want %d", b, got, want)
		}
	}
}

// TestClassLabelsMatchJSON: labels of a name and a type only (see appendClassLabel), written
// again and again through one table, in any order (names and types that collide in it, names
// JSON escapes, names too long to keep, names whose bytes change after use), are what
// encoding/json writes.
func TestClassLabelsMatchJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(29, 30))
	var pool []string
	pool = append(pool, oddStrings...)
	pool = append(pool, "天气", "负面", "positive", "neutral", "中性", "PER", "a\"b", `a\b`, "\u2028", "\xff", strings.Repeat("长", 30), "x")
	for i := range 2000 {
		pool = append(pool, fmt.Sprintf("class-%d", i), fmt.Sprintf("类%d", i%50))
	}
	types := []api.LabelType{api.LabelTextClassification, api.LabelImageClassification, api.LabelObjectDetection, api.LabelNamedEntity, api.LabelImageSegmentation}
	var c jsonStrings
	for n := range 60000 {
		name := pool[r.IntN(len(pool))]
		if n%3 == 0 {
			name = pool[len(oddStrings)+r.IntN(12)] // the few usual ones
		}
		if name == "" {
			continue // a label without a name is not a class label
		}
		buf := []byte(name)
		l := api.SampleLabel{Name: string(buf), Type: types[r.IntN(len(types))]}
		got, ok := appendLabel([]byte("x"), &l, true, &c, false)
		for i := range buf {
			buf[i] = 'Z'
		}
		l.Name = name
		want, _ := json.Marshal(struct {
			Name string        `json:"name"`
			Type api.LabelType `json:"type"`
		}{name, l.Type})
		want = bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(want, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">")), []byte(`\u0026`), []byte("&"))
		if !ok || string(got) != "x"+string(want) {
			t.Fatalf("label %q of type %d: %s, want x%s", name, l.Type, got, want)
		}
	}
	kept := 0
	for _, e := range c.labels {
		if e.json != "" {
			kept++
		}
	}
	if kept < 100 {
		t.Fatalf("%d labels kept: the test covers too little", kept)
	}
}

// TestCheckAppendMatchesValidator: checkAppend, whose validator leaves the points of
// polygons, polylines, lines and points to the encoder (api.ValidateSampleLeavingPoints,
// appendCheckedRows), refuses exactly the samples api.ValidateSample refuses, with its
// reasons, and writes the others as encoding/json does: features of every shape, held as
// api.Feature, [][]json.Number or []any, of numbers of every spelling (plain, not plain but
// valid, negative, not numbers, empty, long) and rows of one to three numbers anywhere, with
// more than 64 labels too.
func TestCheckAppendMatchesValidator(t *testing.T) {
	samples, _ := testdataRequests(t)
	for _, kind := range []string{"conll", "csv", "bbox", "polygon"} {
		samples = append(samples, benchdata.Shapes(kind, 200)...)
	}
	samples = append(samples, genSamples(5, 2000)...)
	r := rand.New(rand.NewPCG(33, 34))
	numbers := []json.Number{"0", "7", "12", "640", "398.46", "61.00", "0.5", "12345678", "1234567.8", "123456789", "1.5e2", "-0", "-1", "00.5", "1.", ".5", "x", "", "1e999", "0.000000001"}
	number := func() json.Number {
		if r.IntN(150) == 0 {
			return numbers[9+r.IntN(len(numbers)-9)] // not plain
		}
		return numbers[r.IntN(9)]
	}
	shapes := []api.Shape{api.ShapePolygon, api.ShapePolyline, api.ShapeLine, api.ShapeDashed, api.ShapePoint, api.ShapeBndbox, api.ShapeCircle}
	for i := range 6000 {
		s := &api.Sample{Name: fmt.Sprintf("f%04d.jpg", i), Data: b64("image"), Metadata: api.Metadata{}}
		s.Metadata.SetSize(100, 100, 3)
		nLabels := 1 + r.IntN(4)
		if i%100 == 0 {
			nLabels = 70 // past the 64 labels the validator may leave
		}
		for range nLabels {
			rows := make([][]json.Number, 1+r.IntN(12))
			for j := range rows {
				rows[j] = []json.Number{number(), number()}
				if r.IntN(200) == 0 {
					rows[j] = rows[j][:1] // one number
				} else if r.IntN(200) == 0 {
					rows[j] = append(rows[j], number()) // three
				}
			}
			var feature any = api.Feature(rows)
			switch r.IntN(4) {
			case 1:
				feature = rows
			case 2:
				var anys []any
				for _, row := range rows {
					var a []any
					for _, n := range row {
						a = append(a, n)
					}
					anys = append(anys, a)
				}
				feature = anys
			}
			shape := shapes[r.IntN(len(shapes))]
			if r.IntN(3) > 0 {
				shape = api.ShapePolygon // most: rows of plain points, checked by the encoder
			}
			p := api.Property{api.PropShape: string(shape), api.PropFeature: feature}
			if r.IntN(2) == 0 {
				p["annotation_id"] = strconv.Itoa(r.IntN(1000))
			}
			s.Labels = append(s.Labels, api.SampleLabel{Name: "x", Type: api.LabelObjectDetection, Property: p})
		}
		samples = append(samples, s)
	}
	valid, refused, leftValid := 0, 0, 0
	for _, s := range samples {
		got, reason := checkAppend(s, []byte("x"))
		if _, _, left := api.ValidateSampleLeavingPoints("sample", s); left != 0 && reason == "" {
			leftValid++
		}
		want := ""
		if vs := api.ValidateSample("sample", s); len(vs) > 0 {
			want = reasonsOf(vs)
		}
		if reason != want {
			t.Fatalf("%+v:\nreason %q\nwant   %q", s, reason, want)
		}
		if reason != "" {
			refused++
			if string(got) != "x" {
				t.Fatalf("%+v refused, and written: %s", s, got)
			}
			continue
		}
		valid++
		var b bytes.Buffer
		if err := encodeSampleReflect(&b, s); err != nil {
			t.Fatal(err)
		}
		if string(got) != "x"+b.String() {
			t.Fatalf("%+v:\n got %s\nwant x%s", s, got, b.Bytes())
		}
	}
	if valid < 2000 || refused < 1000 || leftValid < 1000 {
		t.Fatalf("%d valid (%d with points left to the encoder), %d refused: the test covers too little of one kind", valid, leftValid, refused)
	}
	t.Logf("%d samples, %d valid (%d with points left to the encoder), %d refused", len(samples), valid, leftValid, refused)
}

// TestPlainWordMatchesValidator: putPoints' check of the word it gathers from a number of 1
// to 8 bytes says what api.PlainCoordinate says of the number: every string of 1 to 3 bytes
// over an alphabet of digits, dots and others, and random ones of 4 to 8.
func TestPlainWordMatchesValidator(t *testing.T) {
	alphabet := []byte("0123456789.-+eE x\x00\x80\xff")
	var cases []string
	for n := 1; n <= 3; n++ {
		idx := make([]int, n)
		for {
			b := make([]byte, n)
			for i, k := range idx {
				b[i] = alphabet[k]
			}
			cases = append(cases, string(b))
			i := 0
			for i < n && idx[i] == len(alphabet)-1 {
				idx[i] = 0
				i++
			}
			if i == n {
				break
			}
			idx[i]++
		}
	}
	r := rand.New(rand.NewPCG(35, 36))
	for range 300000 {
		b := make([]byte, 4+r.IntN(5))
		for i := range b {
			b[i] = "0123456789"[r.IntN(10)]
			if r.IntN(6) == 0 {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		cases = append(cases, string(b))
	}
	plain := 0
	for _, c := range cases {
		got := checkPlainWord(c)
		if want := api.PlainCoordinate(c); got != want {
			t.Fatalf("%q: putPoints says %v, api.PlainCoordinate %v", c, got, want)
		}
		if got {
			plain++
		}
	}
	if plain < 10000 {
		t.Fatalf("%d plain of %d: the test covers too little", plain, len(cases))
	}
}

// checkPlainWord is putPoints' check of a number of 1 to 8 bytes.
func checkPlainWord(c string) bool {
	rows := [][]json.Number{{json.Number(c), "1"}}
	_, k, _, plain := putPoints(make([]byte, maxPoint), rows, true)
	return k == 1 && plain
}

func FuzzPlainWordMatchesValidator(f *testing.F) {
	for _, c := range []string{"0", "0.5", "398.46", "00.5", "1.", ".5", "12345678", "-1"} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		if len(c) < 1 || len(c) > 8 {
			return
		}
		if got, want := checkPlainWord(c), api.PlainCoordinate(c); got != want {
			t.Fatalf("%q: putPoints says %v, api.PlainCoordinate %v", c, got, want)
		}
	})
}
