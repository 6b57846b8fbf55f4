package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDuplicateKeys(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		want     []string
	}{
		{"none", `{"samples":[{"name":"a","labels":[{"name":"x","property":{"a":1,"A":2}}]}]}`, nil},
		{"samples twice", `{"samples":[{"name":"a"}],"samples":[{"name":"b"}]}`,
			[]string{`line 1, column 27: request: key "samples" repeats the one at line 1, column 2`}},
		{"labels twice", "{\"samples\":[\n {\"name\":\"a\",\"labels\":[{\"name\":\"x\"}],\n  \"labels\":[]}]}",
			[]string{`line 3, column 3: samples[0]: key "labels" repeats the one at line 2, column 14`}},
		{"case variant of a field", `{"samples":[],"Samples":[]}`,
			[]string{`line 1, column 15: request: key "Samples" (the same field as "samples": keys are matched ignoring case) repeats the one at line 1, column 2`}},
		{"escaped spelling", `{"samples":[{"name":"a","n\u0061me":"b"}]}`,
			[]string{`line 1, column 25: samples[0]: key "name" repeats`}},
		{"in a property", `{"samples":[{"labels":[{},{"property":{"@modelarts:shape":"bndbox","@modelarts:shape":"point"}}]}]}`,
			[]string{`samples[0].labels[1].property: key "@modelarts:shape" repeats`}},
		{"deep in metadata", `{"samples":[{"metadata":{"x":{"y":[{"z":1,"z":2}]}}}]}`,
			[]string{`samples[0].metadata["x"]["y"][0]: key "z" repeats`}},
		{"every repeat", `{"a":1,"a":2,"a":3}`,
			[]string{`column 8: request: key "a" repeats the one at line 1, column 2`, `column 14: request: key "a" repeats the one at line 1, column 2`}},
		{"keys inside strings are data", `{"samples":[{"name":"\"samples\":1,\"samples\":2"}]}`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, json.Valid([]byte(tt.in)))
			got := DuplicateKeys([]byte(tt.in))
			require.Len(t, got, len(tt.want), "%v", got)
			for i, w := range tt.want {
				assert.Contains(t, got[i].Error(), w)
			}
		})
	}
}

// Invalid or hostile input gives an incomplete answer, never a panic or a stack overflow.
func TestDuplicateKeysInvalidInput(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a`, `{"a":`, `{"a":1,"a"`, `[[[[`, `{1:2}`, `"\`, strings.Repeat("[", 20000) + strings.Repeat("]", 20000)} {
		assert.NotPanics(t, func() { DuplicateKeys([]byte(in)) }, in)
	}
}

func TestDecodeRequest(t *testing.T) {
	req, err := DecodeRequest([]byte(`{"final_annotation":false,"samples":[{"name":"a","sample_type":0,"labels":[{"name":"c","property":{"k":1.50}}]}]}`))
	require.NoError(t, err)
	require.Len(t, req.Samples, 1)
	assert.Equal(t, json.Number("1.50"), req.Samples[0].Labels[0].Property["k"])

	for _, tt := range []struct{ name, in, want string }{
		{"syntax", "{\"samples\":[\n{\"name\":}]}", "line 2, column 9: invalid JSON"},
		{"trailing data", `{"samples":[]} {}`, "line 1, column 16: invalid JSON"},
		{"repeated key", `{"samples":[{"name":"a"}],"samples":[{"name":"b"}]}`, `line 1, column 27: request: key "samples" repeats`},
		{"repeated label key", `{"samples":[{"labels":[{"name":"x"}],"labels":[]}]}`, `samples[0]: key "labels" repeats`},
		{"unknown field", `{"samples":[{"lables":[]}]}`, `unknown field "lables"`},
		{"wrong type", "{\"samples\":[{\"name\":\"a\",\n\"sample_type\":\"0\"}]}", "line 2, column 18: samples.sample_type: is a JSON string; must be api.SampleType"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest([]byte(tt.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A repeated key in a property or metadata map is an error even through plain
// json.Unmarshal: neither value may be dropped silently.
func TestUnmarshalPropertyRepeatedKey(t *testing.T) {
	var l SampleLabel
	err := json.Unmarshal([]byte(`{"property":{"@modelarts:shape":"bndbox","@modelarts:shape":"point"}}`), &l)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `key "@modelarts:shape" repeats`)
	var s Sample
	require.Error(t, json.Unmarshal([]byte(`{"metadata":{"@modelarts:size":[1,2],"@modelarts:size":[3,4]}}`), &s))
}

// FuzzDuplicateKeys: any bytes, no panic; on valid JSON a body without repeats decodes into
// the same values as before.
func FuzzDuplicateKeys(f *testing.F) {
	f.Add([]byte(`{"samples":[{"name":"a","labels":[{"property":{"k":1}}]}],"samples":[]}`))
	f.Add([]byte(`{"a":{"b":[{"c":1,"C":2}]},"A":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dups := DuplicateKeys(b)
		if !json.Valid(b) {
			return
		}
		for _, d := range dups {
			if d.Line < 1 || d.Column < 1 {
				t.Fatalf("%q: bad position %v", b, d)
			}
		}
	})
}

func BenchmarkDuplicateKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"samples":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"name":"img-` + strings.Repeat("x", 20) + `.jpg","sample_type":0,"data":"` + strings.Repeat("QUJD", 20000) + `","labels":[{"name":"cat","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[1,2],[3,4]]}}],"metadata":{"@modelarts:size":[640,480,3]}}`)
	}
	sb.WriteString(`]}`)
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if len(DuplicateKeys(data)) != 0 {
			b.Fatal("found duplicates")
		}
	}
}
