package importers_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/coco"
	"github.com/modelarts-convert/convert/importers/conll"
	"github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/importers/manifest"
	"github.com/modelarts-convert/convert/importers/voc"
)

type detector struct {
	name   string
	detect func(context.Context, fs.FS, string) (importers.Detection, bool)
}

var detectors = []detector{
	{"coco", coco.Detect}, {"conll", conll.Detect}, {"csv", csv.Detect}, {"manifest", manifest.Detect}, {"voc", voc.Detect},
}

// detectAll runs every detector on the input at p (a folder or a file) and returns the
// names of those that matched.
func detectAll(t *testing.T, p string) ([]string, map[string]importers.Detection) {
	t.Helper()
	fi, err := os.Stat(p)
	require.NoError(t, err)
	fsys, name := os.DirFS(p), "."
	if !fi.IsDir() {
		fsys, name = os.DirFS(filepath.Dir(p)), filepath.Base(p)
	}
	var got []string
	found := map[string]importers.Detection{}
	for _, d := range detectors {
		if det, ok := d.detect(context.Background(), fsys, name); ok {
			got = append(got, d.name)
			found[d.name] = det
		}
	}
	return got, found
}

// glob lists the paths matching pattern, minus those whose base name is in skip.
func glob(t *testing.T, pattern string, skip ...string) []string {
	t.Helper()
	ms, err := filepath.Glob(pattern)
	require.NoError(t, err)
	var out []string
	for _, m := range ms {
		if !contains(skip, filepath.Base(m)) {
			out = append(out, m)
		}
	}
	require.NotEmpty(t, out, pattern)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDetectEverySet runs every detector on every test set of every format and on the peer
// sets: each is detected as what it is, and as nothing else.
func TestDetectEverySet(t *testing.T) {
	const peers = "../../shared/peers"
	want := map[string]string{} // path -> format ("" for nothing)
	set := func(format string, paths ...string) {
		for _, p := range paths {
			want[p] = format
		}
	}
	set("voc", glob(t, "voc/testdata/*", "golden", "layouts")...)
	set("voc", glob(t, "voc/testdata/layouts/*")...)
	set("voc", glob(t, "voc/testdata/*/*.xml")...)
	set("voc", glob(t, "voc/testdata/*/Annotations/*.xml")...)
	set("voc", "manifest/testdata/voc")
	set("coco", glob(t, "coco/testdata/*.json", "results.json")...)
	set("coco", glob(t, "coco/testdata/layouts/*")...)
	set("coco", glob(t, "coco/testdata/layouts/*/*.json")...)
	set("coco", glob(t, "coco/testdata/layouts/*/annotations/instances_*.json")...)
	set("", "voc/testdata/rejections/not-voc.xml") // a CVAT file, kept to be rejected
	set("", "coco/testdata/results.json", "coco/testdata/layouts/coco2017/annotations/captions_train2017.json")
	set("conll", glob(t, "conll/testdata/*.txt")...)
	set("conll", glob(t, "conll/testdata/*.tsv")...)
	set("csv", glob(t, "csv/testdata/*/*.csv")...)
	set("csv", glob(t, "csv/testdata/*/*.txt", "want.txt")...)
	set("manifest", glob(t, "manifest/testdata/*.manifest")...)
	set("manifest", glob(t, peers+"/modelarts-sdk/*.manifest")...)
	set("voc", glob(t, peers+"/datumaro/voc_dataset*")...)
	set("coco", glob(t, peers+"/datumaro/coco_*")...)
	set("coco", glob(t, peers+"/datumaro/coco_*/annotations/*.json")...)
	set("conll", peers+"/seqeval/ground_truth.txt")
	set("voc", peers+"/modelarts-sdk/voc", peers+"/modelarts-sdk/voc/errorFiles")
	set("", peers+"/modelarts-sdk/image", peers+"/modelarts-sdk/image/carbondatalogo.jpg", "voc/testdata/layouts/kaggle/images")

	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		got, found := detectAll(t, p)
		var wantList []string
		if want[p] != "" {
			wantList = []string{want[p]}
		}
		if !assert.Equal(t, wantList, got, "%s", p) {
			continue
		}
		if want[p] != "" {
			assert.NotEmpty(t, found[want[p]].Layout, p)
			assert.Positive(t, found[want[p]].Score, p)
		}
	}
}

// TestDetectEmptyXML: a folder whose only XML is empty is a weak VOC match.
func TestDetectEmptyXML(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.xml"), nil, 0o644))
	got, found := detectAll(t, dir)
	assert.Equal(t, []string{"voc"}, got)
	assert.Less(t, found["voc"].Score, 50)
}

func TestDetectLayouts(t *testing.T) {
	tests := []struct{ path, format, layout string }{
		{"voc/testdata/layouts/devkit/VOCdevkit", "voc", "2 roots: VOC2007, VOC2012"},
		{"voc/testdata/layouts/devkit", "voc", "2 roots: VOCdevkit/VOC2007, VOCdevkit/VOC2012"},
		{"voc/testdata/layouts/roboflow", "voc", "3 roots: test, train, valid"},
		{"voc/testdata/layouts/kaggle", "voc", "annotations/ + images/"},
		{"voc/testdata/subset", "voc", "VOC root"},
		{"voc/testdata/labelimg", "voc", "5 XML files"},
		{"coco/testdata/layouts/coco2017", "coco", "2 annotation files: train2017, val2017"},
		{"../../shared/peers/datumaro/coco_instances", "coco", "2 annotation files: train, val"},
		{"coco/testdata/layouts/roboflow/train", "coco", "_annotations.coco.json, images in ./"},
		{"coco/testdata/instances.json", "coco", "COCO annotation file"},
		{"conll/testdata/conll2003.txt", "conll", "CoNLL columns"},
		{"csv/testdata/separate/reviews.txt", "csv", "text and labels files (layout separate with reviews_result.txt)"},
		{"csv/testdata/multilabel/news.csv", "csv", "rows of csv"},
		{"../../shared/peers/modelarts-sdk", "manifest", "22 manifest files"},
	}
	for _, tt := range tests {
		_, found := detectAll(t, tt.path)
		assert.Equal(t, tt.layout, found[tt.format].Layout, tt.path)
	}
}

// TestDetectCOCOInAnnotations: COCO files in a capitalised Annotations/ folder are COCO,
// not an empty VOC root.
func TestDetectCOCOInAnnotations(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "Annotations"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Annotations", "instances_train.json"),
		[]byte(`{"images": [], "annotations": [], "categories": []}`), 0o644))
	got, _ := detectAll(t, dir)
	assert.Equal(t, []string{"coco"}, got)
}

// TestDetectNegative: inputs no format reads.
func TestDetectNegative(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"random.bin":   "\x00\x01\x02garbage",
		"photo.jpg":    "\xff\xd8\xff\xe0 not really",
		"empty.txt":    "",
		"array.json":   `[1, 2, 3]`,
		"other.xml":    `<?xml version="1.0"?><svg width="10"></svg>`,
		"prose.md":     "# Title\n\nSome words.\n",
		"package.json": `{"name": "x", "version": "1.0.0"}`,
	}
	for n, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(data), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, "emptydir"), 0o755))
	for n := range files {
		got, _ := detectAll(t, filepath.Join(dir, n))
		if n == "empty.txt" {
			// An empty .txt is a text file of no rows: only csv may claim it.
			assert.Subset(t, []string{"csv"}, got, n)
			continue
		}
		assert.Empty(t, got, n)
	}
	got, _ := detectAll(t, filepath.Join(dir, "emptydir"))
	assert.Empty(t, got)
	_, err := os.Stat(filepath.Join(dir, "missing"))
	require.Error(t, err)
	for _, d := range detectors {
		_, ok := d.detect(context.Background(), os.DirFS(dir), "missing")
		assert.False(t, ok, d.name)
	}
}
