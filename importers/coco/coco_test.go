package coco

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/internal/golden"
	"github.com/modelarts-convert/convert/internal/testimage"
)

const obsPrefix = "obs://bucket/coco/"

func obs() *imagefile.Source { return &imagefile.Source{OBSPrefix: obsPrefix} }

// opener reads testdata/<file> with opts.
func opener(file string, opts Options) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return Read(ctx, os.DirFS("testdata"), file, o)
	}
}

func readAll(t *testing.T, file string, opts Options) importertest.Result {
	t.Helper()
	return importertest.Read(t, context.Background(), opener(file, opts))
}

// Each case's whole output (request body, warnings and rejections, error) is a golden file.
func TestGolden(t *testing.T) {
	results := &File{FS: os.DirFS("testdata"), Path: "results.json"}
	tests := []struct {
		name, file string
		opts       Options
	}{
		// id gaps and category id 0, decimal sums (0.1+0.2), an image without annotations,
		// two-part polygons, crowd RLE as counts list and as compressed string, attributes.
		{"instances.bbox", "instances.json", Options{Shape: ShapeBBox}},
		{"instances.polygon", "instances.json", Options{Shape: ShapePolygon}},
		// keypoints named from the category's names, or by index; categories first.
		{"keypoints.bbox", "keypoints.json", Options{}},
		{"keypoints.polygon", "keypoints.json", Options{Shape: ShapePolygon}},
		// a results file supplies the labels, with scores; -min-score filters.
		{"results.bbox", "results_instances.json", Options{Results: results}},
		{"results.polygon", "results_instances.json", Options{Shape: ShapePolygon, Results: results}},
		{"results.min-score", "results_instances.json", Options{Results: results, MinScore: 0.05}},
		// what an annotation means: iscrowd, ignore, annotation_id on every label (polygon
		// parts, keypoints), keypoint visibility, a keypoint-only object and image-level
		// labels as image classification.
		{"meaning.bbox", "meaning.json", Options{}},
		{"meaning.polygon", "meaning.json", Options{Shape: ShapePolygon}},
		// every rejection, with the rest still converting.
		{"rejections.bbox", "rejections.json", Options{}},
		{"rejections.polygon", "rejections.json", Options{Shape: ShapePolygon}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.Images = obs()
			r := readAll(t, tt.file, opts)
			require.NoError(t, r.Err)
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample(fmt.Sprintf("samples[%d]", i), s))
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), importertest.Transcript(r))
		})
	}
}

func TestConformance(t *testing.T) {
	for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
		t.Run(string(shape), func(t *testing.T) {
			importertest.Run(t, opener("instances.json", Options{Shape: shape, Images: obs()}), sized(Options{Shape: shape, Images: obs()}))
		})
	}
	t.Run("rejections", func(t *testing.T) {
		importertest.Run(t, opener("rejections.json", Options{Shape: ShapePolygon, Images: obs()}), sized(Options{Shape: ShapePolygon, Images: obs()}))
	})
	t.Run("results", func(t *testing.T) {
		importertest.Run(t, opener("results_instances.json", Options{Images: obs(), Results: &File{FS: os.DirFS("testdata"), Path: "results.json"}}), sizedResults)
	})
}

// labelSummary is "name shape feature" for each label, for compact assertions.
func labelSummary(s *api.Sample) []string {
	var out []string
	for _, l := range s.Labels {
		f, _ := l.Property.Feature()
		b, _ := json.Marshal(f)
		line := fmt.Sprintf("%s %s %s", l.Name, l.Property.Shape(), b)
		if l.Score != "" {
			line += " score " + string(l.Score)
		}
		out = append(out, line)
	}
	return out
}

func TestMapping(t *testing.T) {
	r := readAll(t, "instances.json", Options{Images: obs()})
	require.NoError(t, r.Err)
	require.Empty(t, r.Warnings)
	require.Len(t, r.Samples, 3)

	a := r.Samples[0]
	assert.Equal(t, "000007.jpg", a.Name)
	assert.Equal(t, api.SampleImage, a.SampleType)
	assert.Equal(t, obsPrefix+"000007.jpg", a.DataSource.DataPath)
	assert.Equal(t, []int{640, 480}, a.Metadata[api.MetaSize])
	assert.Equal(t, []string{
		`background thing bndbox [[0.1,0.2],[0.3,0.3]]`, // 0.1+0.2 is 0.3, category id 0
		`dog bndbox [[100,50],[300,200]]`,
		`dog bndbox [[1e1,2.50],[15,2.75]]`,
	}, labelSummary(a))
	assert.Equal(t, map[string]any{"occluded": true, "color": "red", "track": json.Number("3"), "annotation_id": "102",
		api.PropShape: "bndbox", api.PropFeature: api.Feature{{"100", "50"}, {"300", "200"}}},
		map[string]any(a.Labels[1].Property), "attributes become property keys")

	assert.Equal(t, "sub/000012.jpg", r.Samples[1].Name)
	assert.Equal(t, "000030.jpg", r.Samples[2].Name)
	assert.Empty(t, r.Samples[2].Labels, "an image without annotations is an unlabeled sample")
	assert.Equal(t, []int{100, 100}, r.Samples[2].Metadata[api.MetaSize])

	p := readAll(t, "instances.json", Options{Images: obs(), Shape: ShapePolygon})
	require.NoError(t, p.Err)
	assert.Equal(t, []string{
		`background thing polygon [[0.1,0.2],[0.3,0.2],[0.3,0.3]]`,
		`dog polygon [[100,50],[300,50],[300,200],[100,200]]`, // two parts, two labels
		`dog polygon [[310.5,60.25],[320.5,60.25],[315,70]]`,
		`dog polygon [[10,2.5],[15,2.5],[15,2.75]]`,
	}, labelSummary(p.Samples[0]))
	assert.Equal(t, []string{
		`toothbrush polygon [[1,1],[4,1],[4,3],[1,3]]`,             // RLE counts list
		`toothbrush polygon [[1,0],[3,0],[3,4],[2,4],[2,2],[1,2]]`, // compressed RLE string
	}, labelSummary(p.Samples[1]))
}

func TestKeypoints(t *testing.T) {
	r := readAll(t, "keypoints.json", Options{Images: obs()})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 1)
	assert.Equal(t, []string{
		`person bndbox [[10,10],[50,90]]`,
		`nose point [[20,15]]`,        // v=2
		`right_eye point [[30.5,15]]`, // v=1; left_eye has v=0
		`robot bndbox [[60,10],[80,30]]`,
		`1 point [[61,11]]`, // no keypoint names: the 1-based index
		`2 point [[62,12]]`,
	}, labelSummary(r.Samples[0]))
}

func TestResults(t *testing.T) {
	res := &File{FS: os.DirFS("testdata"), Path: "results.json"}
	r := readAll(t, "results_instances.json", Options{Images: obs(), Results: res})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 2)
	assert.Equal(t, []string{
		`cat bndbox [[10.5,20.25],[16.0,25.00]] score 0.98`,
		`mouse bndbox [[0,0],[10,10]] score 0.051`,
	}, labelSummary(r.Samples[0]), "the instances' own annotation is not used")
	assert.Equal(t, []string{
		`cat bndbox [[3,4],[8,10]] score 0.5`,
		`mouse bndbox [[1,1],[2,2]] score 0.01`,
	}, labelSummary(r.Samples[1]))

	m := readAll(t, "results_instances.json", Options{Images: obs(), Results: res, MinScore: 0.05})
	require.NoError(t, m.Err)
	assert.Equal(t, []string{`cat bndbox [[3,4],[8,10]] score 0.5`}, labelSummary(m.Samples[1]))
	require.Len(t, m.Warnings, 1)
	assert.False(t, m.Warnings[0].Rejected)
	assert.Contains(t, m.Warnings[0].Reason, "1 of 4 results scored below option MinScore 0.05")

	p := readAll(t, "results_instances.json", Options{Images: obs(), Results: res, Shape: ShapePolygon})
	require.NoError(t, p.Err)
	assert.Equal(t, []string{
		`cat bndbox [[10.5,20.25],[16.0,25.00]] score 0.98`, // no segmentation: its bbox
		`mouse polygon [[4,2],[6,2],[6,6],[4,6]] score 0.051`,
	}, labelSummary(p.Samples[0]))
	assert.Equal(t, `cat polygon [[2,2],[4,2],[4,5],[2,5]] score 0.5`, labelSummary(p.Samples[1])[0])
}

// rejection is one expected rejection: the element and a part of the reason.
type rejection struct{ element, reason string }

func rejections(ws []importers.Warning) []rejection {
	var out []rejection
	for _, w := range ws {
		if w.Rejected {
			out = append(out, rejection{w.Pos.Element, w.Reason})
		}
	}
	return out
}

func TestRejections(t *testing.T) {
	common := []rejection{
		{"annotations[9] (id 19)", "has no image_id"},
		{"annotations[10] (id 20)", "keypoints has 4 numbers, not [x,y,v] triples"},
		{"annotations[11] (id 21)", "attributes is a JSON array, not an object"},
		{"annotations[15] (id 25)", "image_id 1.5 is not an integer"},
		{"annotations[17]", "is a JSON string, not an object"},
	}
	bbox := append([]rejection{
		{"annotations[7] (id 17)", "bbox has 3 numbers, not [x, y, width, height]"},
		{"annotations[8] (id 18)", "bbox is a JSON string, not an array of numbers"},
	}, common...)
	bbox = append(bbox,
		rejection{"annotations[2] (id 12)", "category_id 77 is not among the categories"},
		rejection{"annotations[5] (id 15)", "bndbox [[10,10],[10,15]] must go from upper-left to lower-right"},
		rejection{"annotations[6] (id 16)", "point 0 is [-1,10]; coordinates must be numbers >= 0"},
		rejection{"annotations[14] (id 24)", "has no bbox (its segmentation converts with option Shape polygon)"},
	)
	polygon := []rejection{
		{"annotations[3] (id 13)", "segmentation[0] has an odd number of coordinates (5)"},
		{"annotations[4] (id 14)", "RLE counts sum to 10, not h×w = 4×4 = 16"},
		{"annotations[7] (id 17)", "segmentation[0] has an odd number of coordinates (7)"},
		{"annotations[8] (id 18)", "bbox is a JSON string, not an array of numbers"},
		common[0], common[1], common[2], common[3],
		{"annotations[16] (id 26)", "RLE counts string has '!' at 1"},
		common[4],
		{"annotations[2] (id 12)", "category_id 77 is not among the categories"},
		{"annotations[6] (id 16)", "point 0 is [-1,10]; coordinates must be numbers >= 0"},
	}
	images := []rejection{
		{"images[1] (id 2)", `file_name "bad!name.jpg" contains "!"`},
		{"images[2] (id 3)", "file_name \"../outside.jpg\": points outside the images folder"},
		{"images[3] (id 1)", "id 1 repeats the id of images[0]"},
		{"images[4]", "has no id"},
		{"images[5] (id 6)", "has no file_name"},
		{"images[6] (id 7)", "has no @modelarts:size"},
		{"images[7] (id 8)", "width -5 is not a size in pixels"},
		{"annotations[1] (id 11)", "image_id 999 is not among the images"},
	}
	for _, tt := range []struct {
		shape Shape
		want  []rejection
	}{{ShapeBBox, bbox}, {ShapePolygon, polygon}} {
		t.Run(string(tt.shape), func(t *testing.T) {
			r := readAll(t, "rejections.json", Options{Shape: tt.shape, Images: obs()})
			require.NoError(t, r.Err)
			got := rejections(r.Warnings)
			want := append(append([]rejection{}, tt.want...), images...)
			require.Len(t, got, len(want), "%v", got)
			for _, w := range want {
				found := false
				for _, g := range got {
					if g.element == w.element && strings.Contains(g.reason, w.reason) {
						found = true
					}
				}
				assert.True(t, found, "no rejection of %s with %q in %v", w.element, w.reason, got)
			}
			require.Len(t, r.Samples, 1, "only ok.jpg converts")
			assert.Equal(t, "ok.jpg", r.Samples[0].Name)
			for _, w := range r.Warnings {
				assert.Equal(t, "rejections.json", w.Pos.File)
				if strings.HasPrefix(w.Pos.Element, "annotations[") || strings.HasPrefix(w.Pos.Element, "images[") {
					assert.Positive(t, w.Pos.Offset, "%v", w)
				}
			}
		})
	}
}

// An image rejected with annotations says how many went with it.
func TestRejectedImageCountsItsAnnotations(t *testing.T) {
	r := readAll(t, "rejections.json", Options{Images: obs()})
	for _, w := range r.Warnings {
		if w.Pos.Element == "images[1] (id 2)" {
			assert.Contains(t, w.Reason, "(its 1 annotations are not converted)")
			return
		}
	}
	t.Fatal("images[1] not rejected")
}

func TestKeyOrderDoesNotMatter(t *testing.T) {
	raw, err := os.ReadFile("testdata/instances.json")
	require.NoError(t, err)
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &doc))
	want := readAll(t, "instances.json", Options{Images: obs(), Shape: ShapePolygon})
	for _, order := range [][]string{
		{"categories", "annotations", "images"},
		{"annotations", "images", "categories"},
		{"annotations", "categories", "images", "info"},
	} {
		var b bytes.Buffer
		b.WriteString("{")
		for i, k := range order {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "%q:%s", k, doc[k])
		}
		b.WriteString("}")
		fsys := fstest.MapFS{"instances.json": {Data: b.Bytes()}}
		got, err := importers.Collect(Read(context.Background(), fsys, "instances.json", Options{Images: obs(), Shape: ShapePolygon}))
		require.NoError(t, err, order)
		require.Equal(t, len(want.Samples), len(got), order)
		for i := range got {
			assert.Equal(t, want.Samples[i].Labels, got[i].Labels, "%v sample %d", order, i)
		}
	}
}

func TestMalformedJSON(t *testing.T) {
	tests := []struct {
		name, doc string
		offset    int64
		msg       string
	}{
		{"invalid character in an annotation", `{"images":[],"annotations":[{"id":1,"bbox":[1,2,x]}]}`, 48, "invalid character 'x'"},
		{"truncated", `{"images":[{"id":1,"file_name":"a.jpg"`, 38, "unexpected end of file"},
		{"missing comma between keys", `{"images":[] "annotations":[]}`, 13, "invalid character"},
		{"top level array", `[{"id":1}]`, 0, "must be an object, not an array"},
		{"garbage after the document", `{"images":[]} {}`, 14, "after the end of the top-level object"},
		{"no images", `{"annotations":[]}`, 0, `no "images" array`},
		{"bad key", `{"images":[{"id":1,"file_name":"a.jpg","width":1,"height":1}],"annotations":[{"id"1}]}`, 82, "invalid character '1'"},
		{"empty file", ``, 0, "unexpected end of file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"x.json": {Data: []byte(tt.doc)}}
			samples, err := importers.Collect(Read(context.Background(), fsys, "x.json", Options{Images: obs()}))
			assert.Empty(t, samples)
			var ie *importers.Error
			require.True(t, errors.As(err, &ie), "%v", err)
			assert.Equal(t, "x.json", ie.Pos.File)
			assert.Equal(t, tt.offset, ie.Pos.Offset, "%v", err)
			assert.Contains(t, err.Error(), tt.msg)
			if tt.offset > 0 {
				assert.Contains(t, err.Error(), fmt.Sprintf("byte %d", tt.offset))
			}
		})
	}
}

func TestResultsFileErrors(t *testing.T) {
	inst := `{"images":[{"id":1,"file_name":"a.jpg","width":9,"height":9}],"categories":[{"id":1,"name":"a"}]}`
	for _, tt := range []struct{ results, msg string }{
		{`{"image_id":1}`, "results must be an array, not an object"},
		{`[{"image_id":1,"category_id":1,"bbox":[1,1,1,1],"score":0.5},`, "unexpected end of file"},
	} {
		fsys := fstest.MapFS{"i.json": {Data: []byte(inst)}, "r.json": {Data: []byte(tt.results)}}
		_, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Results: &File{FS: fsys, Path: "r.json"}}))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "r.json")
		assert.Contains(t, err.Error(), tt.msg)
	}
	// A result without a score is rejected; one above 1 fails validation.
	fsys := fstest.MapFS{"i.json": {Data: []byte(inst)}, "r.json": {Data: []byte(
		`[{"image_id":1,"category_id":1,"bbox":[1,1,1,1]},{"image_id":1,"category_id":1,"bbox":[1,1,1,1],"score":1.5}]`)}}
	var ws []importers.Warning
	samples, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Results: &File{FS: fsys, Path: "r.json", Name: "dets.json"},
		Warn: func(w importers.Warning) { ws = append(ws, w) }}))
	require.NoError(t, err)
	require.Len(t, samples, 1)
	assert.Empty(t, samples[0].Labels)
	assert.Equal(t, []rejection{{"results[0]", "has no score"}, {"results[1]", "is 1.5; must be a number in [0,1]"}}, trimReasons(rejections(ws)))
	assert.Equal(t, "dets.json", ws[0].Pos.File)
}

// trimReasons keeps the part of each reason the tests compare.
func trimReasons(rs []rejection) []rejection {
	for i := range rs {
		if strings.HasPrefix(rs[i].reason, "is 1.5") {
			rs[i].reason = strings.SplitN(rs[i].reason, " (", 2)[0]
		}
	}
	return rs
}

// With -images the data is inline and the header gives the depth (and the size, when the
// annotation file has none).
func TestInlineImages(t *testing.T) {
	doc := `{"images":[
		{"id":1,"file_name":"a.png","width":4,"height":3},
		{"id":2,"file_name":"b.png"},
		{"id":3,"file_name":"missing.png","width":4,"height":3},
		{"id":4,"file_name":"c.png","width":40,"height":30}],
	"annotations":[{"id":1,"image_id":2,"category_id":1,"bbox":[0,0,1,1]}],
	"categories":[{"id":1,"name":"x"}]}`
	a, b, c := testimage.PNG(t, 4, 3, false), testimage.PNG(t, 5, 6, true), testimage.PNG(t, 4, 3, false)
	images := fstest.MapFS{"imgs/a.png": {Data: a}, "imgs/b.png": {Data: b}, "imgs/c.png": {Data: c}}
	fsys := fstest.MapFS{"i.json": {Data: []byte(doc)}}
	var ws []importers.Warning
	samples, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{
		Images: &imagefile.Source{FS: images, Dir: "imgs"}, Warn: func(w importers.Warning) { ws = append(ws, w) }}))
	require.NoError(t, err)
	require.Len(t, samples, 3)
	assert.Equal(t, base64Std(a), samples[0].Data)
	assert.Nil(t, samples[0].DataSource)
	assert.Equal(t, []int{4, 3, 4}, samples[0].Metadata[api.MetaSize])
	assert.Equal(t, []int{5, 6, 1}, samples[1].Metadata[api.MetaSize], "size from the header")
	assert.Equal(t, []int{40, 30, 4}, samples[2].Metadata[api.MetaSize], "the annotation file's size is kept")
	require.Len(t, ws, 2)
	assert.True(t, ws[0].Rejected)
	assert.Equal(t, "images[2] (id 3)", ws[0].Pos.Element)
	assert.ErrorContains(t, errors.New(ws[0].Reason), "image file not found")
	assert.False(t, ws[1].Rejected)
	assert.Contains(t, ws[1].Reason, "the image file is 4×3 but the annotation file says 40×30")
}

// Spilling every record to the temporary file gives the same output as keeping them in memory,
// and the file is gone afterwards.
func TestSpillToDisk(t *testing.T) {
	dir := t.TempDir()
	for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
		mem := readAll(t, "instances.json", Options{Images: obs(), Shape: shape})
		disk := readAll(t, "instances.json", Options{Images: obs(), Shape: shape, SpillMemory: -1, TempDir: dir})
		require.NoError(t, disk.Err)
		assert.Equal(t, string(importertest.Transcript(mem)), string(importertest.Transcript(disk)))
		// Half in memory, half on disk.
		half := readAll(t, "instances.json", Options{Images: obs(), Shape: shape, SpillMemory: 200, TempDir: dir})
		assert.Equal(t, string(importertest.Transcript(mem)), string(importertest.Transcript(half)))
	}
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "the spill file is removed")
}

// The spill file has no name while the run uses it (where the system allows it), so a run
// killed part way leaves nothing in the temporary folder.
func TestSpillFileNameless(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be removed")
	}
	raw, err := os.ReadFile("testdata/instances.json")
	require.NoError(t, err)
	dir := t.TempDir()
	n := 0
	for _, err := range ReadFrom(context.Background(), bytes.NewReader(raw), "in.json", Options{Images: obs(), Shape: ShapePolygon, SpillMemory: -1, TempDir: dir}) {
		require.NoError(t, err)
		left, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, left, "while the samples come")
		n++
	}
	assert.Positive(t, n)
}

func TestOptionsErrors(t *testing.T) {
	fsys := fstest.MapFS{"i.json": {Data: []byte(`{"images":[]}`)}}
	_, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{}))
	assert.ErrorIs(t, err, ErrNoImages)
	_, err = importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Shape: "mask"}))
	assert.ErrorContains(t, err, "shape must be bbox or polygon")
	_, err = importers.Collect(Read(context.Background(), fsys, "nope.json", Options{Images: obs()}))
	var ie *importers.Error
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "nope.json", ie.Pos.File)
}

func TestReadFrom(t *testing.T) {
	raw, err := os.ReadFile("testdata/keypoints.json")
	require.NoError(t, err)
	samples, err := importers.Collect(ReadFrom(context.Background(), bytes.NewReader(raw), "standard input", Options{Images: obs()}))
	require.NoError(t, err)
	require.Len(t, samples, 1)
	assert.Len(t, samples[0].Labels, 6)
	assert.Equal(t, "standard input: images[0] (id 3)", samples[0].Origin)
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// In bbox mode nothing of a segmentation is kept: what the reader holds after the pass is the
// same whether the polygons have 8 or 800 coordinates. In polygon mode it grows with them,
// but beyond SpillMemory it goes to the temporary file.
func TestBBoxStateIndependentOfPolygons(t *testing.T) {
	doc := func(coords int) []byte {
		var b bytes.Buffer
		b.WriteString(`{"images":[{"id":1,"file_name":"a.jpg","width":999,"height":999}],"annotations":[`)
		for i := range 200 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":%d,"image_id":1,"category_id":1,"bbox":[1.5,2.5,30.25,40],"segmentation":[[`, i)
			for k := range coords {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%d.%02d", 100+k%300, k%100)
			}
			b.WriteString(`]]}`)
		}
		b.WriteString(`],"categories":[{"id":1,"name":"a"}]}`)
		return b.Bytes()
	}
	held := func(shape Shape, data []byte) (memory, file int64) {
		c := newConverter("x.json", Options{Shape: shape, Images: obs(), SpillMemory: 64 << 10, TempDir: t.TempDir()})
		defer c.close()
		require.NoError(t, c.readInstances(context.Background(), bytes.NewReader(data)))
		return c.store.memSize, c.store.fileSize
	}
	small, large := doc(8), doc(800)
	require.Greater(t, len(large), 50*len(small)/2)
	m1, f1 := held(ShapeBBox, small)
	m2, f2 := held(ShapeBBox, large)
	// Only the records' byte offsets (varints) grow with the file: at most 2 bytes each here.
	assert.LessOrEqual(t, m2-m1, int64(2*200), "%d vs %d bytes", m1, m2)
	assert.Less(t, m2, int64(len(small)), "far below even the small input")
	assert.Zero(t, f1+f2, "nothing spilled to disk")
	m3, f3 := held(ShapePolygon, large)
	assert.LessOrEqual(t, m3, int64(64<<10), "memory part bounded by SpillMemory")
	assert.Positive(t, f3, "the rest on disk")
}

// The reference walker's fast path (Decode(nil) and the window) works with this Go, and the
// slow path (Decode into a sink) gives the same output.
func TestWalkerPaths(t *testing.T) {
	require.True(t, decodeNilWorks, "the fast path is not in use")
	defer func(v bool) { decodeNilWorks = v }(decodeNilWorks)
	defer func(v func(*walker, io.Reader, string, bool) error) { walkDoc = v }(walkDoc)
	walkDoc = walkRef
	for _, file := range []string{"instances.json", "rejections.json", "keypoints.json"} {
		for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
			decodeNilWorks = true
			fast := readAll(t, file, Options{Images: obs(), Shape: shape})
			decodeNilWorks = false
			slow := readAll(t, file, Options{Images: obs(), Shape: shape})
			assert.Equal(t, string(importertest.Transcript(fast)), string(importertest.Transcript(slow)), file)
		}
	}
	decodeNilWorks = false
	res := readAll(t, "results_instances.json", Options{Images: obs(), Results: &File{FS: os.DirFS("testdata"), Path: "results.json"}})
	require.NoError(t, res.Err)
	assert.Len(t, res.Samples[0].Labels, 2)
}

// A box that is valid in exact decimal but not as the validator reads it (float64) is
// rejected with the validator's reason, never yielded.
func TestBoxThatFloatsCollapse(t *testing.T) {
	doc := `{"images":[{"id":1,"file_name":"a.jpg","width":9,"height":9}],"categories":[{"id":1,"name":"a"}],
	"annotations":[{"id":5,"image_id":1,"category_id":1,"bbox":[1e20,0,1,5]},{"id":6,"image_id":1,"category_id":1,"bbox":[0,0,1,1],"attributes":{"@modelarts:hard":"maybe"}}]}`
	fsys := fstest.MapFS{"i.json": {Data: []byte(doc)}}
	var ws []importers.Warning
	samples, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Warn: func(w importers.Warning) { ws = append(ws, w) }}))
	require.NoError(t, err)
	require.Len(t, samples, 1)
	assert.Empty(t, samples[0].Labels)
	assert.Equal(t, []rejection{
		{"annotations[0] (id 5)", "bndbox [[1e20,0],[100000000000000000001,5]] must go from upper-left to lower-right (x1 < x2 and y1 < y2)"},
		{"annotations[1] (id 6)", `is "maybe"; must be "0", "1", "true" or "false"`},
	}, rejections(ws))
}

// The store gives back every record as appended, in memory, straddling blocks, and in the
// file, whichever group it went to (so wherever the groups' buffers put it), read one by one
// and by readFile in any selection and order.
func TestSpillBlocks(t *testing.T) {
	for _, limit := range []int{100, spillBlock, 3*spillBlock + 7} {
		s := &spill{limit: limit, dir: t.TempDir()}
		var want []byte
		var offs []int64
		rec := make([]byte, 0, 5000)
		// Past the limit, enough records of a few groups (and of none) to fill a group's
		// buffer several times and the buffers' budget more than once.
		for i := 0; s.size() < int64(limit)+5000*spillGroups; i++ {
			rec = rec[:0]
			for k := range 1 + (i*7919)%4999 {
				rec = append(rec, byte(i+k))
			}
			offs = append(offs, s.size())
			require.NoError(t, s.append(rec, i%7-1))
			want = append(want, rec...)
		}
		require.NoError(t, s.finish())
		assert.LessOrEqual(t, s.memSize, int64(limit))
		offs = append(offs, int64(len(want)))
		var inFile []fileRecord
		for i := range len(offs) - 1 {
			if s.inMemory(offs[i]) != s.inMemory(offs[i+1]-1) {
				continue // records do not straddle memory and file: this one cannot exist
			}
			got, err := s.read(int32(i), offs[i], offs[i+1]-offs[i])
			require.NoError(t, err)
			require.Equal(t, want[offs[i]:offs[i+1]], got, "limit %d record %d", limit, i)
			if !s.inMemory(offs[i]) {
				inFile = append(inFile, fileRecord{rec: int32(i), off: offs[i], n: offs[i+1] - offs[i]})
			}
		}
		require.NotEmpty(t, inFile)
		var buf []byte
		for _, step := range []int{1, 2, 3, 7} {
			var sel []fileRecord
			for k := 0; k < len(inFile); k += step {
				sel = append(sel, inFile[k])
			}
			if step == 3 {
				slices.Reverse(sel)
			}
			var err error
			buf, err = s.readFile(sel, buf)
			require.NoError(t, err)
			needed := 0
			for _, r := range sel {
				require.Equal(t, want[r.off:r.off+r.n], r.bytes, "limit %d record %d, every %d", limit, r.rec, step)
				needed += int(r.n)
			}
			assert.LessOrEqual(t, len(buf), 2*needed, "the bytes read between records are at most the records' own")
		}
		_, err := s.read(int32(len(offs)), s.size(), 1)
		assert.Error(t, err, "a record that is not there")
		s.close()
	}
}

// sizedJSON writes the harness's input of n images, each with one annotation (and, for a
// results file, one result).
func sizedJSON(n int) (instances, results []byte) {
	var ins, res bytes.Buffer
	ins.WriteString(`{"images": [`)
	res.WriteString(`[`)
	for i := range n {
		if i > 0 {
			ins.WriteByte(',')
			res.WriteByte(',')
		}
		fmt.Fprintf(&ins, `{"id": %d, "file_name": "%06d.jpg", "width": 640, "height": 480}`, i+1, i+1)
		fmt.Fprintf(&res, `{"image_id": %d, "category_id": 1, "bbox": [1, 2, 30, 40], "score": 0.5}`, i+1)
	}
	ins.WriteString(`], "annotations": [`)
	for i := range n {
		if i > 0 {
			ins.WriteByte(',')
		}
		fmt.Fprintf(&ins, `{"id": %d, "image_id": %d, "category_id": 1, "bbox": [1.5, 2, 30, 40], "segmentation": [[1.5, 2, 31.5, 2, 31.5, 42]], "area": 600, "iscrowd": 0}`, i+1, i+1)
	}
	ins.WriteString(`], "categories": [{"id": 1, "name": "dog"}]}`)
	res.WriteString(`]`)
	return ins.Bytes(), res.Bytes()
}

// sized is the harness's input of n images with one annotation each.
func sized(opts Options) importertest.Sized {
	return func(t testing.TB, n int) importertest.Opener {
		ins, _ := sizedJSON(n)
		fsys := fstest.MapFS{"sized.json": {Data: ins}}
		return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			o := opts
			o.Warn = warn
			return Read(ctx, fsys, "sized.json", o)
		}
	}
}

// sizedResults is sized for a detection results file of n results, one per image.
func sizedResults(t testing.TB, n int) importertest.Opener {
	ins, res := sizedJSON(n)
	fsys := fstest.MapFS{"sized.json": {Data: ins}, "results.json": {Data: res}}
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := Options{Images: obs(), Results: &File{FS: fsys, Path: "results.json"}, Warn: warn}
		return Read(ctx, fsys, "sized.json", o)
	}
}
