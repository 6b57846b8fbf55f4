package coco

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/importers"
)

// Detect reports whether the input at name in fsys is COCO, and its layout: a *.json file
// (or a .json.gz, opened by importers.OpenInput as the file it holds) whose first KiB is a
// JSON object with COCO's keys, or a folder where FindPairs finds annotation files. A file
// whose head shows only "info" or "licenses" is a weaker match than one showing "images",
// "annotations" or "categories". A results file (a bare JSON array) is not a dataset: it
// goes with -results.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		if importers.Ext(name) != ".json" || skipped(path.Base(name)) {
			return importers.Detection{}, false
		}
		strong, ok := sniff(fsys, name)
		if !ok {
			return importers.Detection{}, false
		}
		d := importers.Detection{Score: 100, Layout: "COCO annotation file"}
		if !strong {
			d.Score = 60
		}
		return d, true
	}
	pairs, err := FindPairs(ctx, fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	return importers.Detection{Score: 100, Layout: DescribePairs(name, pairs)}, true
}

// DescribePairs says what FindPairs found in the folder dir, for `convert detect`:
// "annotations/instances_val.json, images in images/val" for one pair, "2 annotation files:
// train2017, val2017" for several.
func DescribePairs(dir string, pairs []Pair) string {
	rel := func(p string) string {
		if r, ok := strings.CutPrefix(p, dir+"/"); ok && dir != "." {
			return r
		}
		return p
	}
	if len(pairs) == 1 {
		return fmt.Sprintf("%s, images in %s/", rel(pairs[0].Annotations), rel(pairs[0].Images))
	}
	names := make([]string, len(pairs))
	for i, p := range pairs {
		names[i] = p.Subset
	}
	return fmt.Sprintf("%d annotation files: %s", len(pairs), strings.Join(names, ", "))
}
