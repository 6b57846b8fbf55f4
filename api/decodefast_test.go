package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/internal/cputime"
)

// sameAsStrict fails the test unless DecodeRequest answers exactly as the strict path does
// (the same request, or the same error), and reports whether the fast path took the body.
func sameAsStrict(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	want, wantErr := decodeStrict(body)
	got, err := DecodeRequest(body)
	if fmt.Sprintf("%T %v", err, err) != fmt.Sprintf("%T %v", wantErr, wantErr) {
		t.Fatalf("%q:\nerror %T %v\nstrict path: %T %v", body, err, err, wantErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %#v\nwant %#v", body, got, want)
	}
	_, fast = decodeFast(body)
	if fast && wantErr != nil {
		t.Fatalf("%q: the fast path took a body the strict path refuses: %v", body, wantErr)
	}
	return fast
}

// bodyMutations change a valid body a little: into another valid body, or an invalid one.
var bodyMutations = []func(r *rand.Rand, b []byte) []byte{
	func(r *rand.Rand, b []byte) []byte { // drop a byte
		i := r.IntN(len(b))
		return append(b[:i:i], b[i+1:]...)
	},
	func(r *rand.Rand, b []byte) []byte { // insert a byte that matters to JSON
		i := r.IntN(len(b) + 1)
		const set = ",:{}[]\"\\ \n0-.eE+tfn\x00\x1f\xff\xc3"
		c := set[r.IntN(len(set))]
		return append(append(b[:i:i], c), b[i:]...)
	},
	func(r *rand.Rand, b []byte) []byte { // truncate
		return b[:r.IntN(len(b))]
	},
	func(r *rand.Rand, b []byte) []byte { // a key or value in another case
		keys := []string{`"name"`, `"samples"`, `"labels"`, `"type"`, `"data"`, `"property"`, `"metadata"`, `"sample_type"`, `true`, `"@modelarts:shape"`}
		k := keys[r.IntN(len(keys))]
		return bytes.Replace(b, []byte(k), []byte(strings.ToUpper(k[:2])+k[2:]), 1)
	},
	func(r *rand.Rand, b []byte) []byte { // a repeated key
		keys := []string{`"name":`, `"labels":`, `"type":`, `"data_path":`, `"@modelarts:feature":`, `"score":`}
		k := keys[r.IntN(len(keys))]
		i := bytes.Index(b, []byte(k))
		if i < 0 {
			return b
		}
		return append(append(b[:i:i], []byte(k+`null,`)...), b[i:]...)
	},
	func(r *rand.Rand, b []byte) []byte { // a value of another type
		from := []string{`"sample_type":0`, `"type":1`, `"score":0.5`, `"data_type":0`, `"final_annotation":true`, `"name":"`}
		to := []string{`"sample_type":"0"`, `"type":1.0`, `"score":"0.5"`, `"data_type":null`, `"final_annotation":1`, `"name":5,"x":"`, `"type":1e1`, `"sample_type":99999999999999999999`}
		return bytes.Replace(b, []byte(from[r.IntN(len(from))]), []byte(to[r.IntN(len(to))]), 1)
	},
	func(r *rand.Rand, b []byte) []byte { // escapes and odd text in strings
		to := []string{`"n\u0061me":"`, `"name":"\ud83d\ude00 \u2028 é \"q\" `, `"name":"` + "\xff\xfe", `"name":"\x"`, "\"name\":\"\t"}
		return bytes.Replace(b, []byte(`"name":"`), []byte(to[r.IntN(len(to))]), 1)
	},
	func(r *rand.Rand, b []byte) []byte { // deep nesting in a property
		n := []int{5, 199, 200, 201, 300, 10001}[r.IntN(6)]
		deep := strings.Repeat(`[`, n) + strings.Repeat(`]`, n)
		return bytes.Replace(b, []byte(`"property":{`), []byte(`"property":{"deep":`+deep+`,`), 1)
	},
	func(r *rand.Rand, b []byte) []byte { // trailing data, or whitespace around the body
		return append(append([]byte(" \n\t"), b...), []string{" ", "\r\n", " {}", "x", "null"}[r.IntN(5)]...)
	},
}

// decodeBodies are the repo's request files and the generated samples as request bodies.
func decodeBodies(t testing.TB) [][]byte {
	var bodies [][]byte
	for _, b := range requestFiles(t) {
		bodies = append(bodies, b)
	}
	samples := genSamples(7, 600)
	for i := 0; i < len(samples); i += 3 {
		req := Request{Samples: []Sample{*samples[i], *samples[i+1], *samples[i+2]}}
		if i%2 == 0 {
			f := i%4 == 0
			req.FinalAnnotation = &f
			req.LabelFormat = &LabelFormat{LabelType: "1", TextLabelSeparator: ","}
			req.Samples[0].DataSource = &DataSource{DataPath: "obs://b/x", SchemaMaps: []SchemaMap{{SrcName: "a", DestName: "b"}},
				SourceInfo: &SourceInfo{ClusterID: "c", UserPassword: "secret", VpcID: "v"}, WithColumnHeader: &f}
		}
		b, err := json.Marshal(req)
		if err != nil {
			continue // a generated value JSON cannot hold (a NaN)
		}
		if i%5 == 0 {
			var ind bytes.Buffer
			json.Indent(&ind, b, "", "  ")
			b = ind.Bytes()
		}
		bodies = append(bodies, b)
	}
	return bodies
}

func TestDecodeFastMatchesStrict(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	fast, strict := 0, 0
	count := func(isFast bool) {
		if isFast {
			fast++
		} else {
			strict++
		}
	}
	for _, body := range decodeBodies(t) {
		count(sameAsStrict(t, body))
		for range 12 {
			b := bytes.Clone(body)
			for range 1 + r.IntN(2) {
				if len(b) > 0 {
					b = bodyMutations[r.IntN(len(bodyMutations))](r, b)
				}
			}
			count(sameAsStrict(t, b))
		}
	}
	for _, in := range []string{``, ` `, `null`, `[]`, `{}`, `{"samples":null}`, `{"samples":[]}`, `{"samples":[{}]}`, `{"samples":[{"labels":[]}]}`,
		`{"samples":[{"metadata":{},"labels":[{"property":{}}]}]}`, `{"samples":[{"metadata":null}]}`, `{"samples":[{"labels":[{"property":[]}]}]}`,
		`{"samples":[{"sample_type":-0}]}`, `{"samples":[{"sample_type":9223372036854775808}]}`, `{"samples":[{"name":"a"}],"samples":[]}`,
		`{"samples":[{"labels":[{"score":1e400}]}]}`, `{"samples":[{"labels":[{"property":{"a":1,"a":2}}]}]}`, "\xef\xbb\xbf{}", `{"samples":[]}` + "\x00"} {
		count(sameAsStrict(t, []byte(in)))
	}
	// Property and metadata values the fast path reads itself (small integers, plain strings,
	// shapes) and those it leaves to valueParser, and keys it leaves to valueParser whole.
	for _, prop := range []string{`{}`, `{"a":0,"b":999,"c":1000,"d":-1,"e":1.5,"f":1e2,"g":0.0,"h":-0,"i":"","j":"bndbox","k":"polygon","l":"point"}`,
		`{"m":null,"n":true,"o":false,"p":[1,[2,"x"]],"q":{"r":1,"s":{"t":[]}},"u":"é","v":"\u00e9","w":"a\"b","@modelarts:shape":"bndbox"}`,
		`{"\u0061":1}`, `{"é":1}`, `{"a":1,"\u0061":2}`, `{"a":1,"a":1}`, `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":"x` + "\t" + `"}`,
		`{"a":"` + "\xff" + `"}`, `{"a` + "\x01" + `":1}`, `{"a":tru}`, `{"a":nul}`, `{"a" :  1 , "b" : [ ] }`, `{"a":1,}`, `{,}`, `{"a"}`, `{"a":1`, `{"a":[1}`,
		`{"@modelarts:start_index":0,"@modelarts:end_index":5,"@modelarts:shape":"point","@modelarts:feature":[1,2]}`, `{"@modelarts:shape2":1,"@modelarts:shap":2,"@":3,"@modelarts:feature\u0031":4}`,
		`{"@modelarts:end_index":1,"@modelarts:end_index":2}`, `{"@modelarts:end_index":1,"@modelarts:end_inde\u0078":2}`, `{"@modelarts:end_index` + "\x00" + `":1}`, `{"@modelarts:end_index`} {
		for _, body := range []string{`{"samples":[{"labels":[{"name":"x","property":` + prop + `}]}]}`, `{"samples":[{"metadata":` + prop + `}]}`} {
			count(sameAsStrict(t, []byte(body)))
		}
	}
	// Label names: more distinct names than labelName remembers, repeats, names with escapes
	// or past ASCII, and samples with no labels key beside samples with an empty list.
	var names strings.Builder
	names.WriteString(`{"samples":[`)
	for i, name := range []string{"ORG", "PER", "a", "b", "c", "d", "e", "f", "g", "h", "ORG", "", "é", `\u00e9`, "é", "ORG", "i", "PER"} {
		fmt.Fprintf(&names, `{"name":"s%d","labels":[{"name":"%s"},{"name":"PER","type":101}]},{}`, i, name)
		if i%3 == 0 {
			names.WriteString(`,{"labels":[]}`)
		}
		names.WriteString(",")
	}
	names.WriteString(`{"labels":[{}]}]}`)
	if !sameAsStrict(t, []byte(names.String())) {
		t.Errorf("the fast path gave up on %s", names.String())
	}
	// Both paths must have been taken for the test to prove anything.
	if fast < 200 || strict < 500 {
		t.Fatalf("%d bodies took the fast path, %d the strict one", fast, strict)
	}
	t.Logf("%d bodies by the fast path, %d by the strict one", fast, strict)
}

// Each request DecodeRequest returns is its own: reading another body does not change it,
// and appending to one sample's labels does not change another's.
func TestDecodeRequestResultsIndependent(t *testing.T) {
	var bodies [][]byte
	var first []*Request
	for _, b := range decodeBodies(t) {
		if req, err := DecodeRequest(b); err == nil {
			bodies = append(bodies, b)
			first = append(first, req)
		}
	}
	if len(bodies) < 100 {
		t.Fatalf("only %d bodies decode", len(bodies))
	}
	for i, b := range bodies {
		want, err := decodeStrict(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first[i], want) {
			t.Fatalf("body %d changed after reading the others", i)
		}
	}
	req, err := DecodeRequest([]byte(`{"samples":[{"labels":[{"name":"a"}]},{"labels":[{"name":"b"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(req.Samples[0].Labels, SampleLabel{Name: "c"})
	if got := req.Samples[1].Labels[0].Name; got != "b" {
		t.Fatalf("appending to sample 0's labels changed sample 1's: %q", got)
	}
}

// FuzzDecodeRequestMatchesStrict: whatever the body, DecodeRequest answers as the strict
// path does, and the fast path never takes a body the strict path refuses.
func FuzzDecodeRequestMatchesStrict(f *testing.F) {
	for _, b := range decodeBodies(f)[:20] {
		f.Add(b)
	}
	f.Add([]byte(`{"samples":[{"name":"a","n\u0061me":"b"}]}`))
	f.Add([]byte(`{"samples":[{"labels":[{"property":{"deep":[[[[1]]]]}}]}]}`))
	f.Add([]byte(`{"samples":[{"labels":[{"name":"ORG","property":{"@modelarts:start_index":0,"@modelarts:end_index":1000,"s":"bndbox","\u0061":"é"}},{"name":"ORG"}]},{"labels":[]},{}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsStrict(t, body)
	})
}

// BenchmarkDecodeRequest reads the same bodies with DecodeRequest and with the strict path
// alone (DecodeRequest before issue 17), side by side in one run: an image body of VOC
// samples with OBS paths, a text body of NER samples, and a body of inline images (base64
// data, as `convert upload` reads). MB/cpu-s is body bytes per CPU-second of the whole
// process, which machine load disturbs less than wall time.
func BenchmarkDecodeRequest(b *testing.B) {
	voc := Request{}
	for i := range 100 {
		s := Sample{Name: fmt.Sprintf("2007_%06d.jpg", i), DataSource: &DataSource{DataPath: fmt.Sprintf("obs://bucket/voc/JPEGImages/2007_%06d.jpg", i)}, Metadata: Metadata{}}
		s.Metadata.SetSize(486, 500, 3)
		for j := range 3 {
			p := Property{"difficult": "0", "pose": "Frontal"}
			p.SetShape(ShapeBndbox, Feature{{Int(int64(174 + j)), "101"}, {"349.5", "351"}})
			s.Labels = append(s.Labels, SampleLabel{Name: "person", Type: LabelObjectDetection, Property: p})
		}
		voc.Samples = append(voc.Samples, s)
	}
	ner := Request{}
	for i := range 100 {
		s := Sample{Name: fmt.Sprintf("train.txt-%06d.txt", i), SampleType: SampleText, Data: b64(strings.Repeat("EU rejects German call to boycott British lamb . ", 3))}
		for j := range 4 {
			s.Labels = append(s.Labels, SampleLabel{Name: "MISC", Type: LabelNamedEntity, Property: Property{PropStartIndex: j * 10, PropEndIndex: j*10 + 6}})
		}
		ner.Samples = append(ner.Samples, s)
	}
	images := Request{}
	img := make([]byte, 90_000)
	for i := range img {
		img[i] = byte(i * 7919 >> 3)
	}
	for i := range 20 {
		images.Samples = append(images.Samples, Sample{Name: fmt.Sprintf("img%03d.jpg", i), Data: b64(string(img)),
			Labels: []SampleLabel{{Name: "cat", Type: LabelImageClassification}}})
	}
	for _, c := range []struct {
		name string
		req  *Request
	}{{"voc", &voc}, {"ner", &ner}, {"images", &images}} {
		body, err := json.Marshal(c.req)
		if err != nil {
			b.Fatal(err)
		}
		for _, impl := range []struct {
			name string
			fn   func([]byte) (*Request, error)
		}{{"new", DecodeRequest}, {"strict", decodeStrict}} {
			b.Run(c.name+"/"+impl.name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(body)))
				cpu0 := cputime.Now()
				for b.Loop() {
					if _, err := impl.fn(body); err != nil {
						b.Fatal(err)
					}
				}
				reportCPU(b, cpu0, len(body))
			})
		}
	}
}
