package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/testarchive"
)

// detectSets are every test set of the repository and of the peers, by their path from
// this folder, with the format each one is ("" for none): the sets of each format's
// testdata/, the folder formats' and yolo's fixtures, the repository's testdata/, and
// ../shared/peers.
func detectSets(t *testing.T) map[string]string {
	t.Helper()
	const imp, peers = "../importers/", "../../shared/peers/"
	want := map[string]string{}
	set := func(format string, patterns ...string) {
		for _, pattern := range patterns {
			skip := map[string]bool{}
			pattern, skipList, _ := strings.Cut(pattern, " -")
			for _, s := range strings.Split(skipList, ",") {
				skip[s] = s != ""
			}
			ms, err := filepath.Glob(pattern)
			require.NoError(t, err)
			n := 0
			for _, m := range ms {
				if !skip[filepath.Base(m)] {
					want[m] = format
					n++
				}
			}
			require.Positive(t, n, pattern)
		}
	}
	set("voc", imp+"voc/testdata/* -golden,layouts", imp+"voc/testdata/layouts/*", imp+"voc/testdata/*/*.xml",
		imp+"voc/testdata/*/Annotations/*.xml", imp+"manifest/testdata/voc", "../testdata/voc")
	set("coco", imp+"coco/testdata/*.json -results.json", imp+"coco/testdata/layouts/*", imp+"coco/testdata/layouts/*/*.json",
		imp+"coco/testdata/layouts/*/annotations/instances_*.json")
	set("conll", imp+"conll/testdata/*.txt", imp+"conll/testdata/*.tsv", "../testdata/conll/*")
	set("csv", imp+"csv/testdata/*/*.csv", imp+"csv/testdata/*/*.txt -want.txt", "../testdata/csv/*.csv", "../testdata/csv/news.txt")
	set("manifest", imp+"manifest/testdata/*.manifest")
	set("imagefolder", imp+"imagefolder/testdata/imagenet", imp+"imagefolder/testdata/sidecar")
	set("soundfolder", imp+"soundfolder/testdata/sound")
	set("segvoc", imp+"segvoc/testdata/seg")
	set("yolo", imp+"yolo/testdata/* -golden", imp+"yolo/testdata/darknet/obj.data", imp+"yolo/testdata/ultralytics/data.yaml")
	set("imagefolder", imp+"voc/testdata/layouts/kaggle/images") // images alone: an unlabeled image set
	set("", imp+"voc/testdata/rejections/not-voc.xml", imp+"coco/testdata/results.json",
		imp+"coco/testdata/layouts/coco2017/annotations/captions_train2017.json")
	if _, err := os.Stat(peers); err == nil { // the peers' sets live outside the repository
		set("manifest", peers+"modelarts-sdk/*.manifest", peers+"modelarts-sdk")
		set("voc", peers+"datumaro/voc_dataset*", peers+"modelarts-sdk/voc", peers+"modelarts-sdk/voc/errorFiles")
		set("coco", peers+"datumaro/coco_*", peers+"datumaro/coco_*/annotations/*.json")
		set("conll", peers+"seqeval/ground_truth.txt")
		set("imagefolder", peers+"modelarts-sdk/image")
		set("", peers+"modelarts-sdk/image/carbondatalogo.jpg")
	}
	return want
}

// zipFolder writes the files of the folder dir (links followed) into a zip at p.
func zipFolder(t *testing.T, dir, p string) {
	t.Helper()
	var set fileSet
	require.NoError(t, filepath.WalkDir(dir, func(q string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(q)
		if err != nil {
			return nil // a link to nowhere, made to be rejected
		}
		rel, _ := filepath.Rel(dir, q)
		set = append(set, struct{ name, data string }{filepath.ToSlash(rel), string(data)})
		return nil
	}))
	testarchive.Zip(t, p, set.members())
}

// TestDetectEverySetWithEveryFormat runs every registered format's detector (importers/all)
// on every test set: each is detected as what it is, and as nothing else; and `convert
// auto` runs that format on it (a set of no format is a usage error naming none).
func TestDetectEverySetWithEveryFormat(t *testing.T) {
	var withDetector []string
	for _, f := range importers.Formats() {
		if f.Detect != nil {
			withDetector = append(withDetector, f.Name)
		}
	}
	require.Subset(t, withDetector, []string{"coco", "conll", "csv", "imagefolder", "manifest", "segvoc", "soundfolder", "voc", "yolo"})
	want := detectSets(t)
	covered := map[string]bool{}
	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
		covered[want[p]] = true
	}
	for _, f := range withDetector {
		assert.True(t, covered[f], "no test set of %s", f)
	}
	sort.Strings(paths)
	for _, p := range paths {
		ds, err := importers.DetectPath(context.Background(), p)
		require.NoError(t, err, p)
		var got []string
		for _, d := range ds {
			got = append(got, d.Format)
		}
		var wantList []string
		if want[p] != "" {
			wantList = []string{want[p]}
		}
		if !assert.Equal(t, wantList, got, "%s: %v", p, ds) || want[p] == "" {
			continue
		}
		assert.NotEmpty(t, ds[0].Layout, p)
	}

	// Each folder set zipped is detected as the folder is (archives are read as folders).
	for _, p := range paths {
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue
		}
		zipped := filepath.Join(t.TempDir(), filepath.Base(p)+".zip")
		zipFolder(t, p, zipped)
		ds, err := importers.DetectPath(context.Background(), zipped)
		require.NoError(t, err, p)
		var got []string
		for _, d := range ds {
			got = append(got, d.Format)
		}
		var wantList []string
		if want[p] != "" {
			wantList = []string{want[p]}
		}
		assert.Equal(t, wantList, got, "%s zipped: %v", p, ds)
	}

	// `convert auto` picks the format (said on stderr) and runs it: the format's own summary
	// or complaint follows (a lone COCO file asks where the images are; sets made to be
	// rejected reject records).
	for _, p := range paths {
		code, _, stderr := runCmd(t, "auto", "-o", t.TempDir(), p)
		if want[p] == "" {
			assert.Equal(t, exitUsage, code, "%s: %s", p, stderr)
			assert.Contains(t, stderr, "no format recognises this input", p)
			continue
		}
		assert.Contains(t, stderr, "convert: "+p+": "+want[p]+" (", p)
		assert.Contains(t, stderr, "convert "+want[p]+": ", p)
		assert.NotContains(t, stderr, "it reads equally", p)
	}
}
