package voc_test

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/voc"
	"github.com/modelarts-convert/convert/internal/golden"
)

const obs = "obs://bucket/voc/"

// opener reads name in fsys with opts, for importertest.
func opener(fsys fs.FS, name string, opts voc.Options) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return voc.Read(ctx, fsys, name, o)
	}
}

// read drains one read of a testdata folder.
func read(t *testing.T, dir string, opts voc.Options) importertest.Result {
	t.Helper()
	return importertest.Read(t, context.Background(), opener(os.DirFS(filepath.Join("testdata", dir)), ".", opts))
}

// tooLarge is a folder whose only image is one byte over the service's limit for a sample.
func tooLarge() fs.FS {
	return fstest.MapFS{
		"huge.xml": {Data: []byte("<annotation><filename>huge.jpg</filename><size><width>9</width><height>9</height></size>" +
			"<object><name>x</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>")},
		"huge.jpg": {Data: make([]byte, api.MaxSampleBytes+1)},
	}
}

// Each case is one input and options; its transcript (samples as a request body, then the
// warnings) is compared with testdata/golden/<name>.txt. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		dir  string // under testdata/
		fsys fs.FS  // instead of dir
		opts voc.Options
	}{
		// The platform's own dialect: every shape, <confidence>, point as x1/y1.
		{name: "shapes", dir: "shapes", opts: voc.Options{OBSPrefix: obs}},
		// Coordinates exactly as written; -round; -one-based; both.
		{name: "floats", dir: "floats", opts: voc.Options{OBSPrefix: obs}},
		{name: "floats-round", dir: "floats", opts: voc.Options{OBSPrefix: obs, Round: true}},
		{name: "floats-one-based", dir: "floats", opts: voc.Options{OBSPrefix: obs, OneBased: true}},
		{name: "floats-one-based-round", dir: "floats", opts: voc.Options{OBSPrefix: obs, OneBased: true, Round: true}},
		// GBK, GB2312, GB18030 prologs, a UTF-8 BOM, GBK bytes with no declaration, UTF-16.
		{name: "encodings", dir: "encodings", opts: voc.Options{OBSPrefix: obs}},
		// Missing, empty or zero <size>: read from JPEG, PNG (RGB and gray) and BMP headers.
		{name: "nosize", dir: "nosize", opts: voc.Options{OBSPrefix: obs}},
		// An XML with no objects: an unlabeled sample, its image inlined.
		{name: "empty", dir: "empty"},
		// <part>s (nested too) become labels naming their parent; <actions> are carried.
		{name: "parts", dir: "parts", opts: voc.Options{OBSPrefix: obs}},
		// ModelArts <properties> (both forms), CVAT <attributes>, unknown elements.
		{name: "properties", dir: "properties", opts: voc.Options{OBSPrefix: obs}},
		// labelImg: absolute <path>, <filename> without extension or renamed, no <filename>.
		{name: "labelimg", dir: "labelimg"},
		// ImageSets/Main/train.txt order, comments, a repeated id, ids without XML.
		{name: "subset", dir: "subset", opts: voc.Options{OBSPrefix: obs, Subset: "train"}},
		{name: "root", dir: "subset", opts: voc.Options{OBSPrefix: obs}},
		// Every rejection, with inline data; the good file still converts.
		{name: "rejections", dir: "rejections"},
		{name: "rejections-obs", dir: "rejections-obs", opts: voc.Options{OBSPrefix: obs}},
		{name: "too-large", fsys: tooLarge()},
		// A stale <filename> (the image found through the XML's own name), and "./dot.jpg",
		// "x/../up.jpg", "slash.jpg/" cleaned: the same names inline, with -obs-prefix, and
		// with -obs-prefix when the images are not on this machine (<filename> then).
		{name: "names", dir: "names"},
		{name: "names-obs", dir: "names", opts: voc.Options{OBSPrefix: obs}},
		{name: "names-obs-no-images", dir: "names", opts: voc.Options{OBSPrefix: obs, ImagesDir: "elsewhere"}},
		// <pose/>, <truncated></truncated>, <confidence/>, empty attributes: left out.
		{name: "empty-elements", dir: "empty-elements", opts: voc.Options{OBSPrefix: obs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tt.fsys
			if fsys == nil {
				fsys = os.DirFS(filepath.Join("testdata", tt.dir))
			}
			r := importertest.Read(t, context.Background(), opener(fsys, ".", tt.opts))
			require.NoError(t, r.Err)
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample("sample", s), "sample %d", i)
				assert.NotEmpty(t, s.Origin)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".txt"), importertest.Transcript(r))
		})
	}
}

// counts returns the samples, labels and rejections of a read.
func counts(r importertest.Result) (samples, labels, rejected int) {
	for _, s := range r.Samples {
		labels += len(s.Labels)
	}
	for _, w := range r.Warnings {
		if w.Rejected {
			rejected++
		}
	}
	return len(r.Samples), labels, rejected
}

// The golden cases, checked for what matters most without reading the goldens.
func TestMapping(t *testing.T) {
	t.Run("shapes", func(t *testing.T) {
		r := read(t, "shapes", voc.Options{OBSPrefix: obs})
		require.Len(t, r.Samples, 1)
		s := r.Samples[0]
		assert.Equal(t, "000000115967.jpg", s.Name)
		assert.Equal(t, &api.DataSource{DataPath: obs + "000000115967.jpg", DataType: api.DataOBS}, s.DataSource)
		assert.Equal(t, []int{640, 480, 3}, s.Metadata[api.MetaSize])
		var got []string
		for _, l := range s.Labels {
			got = append(got, string(l.Property.Shape()))
		}
		assert.Equal(t, []string{"polygon", "dashed", "line", "bndbox", "circle", "point", "point", "polyline"}, got)
		assert.Equal(t, "0.8", string(s.Labels[0].Score))
		assert.Equal(t, api.Feature{{"61", "204"}, {"5"}}, s.Labels[4].Property[api.PropFeature])
		assert.Equal(t, api.Feature{{"456", "296"}}, s.Labels[6].Property[api.PropFeature])
		assert.Equal(t, "1", s.Labels[4].Property[voc.PropDifficult], "a difficult object is kept, and says so")
	})
	t.Run("floats", func(t *testing.T) {
		feature := func(opts voc.Options) api.Feature {
			opts.OBSPrefix = obs
			r := read(t, "floats", opts)
			require.Len(t, r.Samples, 1)
			return r.Samples[0].Labels[0].Property[api.PropFeature].(api.Feature)
		}
		assert.Equal(t, api.Feature{{"141", "45.70000076293945"}, {"295.5", "409.2999877929688"}}, feature(voc.Options{}))
		assert.Equal(t, api.Feature{{"141", "46"}, {"296", "409"}}, feature(voc.Options{Round: true}))
		assert.Equal(t, api.Feature{{"140", "44.70000076293945"}, {"294.5", "408.2999877929688"}}, feature(voc.Options{OneBased: true}))
	})
	t.Run("gbk", func(t *testing.T) {
		r := read(t, "encodings", voc.Options{OBSPrefix: obs})
		require.Len(t, r.Samples, 6)
		names := map[string]string{}
		for _, s := range r.Samples {
			names[s.Name] = s.Labels[0].Name
		}
		assert.Equal(t, "猫", names["猫咪.jpg"])
		assert.Equal(t, "狗", names["狗.jpg"])
		assert.Equal(t, "𠂇", names["gb18030.jpg"])
		assert.Equal(t, "鸟", names["bom.jpg"])
		assert.Equal(t, "鱼", names["undeclared.jpg"])
		assert.Equal(t, "鱼鹰", names["utf16.jpg"])
	})
	t.Run("nosize", func(t *testing.T) {
		r := read(t, "nosize", voc.Options{OBSPrefix: obs})
		sizes := map[string]any{}
		for _, s := range r.Samples {
			sizes[s.Origin] = s.Metadata[api.MetaSize]
		}
		assert.Equal(t, map[string]any{
			"Annotations/bmp.xml":     []int{7, 5, 3},
			"Annotations/cvat.xml":    []int{20, 10},
			"Annotations/garbage.xml": []int{5, 9, 3},
			"Annotations/gray.xml":    []int{4, 3, 1},
			"Annotations/jpeg.xml":    []int{20, 10, 3},
			"Annotations/png.xml":     []int{5, 9, 3},
		}, sizes)
	})
	t.Run("empty", func(t *testing.T) {
		r := read(t, "empty", voc.Options{})
		require.Len(t, r.Samples, 1)
		assert.Empty(t, r.Samples[0].Labels)
		assert.NotEmpty(t, r.Samples[0].Data)
		assert.Empty(t, r.Warnings)
	})
	t.Run("parts", func(t *testing.T) {
		r := read(t, "parts", voc.Options{OBSPrefix: obs})
		require.Len(t, r.Samples, 1)
		ls := r.Samples[0].Labels
		require.Len(t, ls, 5)
		assert.Equal(t, []string{"cat", "person", "head", "hand", "finger"}, []string{ls[0].Name, ls[1].Name, ls[2].Name, ls[3].Name, ls[4].Name})
		assert.Equal(t, "person", ls[2].Property[voc.PropPartOf])
		assert.Equal(t, "2", ls[2].Property[voc.PropPartOfObject])
		assert.Equal(t, "hand", ls[4].Property[voc.PropPartOf])
		assert.Equal(t, "1", ls[1].Property["actions.phoning"])
		assert.Equal(t, api.Feature{{"5.5", "6"}, {"7.5", "8"}}, ls[2].Property[api.PropFeature])
	})
	t.Run("properties", func(t *testing.T) {
		r := read(t, "properties", voc.Options{OBSPrefix: obs})
		require.Len(t, r.Samples, 1)
		p := r.Samples[0].Labels[0].Property
		assert.Equal(t, "green", p["color"])
		assert.Equal(t, "绿色", p["属性"])
		assert.Equal(t, "blue", p["color2"])
		assert.Equal(t, "蓝色", p["颜色2"])
		assert.Equal(t, "value", p["property"])
		assert.Equal(t, "bndbox", string(p.Shape()), "a reserved key cannot change the shape")
		assert.Equal(t, "true", r.Samples[0].Labels[1].Property["parked"])
		assert.Equal(t, "17", r.Samples[0].Labels[1].Property["tracking_id"])
	})
	t.Run("labelimg", func(t *testing.T) {
		r := read(t, "labelimg", voc.Options{})
		names := map[string]string{}
		for _, s := range r.Samples {
			names[s.Origin] = s.Name
		}
		assert.Equal(t, map[string]string{
			"noext.xml":      "noext.bmp",
			"nofilename.xml": "nofilename.png",
			"photo1.xml":     "photo1.jpg",
			"renamed.xml":    "IMG_0001.JPG",
			"stale.xml":      "stale.jpg",
		}, names)
		_, _, rejected := counts(r)
		assert.Zero(t, rejected, "an absolute <path> is no reason to reject: %v", r.Warnings)
	})
	t.Run("subset", func(t *testing.T) {
		r := read(t, "subset", voc.Options{OBSPrefix: obs, Subset: "train"})
		var names []string
		for _, s := range r.Samples {
			names = append(names, s.Name)
		}
		assert.Equal(t, []string{"b.jpg", "a.jpg", "listed-image-only.png"}, names, "list order, a repeated id once")
		_, _, rejected := counts(r)
		assert.Equal(t, 1, rejected, "ghost has neither XML nor image")
	})
}

// Every rejection of the issue is reported with its file, a line and column or an element,
// and a reason; the good file still converts.
func TestRejections(t *testing.T) {
	r := read(t, "rejections", voc.Options{})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 1)
	assert.Equal(t, "good.jpg", r.Samples[0].Name)
	byFile := map[string]importers.Warning{}
	for _, w := range r.Warnings {
		require.True(t, w.Rejected, "%v", w)
		_, dup := byFile[w.Pos.File]
		require.False(t, dup, "one rejection per file: %v", w)
		byFile[w.Pos.File] = w
	}
	tests := []struct {
		file, reason string
		line, col    int
	}{
		{"missing-image.xml", `image file not found (looked for "nothere.jpg"`, 2, 3},
		{"outside.xml", `"../secret.jpg" points outside the images folder`, 2, 3},
		{"absolute.xml", `"/etc/passwd" points outside the images folder`, 2, 3},
		{"path-outside.xml", `"../../elsewhere/x.jpg" points outside the images folder`, 2, 3},
		{"badname.xml", `the sample name "a&b.jpg" contains "&"`, 2, 3},
		{"malformed.xml", "malformed XML: element <bndbox> closed by </ymin>", 5, 27},
		{"truncated.xml", "malformed XML: unexpected EOF", 5, 1},
		{"missing-coord.xml", "no <ymax>: a missing coordinate", 6, 5},
		{"nonnumeric.xml", `"abc" is not a number`, 6, 13},
		{"empty-coord.xml", "empty: a missing coordinate", 6, 13},
		{"polygon-missing-y.xml", "<x3> has no <y3>: a missing coordinate", 6, 5},
		{"polygon-two-points.xml", "a polygon has at least 3 points", 4, 3},
		{"circle-zero.xml", "circle radius 0 must be > 0", 4, 3},
		{"no-shape.xml", "no shape", 4, 3},
		{"no-name.xml", "no <name>", 4, 3},
		{"flipped.xml", "x1 < x2", 4, 3},
		{"negative.xml", "coordinates must be numbers >= 0", 4, 3},
		{"confidence.xml", "score is 1.5; must be a number in [0,1]", 4, 3},
		{"confidence-text.xml", `"high" is not a number`, 6, 5},
		{"not-voc.xml", "the root element is <annotations>, not <annotation>", 2, 1},
		{"encoding.xml", `encoding "Shift_JIS", which is not supported`, 1, 1},
		{"several.xml", `"x" is not a number; and 2 more: 8:3 object[2] no <name>: a label needs a name; 9:5 object[2]/point no <y>`, 6, 13},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			w, ok := byFile[tt.file]
			require.True(t, ok, "no rejection for %s", tt.file)
			assert.Contains(t, w.Reason, tt.reason)
			assert.Equal(t, tt.line, w.Pos.Line, "%v", w)
			assert.Equal(t, tt.col, w.Pos.Column, "%v", w)
		})
	}
	assert.Len(t, byFile, len(tests), "every bad file is rejected, and only those")

	t.Run("too large", func(t *testing.T) {
		r := importertest.Read(t, context.Background(), opener(tooLarge(), ".", voc.Options{}))
		require.Empty(t, r.Samples)
		require.Len(t, r.Warnings, 1)
		assert.True(t, r.Warnings[0].Rejected)
		assert.Contains(t, r.Warnings[0].Reason, "larger than the service accepts")
		// With -obs-prefix the bytes are not sent, so the size limit does not apply.
		r = importertest.Read(t, context.Background(), opener(tooLarge(), ".", voc.Options{OBSPrefix: obs}))
		assert.Len(t, r.Samples, 1)
	})
	t.Run("no size and no local image", func(t *testing.T) {
		r := read(t, "rejections-obs", voc.Options{OBSPrefix: obs})
		s, l, rej := counts(r)
		assert.Equal(t, []int{2, 1, 1}, []int{s, l, rej}, "%v", r.Warnings)
	})
}

func TestInputs(t *testing.T) {
	t.Run("single file", func(t *testing.T) {
		fsys := os.DirFS("testdata/nosize")
		r := importertest.Read(t, context.Background(), func(ctx context.Context, w importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			return voc.Read(ctx, fsys, "Annotations/jpeg.xml", voc.Options{Warn: w, ImagesDir: "JPEGImages"})
		})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 1)
		assert.Equal(t, []int{20, 10, 3}, r.Samples[0].Metadata[api.MetaSize])
	})
	t.Run("files with an images folder elsewhere", func(t *testing.T) {
		r := importertest.Read(t, context.Background(), func(ctx context.Context, w importers.WarnFunc) iter.Seq2[*api.Sample, error] {
			return voc.ReadFiles(ctx, os.DirFS("testdata/nosize/Annotations"), []string{"png.xml", "jpeg.xml"},
				voc.Options{Warn: w, ImagesFS: os.DirFS("testdata/nosize/JPEGImages")})
		})
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 2)
		assert.Equal(t, "png.png", r.Samples[0].Name, "the order given")
		assert.NotEmpty(t, r.Samples[0].Data)
	})
	t.Run("base names files in messages", func(t *testing.T) {
		r := read(t, "rejections-obs", voc.Options{OBSPrefix: obs, Base: "some/where"})
		require.NotEmpty(t, r.Warnings)
		assert.True(t, strings.HasPrefix(r.Warnings[0].Pos.File, "some/where/"), r.Warnings[0].Pos.File)
		assert.True(t, strings.HasPrefix(r.Samples[0].Origin, "some/where/"), r.Samples[0].Origin)
	})
	fatal := []struct {
		name, path string
		opts       voc.Options
		want       string
	}{
		{"missing input", "nope", voc.Options{}, "nope"},
		{"missing subset", ".", voc.Options{Subset: "test"}, `subset "test" not found (ImageSets/Main/ has: train, val)`},
		{"subset without a root", "Annotations", voc.Options{Subset: "train"}, "needs a VOC root"},
		{"no xml here", "JPEGImages", voc.Options{}, "no Annotations/ folder and no *.xml files"},
	}
	for _, tt := range fatal {
		t.Run(tt.name, func(t *testing.T) {
			r := importertest.Read(t, context.Background(), opener(os.DirFS("testdata/subset"), tt.path, tt.opts))
			require.Error(t, r.Err)
			var ie *importers.Error
			require.ErrorAs(t, r.Err, &ie)
			assert.NotEmpty(t, ie.Pos.File)
			assert.Contains(t, r.Err.Error(), tt.want)
			assert.Empty(t, r.Samples)
		})
	}
}

func TestConformance(t *testing.T) {
	t.Run("quick start", func(t *testing.T) {
		importertest.Run(t, opener(os.DirFS("../../testdata/voc"), ".", voc.Options{}), sized(voc.Options{}))
	})
	t.Run("rejections", func(t *testing.T) {
		importertest.Run(t, opener(os.DirFS("testdata/rejections"), ".", voc.Options{}), sized(voc.Options{}))
	})
	t.Run("many files in parallel", func(t *testing.T) {
		fsys := generate(t, 300)
		importertest.Run(t, opener(fsys, ".", voc.Options{OBSPrefix: obs}), sized(voc.Options{}))
	})
	t.Run("sequential", func(t *testing.T) {
		importertest.Run(t, opener(os.DirFS("testdata/subset"), ".", voc.Options{OBSPrefix: obs, Workers: 1, Subset: "train"}), sized(voc.Options{Workers: 1}))
	})
}

// sized is the harness's input of n well-formed annotation files (images on OBS).
func sized(opts voc.Options) importertest.Sized {
	return func(t testing.TB, n int) importertest.Opener {
		fsys := fstest.MapFS{}
		for i := range n {
			fsys[fmt.Sprintf("Annotations/2012_%06d.xml", i)] = &fstest.MapFile{Data: vocXML(i)}
		}
		o := opts
		o.OBSPrefix = obs
		return opener(fsys, ".", o)
	}
}

// Parallel parsing gives exactly the sequential result, whatever the number of workers.
func TestParallelOrder(t *testing.T) {
	fsys := generate(t, 257)
	var want []byte
	for _, workers := range []int{1, 2, 3, 8} {
		r := importertest.Read(t, context.Background(), opener(fsys, ".", voc.Options{OBSPrefix: obs, Workers: workers}))
		require.NoError(t, r.Err)
		require.Len(t, r.Samples, 257-257/50, "every 50th file is rejected")
		got := importertest.Transcript(r)
		if want == nil {
			want = got
			continue
		}
		require.Equal(t, string(want), string(got), "workers=%d", workers)
	}
}

// The quick-start dataset at the repository root converts cleanly, inline and by subset.
func TestQuickStart(t *testing.T) {
	r := importertest.Read(t, context.Background(), opener(os.DirFS("../../testdata/voc"), ".", voc.Options{}))
	require.NoError(t, r.Err)
	s, l, rej := counts(r)
	assert.Equal(t, []int{4, 8, 0}, []int{s, l, rej}, "%v", r.Warnings)
	assert.Empty(t, r.Warnings)
	r = importertest.Read(t, context.Background(), opener(os.DirFS("../../testdata/voc"), ".", voc.Options{Subset: "train"}))
	s, _, _ = counts(r)
	assert.Equal(t, 3, s)
}

func validate(s *api.Sample) api.Violations { return api.ValidateSample("sample", s) }
