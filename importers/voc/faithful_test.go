package voc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/voc"
)

// A stale <filename> gives the same sample name inline and with -obs-prefix: the image
// actually found, with a warning saying so; with -obs-prefix and no local image, <filename>.
func TestStaleFilename(t *testing.T) {
	tests := []struct {
		name     string
		opts     voc.Options
		want     string // the sample name of Annotations/000001.xml (<filename>000002.jpg)
		path     string // its data_path, with -obs-prefix
		warnings int    // about it
	}{
		{"inline", voc.Options{}, "000001.jpg", "", 1},
		{"obs", voc.Options{OBSPrefix: obs}, "000001.jpg", obs + "000001.jpg", 1},
		{"obs without local images", voc.Options{OBSPrefix: obs, ImagesDir: "elsewhere"}, "000002.jpg", obs + "000002.jpg", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := read(t, "names", tt.opts)
			require.NoError(t, r.Err)
			var s *api.Sample
			for _, x := range r.Samples {
				if x.Origin == "Annotations/000001.xml" {
					s = x
				}
			}
			require.NotNil(t, s, "%v", r.Warnings)
			assert.Equal(t, tt.want, s.Name)
			if tt.path != "" {
				assert.Equal(t, tt.path, s.DataSource.DataPath)
			} else {
				assert.NotEmpty(t, s.Data)
			}
			var about []string
			for _, w := range r.Warnings {
				if strings.HasSuffix(w.Pos.File, "000001.xml") {
					assert.False(t, w.Rejected)
					assert.Equal(t, 2, w.Pos.Line, "at <filename>")
					assert.Contains(t, w.Reason, `<filename> names "000002.jpg", which is not in the images folder; the image found through the XML file's own name, "JPEGImages/000001.jpg"`)
					about = append(about, w.Reason)
				}
			}
			assert.Len(t, about, tt.warnings)
		})
	}
}

// "./a.jpg", "x/../a.jpg" and "a.jpg/" name one image, a.jpg, in every mode.
func TestNamesCleaned(t *testing.T) {
	for _, opts := range []voc.Options{{}, {OBSPrefix: obs}, {OBSPrefix: obs, ImagesDir: "elsewhere"}} {
		r := read(t, "names", opts)
		require.NoError(t, r.Err)
		names := map[string]string{}
		for _, s := range r.Samples {
			names[s.Origin] = s.Name
			if opts.OBSPrefix != "" {
				assert.Equal(t, obs+s.Name, s.DataSource.DataPath)
			}
		}
		assert.Equal(t, "dot.jpg", names["Annotations/dot.xml"], "./dot.jpg, %+v", opts)
		assert.Equal(t, "up.jpg", names["Annotations/up.xml"], "x/../up.jpg, %+v", opts)
		assert.Equal(t, "slash.jpg", names["Annotations/slash.xml"], "slash.jpg/, %+v", opts)
	}
}

// Empty elements say nothing: no "" property, no score.
func TestEmptyElements(t *testing.T) {
	r := read(t, "empty-elements", voc.Options{OBSPrefix: obs})
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 1, "%v", r.Warnings)
	assert.Empty(t, r.Warnings)
	l := r.Samples[0].Labels[0]
	for k, v := range l.Property {
		assert.NotEqual(t, "", v, "property %q", k)
	}
	assert.Equal(t, api.Property{
		api.PropShape:     "bndbox",
		api.PropFeature:   api.Feature{{"1", "2"}, {"3", "4"}},
		"difficult":       "0",
		"actions.phoning": "1",
		"size":            "big",
	}, l.Property)
	assert.Empty(t, l.Score)
	assert.Equal(t, []int{50, 50}, r.Samples[0].Metadata[api.MetaSize])
}

// A repeated single-valued element rejects the file, at the second one, naming the first's
// line; keeping either would lose the other silently.
func TestRepeatedElements(t *testing.T) {
	const box = `<bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox>`
	// Each body goes into <annotation> on line 3, after a <size> on line 2 (unless the body
	// has its own); "\n" moves the repeat down.
	tests := []struct {
		name, body string
		line       int // of the second occurrence
		reason     string
	}{
		{"filename", "<filename>a.jpg</filename>\n<filename>b.jpg</filename>", 4, "<filename> is given twice (first on line 3)"},
		{"path", "<filename>a.jpg</filename><path>a.jpg</path>\n<path>b.jpg</path>", 4, "<path> is given twice (first on line 3)"},
		{"size", "<filename>a.jpg</filename>\n<size><width>9</width><height>9</height></size>", 4, "<size> is given twice (first on line 2)"},
		{"width", "<filename>a.jpg</filename><size>\n<width>9</width>\n<width>8</width><height>9</height></size>", 5, "<width> is given twice (first on line 4)"},
		{"name", "<filename>a.jpg</filename><object>\n<name>cat</name>\n<name>dog</name>" + box + "</object>", 5, "<name> is given twice (first on line 4)"},
		{"xmin", "<filename>a.jpg</filename><object><name>cat</name><bndbox>\n<xmin>1</xmin>\n<xmin>0</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax></bndbox></object>", 5, "<xmin> is given twice (first on line 4)"},
		{"circle r", "<filename>a.jpg</filename><object><name>cat</name><circle><cx>5</cx><cy>5</cy>\n<r>1</r>\n<r>2</r></circle></object>", 5, "<r> is given twice (first on line 4)"},
		{"polygon x2", "<filename>a.jpg</filename><object><name>cat</name><polygon><x1>1</x1><y1>1</y1>\n<x2>5</x2><y2>1</y2>\n<x2>6</x2><x3>5</x3><y3>5</y3></polygon></object>", 5, "<x2> is given twice (first on line 4)"},
		{"pose", "<filename>a.jpg</filename><object><name>cat</name>\n<pose>Left</pose>\n<pose>Right</pose>" + box + "</object>", 5, `the attribute "pose" is given twice (first on line 4)`},
		{"empty then set", "<filename>a.jpg</filename><object><name>cat</name>\n<truncated/>\n<truncated>1</truncated>" + box + "</object>", 5, `the attribute "truncated" is given twice (first on line 4)`},
		{"confidence", "<filename>a.jpg</filename><object><name>cat</name>\n<confidence>0.5</confidence>\n<confidence>0.9</confidence>" + box + "</object>", 5, "<confidence> is given twice (first on line 4)"},
		{"property", "<filename>a.jpg</filename><object><name>cat</name><properties>\n<color>red</color>\n<property><key>color</key><value>blue</value></property></properties>" + box + "</object>", 5, `the attribute "color" is given twice (first on line 4)`},
		{"attribute value", "<filename>a.jpg</filename><object><name>cat</name><attributes><attribute><name>k</name>\n<value>1</value>\n<value>2</value></attribute></attributes>" + box + "</object>", 5, "<value> is given twice (first on line 4)"},
		{"part name", "<filename>a.jpg</filename><object><name>cat</name>" + box + "<part>\n<name>head</name>\n<name>tail</name>" + box + "</part></object>", 5, "<name> is given twice (first on line 4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := "<size><width>10</width><height>10</height></size>"
			if tt.name == "width" { // the body has its own <size>
				size = ""
			}
			xml := fmt.Sprintf("<annotation>\n%s\n%s\n</annotation>\n", size, tt.body)
			fsys := fstest.MapFS{"x.xml": {Data: []byte(xml)}}
			r := importertest.Read(t, context.Background(), opener(fsys, ".", voc.Options{OBSPrefix: obs}))
			require.NoError(t, r.Err)
			assert.Empty(t, r.Samples)
			require.Len(t, r.Warnings, 1)
			w := r.Warnings[0]
			assert.True(t, w.Rejected)
			assert.Equal(t, tt.line, w.Pos.Line, "%v", w)
			assert.Contains(t, w.Reason, tt.reason)
		})
	}
}
