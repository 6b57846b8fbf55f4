package stats

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/internal/cputime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRangeOf(t *testing.T) {
	tests := []struct {
		name   string
		counts map[int]int
		want   *Range
	}{
		{"empty", map[int]int{}, nil},
		{"one", map[int]int{5: 1}, &Range{5, 5, 5}},
		{"odd", map[int]int{1: 1, 2: 1, 9: 1}, &Range{1, 2, 9}},
		{"even takes the lower middle", map[int]int{1: 1, 2: 1, 3: 1, 4: 1}, &Range{1, 2, 4}},
		{"weighted", map[int]int{10: 1, 20: 5, 30: 1}, &Range{10, 20, 30}},
		{"heavy tail", map[int]int{1: 3, 100: 4}, &Range{1, 100, 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, rangeOf(tt.counts))
		})
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func pngData(t testing.TB, w, h int) string {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))))
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// bmpData is the 54-byte header of a w×h 24-bit BMP, base64: enough for its size.
func bmpData(w, h uint32) string {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], w)
	binary.LittleEndian.PutUint32(b[22:], h)
	binary.LittleEndian.PutUint16(b[28:], 24)
	return base64.StdEncoding.EncodeToString(b)
}

func TestAddBody(t *testing.T) {
	img := pngData(t, 30, 20)
	tests := []struct {
		name  string
		body  string
		check func(t *testing.T, r Report)
		err   string
	}{
		{
			name: "image sizes from metadata and header",
			body: `{"samples":[
				{"name":"a.jpg","sample_type":0,"data":"AAAA","metadata":{"@modelarts:size":[640,480,3]},
				 "labels":[{"name":"cat","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[1,2],[3,4]]}},
				           {"name":"cat","type":1,"property":{"@modelarts:shape":"polygon","@modelarts:feature":[[1,2],[3,4],[5,1]]}}]},
				{"name":"b.png","sample_type":0,"data":"` + img + `","labels":[{"name":"dog","type":0}]},
				{"name":"c.jpg","sample_type":0,"data_source":{"data_path":"obs://b/c.jpg"}},
				{"name":"d.bmp","sample_type":0,"data":"` + bmpData(50, 60) + `"}]}`,
			check: func(t *testing.T, r Report) {
				assert.Equal(t, 4, r.Samples)
				assert.Equal(t, map[string]int{"image": 4}, r.SamplesByType)
				assert.Equal(t, map[string]int{"object detection": 2, "image classification": 1}, r.LabelsByType)
				assert.Equal(t, []NameCount{{"cat", 2, 1}, {"dog", 1, 1}}, r.LabelNames)
				assert.Equal(t, map[string]int{"bndbox": 1, "polygon": 1}, r.Shapes)
				assert.Equal(t, 2, r.UnlabeledSamples)
				assert.Equal(t, ImageReport{Count: 4, SizeKnown: 3, SizeAbsent: 1, Width: &Range{30, 50, 640}, Height: &Range{20, 60, 480}}, r.Images)
			},
		},
		{
			name: "texts count code points, GBK decoded",
			body: `{"samples":[
				{"sample_type":1,"data":"` + b64("héllo 😀") + `","labels":[{"name":"PER","type":101,"property":{"@modelarts:start_index":0,"@modelarts:end_index":1}},{"name":"PER","type":101,"property":{"@modelarts:start_index":2,"@modelarts:end_index":3}}]},
				{"sample_type":1,"data":"sbG+qbu2063E4w==","encoding":"GBK","labels":[{"name":"LOC","type":101,"property":{"@modelarts:start_index":0,"@modelarts:end_index":2}}]},
				{"sample_type":1,"data":"` + b64("\xff\xfe") + `"}]}`,
			check: func(t *testing.T, r Report) {
				assert.Equal(t, TextReport{Count: 3, Unreadable: 1, Length: &Range{5, 5, 7}}, r.Texts)
				assert.Equal(t, map[string]int{"PER": 2, "LOC": 1}, r.Entities)
				assert.Equal(t, []NameCount{{"PER", 2, 1}, {"LOC", 1, 1}}, r.LabelNames)
			},
		},
		{
			name: "a repeated key is an error with its position",
			body: "{\"samples\":[],\n \"samples\":[]}",
			err:  "line 2",
			check: func(t *testing.T, r Report) {
				assert.Equal(t, 1, r.BadBodies)
				assert.Equal(t, 0, r.Bodies)
			},
		},
		{
			name: "an unknown field is an error",
			body: `{"samples":[{"sample_type":0,"lables":[]}]}`,
			err:  "lables",
			check: func(t *testing.T, r Report) {
				assert.Equal(t, 0, r.Samples)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			err := s.AddBody([]byte(tt.body))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
			} else {
				require.NoError(t, err)
			}
			tt.check(t, s.Report())
		})
	}
}

func TestWriteTableAndJSON(t *testing.T) {
	s := New()
	require.NoError(t, s.AddBody([]byte(`{"samples":[{"name":"a","sample_type":0,"data":"AAAA","metadata":{"@modelarts:size":[10,20]},"labels":[{"name":"a b","type":1,"property":{"@modelarts:shape":"point","@modelarts:feature":[[1,2]]}}]}]}`)))
	var table bytes.Buffer
	require.NoError(t, s.Report().WriteTable(&table))
	assert.Contains(t, table.String(), `"a b"`)
	assert.Regexp(t, `width +10 +10 +10`, table.String())
	assert.Regexp(t, `point +1`, table.String())
	var js bytes.Buffer
	require.NoError(t, s.Report().WriteJSON(&js))
	assert.Contains(t, js.String(), `"samples_by_type": {`)
	assert.Contains(t, js.String(), `"width": {`)
	// Deterministic: the same input prints the same bytes.
	var again bytes.Buffer
	require.NoError(t, s.Report().WriteJSON(&again))
	assert.Equal(t, js.String(), again.String())
}

// noisePNG is an incompressible w×h RGB PNG, the size a photo of that many pixels has.
func noisePNG(t testing.TB, w, h int) string {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// detectionBody is 20 detection samples with inline ~120 kB photos, 3 boxes each: payload,
// not structure, dominates, as in real image datasets.
func detectionBody(b testing.TB) string {
	var sb strings.Builder
	sb.WriteString(`{"samples":[`)
	img := noisePNG(b, 200, 150) // ~120 kB of base64
	for i := range 20 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"img%d.png","sample_type":0,"data":"%s","metadata":{"@modelarts:size":[200,150,3]},"labels":[`, i, img)
		for j := range 3 {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"name":"class%d","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[%d,%d],[%d,%d]]}}`, j, j, j, j+10, j+20)
		}
		sb.WriteString(`]}`)
	}
	sb.WriteString(`]}`)
	return sb.String()
}

// BenchmarkAddBody measures throughput (SetBytes: -bench reports MB/s of request bodies) on
// the bodies people preview: detection samples with inline photos (the 200 MB/s target), a
// body of text samples with entities (structure, not payload, dominates: far fewer MB/s),
// and the repository's example bodies.
func BenchmarkAddBody(b *testing.B) {
	bodies := map[string][]byte{"detection": []byte(detectionBody(b))}
	var sb strings.Builder
	sb.Reset()
	sb.WriteString(`{"samples":[`)
	text := b64("EU rejects German call to boycott British lamb . Peter Blackburn BRUSSELS 1996-08-22")
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"name":"eng-%d","sample_type":1,"data":"%s","labels":[`+
			`{"name":"ORG","type":101,"property":{"@modelarts:start_index":0,"@modelarts:end_index":2}},`+
			`{"name":"MISC","type":101,"property":{"@modelarts:start_index":11,"@modelarts:end_index":17}},`+
			`{"name":"PER","type":101,"property":{"@modelarts:start_index":49,"@modelarts:end_index":64}}]}`, i, text)
	}
	sb.WriteString(`]}`)
	bodies["ner"] = []byte(sb.String())
	for _, f := range []string{"image", "text", "speech"} {
		data, err := os.ReadFile("../testdata/requests/" + f + ".json")
		require.NoError(b, err)
		bodies["testdata-"+f] = data
	}
	for _, name := range []string{"detection", "ner", "testdata-image", "testdata-text", "testdata-speech"} {
		body := bodies[name]
		b.Run(name, func(b *testing.B) {
			s := New()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			cpu := cputime.Now()
			for b.Loop() {
				if err := s.AddBody(body); err != nil {
					b.Fatal(err)
				}
			}
			// MB per CPU-second (all threads, GC included): the figure that does not depend
			// on what else the machine runs.
			if spent := (cputime.Now() - cpu).Seconds(); spent > 0 {
				b.ReportMetric(float64(len(body))*float64(b.N)/1e6/spent, "MB/cpu-s")
			}
		})
	}
}
