package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/internal/cputime"
)

// requestFiles reads every request body under the repo's testdata/requests and
// testdata/invalid.
func requestFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"../testdata/requests", "../testdata/invalid"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no request files in %s: %v", dir, err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[f] = b
		}
	}
	return out
}

// mutations break (or keep) one rule of a sample of validRequest; genSamples applies a few
// at random, so the generated samples cover valid ones and every kind of violation.
var mutations = []func(r *rand.Rand, s *Sample){
	func(r *rand.Rand, s *Sample) { s.Name = fmt.Sprintf("gen-%d.jpg", r.IntN(1000)) },
	func(r *rand.Rand, s *Sample) { s.Name = strings.Repeat("n", 1020+r.IntN(10)) },
	func(r *rand.Rand, s *Sample) { s.Name = "a<b" },
	func(r *rand.Rand, s *Sample) { s.SampleType = SampleType(r.IntN(10)) },
	func(r *rand.Rand, s *Sample) { s.Encoding = []string{"", "UTF-8", "GBK", "latin1"}[r.IntN(4)] },
	func(r *rand.Rand, s *Sample) {
		s.Data = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("héllo wörld ", r.IntN(40))))
	},
	func(r *rand.Rand, s *Sample) {
		b := []byte(base64.StdEncoding.EncodeToString(make([]byte, r.IntN(64))))
		if len(b) > 0 {
			b[r.IntN(len(b))] = "!=-_ \n"[r.IntN(6)]
		}
		s.Data = string(b)
	},
	func(r *rand.Rand, s *Sample) { s.Data = "abc" },
	func(r *rand.Rand, s *Sample) { s.Data = "" },
	func(r *rand.Rand, s *Sample) { s.DataSource = nil },
	func(r *rand.Rand, s *Sample) { s.DataSource = &DataSource{DataType: DataType(r.IntN(9) - 1)} },
	func(r *rand.Rand, s *Sample) {
		if s.Metadata == nil {
			s.Metadata = Metadata{}
		}
		s.Metadata[MetaSize] = []any{json.Number("10"), json.Number([]string{"0", "2.5", "7"}[r.IntN(3)])}
	},
	func(r *rand.Rand, s *Sample) {
		if s.Metadata == nil {
			s.Metadata = Metadata{}
		}
		s.Metadata[MetaHard] = r.IntN(3)
		s.Metadata[MetaHardCoefficient] = r.Float64() * 1.5
		s.Metadata[MetaHardReasons] = []int{r.IntN(35)}
		s.Metadata[MetaImportOrigin] = "x"
	},
	func(r *rand.Rand, s *Sample) { delete(s.Metadata, MetaSize) },
	func(r *rand.Rand, s *Sample) {
		// Metadata of any of the checked keys, good or bad, and keys of the user's
		// (validateMetadata stops looking once it found as many keys as the map holds).
		m := Metadata{}
		vals := []any{json.Number("1"), json.Number("0.5"), []int{3, 40}, []any{json.Number("640"), json.Number("480")}, "x", nil, 2}
		for _, k := range []string{MetaSize, MetaHard, MetaHardCoefficient, MetaHardReasons, MetaImportOrigin, "user", "@modelarts:other"} {
			if r.IntN(3) == 0 {
				m[k] = vals[r.IntN(len(vals))]
			}
		}
		s.Metadata = m
	},
	func(r *rand.Rand, s *Sample) {
		if len(s.Labels) == 0 {
			return
		}
		l := &s.Labels[r.IntN(len(s.Labels))]
		l.Type = LabelType([]int{0, 1, 2, 3, 100, 101, 600, 700}[r.IntN(8)])
		l.AnnotatedBy = []string{"", "human", "robot"}[r.IntN(3)]
		l.Score = json.Number([]string{"", "0.5", "1.5", "x"}[r.IntN(4)])
	},
	func(r *rand.Rand, s *Sample) {
		if len(s.Labels) == 0 {
			return
		}
		l := &s.Labels[r.IntN(len(s.Labels))]
		if l.Property == nil {
			l.Property = Property{}
		}
		n := func() json.Number { return json.Number(fmt.Sprint(r.IntN(100) - 5)) }
		f := make(Feature, r.IntN(5))
		for i := range f {
			f[i] = []json.Number{n(), n()}
			if r.IntN(8) == 0 {
				f[i] = f[i][:1]
			}
		}
		l.Property[PropFeature] = f
		l.Property[PropShape] = []string{"bndbox", "polygon", "circle", "line", "dashed", "point", "polyline", "ellipse"}[r.IntN(8)]
		if r.IntN(4) == 0 {
			delete(l.Property, PropShape)
		}
	},
	func(r *rand.Rand, s *Sample) {
		if len(s.Labels) == 0 {
			return
		}
		l := &s.Labels[r.IntN(len(s.Labels))]
		l.Property = Property{PropHard: []string{"0", "yes"}[r.IntN(2)], PropHardCoefficient: []string{"0.3", "2"}[r.IntN(2)],
			PropHardReasons: []string{"3-20", "3-31", "x"}[r.IntN(3)], PropStartTime: []string{"00:00:01.250", "0:1"}[r.IntN(2)]}
	},
	func(r *rand.Rand, s *Sample) {
		// A property of many keys (validateProperty looks the keys up rather than ranging
		// over the map), some of them checked.
		if len(s.Labels) == 0 {
			return
		}
		l := &s.Labels[r.IntN(len(s.Labels))]
		p := Property{}
		for k, v := range l.Property {
			p[k] = v
		}
		for i := range 6 + r.IntN(6) {
			p[fmt.Sprintf("attr%d", i)] = i
		}
		p[[]string{PropHard, PropEndTime, PropHardReasons}[r.IntN(3)]] = []string{"1", "x", "00:00:01.000", "3-40"}[r.IntN(4)]
		l.Property = p
	},
	func(r *rand.Rand, s *Sample) {
		// A polygon or a box whose coordinates are of every spelling (see nonNegativeCases).
		f := make(Feature, 2+r.IntN(4))
		for i := range f {
			f[i] = []json.Number{json.Number(fmt.Sprint(r.IntN(50))), json.Number(fmt.Sprint(50 + r.IntN(50)))}
			if r.IntN(3) == 0 {
				f[i][r.IntN(2)] = json.Number(nonNegativeCases[r.IntN(len(nonNegativeCases))])
			}
		}
		shape := []Shape{ShapeBndbox, ShapePolygon, ShapePolyline}[r.IntN(3)]
		s.Labels = append(s.Labels, SampleLabel{Type: LabelObjectDetection, Property: Property{PropShape: string(shape), PropFeature: f}})
	},
	func(r *rand.Rand, s *Sample) {
		// A long polygon, polyline or line of COCO-like coordinates ("398.46"; checked a word
		// at a time by plainPoints), now and then one of another spelling or a point of one
		// or three numbers anywhere in it.
		f := make(Feature, 1+r.IntN(40))
		for i := range f {
			f[i] = []json.Number{json.Number(strconv.FormatFloat(float64(r.IntN(64000))/100, 'f', 2, 64)), json.Number(fmt.Sprint(r.IntN(700)))}
		}
		if r.IntN(2) == 0 {
			pt := f[r.IntN(len(f))]
			pt[r.IntN(2)] = json.Number(nonNegativeCases[r.IntN(len(nonNegativeCases))])
		}
		if r.IntN(8) == 0 {
			i := r.IntN(len(f))
			f[i] = append(f[i][:r.IntN(2)], f[i][r.IntN(2):]...)
		}
		shape := []Shape{ShapePolygon, ShapePolyline, ShapeLine, ShapePoint, ShapeBndbox}[r.IntN(5)]
		s.Labels = append(s.Labels, SampleLabel{Type: LabelObjectDetection, Property: Property{PropShape: string(shape), PropFeature: f, "annotation_id": "7"}})
	},
	func(r *rand.Rand, s *Sample) {
		// A span of two Go ints, as the importers set it (plainSpan), in or out of the text.
		start := r.IntN(40) - 2
		s.Labels = append(s.Labels, SampleLabel{Name: "E", Type: LabelNamedEntity,
			Property: Property{PropStartIndex: start, PropEndIndex: start + r.IntN(40) - 3}})
	},
	func(r *rand.Rand, s *Sample) {
		s.Labels = append(s.Labels, SampleLabel{Name: "E", Type: LabelNamedEntity,
			Property: Property{PropStartIndex: r.IntN(30) - 2, PropEndIndex: json.Number(fmt.Sprint(r.IntN(60)))}})
	},
	func(r *rand.Rand, s *Sample) {
		// A named entity whose property has two keys, not always its span (ValidateSample
		// takes a start and an end as a span and nothing else with two lookups).
		keys := []string{PropStartIndex, PropEndIndex, PropShape, PropFeature, PropHard, "x"}
		vals := []any{json.Number("3"), json.Number("9"), "bndbox", "1", nil, Feature{{"1", "2"}, {"3", "4"}}}
		p := Property{}
		for len(p) < 2 {
			p[keys[r.IntN(len(keys))]] = vals[r.IntN(len(vals))]
		}
		s.Labels = append(s.Labels, SampleLabel{Name: "E", Type: LabelNamedEntity, Property: p})
	},
	func(r *rand.Rand, s *Sample) {
		// A property of three keys, not always a COCO label's shape, feature and annotation
		// id (looked up, not ranged over), the values not always valid.
		keys := []string{PropShape, PropFeature, usualUncheckedKey, PropHard, PropHardCoefficient, PropStartTime, "x"}
		vals := []any{"polygon", "bndbox", "circle", Feature{{"1", "2"}, {"3", "4"}, {"5", "6"}}, Feature{{"1", "2"}, {"3", "4"}},
			json.Number("7"), "7", nil, "2", "0.5", "00:00:01.000", Feature{{"-1", "2"}, {"3", "4"}, {"5", "6"}}}
		p := Property{PropShape: vals[r.IntN(3)], PropFeature: vals[3+r.IntN(2)], usualUncheckedKey: vals[5+r.IntN(2)]}
		for range r.IntN(3) {
			delete(p, keys[r.IntN(3)])
			for len(p) < 3 {
				p[keys[r.IntN(len(keys))]] = vals[r.IntN(len(vals))]
			}
		}
		typ := []LabelType{LabelObjectDetection, LabelImageSegmentation, LabelNamedEntity}[r.IntN(3)]
		s.Labels = append(s.Labels, SampleLabel{Name: "x", Type: typ, Property: p})
	},
}

// genSamples returns n samples: copies of validRequest's samples with 0 to 3 mutations each.
func genSamples(seed uint64, n int) []*Sample {
	r := rand.New(rand.NewPCG(seed, 17))
	out := make([]*Sample, n)
	for i := range out {
		base := validRequest().Samples
		s := base[r.IntN(len(base))]
		for range r.IntN(4) {
			mutations[r.IntN(len(mutations))](r, &s)
		}
		out[i] = &s
	}
	return out
}

func TestValidateSampleMatchesReference(t *testing.T) {
	var samples []*Sample
	for name, body := range requestFiles(t) {
		var r Request
		if err := json.Unmarshal(body, &r); err != nil {
			t.Logf("%s: %v (not used)", name, err)
			continue
		}
		for i := range r.Samples {
			samples = append(samples, &r.Samples[i])
		}
	}
	samples = append(samples, genSamples(1, 5000)...)
	violations := 0
	for i, s := range samples {
		path := fmt.Sprintf("samples[%d]", i)
		got, want := ValidateSample(path, s), validateSampleRef(path, s)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("sample %d: validator and reference differ:\n got %v\nwant %v", i, got, want)
		}
		violations += len(got)
	}
	if violations == 0 {
		t.Fatal("the generated samples break no rule: the test proves nothing")
	}
}

func TestBase64LenMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		b := []byte(base64.StdEncoding.EncodeToString(make([]byte, r.IntN(90))))
		for range r.IntN(3) {
			if len(b) > 0 {
				b[r.IntN(len(b))] = "A=!/+\x00\xff"[r.IntN(7)]
			}
		}
		n1, err1 := base64Len(string(b))
		n2, err2 := base64LenRef(string(b))
		if n1 != n2 || fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Fatalf("%q: got %d, %v; want %d, %v", b, n1, err1, n2, err2)
		}
	}
}

// FuzzValidateSampleMatchesReference: on any decodable body, the validator reports exactly
// what the reference (the validator before issue 17) reports.
func FuzzValidateSampleMatchesReference(f *testing.F) {
	for _, b := range requestFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r Request
		if json.Unmarshal(body, &r) != nil {
			return
		}
		for i := range r.Samples {
			got, want := ValidateSample("s", &r.Samples[i]), validateSampleRef("s", &r.Samples[i])
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got %v\nwant %v", got, want)
			}
		}
		if _, err1 := base64Len(string(body)); fmt.Sprint(err1) != fmt.Sprint(func() error { _, e := base64LenRef(string(body)); return e }()) {
			t.Fatalf("base64Len differs on %q", body)
		}
	})
}

// BenchmarkValidateSample runs the validator and its reference side by side over the same
// generated samples (mostly valid, as a run's are): compare new/ and ref/ from one run, and
// their ns/cpu (CPU time per sample, all goroutines), which machine load disturbs less than
// wall time.
func BenchmarkValidateSample(b *testing.B) {
	var samples []*Sample
	for _, s := range genSamples(2, 4000) {
		if len(validateSampleRef("s", s)) == 0 {
			samples = append(samples, s)
		}
	}
	raw := make([]byte, 64<<10)
	for i := range raw {
		raw[i] = byte(i*7919 ^ i>>3) // not a run of one letter: every branch of a byte-wise check is taken
	}
	data := base64.StdEncoding.EncodeToString(raw)
	for _, impl := range []struct {
		name string
		fn   func(string, *Sample) Violations
	}{{"new", ValidateSample}, {"ref", validateSampleRef}} {
		b.Run(impl.name+"/samples", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for i := 0; b.Loop(); i++ {
				impl.fn("sample", samples[i%len(samples)])
			}
			reportCPU(b, cpu0, 0)
		})
		b.Run(impl.name+"/data64KiB", func(b *testing.B) {
			s := &Sample{Name: "x.bin", Data: data}
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			cpu0 := cputime.Now()
			for b.Loop() {
				impl.fn("sample", s)
			}
			reportCPU(b, cpu0, len(data))
		})
	}
}

// reportCPU reports CPU time per operation and, when bytes > 0, MB per CPU-second.
func reportCPU(b *testing.B, cpu0 time.Duration, bytes int) {
	cpu := cputime.Now() - cpu0
	if cpu <= 0 || b.N == 0 {
		return
	}
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "ns/cpu")
	if bytes > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// TestDecodeTextMatchesWhole: the piecewise text measure gives what decoding the whole text
// gives, for texts of every length around the pieces' edges, characters of 1 to 4 bytes cut
// by an edge, and invalid UTF-8 anywhere (a stray continuation byte, a truncated character,
// a surrogate, a byte that is never UTF-8).
func TestDecodeTextMatchesWhole(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	chars := []string{"a", " ", "é", "中", "😀", "\u2028", "\xff", "\x80", "\xe4\xb8", "\xed\xa0\x80", "\xf0\x9f\x98"}
	piece := textPiece / 4 * 3 // decoded bytes per piece
	invalidSeen := 0
	for i := range 4000 {
		var b []byte
		n := r.IntN(3 * piece)
		if i%2 == 0 {
			n = piece*(1+r.IntN(2)) + r.IntN(9) - 4 // a character across the pieces' edge
		}
		invalid := r.IntN(4) == 0
		valid := 5 // the valid characters
		if i%3 == 0 {
			valid = 2 // ASCII, and a stray byte that is not (countUTF8 checks only such text)
		}
		for len(b) < n {
			c := chars[r.IntN(valid)]
			if invalid && r.IntN(200) == 0 {
				c = chars[5+r.IntN(len(chars)-5)]
			}
			b = append(b, c...)
		}
		for _, enc := range []string{"", EncodingUTF8, EncodingGBK} {
			s := &Sample{Data: base64.StdEncoding.EncodeToString(b), Encoding: enc}
			got, want := decodeText(s), decodeTextWhole(s)
			if got.runes != want.runes || got.utf16 != want.utf16 || fmt.Sprint(got.err) != fmt.Sprint(want.err) {
				t.Fatalf("%d bytes %q, encoding %q: got %+v, want %+v", len(b), b, enc, got, want)
			}
			if enc == "" && got.err != nil {
				invalidSeen++
			}
		}
	}
	if invalidSeen < 100 || invalidSeen > 3000 {
		t.Fatalf("%d of 4000 texts invalid: the test covers too little of one kind", invalidSeen)
	}
}

// FuzzDecodeTextMatchesWhole: the same for any text.
func FuzzDecodeTextMatchesWhole(f *testing.F) {
	f.Add([]byte("héllo 😀 wörld"), uint16(0))
	f.Add([]byte("\xf0\x9f\x98"), uint16(766))
	f.Fuzz(func(t *testing.T, text []byte, pad uint16) {
		b := append(bytes.Repeat([]byte{'a'}, int(pad)%2048), text...)
		s := &Sample{Data: base64.StdEncoding.EncodeToString(b)}
		got, want := decodeText(s), decodeTextWhole(s)
		if got.runes != want.runes || got.utf16 != want.utf16 || fmt.Sprint(got.err) != fmt.Sprint(want.err) {
			t.Fatalf("%q: got %+v, want %+v", b, got, want)
		}
	})
}

// nonNegativeCases are coordinates of every form: plain, signed, zero in its spellings,
// exponents (overflowing, underflowing), leading zeros, and what is not a number at all.
var nonNegativeCases = []string{"", "0", "-0", "-0.0", "-0.000", "0.0", "1", "-1", "12.5", "-12.5", "-0.01", "00", "-00",
	"01", "0.", ".5", "-", "--1", "+1", "1e3", "-1e3", "1E-400", "-1e-400", "1e400", "-0e5", "1.5e308", "2e308",
	"0x10", "1_0", "NaN", "Inf", " 1", "1 ", "1.2.3", "9" + strings.Repeat("9", 299), "9" + strings.Repeat("9", 400),
	"-" + strings.Repeat("0", 301), strings.Repeat("0", 2), "0." + strings.Repeat("0", 400) + "1", "-0." + strings.Repeat("0", 299) + "1"}

func TestNonNegativeMatchesFloatOf(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	cases := slices.Clone(nonNegativeCases)
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = "-0123456789.eE+x"[r.IntN(16)]
		}
		cases = append(cases, string(b))
	}
	yes := 0
	for _, c := range cases {
		got, want := nonNegative(json.Number(c)), slowNonNegative(json.Number(c))
		if got != want {
			t.Fatalf("%q: nonNegative says %v, floatOf %v", c, got, want)
		}
		if got {
			yes++
		}
	}
	if yes < 1000 {
		t.Fatalf("only %d of %d cases are coordinates >= 0: the test covers too little", yes, len(cases))
	}
}

func FuzzNonNegativeMatchesFloatOf(f *testing.F) {
	for _, c := range nonNegativeCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := nonNegative(json.Number(s)), slowNonNegative(json.Number(s)); got != want {
			t.Fatalf("%q: nonNegative says %v, floatOf %v", s, got, want)
		}
	})
}

// TestIntOfGoIntegers: intOf takes Go integers as they are; before, it formatted and parsed
// them (numberOf), which gives the same value.
func TestIntOfGoIntegers(t *testing.T) {
	for _, v := range []any{0, 1, -1, math.MaxInt64, math.MinInt64, int64(math.MaxInt64), int64(-7), int32(math.MinInt32), int32(5)} {
		n, ok := numberOf(v)
		want, err := strconv.ParseInt(string(n), 10, 64)
		got, gotOK := intOf(v)
		if !ok || err != nil || !gotOK || got != want {
			t.Fatalf("%T %v: intOf gives %d, %v; formatted and parsed %d", v, v, got, gotOK, want)
		}
	}
}

// TestCheckNameFastPath: a name CheckName passes in one pass is one every rule passes, and
// it gives what the rules give for names of every kind of byte.
func TestCheckNameFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	alphabet := []string{"a", "Z", "0", "-", "_", ".", "/", " ", "~", "!", "<", "'", "\"", "&", "=", ">", "\t", "\x00", "\x7f", "é", "中", "\u2028", "\u0085", "\xff"}
	plain := 0
	for range 20000 {
		var b strings.Builder
		n := r.IntN(12)
		if r.IntN(50) == 0 {
			n = MaxNameLength - 2 + r.IntN(4)
		}
		for range n {
			if r.IntN(4) == 0 {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteString(alphabet[r.IntN(8)])
			}
		}
		name := b.String()
		if got, want := CheckName(name), checkName(name); got != want {
			t.Fatalf("%q: CheckName says %q, the rules %q", name, got, want)
		}
		if len(name) <= MaxNameLength && plainName(name) {
			plain++
		}
	}
	if plain < 1000 || plain > 19000 {
		t.Fatalf("%d of 20000 names plain: the test covers too little of one kind", plain)
	}
}

// TestNotePlainName: ValidateSampleNotes notes a plain name exactly when the sample is valid,
// its name is ASCII, and encoding/json writes the name between quotes as it is (byte for
// byte), for names of
// every kind of byte (the backslash, the one plain name byte JSON escapes, among them); and
// its violations are ValidateSample's.
func TestNotePlainName(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	alphabet := []string{"a", "Z", "0", "-", "_", ".", "/", " ", "~", "\\", "!", "<", "'", "\"", "&", "\t", "\x00", "\x7f", "é", "中", "\u2028", "\xff"}
	noted := 0
	for n := range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			if r.IntN(6) == 0 {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteString(alphabet[r.IntN(9)])
			}
		}
		if n%500 == 0 {
			b.WriteString(strings.Repeat("x", MaxNameLength-10+r.IntN(20)))
		}
		s := &Sample{Name: b.String(), SampleType: SampleText, Data: "YQ=="}
		if n%7 == 0 {
			s.SampleType = 3 // invalid: no notes
		}
		vs, notes := ValidateSampleNotes("sample", s)
		if fmt.Sprint(vs) != fmt.Sprint(ValidateSample("sample", s)) {
			t.Fatalf("%q: ValidateSampleNotes says %v, ValidateSample %v", s.Name, vs, ValidateSample("sample", s))
		}
		js, err := json.Marshal(s.Name)
		if err != nil {
			t.Fatal(err)
		}
		js = bytes.ReplaceAll(bytes.ReplaceAll(bytes.ReplaceAll(js, []byte(`\u003c`), []byte("<")), []byte(`\u003e`), []byte(">")), []byte(`\u0026`), []byte("&"))
		ascii := true
		for i := range len(s.Name) {
			ascii = ascii && s.Name[i] < 0x80
		}
		want := len(vs) == 0 && ascii && string(js) == `"`+s.Name+`"`
		if got := notes&NotePlainName != 0; got != want {
			t.Fatalf("%q (violations %v): noted plain %v, want %v (JSON %s)", s.Name, vs, got, want, js)
		}
		if want {
			noted++
		}
	}
	if noted < 5000 || noted > 15000 {
		t.Fatalf("%d of 20000 names noted plain: the test covers too little of one kind", noted)
	}
}

// TestExactDecimalMatchesParseFloat: where exactDecimal reads a number, its value is
// strconv.ParseFloat's, bit for bit (the sign of -0 too).
func TestExactDecimalMatchesParseFloat(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	cases := slices.Clone(nonNegativeCases)
	cases = append(cases, "999999999999999", "99999999999999.9", "0.000000000000001", "-0.000000000000009", "9999999999999999", "123456789.123456")
	for range 200000 {
		b := make([]byte, 1+r.IntN(17))
		for i := range b {
			b[i] = "0123456789"[r.IntN(10)]
		}
		if r.IntN(2) == 0 {
			b[r.IntN(len(b))] = '.'
		}
		if r.IntN(4) == 0 {
			b = append([]byte{'-'}, b...)
		}
		cases = append(cases, string(b))
	}
	read := 0
	for _, c := range cases {
		f, ok := exactDecimal(c)
		if !ok {
			continue
		}
		read++
		want, err := strconv.ParseFloat(c, 64)
		if err != nil || !IsNumberLiteral(c) || math.Float64bits(f) != math.Float64bits(want) {
			t.Fatalf("%q: exactDecimal gives %v, ParseFloat %v, %v (a literal: %v)", c, f, want, err, IsNumberLiteral(c))
		}
	}
	if read < 50000 {
		t.Fatalf("exactDecimal read only %d of %d cases", read, len(cases))
	}
}

func FuzzExactDecimalMatchesParseFloat(f *testing.F) {
	for _, c := range nonNegativeCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := exactDecimal(s)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if err != nil || !IsNumberLiteral(s) || math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%q: exactDecimal gives %v, ParseFloat %v, %v", s, got, want, err)
		}
	})
}

// coordinateCases returns nonNegativeCases, coordinates around the edges of
// plainCoordinate's word, and n random ones: 1 to 9 bytes, a dot or a zero in every place,
// signs, exponents and bytes that are not ASCII.
func coordinateCases(r *rand.Rand, n int) []string {
	cases := slices.Clone(nonNegativeCases)
	cases = append(cases, "398.46", "61.00", "0.5", "0.55", "00.5", "0000", "1024", "1.2.", ".123", "123.", "1..2", "12345678", "1234567.", "0.000000",
		"9\xb9.00", "\xb0123", "12/4", "12:4", "1,23", "1234567\x00", "\x00123")
	for range n {
		b := make([]byte, 1+r.IntN(9))
		for i := range b {
			b[i] = "0123456789"[r.IntN(10)]
		}
		switch r.IntN(4) {
		case 0:
			b[r.IntN(len(b))] = '.'
		case 1:
			b[r.IntN(len(b))] = "./:-+e\x00\x80\xae\xb0 "[r.IntN(11)]
		case 2:
			b[r.IntN(len(b))] = '.'
			b[r.IntN(len(b))] = "0."[r.IntN(2)]
		}
		cases = append(cases, string(b))
	}
	return cases
}

// TestPlainCoordinate: what plainCoordinate takes nonNegative and floatOf take too (as a
// number >= 0), and its word-at-a-time check says what the byte-at-a-time one says.
func TestPlainCoordinate(t *testing.T) {
	plain := 0
	for _, c := range coordinateCases(rand.New(rand.NewPCG(15, 16)), 100000) {
		got := plainCoordinate(c)
		if got && (!nonNegative(json.Number(c)) || !slowNonNegative(json.Number(c))) {
			t.Fatalf("%q: plainCoordinate takes it, nonNegative %v, floatOf %v", c, nonNegative(json.Number(c)), slowNonNegative(json.Number(c)))
		}
		if want := plainCoordinateBytes(c); got != want {
			t.Fatalf("%q: plainCoordinate says %v, byte at a time %v", c, got, want)
		}
		if got {
			plain++
		}
	}
	if plain < 20000 || plain > 90000 {
		t.Fatalf("%d plain coordinates of 100,000: the test covers too little of one kind", plain)
	}
	// Every string of 1 to 3 bytes over an alphabet of digits, dots and what is not plain
	// (shortInteger's strings: the coordinates of an outline traced from an RLE mask).
	const alphabet = "0123456789.-+eE \x00\x7f\x80\xb0/:"
	for n := 1; n <= 3; n++ {
		b := make([]byte, n)
		for k := 0; k < int(math.Pow(float64(len(alphabet)), float64(n))); k++ {
			for i, x := 0, k; i < n; i, x = i+1, x/len(alphabet) {
				b[i] = alphabet[x%len(alphabet)]
			}
			c := string(b)
			got := plainCoordinate(c)
			if want := plainCoordinateBytes(c); got != want {
				t.Fatalf("%q: plainCoordinate says %v, byte at a time %v", c, got, want)
			}
			if got && !slowNonNegative(json.Number(c)) {
				t.Fatalf("%q: plainCoordinate takes it, floatOf does not (as a number >= 0)", c)
			}
		}
	}
}

func FuzzPlainCoordinate(f *testing.F) {
	for _, c := range coordinateCases(rand.New(rand.NewPCG(15, 16)), 100) {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c string) {
		got := plainCoordinate(c)
		if got && !slowNonNegative(json.Number(c)) {
			t.Fatalf("%q: plainCoordinate takes it, floatOf does not (as a number >= 0)", c)
		}
		if want := plainCoordinateBytes(c); got != want {
			t.Fatalf("%q: plainCoordinate says %v, byte at a time %v", c, got, want)
		}
	})
}

// TestCoordinateValue: a bndbox coordinate's value read a word at a time is floatOf's and
// strconv.ParseFloat's, bit for bit, and plainWord says what plainCoordinate and the
// byte-at-a-time check say for every length up to 8.
func TestCoordinateValue(t *testing.T) {
	read := 0
	for _, c := range coordinateCases(rand.New(rand.NewPCG(17, 18)), 200000) {
		checkCoordinateValue(t, c)
		if _, _, ok := plainWord(c); ok {
			read++
		}
	}
	if read < 50000 {
		t.Fatalf("only %d coordinates read a word at a time", read)
	}
}

func checkCoordinateValue(t *testing.T, c string) {
	t.Helper()
	_, _, plain := plainWord(c)
	if len(c) <= 8 && (plain != plainCoordinateBytes(c) || plain != plainCoordinate(c)) {
		t.Fatalf("%q: plainWord says %v, byte at a time %v, plainCoordinate %v", c, plain, plainCoordinateBytes(c), plainCoordinate(c))
	}
	got, ok := coordinateValue(json.Number(c))
	want, wantOK := floatOf(json.Number(c))
	if ok != wantOK || math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("%q: coordinateValue gives %v, %v; floatOf %v, %v", c, got, ok, want, wantOK)
	}
	if plain {
		if f, err := strconv.ParseFloat(c, 64); err != nil || math.Float64bits(f) != math.Float64bits(got) {
			t.Fatalf("%q: coordinateValue gives %v, ParseFloat %v, %v", c, got, f, err)
		}
	}
}

func FuzzCoordinateValue(f *testing.F) {
	for _, c := range coordinateCases(rand.New(rand.NewPCG(17, 18)), 100) {
		f.Add(c)
	}
	f.Fuzz(checkCoordinateValue)
}

// TestPlainName: plainName (the marks of eight bytes or-ed per step) says what checking each
// byte in plainNameBytes says, for names of every length up to 40 and bytes of every value
// in every place.
func TestPlainName(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	plain := 0
	for n := range 200000 {
		b := make([]byte, r.IntN(41))
		for i := range b {
			b[i] = "aZ09-_./ ~"[r.IntN(10)]
		}
		if len(b) > 0 && n%2 == 0 {
			b[r.IntN(len(b))] = byte(r.IntN(256))
		}
		want := true
		for _, c := range b {
			want = want && plainNameBytes[c]
		}
		if got := plainName(string(b)); got != want {
			t.Fatalf("%q: plainName says %v, byte by byte %v", b, got, want)
		}
		if want {
			plain++
		}
	}
	if plain < 50000 || plain > 190000 {
		t.Fatalf("%d plain names of 200,000: the test covers too little of one kind", plain)
	}
}

// textCases are base64 texts for measureText: texts as TestDecodeTextMatchesWhole makes
// them (ASCII or not, around the pieces' edges, now and then invalid UTF-8), and now and
// then base64 that is not: a character out of the alphabet, padding out of place, a length
// that is not a multiple of 4.
func textCases(r *rand.Rand, n int) []string {
	chars := []string{"a", " ", "é", "中", "😀", "\xff", "\x80", "\xc3", "\xe4\xb8", "\xed\xa0\x80", "\xf0\x9f\x98"}
	piece := textPiece / 4 * 3
	out := []string{"", "=", "==", "A===", "AA==", "AAA=", "AAAA", "QQ==", "w6k=", "4Lg="}
	for i := range n {
		var b []byte
		size := r.IntN(3 * piece)
		if i%2 == 0 {
			size = piece*(1+r.IntN(2)) + r.IntN(9) - 4
		}
		valid := []int{2, 5}[r.IntN(2)]
		invalid := r.IntN(4) == 0
		for len(b) < size {
			c := chars[r.IntN(valid)]
			if invalid && r.IntN(100) == 0 {
				c = chars[5+r.IntN(len(chars)-5)]
			}
			b = append(b, c...)
		}
		e := []byte(base64.StdEncoding.EncodeToString(b))
		if r.IntN(5) == 0 && len(e) > 0 {
			switch r.IntN(3) {
			case 0:
				e[r.IntN(len(e))] = "=!-_ \n\r\x00\xffA"[r.IntN(10)]
			case 1:
				e = e[:len(e)-1-r.IntN(min(3, len(e)))]
			case 2:
				e = append(e, "==="[:1+r.IntN(3)]...)
			}
		}
		out = append(out, string(e))
	}
	return out
}

// TestMeasureText: where measureText reads a text, its length is base64Len's and its measure
// decodeText's (and the whole text's); where it does not, one of them finds something wrong.
func TestMeasureText(t *testing.T) {
	read := 0
	for _, c := range textCases(rand.New(rand.NewPCG(21, 22)), 6000) {
		if checkMeasureText(t, c) {
			read++
		}
	}
	if read < 2000 || read > 5500 {
		t.Fatalf("measureText read %d of 6000 texts: the test covers too little of one kind", read)
	}
}

func checkMeasureText(t *testing.T, data string) bool {
	t.Helper()
	s := &Sample{Data: data}
	n, got, ok := measureText(data)
	wantN, err := base64Len(data)
	if !ok {
		if err == nil && decodeText(s).err == nil && decodeTextWhole(s).err == nil {
			t.Fatalf("%q: measureText refuses it, base64Len and decodeText take it", data)
		}
		return false
	}
	want, whole := decodeText(s), decodeTextWhole(s)
	if err != nil || n != wantN || got != want || got != whole {
		t.Fatalf("%q: measureText gives %d, %+v; base64Len %d, %v; decodeText %+v; whole %+v", data, n, got, wantN, err, want, whole)
	}
	return true
}

func FuzzMeasureText(f *testing.F) {
	for _, c := range textCases(rand.New(rand.NewPCG(21, 22)), 50) {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, data string) { checkMeasureText(t, data) })
}

// TestPlainLess: comparing two plain coordinates as decimals gives what comparing their
// floatOf values gives, for coordinates of every spelling and pairs that differ in one digit,
// in trailing zeros, or in the length of one part.
func TestPlainLess(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	cases := coordinateCases(r, 20000)
	compared := 0
	for range 200000 {
		a := cases[r.IntN(len(cases))]
		b := a
		switch r.IntN(4) {
		case 0:
			b = cases[r.IntN(len(cases))]
		case 1:
			if len(b) > 0 {
				i := r.IntN(len(b))
				b = b[:i] + string("0123456789."[r.IntN(11)]) + b[i+1:]
			}
		case 2:
			b += "0"
		case 3:
			if i := strings.IndexByte(b, '.'); i > 0 && r.IntN(2) == 0 {
				b = b[:i]
			} else {
				b += ".0" + fmt.Sprint(r.IntN(10))
			}
		}
		if r.IntN(2) == 0 {
			a, b = b, a
		}
		if checkPlainLess(t, a, b) {
			compared++
		}
	}
	if compared < 50000 {
		t.Fatalf("only %d of 200,000 pairs compared as decimals", compared)
	}
}

func checkPlainLess(t *testing.T, a, b string) bool {
	t.Helper()
	less, ok := plainLess(json.Number(a), json.Number(b))
	_, _, okA := plainWord(a)
	_, _, okB := plainWord(b)
	if ok != (okA && okB) {
		t.Fatalf("%q < %q: plainLess ok %v, plainWord %v and %v", a, b, ok, okA, okB)
	}
	if !ok {
		return false
	}
	x, okX := floatOf(json.Number(a))
	y, okY := floatOf(json.Number(b))
	if !okX || !okY || less != (x < y) {
		t.Fatalf("%q < %q: plainLess says %v; floatOf %v (%v) < %v (%v)", a, b, less, x, okX, y, okY)
	}
	return true
}

func FuzzPlainLess(f *testing.F) {
	f.Add("12.5", "12.50")
	f.Add("12", "12.05")
	f.Add("0.5", "0.49")
	f.Add("99999.9", "100000")
	f.Fuzz(func(t *testing.T, a, b string) { checkPlainLess(t, a, b) })
}
