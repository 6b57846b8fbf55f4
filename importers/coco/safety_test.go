package coco

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
)

// cocoDoc is a small annotation file with image, annotation and category elements spliced in.
func cocoDoc(images, annotations, categories string) string {
	return `{"images":[` + images + `],"annotations":[` + annotations + `],"categories":[` + categories + `]}`
}

const (
	goodImage = `{"id":1,"file_name":"a.jpg","width":90,"height":90}`
	goodAnn   = `{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,2,2]}`
	goodCat   = `{"id":1,"name":"a"}`
)

// A repeated key rejects its record (encoding/json would silently keep the last value); in the
// top-level object it ends the file.
func TestRepeatedKeys(t *testing.T) {
	tests := []struct {
		name, doc string
		shape     Shape
		want      []string // warnings (rejections)
		labels    int      // labels of a.jpg
	}{
		{"annotation", cocoDoc(goodImage, goodAnn+`,{"id":2,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"bbox":[5,5,1,1]}`, goodCat), ShapeBBox,
			[]string{`x.json: byte 134: annotations[1] (id 2): rejected: has the key "bbox" twice`}, 1},
		{"attributes", cocoDoc(goodImage, goodAnn+`,{"id":2,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"attributes":{"a":{"b":1,"b":2}}}`, goodCat), ShapeBBox,
			[]string{`x.json: byte 134: annotations[1] (id 2): rejected: attributes: an object has the key "b" twice`}, 1},
		{"RLE", cocoDoc(goodImage, goodAnn+`,{"id":2,"image_id":1,"category_id":1,"segmentation":{"counts":[1,2],"size":[1,3],"counts":[3]}}`, goodCat), ShapePolygon,
			[]string{
				`x.json: byte 134: annotations[1] (id 2): rejected: segmentation is not an RLE object {counts, size}: has the key "counts" twice`,
				`x.json: byte 79: annotations[0] (id 1): warning: has no segmentation; its bbox is converted as a bndbox`,
			}, 1},
		{"image", cocoDoc(goodImage+`,{"id":2,"file_name":"b.jpg","file_name":"c.jpg","width":9,"height":9}`, goodAnn, goodCat), ShapeBBox,
			[]string{`x.json: byte 63: images[1] (id 2): rejected: has the key "file_name" twice`}, 1},
		{"category", cocoDoc(goodImage, goodAnn+`,{"id":2,"image_id":1,"category_id":2,"bbox":[1,1,2,2]}`, goodCat+`,{"id":2,"name":"b","name":"c"}`), ShapeBBox,
			[]string{
				`x.json: byte 224: categories[1]: rejected: has the key "name" twice`,
				`x.json: byte 134: annotations[1] (id 2): rejected: its category (categories[1]) is rejected: has the key "name" twice`,
			}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readDoc(t, tt.doc, Options{Images: obs(), Shape: tt.shape})
			require.NoError(t, r.err)
			assert.Equal(t, tt.want, warningLines(r.warnings))
			assert.Equal(t, byte('{'), tt.doc[r.warnings[0].Pos.Offset], "the position is the element's")
			require.NotEmpty(t, r.samples)
			assert.Equal(t, "a.jpg", r.samples[0].Name)
			assert.Len(t, r.samples[0].Labels, tt.labels)
		})
	}
	t.Run("top level", func(t *testing.T) {
		r := readDoc(t, `{"images":[`+goodImage+`],"categories":[`+goodCat+`],"images":[]}`, Options{Images: obs()})
		assert.Empty(t, r.samples)
		assert.EqualError(t, r.err, `x.json: byte 99: the top-level object has the key "images" twice`)
	})
}

// Names with bytes that are not UTF-8 (or escapes of lone surrogates) are rejected with the
// position of the bad byte, never turned into U+FFFD.
func TestInvalidUTF8Names(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"file_name", cocoDoc(goodImage+`,{"id":2,"file_name":"b`+"\xff"+`.jpg","width":9,"height":9}`, goodAnn, goodCat),
			`x.json: byte 63: images[1] (id 2): rejected: file_name holds a byte that is not UTF-8 (0xff at byte 85)`},
		{"file_name surrogate", cocoDoc(goodImage+`,{"id":2,"file_name":"b\ud800.jpg","width":9,"height":9}`, goodAnn, goodCat),
			`x.json: byte 63: images[1] (id 2): rejected: file_name holds \ud800, a lone UTF-16 surrogate that is no character (at byte 85)`},
		{"category name", cocoDoc(goodImage, goodAnn, goodCat+`,{"id":2,"name":"caf`+"\xe9"+`"}`),
			`x.json: byte 169: categories[1]: rejected: name holds a byte that is not UTF-8 (0xe9 at byte 188)`},
		{"keypoint name", cocoDoc(goodImage, goodAnn, goodCat+`,{"id":2,"name":"p","keypoints":["n`+"\xc3"+`"]}`),
			`x.json: byte 169: categories[1]: rejected: keypoints holds a byte that is not UTF-8 (0xc3 at byte 203)`},
		{"attributes", cocoDoc(goodImage, `{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"attributes":{"c":"`+"\xff"+`"}}`, goodCat),
			`x.json: byte 79: annotations[0] (id 1): rejected: attributes holds a byte that is not UTF-8 (0xff at byte 152)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := readDoc(t, tt.doc, Options{Images: obs()})
			require.NoError(t, r.err)
			require.NotEmpty(t, r.warnings)
			assert.Equal(t, tt.want, r.warnings[0].String())
			at := strings.LastIndex(tt.want, "at byte ")
			var off int
			_, err := fmt.Sscanf(tt.want[at:], "at byte %d", &off)
			require.NoError(t, err)
			c := tt.doc[off]
			assert.True(t, c >= 0x80 || c == '\\', "the position names the bad byte, not %q", c)
			for _, s := range r.samples {
				for _, l := range s.Labels {
					assert.NotContains(t, l.Name, "\uFFFD")
				}
				assert.NotContains(t, s.Name, "\uFFFD")
			}
		})
	}
	// A pair of surrogate escapes is one character.
	r := readDoc(t, cocoDoc(`{"id":1,"file_name":"\ud83d\ude00.jpg","width":9,"height":9}`, "", goodCat), Options{Images: obs()})
	require.NoError(t, r.err)
	require.Empty(t, r.warnings)
	assert.Equal(t, "😀.jpg", r.samples[0].Name)
}

// A file that starts with a UTF-8 BOM is read, its byte offsets still the file's own.
func TestBOM(t *testing.T) {
	doc := cocoDoc(goodImage, goodAnn+`,{"id":2,"image_id":7,"category_id":1,"bbox":[1,1,2,2]}`, goodCat)
	plain := readDoc(t, doc, Options{Images: obs()})
	bom := readDoc(t, "\uFEFF"+doc, Options{Images: obs()})
	require.NoError(t, bom.err)
	require.Len(t, bom.samples, 1)
	assert.Equal(t, plain.samples[0].Labels, bom.samples[0].Labels)
	require.Len(t, bom.warnings, 1)
	assert.Equal(t, plain.warnings[0].Pos.Offset+3, bom.warnings[0].Pos.Offset)
}

// A results file given as the annotation file says to use -results, and the other way round.
func TestResultsFileMixup(t *testing.T) {
	r := readDoc(t, `[{"image_id":1,"category_id":1,"bbox":[1,1,2,2],"score":0.5}]`, Options{Images: obs()})
	require.Error(t, r.err)
	assert.Contains(t, r.err.Error(), "must be an object, not an array; a bare array is a detection results file: give it as option Results")
	inst := cocoDoc(goodImage, "", goodCat)
	fsys := fstest.MapFS{"i.json": {Data: []byte(inst)}, "r.json": {Data: []byte(inst)}}
	_, err := importers.Collect(Read(context.Background(), fsys, "i.json", Options{Images: obs(), Results: &File{FS: fsys, Path: "r.json"}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "results must be an array, not an object (an annotation file? give that as the input, and the results as option Results)")
}

// "./a.jpg", "x/../a.jpg" and "a.jpg/" name one image: the name is cleaned, and a second
// images[] entry for the same image is rejected, naming the first.
func TestOneImageOneName(t *testing.T) {
	doc := cocoDoc(`{"id":1,"file_name":"./a.jpg","width":9,"height":9},{"id":2,"file_name":"x/../a.jpg","width":9,"height":9},
		{"id":3,"file_name":"a.jpg/","width":9,"height":9},{"id":4,"file_name":"sub//b.jpg/","width":9,"height":9}`,
		`{"id":1,"image_id":2,"category_id":1,"bbox":[1,1,2,2]}`, goodCat)
	r := readDoc(t, doc, Options{Images: obs()})
	require.NoError(t, r.err)
	require.Len(t, r.samples, 2)
	assert.Equal(t, "a.jpg", r.samples[0].Name)
	assert.Equal(t, obsPrefix+"a.jpg", r.samples[0].DataSource.DataPath)
	assert.Equal(t, "sub/b.jpg", r.samples[1].Name)
	assert.Equal(t, []string{
		`x.json: byte 63: images[1] (id 2): rejected: file_name "x/../a.jpg" names the same image as images[0] ("a.jpg") (its 1 annotations are not converted)`,
		`x.json: byte 121: images[2] (id 3): rejected: file_name "a.jpg/" names the same image as images[0] ("a.jpg")`,
	}, warningLines(r.warnings))
}

// An image whose annotations would make a sample over the limit is rejected once, its later
// annotations only counted, never stored or read back; other images convert.
func TestSampleLimit(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 2000
	var anns []string
	for i := range 200 {
		anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":1,"category_id":1,"bbox":[1,1,2,2]}`, i))
	}
	anns = append(anns, `{"id":900,"image_id":2,"category_id":1,"bbox":[1,1,2,2]}`, `{"id":901,"image_id":77,"category_id":1,"bbox":[1,1,2,2]}`)
	for i := range 100 {
		anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":77,"category_id":1,"bbox":[1,1,2,2]}`, 1000+i))
	}
	doc := cocoDoc(goodImage+`,{"id":2,"file_name":"b.jpg","width":9,"height":9}`, strings.Join(anns, ","), goodCat)

	c := newConverter("x.json", Options{Images: obs()})
	require.NoError(t, c.readInstances(context.Background(), strings.NewReader(doc)))
	ch := c.chains[1]
	assert.True(t, ch.over)
	assert.EqualValues(t, 200, ch.n)
	assert.Less(t, int(ch.stored), 30, "records past the limit are not stored")
	assert.Less(t, len(c.links), 70)
	c.close()

	r := readDoc(t, doc, Options{Images: obs()})
	require.NoError(t, r.err)
	require.Len(t, r.samples, 1)
	assert.Equal(t, "b.jpg", r.samples[0].Name)
	lines := warningLines(r.warnings)
	require.NotEmpty(t, lines)
	assert.Equal(t, `x.json: byte 11: images[0] (id 1): rejected: its annotations would make a sample of more than 2000 bytes, the most one sample may hold (its 200 annotations are not converted)`, lines[0])
	assert.Contains(t, lines[len(lines)-1], "more annotations of image_id 77, which is not among the images")
	orphans := 0
	for _, w := range r.warnings[1:] {
		require.True(t, w.Rejected)
		if strings.Contains(w.Reason, "image_id 77") {
			orphans++
		}
	}
	assert.Less(t, orphans, 101, "the unstored ones are counted in one rejection")
}

// A polygon, a keypoint list or an RLE that alone passes the limit is rejected without being
// held whole.
func TestOneRecordOverTheLimit(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 3000
	many := func(unit string, n int) string { return strings.TrimSuffix(strings.Repeat(unit, n), ",") }
	tests := []struct{ name, ann, want string }{
		{"polygon", `"segmentation":[[` + many("1,", 2000) + `]]`, "segmentation[0] has more numbers than one sample may hold"},
		{"keypoints", `"bbox":[1,1,2,2],"keypoints":[` + many("1,1,2,", 100) + `]`, "keypoints has more numbers than one sample may hold"},
		{"RLE regions", `"segmentation":{"size":[99,100],"counts":[` + many("3,1,", 2475) + `]}`, "the mask's regions would make polygon labels of more than 3000 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := cocoDoc(`{"id":1,"file_name":"a.jpg","width":100,"height":100}`, `{"id":1,"image_id":1,"category_id":1,`+tt.ann+`}`, goodCat)
			r := readDoc(t, doc, Options{Images: obs(), Shape: ShapePolygon})
			require.NoError(t, r.err)
			require.Len(t, r.warnings, 1)
			assert.True(t, r.warnings[0].Rejected)
			assert.Contains(t, r.warnings[0].Reason, tt.want)
		})
	}
	// Past maxRLECounts an RLE is not read further.
	doc := cocoDoc(goodImage, `{"id":1,"image_id":1,"category_id":1,"segmentation":{"size":[4,`+fmt.Sprint((maxRLECounts+4)/4)+`],"counts":[`+many("1,", maxRLECounts+4)+`]}}`, goodCat)
	r := readDoc(t, doc, Options{Images: obs(), Shape: ShapePolygon})
	require.Len(t, r.warnings, 1)
	assert.Contains(t, r.warnings[0].Reason, fmt.Sprintf("RLE has more than %d counts", maxRLECounts))
}

// repeatReader yields unit over and over, n bytes in all, without holding them.
type repeatReader struct {
	unit  string
	n, at int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.at >= r.n {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && r.at < r.n {
		p[k] = r.unit[r.at%len(r.unit)]
		k++
		r.at++
	}
	return k, nil
}

// An element past maxElement bytes is passed over without being held and rejected alone
// (with its position); the rest of the file converts. An image passed over takes its
// annotations with it (not among the images), a category its annotations (unknown category).
func TestElementTooLarge(t *testing.T) {
	defer func(v int64) { maxElement = v }(maxElement)
	maxElement = 1 << 20
	const size = 40 << 20 // bytes of filler in the huge element
	reason := "rejected: an element of more than 1048576 bytes: larger than any sample may be"
	ann2 := `{"id":2,"image_id":1,"category_id":1,"bbox":[3,3,2,2]}`
	tests := []struct {
		name                string
		before, unit, after string // the document is before, size bytes of unit repeated, after
		samples, labels     int
		want                []string // the warnings; %d is the offset of the huge element
	}{
		{
			name:   "annotation with a long string holding escapes and brackets",
			before: `{"images":[` + goodImage + `],"annotations":[` + goodAnn + `, {"id":9,"image_id":1,"category_id":1,"info":"`,
			unit:   `x\"]}[{\\`, after: `"},` + ann2 + `],"categories":[` + goodCat + `]}`,
			samples: 1, labels: 2,
			want: []string{"x.json: byte %d: annotations[1]: " + reason},
		},
		{
			name:   "annotation with a deep polygon",
			before: `{"images":[` + goodImage + `],"categories":[` + goodCat + `],"annotations":[` + goodAnn + `,{"id":9,"image_id":1,"category_id":1,"segmentation":[[{"a":["[",`,
			unit:   `1,[2,{"b":"}"}],`, after: `3]}]]},` + ann2 + `]}`,
			samples: 1, labels: 2,
			want: []string{"x.json: byte %d: annotations[1]: " + reason},
		},
		{
			name:   "image",
			before: `{"images":[` + goodImage + `,{"id":2,"file_name":"b.jpg","x":"`,
			unit:   "y", after: `"}],"annotations":[` + goodAnn + `,{"id":2,"image_id":2,"category_id":1,"bbox":[1,1,2,2]}],"categories":[` + goodCat + `]}`,
			samples: 1, labels: 1,
			want: []string{
				"x.json: byte %d: images[1]: " + reason,
				"x.json: byte %d: annotations[1] (id 2): rejected: image_id 2 is not among the images",
			},
		},
		{
			name:   "category",
			before: `{"images":[` + goodImage + `],"categories":[` + goodCat + `,{"id":2,"name":"b","x":"`,
			unit:   "y", after: `"}],"annotations":[` + goodAnn + `,{"id":2,"image_id":1,"category_id":2,"bbox":[1,1,2,2]}]}`,
			samples: 1, labels: 1,
			want: []string{
				"x.json: byte %d: categories[1]: " + reason,
				"x.json: byte %d: annotations[1] (id 2): rejected: category_id 2 is not among the categories",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings []string
			opts := Options{Images: obs(), Warn: func(w importers.Warning) { warnings = append(warnings, w.String()) }}
			n := size - size%len(tt.unit) // whole units, so that no escape is cut
			in := io.MultiReader(strings.NewReader(tt.before), &repeatReader{unit: tt.unit, n: n}, strings.NewReader(tt.after))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			samples, err := importers.Collect(ReadFrom(context.Background(), in, "x.json", opts))
			runtime.ReadMemStats(&after)
			require.NoError(t, err)
			// The element is never held: what the run allocated in all is a small part of it.
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(size/4))
			require.Len(t, samples, tt.samples)
			assert.Len(t, samples[0].Labels, tt.labels)
			// The offsets: the huge element's, and the next annotation's after it.
			want := []string{fmt.Sprintf(tt.want[0], strings.LastIndex(tt.before, `{"id":`))}
			if len(tt.want) > 1 {
				want = append(want, fmt.Sprintf(tt.want[1], len(tt.before)+n+strings.Index(tt.after, `{"id":2`)))
			}
			assert.Equal(t, want, warnings)
		})
	}
	// Just under the limit, the element is read (and its unknown member passed over).
	fine := `{"id":1,"image_id":1,"category_id":1,"bbox":[1,1,2,2],"info":"` + strings.Repeat("x", int(maxElement)-1000) + `"}`
	r := readDoc(t, cocoDoc(goodImage, fine, goodCat), Options{Images: obs()})
	require.NoError(t, r.err)
	require.Len(t, r.samples, 1)
	assert.Len(t, r.samples[0].Labels, 1)
	// A huge element that the file cuts short, or whose brackets do not match, ends the file
	// with its position.
	for _, tt := range []struct{ doc, want string }{
		{cocoDoc(goodImage, `{"info":"`+strings.Repeat("x", int(maxElement)+10), ""), "annotations[0]: malformed JSON: unexpected end of file"},
		{cocoDoc(goodImage, `{"info":[`+strings.Repeat("1,", int(maxElement))+`1}`, ""), "annotations[0]: malformed JSON: invalid character '}' in an element"},
		{cocoDoc(goodImage, `{"info":"`+strings.Repeat("x", int(maxElement))+"\n\n\"}", ""), `annotations[0]: malformed JSON: invalid character '\n' in string literal`},
	} {
		r := readDoc(t, tt.doc, Options{Images: obs()})
		require.Error(t, r.err)
		assert.Contains(t, r.err.Error(), tt.want)
	}
}
