package coco

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// labelLine is "type name shape {own properties}" for one label.
func labelLine(l api.SampleLabel) string {
	keys := []string{propAnnotationID, propIsCrowd, propIgnore, propVisibility}
	var own []string
	for _, k := range keys {
		if v, ok := l.Property[k]; ok {
			own = append(own, fmt.Sprintf("%s=%v", k, v))
		}
	}
	line := fmt.Sprintf("%d %s %s %v", l.Type, l.Name, l.Property.Shape(), own)
	if l.Score != "" {
		line += " score " + string(l.Score)
	}
	return line
}

func labelLines(s *api.Sample) []string {
	var out []string
	for _, l := range s.Labels {
		out = append(out, labelLine(l))
	}
	return out
}

// What an annotation means is kept: iscrowd and ignore, the annotation's id on each of its
// labels, keypoint visibility; an object with only keypoints, or with no geometry at all, is
// an image-classification label.
func TestMeaning(t *testing.T) {
	for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
		t.Run(string(shape), func(t *testing.T) {
			r := readAll(t, "meaning.json", Options{Images: obs(), Shape: shape})
			require.NoError(t, r.Err)
			require.Len(t, r.Samples, 2)
			for _, w := range r.Warnings {
				assert.False(t, w.Rejected, "%v", w)
			}
			want := []string{
				"1 car polygon [annotation_id=1]", // two parts, one annotation
				"1 car polygon [annotation_id=1]",
				"1 car polygon [annotation_id=2 iscrowd=1]",
			}
			if shape == ShapeBBox {
				want = []string{"1 car bndbox [annotation_id=1]", "1 car bndbox [annotation_id=2 iscrowd=1]"}
			}
			want = append(want,
				"1 person bndbox [annotation_id=3 ignore=1]",
				"0 person  [annotation_id=4]", // keypoints only: the object is kept, as image classification
				"1 head point [annotation_id=4 visibility=2]",
				"1 right_hand point [annotation_id=4 visibility=1]",
			)
			assert.Equal(t, want, labelLines(r.Samples[0]))
			assert.Equal(t, []string{
				"0 beach  [annotation_id=5]",             // no bbox, no segmentation
				"0 outdoor  [annotation_id=6 iscrowd=1]", // empty bbox and segmentation, iscrowd: true
			}, labelLines(r.Samples[1]))
			assert.Equal(t, "sunny", r.Samples[1].Labels[1].Property["weather"], "attributes stay")
			assert.Equal(t, "beach.jpg", r.Samples[1].Name, "./beach.jpg is beach.jpg")
		})
	}
}

// A keypoint result without a bbox keeps its object as an image-classification label with the
// result's score; its points carry the score, the id and their visibility.
func TestKeypointResultKeepsItsObject(t *testing.T) {
	inst := `{"images":[{"id":1,"file_name":"a.jpg","width":90,"height":90}],"categories":[{"id":1,"name":"person","keypoints":["nose","eye"]}]}`
	res := `[{"image_id":1,"category_id":1,"keypoints":[5,6,2,7,8,1],"score":0.9},{"id":12,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"keypoints":[0,0,0,3,3,2],"score":0.4}]`
	fsys := fstest.MapFS{"i.json": {Data: []byte(inst)}, "r.json": {Data: []byte(res)}}
	samples, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Results: &File{FS: fsys, Path: "r.json"}}))
	require.NoError(t, err)
	require.Len(t, samples, 1)
	assert.Equal(t, []string{
		"0 person  [] score 0.9",
		"1 nose point [visibility=2] score 0.9",
		"1 eye point [visibility=1] score 0.9",
		"1 person bndbox [annotation_id=12] score 0.4",
		"1 eye point [annotation_id=12 visibility=2] score 0.4",
	}, labelLines(samples[0]))
	assert.Empty(t, api.ValidateSample("s", samples[0]))
}

// iscrowd and ignore take 0/1 (false/true); anything else rejects the annotation.
func TestFlagValues(t *testing.T) {
	for _, tt := range []struct{ v, want string }{
		{"0", ""}, {"1", "1"}, {"1.0", "1"}, {"true", "1"}, {"false", ""}, {"null", ""}, {`"1"`, "1"},
		{"2", "rejected: iscrowd is 2; must be 0 or 1"}, {`[1]`, "rejected: iscrowd is a JSON array, not 0 or 1"},
	} {
		doc := `{"images":[{"id":1,"file_name":"a.jpg","width":9,"height":9}],"categories":[{"id":1,"name":"a"}],
			"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"iscrowd":` + tt.v + `}]}`
		r := readDoc(t, doc, Options{Images: obs()})
		require.NoError(t, r.err, tt.v)
		if strings.HasPrefix(tt.want, "rejected: ") {
			require.Len(t, r.warnings, 1, tt.v)
			assert.Contains(t, r.warnings[0].String(), tt.want)
			continue
		}
		require.Empty(t, r.warnings, tt.v)
		got, ok := r.samples[0].Labels[0].Property[propIsCrowd]
		assert.Equal(t, tt.want != "", ok, tt.v)
		if ok {
			assert.Equal(t, tt.want, got, tt.v)
		}
	}
}

// Visibility is 0, 1 or 2.
func TestKeypointVisibility(t *testing.T) {
	doc := `{"images":[{"id":1,"file_name":"a.jpg","width":9,"height":9}],"categories":[{"id":1,"name":"a"}],
		"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"keypoints":[1,1,3]}]}`
	r := readDoc(t, doc, Options{Images: obs()})
	require.Len(t, r.warnings, 1)
	assert.Contains(t, r.warnings[0].String(), "annotations[0] (id 1): rejected: keypoint 0: visibility 3 is not 0, 1 or 2")
}

// Captions and panoptic files are refused once, for the file, saying what they are.
func TestCaptionsAndPanopticRefused(t *testing.T) {
	for _, tt := range []struct{ name, ann string }{
		{"captions", `{"id":1,"image_id":1,"caption":"A dog on a beach."},{"id":2,"image_id":1,"caption":"A dog."}`},
		{"panoptic", `{"image_id":1,"file_name":"a.png","segments_info":[{"id":3,"category_id":1,"bbox":[0,0,1,1],"area":1,"iscrowd":0}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"images":[{"id":1,"file_name":"a.jpg","width":9,"height":9}],"annotations":[` + tt.ann + `],"categories":[{"id":1,"name":"a"}]}`
			r := readDoc(t, doc, Options{Images: obs()})
			assert.Empty(t, r.samples)
			assert.Empty(t, r.warnings, "no rejection per annotation")
			var ie *importers.Error
			require.ErrorAs(t, r.err, &ie)
			assert.Equal(t, importers.Position{File: "x.json"}, ie.Pos)
			if tt.name == "captions" {
				assert.EqualError(t, r.err, "x.json: a captions file: captions have no label type in this API")
				assert.ErrorIs(t, r.err, errCaptions)
			} else {
				assert.ErrorIs(t, r.err, errPanoptic)
				assert.Contains(t, r.err.Error(), "a panoptic segmentation file")
			}
		})
	}
}

type docResult struct {
	samples  []*api.Sample
	warnings []importers.Warning
	err      error
}

func readDoc(t *testing.T, doc string, opts Options) docResult {
	t.Helper()
	var r docResult
	opts.Warn = func(w importers.Warning) { r.warnings = append(r.warnings, w) }
	fsys := fstest.MapFS{"x.json": {Data: []byte(doc)}}
	r.samples, r.err = importers.Collect(Read(context.Background(), fsys, "x.json", opts))
	return r
}

func warningLines(ws []importers.Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.String())
	}
	return out
}

// The estimate of a record's labels never exceeds their encoded size, so that no sample is
// refused for a size it would not have: checked on the test files whose records all convert.
func TestEstimateIsALowerBound(t *testing.T) {
	for _, file := range []string{"instances.json", "keypoints.json", "meaning.json"} {
		for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
			raw, err := os.ReadFile("testdata/" + file)
			require.NoError(t, err)
			c := newConverter(file, Options{Shape: shape, Images: obs(), Warn: func(importers.Warning) {}})
			require.NoError(t, c.readInstances(context.Background(), bytes.NewReader(raw)))
			sizes := map[int64]int64{}
			for id, ch := range c.chains {
				sizes[id] = ch.size
			}
			c.close()
			r := readAll(t, file, Options{Shape: shape, Images: obs()})
			for _, s := range r.Samples {
				var id int64
				_, err := fmt.Sscanf(s.Origin[strings.Index(s.Origin, "(id ")+4:], "%d", &id)
				require.NoError(t, err)
				n := 0
				for _, l := range s.Labels {
					b, err := json.Marshal(l)
					require.NoError(t, err)
					n += len(b) + 1
				}
				assert.LessOrEqual(t, sizes[id], int64(n), "%s %s %s", file, shape, s.Name)
				if len(s.Labels) > 0 {
					assert.Positive(t, sizes[id])
				}
			}
		}
	}
}

var _ = errors.New
