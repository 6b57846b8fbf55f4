// Package imagefolder reads the platform's two image-classification folder layouts into
// image samples (sample_type 0) with image-classification labels (type 0):
//
//   - "ModelArts imageNet 1.0" (Layout ImageNet): one folder per class; the last folder level
//     is the label (cat/1.jpg, pets/dog/2.jpg); images directly in the root are unlabeled.
//   - "ModelArts image classification 1.0" (Layout Sidecar): x.jpg beside x.txt, one label per
//     line, several lines for several labels; an image without x.txt is unlabeled, and a
//     x.txt without an image is a rejection.
//
// Only .jpg, .jpeg, .png and .bmp files are images (the service's list), checked by
// signature when they are inlined; every other file is a rejection (hidden ".name" files and
// folders are skipped). A sample is named by its path under the root, so equal file names
// in two classes stay distinct. With Options.OBSPrefix the files are only listed, never
// opened. Label names that break the platform's rule (letters, digits, '-', '_') get one
// warning per name.
package imagefolder

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/internal/classfolder"
)

// Layout is how labels are given.
type Layout int

// Layouts. Auto picks Sidecar when the tree has a label file beside an image of the same
// name (x.jpg with x.txt), else ImageNet.
const (
	Auto Layout = iota
	ImageNet
	Sidecar
)

var layoutNames = []string{"auto", "imagenet", "sidecar"}

func (l Layout) String() string {
	if int(l) >= 0 && int(l) < len(layoutNames) {
		return layoutNames[l]
	}
	return fmt.Sprintf("Layout(%d)", int(l))
}

// MarshalText gives the layout's name.
func (l Layout) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads "auto", "imagenet" or "sidecar" (any case).
func (l *Layout) UnmarshalText(b []byte) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	for i, n := range layoutNames {
		if s == n {
			*l = Layout(i)
			return nil
		}
	}
	return fmt.Errorf("unknown layout %q (auto, imagenet or sidecar)", string(b))
}

// Options control a read.
type Options struct {
	Layout Layout
	// OBSPrefix (obs://bucket/dir/), when set, makes each sample point at OBSPrefix + the
	// image's path under the root instead of carrying its bytes; the images are then only
	// listed (by extension), never opened.
	OBSPrefix string
	// FollowLinks lets a link in the folder lead to an image outside it (by default such an
	// image is rejected; see imagefile.Source).
	FollowLinks bool
	// Base is put before paths in positions and Sample.Origin.
	Base string
	Warn importers.WarnFunc
	// Listed, when set, is told how many records each listed folder adds (for a progress
	// line: the total grows as folders are listed).
	Listed func(records int)
}

// Exts are the image extensions taken (lower case; any case matches).
var Exts = []string{".jpg", ".jpeg", ".png", ".bmp"}

var media = classfolder.Media{
	SampleType: api.SampleImage,
	LabelType:  api.LabelImageClassification,
	Exts:       Exts,
	Accept:     []imagefile.Kind{imagefile.JPEG, imagefile.PNG, imagefile.BMP},
	Refuse: func(string) string {
		return "not an image the service takes: only .jpg, .jpeg, .png and .bmp files are read"
	},
	RefuseKind: "the service takes JPG, JPEG, PNG and BMP images",
}

// Read streams the images of the folder at name in fsys, in path order (a folder's entries
// by name, each subfolder where its name sorts). The stream is single-use. Rejected files are
// reported to opts.Warn; an unlistable root or a cancelled context ends the stream with an
// *importers.Error.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		sidecar := opts.Layout == Sidecar
		if opts.Layout == Auto {
			sidecar = HasSidecar(ctx, fsys, name)
		}
		co := classfolder.Options{Sidecar: sidecar, OBSPrefix: opts.OBSPrefix, FollowLinks: opts.FollowLinks,
			Base: opts.Base, Warn: opts.Warn, Listed: opts.Listed}
		for s, err := range classfolder.Read(ctx, fsys, name, media, co) {
			if !yield(s, err) {
				return
			}
		}
	}
}

// HasSidecar reports whether the tree at name has a label file beside an image of the same
// stem (x.jpg with x.txt): what Layout Auto reads as the sidecar layout. It lists folders
// until it finds one.
func HasSidecar(ctx context.Context, fsys fs.FS, name string) bool {
	found := false
	_ = fs.WalkDir(fsys, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			return fs.SkipDir
		}
		if !d.IsDir() {
			return nil
		}
		if p != name && strings.HasPrefix(d.Name(), ".") {
			return fs.SkipDir
		}
		entries, err := fs.ReadDir(fsys, p)
		if err != nil {
			return fs.SkipDir
		}
		images := map[string]bool{}
		for _, e := range entries {
			if ext := strings.ToLower(path.Ext(e.Name())); !e.IsDir() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp") {
				images[strings.TrimSuffix(e.Name(), path.Ext(e.Name()))] = true
			}
		}
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && strings.EqualFold(path.Ext(n), ".txt") && images[strings.TrimSuffix(n, path.Ext(n))] {
				found = true
				return fs.SkipAll
			}
		}
		return nil
	})
	return found
}

func init() {
	importers.Register(importers.Format{
		Name: "imagefolder",
		Summary: "image classification folders, the platform's layouts: one folder per class (imageNet 1.0),\n" +
			"or x.jpg beside x.txt listing its labels (image classification 1.0); each INPUT is a folder or a .zip/.tar/.tgz of one",
		Args:        "FOLDER...",
		Flags:       flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links", "Layout": "-layout"},
	})
}

func flags(fset *flag.FlagSet) importers.Opener {
	layout := Auto
	fset.TextVar(&layout, "layout", Auto, "where labels come from: `imagenet` (the last folder level), sidecar (x.txt beside x.jpg), or auto (sidecar when the tree has such a pair)")
	obsPrefix := fset.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the image's path under the folder (data_source) instead of carrying its bytes; images are then only listed")
	followLinks := fset.Bool("follow-links", false, "read images through links that lead out of the folder (default: such an image is rejected)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, importers.Usagef("%v", err)
		}
		var listed func(int)
		if env.Progress != nil {
			listed = env.Progress.AddRecords
		}
		return classfolder.Open(ctx, "imagefolder", inputs, env, func(ctx context.Context, fsys fs.FS, root, base string) iter.Seq2[*api.Sample, error] {
			return Read(ctx, fsys, root, Options{Layout: layout, OBSPrefix: *obsPrefix, FollowLinks: *followLinks, Base: base, Warn: env.Warn, Listed: listed})
		})
	}
}

// Detect recognizes an image-classification folder: images in class folders (or beside
// their label files), and none of the marks of the other image formats (a VOC root's
// Annotations/, XML files, YOLO's obj.names, data.yaml or numeric label rows, COCO or
// manifest JSON).
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	sv, ok := classfolder.SurveyFolder(ctx, fsys, name)
	if !ok || sv.Foreign != "" || sv.XMLs > 0 || sv.Images == 0 || sv.YOLOPairs > 0 {
		return importers.Detection{}, false
	}
	if sv.Pairs > 0 {
		return importers.Detection{Score: 90, Layout: fmt.Sprintf("image classification 1.0 (sidecar): %d label files beside images", sv.Pairs)}, true
	}
	if sv.ImageDirs == 0 {
		// Images with no folders: an unlabeled set, weak evidence.
		return importers.Detection{Score: 20, Layout: fmt.Sprintf("%d images, no class folders (unlabeled)", sv.Images)}, true
	}
	score := 80
	if sv.Texts+sv.Others > sv.Images {
		score = 50 // more other files than images: a folder of images among other things
	}
	return importers.Detection{Score: score, Layout: fmt.Sprintf("imageNet 1.0: %d class folders", sv.ImageDirs)}, true
}
