// Package segvoc reads the platform's image-segmentation layout, "ModelArts image
// segmentation 1.0": each image (x.jpg) beside its PASCAL VOC file (x.xml), the XML carrying
// a <mask_source> (the mask PNG the platform wrote) and, per object, a <mask_color> and a
// <polygon>. Each object becomes an image-segmentation label (type 3) whose polygon is its
// @modelarts:shape / @modelarts:feature, with mask_color as a label property; the file's
// mask_source is kept as the sample's metadata "mask_source".
//
// It is the VOC importer run with voc.Options.Segmentation: the same XML reading (encodings,
// positions, limits, parallel files), image lookup and confinement, size rules and
// validation. Only what segmentation adds is checked here: each object is a polygon, and a
// mask_color is "R,G,B".
package segvoc

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/voc"
)

// Options control a read: the VOC importer's (Segmentation is set by Read).
type Options = voc.Options

// Read converts the segmentation dataset at name in fsys: a folder of x.xml beside x.jpg, a
// VOC root (Annotations/, JPEGImages/), or one XML file. See voc.Read for the stream.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	opts.Segmentation = true
	return voc.Read(ctx, fsys, name, opts)
}

func init() {
	importers.Register(importers.Format{
		Name: "segvoc",
		Summary: "image segmentation, the platform's layout (ModelArts image segmentation 1.0): x.jpg beside x.xml,\n" +
			"VOC XML with <mask_source> and per-object <mask_color> and <polygon>; each INPUT is a folder, a VOC root,\n" +
			"an XML file, or a .zip/.tar/.tgz of a folder",
		Args:        "INPUT...",
		Flags:       flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links", "OneBased": "-one-based"},
	})
}

func flags(fset *flag.FlagSet) importers.Opener {
	obsPrefix := fset.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the image's path in its folder (data_source) instead of carrying its bytes")
	followLinks := fset.Bool("follow-links", false, "read images through links that lead out of the images folder (default: such an image is rejected)")
	round := fset.Bool("round", false, "round coordinates to integers (default: kept exactly as written)")
	oneBased := fset.Bool("one-based", false, "subtract 1 from every coordinate, for tools that write 1-based pixel indices")
	workers := fset.Int("workers", 0, "parse `N` files at once (default: the number of CPUs)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, importers.Usagef("%v", err)
		}
		if *workers < 0 {
			return nil, importers.Usagef("-workers must be 0 (one per CPU) or more")
		}
		if len(inputs) == 0 {
			return nil, importers.Usagef("convert segvoc needs at least one input")
		}
		for _, in := range inputs {
			if in == "-" {
				return nil, importers.Usagef("convert segvoc reads folders and files, not standard input")
			}
			if _, err := os.Stat(in); err != nil {
				return nil, importers.Usagef("%v", err)
			}
		}
		opts := Options{OBSPrefix: *obsPrefix, FollowLinks: *followLinks, Round: *round, OneBased: *oneBased,
			Workers: *workers, Warn: env.Warn}
		if env.Progress != nil {
			opts.Planned = env.Progress.AddRecords
		}
		seq := func(yield func(*api.Sample, error) bool) {
			for _, in := range inputs {
				if !readInput(ctx, in, opts, env, yield) {
					return
				}
			}
		}
		return &importers.Source{Samples: seq}, nil
	}
}

// readInput streams one input; it returns whether the stream goes on.
func readInput(ctx context.Context, in string, opts Options, env importers.Env, yield func(*api.Sample, error) bool) bool {
	input, err := importers.OpenInput(in, env.Warn)
	if err != nil {
		yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
		return false
	}
	defer input.Close()
	var seq iter.Seq2[*api.Sample, error]
	switch {
	case input.Archive != "":
		opts.Base = input.Archive
		seq = Read(ctx, input.FS, input.Name, opts)
	case input.IsDir:
		opts.Base = base(input.OSPath())
		seq = Read(ctx, imagefile.DirFS(input.OSPath()), ".", opts)
	default: // one XML file: its images beside it
		dir := filepath.Dir(input.OSPath())
		opts.Base = base(dir)
		opts.Segmentation = true
		seq = voc.ReadFiles(ctx, imagefile.DirFS(dir), []string{filepath.Base(in)}, opts)
	}
	for s, err := range seq {
		if !yield(s, err) || err != nil {
			return false
		}
	}
	return true
}

// base is how messages name a folder's files: "" for the current folder.
func base(dir string) string {
	if dir == "." {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(dir))
}

// Detect recognizes a segmentation dataset: a folder (or a VOC root's Annotations/) whose
// first XML files (up to three) carry <mask_source> or <mask_color> in their first KiB,
// every <annotation> among them (importers.LooksLikeSegmentation).
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil || ctx.Err() != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		if strings.EqualFold(path.Ext(name), ".xml") && segMarks(fsys, name) {
			return importers.Detection{Score: 100, Layout: "a segmentation XML file"}, true
		}
		return importers.Detection{}, false
	}
	dir, layout := name, "ModelArts image segmentation 1.0 (x.xml beside x.jpg)"
	if afi, err := fs.Stat(fsys, path.Join(name, voc.AnnotationsDir)); err == nil && afi.IsDir() {
		dir, layout = path.Join(name, voc.AnnotationsDir), "VOC root with segmentation annotations"
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return importers.Detection{}, false
	}
	xmls, docs, marked := 0, 0, 0
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(path.Ext(n), ".xml") {
			continue
		}
		if xmls++; xmls > 3 {
			break
		}
		head, err := importers.ReadHead(fsys, path.Join(dir, n))
		if err == nil && bytes.Contains(head, []byte("<annotation")) {
			docs++
			if importers.LooksLikeSegmentation(head) {
				marked++
			}
		}
	}
	if marked == 0 || marked < docs {
		return importers.Detection{}, false // VOC files for detection among them: voc's set
	}
	return importers.Detection{Score: 100, Layout: fmt.Sprintf("%s: <mask_source>/<mask_color> in the XML", layout)}, true
}

// segMarks reports whether the first KiB of an XML file names a segmentation element.
func segMarks(fsys fs.FS, name string) bool {
	head, err := importers.ReadHead(fsys, name)
	return err == nil && importers.LooksLikeSegmentation(head)
}
