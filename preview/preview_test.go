package preview

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func render(t *testing.T, opts Options, bodies ...string) string {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, opts)
	for i, body := range bodies {
		_ = w.AddBody(fmt.Sprintf("body%d.json", i), []byte(body))
	}
	require.NoError(t, w.Close())
	return buf.String()
}

func TestAddBody(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    []string
		notWant []string
	}{
		{
			name: "OBS image: blank canvas of @modelarts:size, every shape kind",
			body: `{"samples":[{"name":"a.jpg","sample_type":0,"data_source":{"data_path":"obs://b/a.jpg"},"metadata":{"@modelarts:size":[640,480,3]},"labels":[
				{"name":"box","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[10,20],[110,220]]}},
				{"name":"poly","type":1,"property":{"@modelarts:shape":"polygon","@modelarts:feature":[[1,1],[50,1],[25,40]]}},
				{"name":"pl","type":1,"property":{"@modelarts:shape":"polyline","@modelarts:feature":[[1,1],[50,1],[25,40]]}},
				{"name":"c","type":1,"property":{"@modelarts:shape":"circle","@modelarts:feature":[[100,100],[30]]}},
				{"name":"l","type":1,"property":{"@modelarts:shape":"line","@modelarts:feature":[[0,0],[9,9]]}},
				{"name":"d","type":1,"property":{"@modelarts:shape":"dashed","@modelarts:feature":[[0,9],[9,0]]}},
				{"name":"p","type":1,"property":{"@modelarts:shape":"point","@modelarts:feature":[[5.5,6.25]]}}]}]}`,
			want: []string{`viewBox="0 0 640 480" width="480" height="360"`, `<rect class="blank" width="640" height="480"/>`,
				`obs://b/a.jpg`, `x="10" y="20" width="100" height="200"><title>box</title>`, `points="1,1 50,1 25,40"><title>poly</title></polygon>`,
				`class="shape open" `, `cx="100" cy="100" r="30"`, `class="shape open dashed"`, `cx="5.5" cy="6.25"`},
			notWant: []string{`<ul class="violations">`, "<image"},
		},
		{
			name: "inline image as a data: URI, size from its header",
			body: `{"samples":[{"name":"i.png","sample_type":0,"data":"` + pngB64(t, 300, 200, color.RGBA{255, 0, 255, 255}) + `","labels":[{"name":"dog","type":0}]}]}`,
			want: []string{`href="data:image/png;base64,iVBOR`, `viewBox="0 0 300 200" width="300" height="200"`, `>dog</span>`},
		},
		{
			name:    "bad input is previewed with its violations in red",
			body:    `{"samples":[{"name":"x","sample_type":0,"data_source":{"data_path":"obs://b/x.jpg"},"labels":[{"name":"box","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[10,20],[5,2]]}}]}]}`,
			want:    []string{`class="sample invalid"`, `<ul class="violations">`, "@modelarts:size", "upper-left to lower-right", `<title>box</title>`},
			notWant: []string{},
		},
		{
			name: "a body that does not decode strictly is shown leniently, with the error",
			body: `{"samples":[{"name":"t","sample_type":1,"data":"` + b64("hello") + `","lables":[]}]}`,
			want: []string{"lables", `<ul class="violations">`, `<p class="text">hello</p>`},
		},
		{
			name: "syntax error: the error with its position, no samples",
			body: "{\"samples\":[\n{]}",
			want: []string{"line 2, column"},
		},
		{
			name: "triplets as a list, classification as tags",
			body: `{"samples":[{"name":"t","sample_type":1,"data":"` + b64("Alice met Bob") + `","labels":[
				{"name":"PER","type":103,"id":"e1","property":{"@modelarts:start_index":0,"@modelarts:end_index":5}},
				{"name":"PER","type":103,"id":"e2","property":{"@modelarts:start_index":10,"@modelarts:end_index":13}},
				{"name":"meets","type":102,"property":{"@modelarts:from":"e1","@modelarts:to":"e2"}},
				{"name":"news","type":100}]}]}`,
			want: []string{`<b>Alice</b> <small>PER</small>`, `—meets→</span> <b>Bob</b>`, `>news</span>`},
		},
		{
			name: "audio: segments on a time line",
			body: `{"samples":[{"name":"a.wav","sample_type":2,"data_source":{"data_path":"obs://b/a.wav"},"labels":[
				{"name":"speech","type":202,"property":{"@modelarts:content":"Hi.","@modelarts:start_time":"00:00:01.000","@modelarts:end_time":"00:00:02.000"}},
				{"name":"noise","type":202,"property":{"@modelarts:start_time":"00:00:02.000","@modelarts:end_time":"00:00:04.000"}},
				{"name":"greeting","type":200}]}]}`,
			want: []string{`class="timeline"`, `left:25.000%;width:25.000%`, `left:50.000%;width:50.000%`, `speech 00:00:01.000–00:00:02.000: Hi.`, `>greeting</span>`},
		},
		{
			name:    "data that is not base64 never reaches an attribute",
			body:    `{"samples":[{"name":"x","sample_type":0,"data":"\"><script>alert(1)</script>","metadata":{"@modelarts:size":[10,10]}},{"name":"y","sample_type":2,"data":"\"><script>x</script>"}]}`,
			want:    []string{`<rect class="blank" width="10" height="10"/>`, "is not valid base64"},
			notWant: []string{"<audio", "<image"},
		},
		{
			name: "every repeated key is listed",
			body: `{"samples":[{"name":"a","name":"b","sample_type":1,"sample_type":1,"data":"eA=="}]}`,
			want: []string{`class="sample invalid"`, `samples[0]: key &#34;name&#34; repeats`, `samples[0]: key &#34;sample_type&#34; repeats`},
		},
		{
			name:    "names are escaped",
			body:    `{"samples":[{"name":"<script>","sample_type":1,"data":"` + b64("<b>&") + `","labels":[{"name":"\"x\"","type":100}]}]}`,
			want:    []string{"&lt;script&gt;", "&lt;b&gt;&amp;", "&#34;x&#34;"},
			notWant: []string{"<script>", "<b>&"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := render(t, Options{}, tt.body)
			for _, w := range tt.want {
				assert.Contains(t, page, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, page, w)
			}
			// Self-contained: nothing is fetched from anywhere.
			assert.NotRegexp(t, `(?i)(src|href)="(https?:)?//`, page)
			assert.NotContains(t, page, "<script")
			assert.Contains(t, page, "</html>")
		})
	}
}

func TestLimit(t *testing.T) {
	body := `{"samples":[` + strings.Repeat(`{"name":"x","sample_type":1,"data":"eA=="},`, 4) + `{"name":"x","sample_type":1,"data":"eA=="}]}`
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{Limit: 3})
	require.NoError(t, w.AddBody("a", []byte(body)))
	assert.True(t, w.Full())
	require.NoError(t, w.AddBody("b", []byte(body)))
	require.NoError(t, w.Close())
	assert.Equal(t, 3, strings.Count(buf.String(), "<article "))
}

var markRE = regexp.MustCompile(`<mark data-labels="([^"]*)"[^>]*>([^<]*)</mark>`)

// highlighted returns, per label index, the text of every mark that lists it, joined.
func highlighted(page string) map[string]string {
	got := map[string]string{}
	for _, m := range markRE.FindAllStringSubmatch(page, -1) {
		for _, id := range strings.Fields(m[1]) {
			got[id] += html.UnescapeString(m[2])
		}
	}
	return got
}

// TestHighlightCoversExactlyTheEntity parses the generated HTML: the marks carrying each
// entity label hold exactly its characters, counted as the API counts them, past the BMP too.
func TestHighlightCoversExactlyTheEntity(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		utf16 bool
		spans [][2]int
		want  []string
		note  string
	}{
		{"ascii", "Barack Hussein Obama II was here", false, [][2]int{{0, 23}, {28, 32}}, []string{"Barack Hussein Obama II", "here"}, ""},
		{"adjacent and nested", "New York City", false, [][2]int{{0, 8}, {4, 8}, {9, 13}}, []string{"New York", "York", "City"}, ""},
		{"CJK", "北京欢迎你", false, [][2]int{{0, 2}}, []string{"北京"}, ""},
		{"past the BMP, code points", "😀 Bob and 🎉 Ann", false, [][2]int{{2, 5}, {12, 15}}, []string{"Bob", "Ann"}, "read as UTF-16 units would be"},
		{"past the BMP, UTF-16 units", "😀 Bob and 🎉 Ann", true, [][2]int{{3, 6}, {14, 17}}, []string{"Bob", "Ann"}, "read as code points would be"},
		{"emoji is the entity", "a😀b", false, [][2]int{{1, 2}}, []string{"😀"}, ""},
		{"emoji is the entity, UTF-16", "a😀b", true, [][2]int{{1, 3}}, []string{"😀"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var labels []string
			for _, sp := range tt.spans {
				labels = append(labels, fmt.Sprintf(`{"name":"E","type":101,"property":{"@modelarts:start_index":%d,"@modelarts:end_index":%d}}`, sp[0], sp[1]))
			}
			body := `{"samples":[{"name":"t","sample_type":1,"data":"` + b64(tt.text) + `","labels":[` + strings.Join(labels, ",") + `]}]}`
			page := render(t, Options{UTF16: tt.utf16}, body)
			got := highlighted(page)
			require.Len(t, got, len(tt.want), page)
			for i, w := range tt.want {
				assert.Equal(t, w, got[fmt.Sprint(i)], "label %d", i)
			}
			// The whole text is on the page once, in order: marks split it, never repeat it.
			text := regexp.MustCompile(`<p class="text">(.*?)</p>`).FindStringSubmatch(page)
			require.NotNil(t, text)
			assert.Equal(t, tt.text, html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(text[1], "")))
			if tt.note != "" {
				assert.Contains(t, page, tt.note)
			}
		})
	}
}

func TestSpanOutsideTheText(t *testing.T) {
	body := `{"samples":[{"name":"t","sample_type":1,"data":"` + b64("a😀b") + `","labels":[{"name":"E","type":101,"property":{"@modelarts:start_index":1,"@modelarts:end_index":5}}]}]}`
	page := render(t, Options{}, body)
	assert.Empty(t, highlighted(page))
	assert.Contains(t, page, "outside the 3-character text")
	assert.Contains(t, page, `class="sample invalid"`) // the validator's own check
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		entities []Entity
		want     []Segment
	}{
		{"none", "abc", nil, []Segment{{Text: "abc"}}},
		{"overlap", "abcdef", []Entity{{Start: 0, End: 4}, {Start: 2, End: 6}},
			[]Segment{{"ab", []int{0}}, {"cd", []int{0, 1}}, {"ef", []int{1}}}},
		{"out of range ignored", "ab", []Entity{{Start: 1, End: 9}}, []Segment{{Text: "ab"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Segments([]rune(tt.text), tt.entities))
		})
	}
}

func TestUTF16ToRunes(t *testing.T) {
	text := []rune("a😀b")
	tests := []struct {
		start, end int
		rs, re     int
		ok         bool
	}{
		{0, 1, 0, 1, true}, {1, 3, 1, 2, true}, {3, 4, 2, 3, true}, {2, 3, 0, 2, false}, {0, 5, 0, 0, false},
	}
	for _, tt := range tests {
		rs, re, ok := utf16ToRunes(text, tt.start, tt.end)
		assert.Equal(t, tt.ok, ok, "%d..%d", tt.start, tt.end)
		if ok {
			assert.Equal(t, [2]int{tt.rs, tt.re}, [2]int{rs, re})
		}
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"000001.jpg", "000001"},
		{"../../etc/passwd", "passwd"},
		{`..\..\x.png`, "x"},
		{"a b/c d.jpeg", "c_d"},
		{".hidden.png", "hidden"},
		{"..", "sample"},
		{"", "sample"},
		{"index.html", "sampleindex"},
		{"名字.jpg", "__"},
		{strings.Repeat("x", 300) + ".jpg", strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		got := SafeFileName(tt.in)
		assert.Equal(t, tt.want, got, tt.in)
		assert.NotContains(t, got, "/")
		assert.False(t, strings.HasPrefix(got, "."))
	}
}

func pngB64(t testing.TB, w, h int, c color.RGBA) string {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []byte{c.R, c.G, c.B, c.A})
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestDrawPNG(t *testing.T) {
	red := color.RGBA{200, 0, 0, 255}
	colour := func(string) color.RGBA { return red }
	feature := func(shape string, f string) api.SampleLabel {
		return api.SampleLabel{Name: "x", Type: api.LabelObjectDetection, Property: api.Property{api.PropShape: shape, api.PropFeature: mustFeature(t, f)}}
	}
	tests := []struct {
		name   string
		sample api.Sample
		on     []image.Point // pixels drawn
		off    []image.Point // pixels left alone
	}{
		{"bndbox on an inline image", api.Sample{Data: pngB64(t, 100, 80, color.RGBA{0, 255, 0, 255}), Labels: []api.SampleLabel{feature("bndbox", `[[10,20],[60,70]]`)}},
			[]image.Point{{10, 20}, {60, 20}, {10, 70}, {60, 70}, {35, 20}}, []image.Point{{35, 45}, {0, 0}, {99, 79}}},
		{"polygon on a blank canvas", api.Sample{DataSource: &api.DataSource{DataPath: "obs://b/x"}, Metadata: api.Metadata{api.MetaSize: []int{50, 50}},
			Labels: []api.SampleLabel{feature("polygon", `[[5,5],[45,5],[25,45]]`)}},
			[]image.Point{{5, 5}, {25, 5}, {25, 45}}, []image.Point{{25, 20}}},
		{"shapes far outside are clipped", api.Sample{Metadata: api.Metadata{api.MetaSize: []int{20, 20}},
			Labels: []api.SampleLabel{feature("line", `[[-1e9,0],[1e9,5]]`), feature("circle", `[[10,10],[5]]`)}},
			[]image.Point{{15, 10}}, []image.Point{{10, 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, DrawPNG(&buf, &tt.sample, colour))
			img, err := png.Decode(&buf)
			require.NoError(t, err)
			for _, p := range tt.on {
				assert.Equal(t, red, color.RGBAModel.Convert(img.At(p.X, p.Y)), "pixel %v", p)
			}
			for _, p := range tt.off {
				assert.NotEqual(t, red, color.RGBAModel.Convert(img.At(p.X, p.Y)), "pixel %v", p)
			}
		})
	}
	var buf bytes.Buffer
	assert.Error(t, DrawPNG(&buf, &api.Sample{}, colour), "no image, no size")
}

func mustFeature(t *testing.T, s string) any {
	var req api.Request
	body := `{"samples":[{"sample_type":0,"labels":[{"type":1,"property":{"@modelarts:feature":` + s + `}}]}]}`
	r, err := api.DecodeRequest([]byte(body))
	require.NoError(t, err)
	_ = req
	return r.Samples[0].Labels[0].Property[api.PropFeature]
}

// TestPNGFilesStayInTheFolder: -png writes NAME.png inside the folder whatever the name says,
// and two samples of one name get two files.
func TestPNGFilesStayInTheFolder(t *testing.T) {
	parent := t.TempDir()
	dir := parent + "/out"
	require.NoError(t, os.Mkdir(dir, 0o755))
	root, err := os.OpenRoot(dir)
	require.NoError(t, err)
	defer root.Close()
	img := pngB64(t, 10, 10, color.RGBA{1, 2, 3, 255})
	body := `{"samples":[{"name":"../escape.png","sample_type":0,"data":"` + img + `"},{"name":"sub/escape.jpg","sample_type":0,"data":"` + img + `"}]}`
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{PNG: root})
	require.NoError(t, w.AddBody("b", []byte(body)))
	require.NoError(t, w.Close())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"escape-2.png", "escape.png"}, names)
	_, err = os.Stat(parent + "/escape.png")
	assert.True(t, os.IsNotExist(err))
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"00:00:01.250", 1.25, true}, {"01:02:03.000", 3723, true}, {"2.5", 2.5, true}, {"", 0, false}, {"a:b", 0, false}, {"1:2:3:4", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseTime(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.InDelta(t, tt.want, got, 1e-9, tt.in)
	}
}
