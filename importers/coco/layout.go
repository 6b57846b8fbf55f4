package coco

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"regexp"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Pair is one annotation file of an input and the folder of its images, as FindPairs found
// them. Paths are in the fs.FS given to FindPairs.
type Pair struct {
	// Annotations is the annotation file.
	Annotations string
	// Images is the folder of its images: the folder file_name is relative to.
	Images string
	// Subset names the pair for people: "train2017" for annotations/instances_train2017.json,
	// "train" for Roboflow's train/_annotations.coco.json.
	Subset string
}

// RoboflowFile is the name Roboflow gives a split's COCO file, beside the split's images.
const RoboflowFile = "_annotations.coco.json"

// ErrNoPairs is wrapped by FindPairs' error when the input holds no COCO annotation file.
var ErrNoPairs = errors.New("not a COCO dataset: no COCO annotation file (*.json) found")

// skippedPrefixes are COCO files that hold no instances: captions and panoptic files (which
// Read refuses) and image_info_* (test-set image lists, with no annotations).
var skippedPrefixes = []string{"captions_", "panoptic_", "image_info_"}

// FindPairs lists the annotation files of the folder name in fsys with their images folders,
// in the annotation files' name order:
//   - annotations/instances_SUBSET.json (any *.json there, in any letter case of
//     "annotations", but captions_*, panoptic_* and image_info_*) with SUBSET/ beside
//     annotations/ (train2017/), images/SUBSET/ (Datumaro), images/, or the folder itself;
//   - Roboflow's _annotations.coco.json, in the folder or in each of its subfolders (train/
//     valid/ test/), with the images beside it;
//   - *.json files in the folder itself, with images/ or the folder itself.
//
// A name that is a file gives one pair with the file's own folder as the images folder. Only
// names are read, and the first KiB of each candidate JSON file (it must look like COCO: a
// JSON object with "images", "annotations", "categories", "info" or "licenses").
func FindPairs(ctx context.Context, fsys fs.FS, name string) ([]Pair, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []Pair{{Annotations: name, Images: path.Dir(name), Subset: subsetOf(path.Base(name))}}, nil
	}
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, err
	}
	var pairs []Pair
	dirs := map[string]string{} // lower-case name -> name
	for _, e := range entries {
		if e.IsDir() {
			if _, seen := dirs[strings.ToLower(e.Name())]; !seen {
				dirs[strings.ToLower(e.Name())] = e.Name()
			}
		}
	}
	imagesOr := func(dflt string) string {
		if d, ok := dirs["images"]; ok {
			return path.Join(name, d)
		}
		return dflt
	}
	if ann, ok := dirs["annotations"]; ok {
		files, err := cocoFiles(ctx, fsys, path.Join(name, ann))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			sub := subsetOf(path.Base(f))
			images := imagesOr(name)
			switch {
			case dirs[strings.ToLower(sub)] != "":
				images = path.Join(name, dirs[strings.ToLower(sub)])
			case dirs["images"] != "" && isDir(fsys, path.Join(name, dirs["images"], sub)):
				images = path.Join(name, dirs["images"], sub)
			}
			pairs = append(pairs, Pair{Annotations: f, Images: images, Subset: sub})
		}
		if len(pairs) > 0 {
			return pairs, nil
		}
	}
	files, err := cocoFiles(ctx, fsys, name)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if path.Base(f) == RoboflowFile {
			pairs = append(pairs, Pair{Annotations: f, Images: name, Subset: path.Base(name)})
			continue
		}
		pairs = append(pairs, Pair{Annotations: f, Images: imagesOr(name), Subset: subsetOf(path.Base(f))})
	}
	if len(pairs) > 0 {
		return pairs, nil
	}
	for _, e := range entries { // Roboflow: train/ valid/ test/, each with its file
		if !e.IsDir() {
			continue
		}
		f := path.Join(name, e.Name(), RoboflowFile)
		if looksCOCO(fsys, f) {
			pairs = append(pairs, Pair{Annotations: f, Images: path.Join(name, e.Name()), Subset: e.Name()})
		}
	}
	if len(pairs) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoPairs)
	}
	return pairs, nil
}

// cocoFiles lists the COCO-looking *.json files directly in dir, sorted by name.
func cocoFiles(ctx context.Context, fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(path.Ext(n), ".json") || skipped(n) {
			continue
		}
		if p := path.Join(dir, n); looksCOCO(fsys, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

func skipped(name string) bool {
	for _, p := range skippedPrefixes {
		if strings.HasPrefix(strings.ToLower(name), p) {
			return true
		}
	}
	return false
}

func isDir(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.IsDir()
}

// subsetOf names a pair after its file: "instances_train2017.json" is "train2017",
// "person_keypoints_val.json" is "val", "_annotations.coco.json" is "", "x.json" is "x".
func subsetOf(file string) string {
	stem := strings.TrimSuffix(file, path.Ext(file))
	for _, p := range []string{"instances_", "person_keypoints_"} {
		if s, ok := strings.CutPrefix(stem, p); ok {
			return s
		}
	}
	if file == RoboflowFile {
		return ""
	}
	return stem
}

// headBytes is how much of a file detection reads.
const headBytes = 1024

// cocoKey finds a top-level-looking COCO key; strongKey those only a dataset file has.
var (
	cocoKey   = regexp.MustCompile(`"(images|annotations|categories|info|licenses)"\s*:`)
	strongKey = regexp.MustCompile(`"(images|annotations|categories)"\s*:`)
)

// looksCOCO reads the first KiB of the file at name: a JSON object with a COCO key.
func looksCOCO(fsys fs.FS, name string) bool {
	_, ok := sniff(fsys, name)
	return ok
}

// sniff reads the head of name and tells whether it looks like a COCO file, and how sure
// (strong: one of the keys only a dataset file has).
func sniff(fsys fs.FS, name string) (strong, ok bool) {
	f, err := fsys.Open(name)
	if err != nil {
		return false, false
	}
	defer f.Close()
	buf := make([]byte, headBytes)
	n, _ := io.ReadFull(f, buf)
	head := strings.TrimLeft(strings.TrimPrefix(string(buf[:n]), "\ufeff"), " \t\r\n")
	if !strings.HasPrefix(head, "{") || !cocoKey.MatchString(head) {
		return false, false
	}
	return strongKey.MatchString(head), true
}

// ReadPairs reads the pairs FindPairs found, one after the other, as one stream; a fatal
// error ends it. Each annotation file is named in diagnostics by display(its path) (nil: the
// path; the command passes importers.Input.Path). Unless opts.Images is set (an OBS prefix,
// or one images folder for all), each file's images are read from its pair's folder in fsys.
// With an OBS prefix and several pairs, a pair's images are at the prefix + its images
// folder's path in fsys + file_name (obs://bucket/coco/val2017/a.jpg), as the tree was
// copied to OBS; with one pair, at the prefix + file_name.
func ReadPairs(ctx context.Context, fsys fs.FS, pairs []Pair, opts Options, display func(string) string) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, p := range pairs {
			o := opts
			o.Name = p.Annotations
			if display != nil {
				o.Name = display(p.Annotations)
			}
			switch {
			case o.Images == nil:
				o.Images = &imagefile.Source{FS: fsys, Dir: p.Images}
			case o.Images.OBSPrefix != "" && len(pairs) > 1:
				// Several pairs: their images folders are told apart on OBS by their path
				// in fsys, as the tree was copied there.
				img := *o.Images
				img.OBSPrefix = imagefile.OBSPath(img.OBSPrefix, p.Images) + "/"
				o.Images = &img
			}
			for s, err := range Read(ctx, fsys, p.Annotations, o) {
				if !yield(s, err) || err != nil {
					return
				}
			}
		}
	}
}
