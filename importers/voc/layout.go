package voc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// Root is one VOC root of an input, as FindRoots found it. Paths are in the fs.FS given to
// FindRoots.
type Root struct {
	// Name names the root for people and, when sample names collide between roots, as the
	// prefix that keeps them unique: "VOC2007", "train", or "." for the input itself.
	Name string
	// Dir is the root folder.
	Dir string
	// Annotations is the folder holding the XML files (Dir itself for a folder of XML).
	Annotations string
	// Images is the default images folder: JPEGImages/ (or images/, in any letter case) of
	// a VOC root, else the folder of the XML files.
	Images string
	// Lists is the root's ImageSets/Main folder, "" when it has none (-subset needs it).
	Lists string
	// Kind says which layout the root has: KindVOC, KindLowercase or KindXML.
	Kind string
}

// Root layouts.
const (
	KindVOC       = "voc"         // Annotations/ + JPEGImages/ (+ ImageSets/Main/)
	KindLowercase = "annotations" // annotations/ + images/ in any letter case (Kaggle exports)
	KindXML       = "xml"         // a folder of *.xml with the images beside them (Roboflow splits)
)

// Limits of FindRoots' walk: how deep below the input it looks for roots, and how many
// folders it lists at most, so that detection on a huge tree stays cheap.
const (
	maxRootDepth   = 3
	maxRootFolders = 256
)

// ErrNoRoot is wrapped by FindRoots' error when the input holds no VOC root.
var ErrNoRoot = errors.New("not a VOC dataset: no Annotations/ folder and no *.xml files here or in its subfolders")

// FindRoots lists the VOC roots of the folder name in fsys, in name order:
//   - the folder itself when it is a root: Annotations/ (with JPEGImages/ and ImageSets/Main/),
//     annotations/ + images/ in any letter case (Kaggle), or a folder of *.xml files;
//   - otherwise the roots among its subfolders, up to three levels down: a VOCdevkit folder
//     holding VOC2007/ and VOC2012/, a Roboflow export's train/ valid/ test/ (each a folder of
//     XML and images), an archive holding VOCdevkit/.
//
// It reads folder listings only. A folder that holds another format's annotation files
// (*.json, *.manifest, *.csv) is not searched below, so that a COCO or manifest set is not
// taken for VOC because of a stray subfolder. It returns an error wrapping ErrNoRoot when
// nothing is found, and fs errors of name itself.
func FindRoots(ctx context.Context, fsys fs.FS, name string) ([]Root, error) {
	w := rootWalk{ctx: ctx, fsys: fsys}
	if err := w.walk(name, ".", 0); err != nil {
		return nil, err
	}
	if len(w.roots) == 0 {
		return nil, fmt.Errorf("%s: %w", name, ErrNoRoot)
	}
	return w.roots, nil
}

type rootWalk struct {
	ctx     context.Context
	fsys    fs.FS
	roots   []Root
	folders int
}

func (w *rootWalk) walk(dir, rel string, depth int) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	w.folders++
	entries, err := fs.ReadDir(w.fsys, dir)
	if err != nil {
		if depth == 0 {
			return err
		}
		return nil // a subfolder that cannot be listed is no root
	}
	if r, ok := rootOf(w.fsys, dir, entries); ok {
		r.Name = rel
		w.roots = append(w.roots, r)
		return nil
	}
	if depth >= maxRootDepth {
		return nil
	}
	for _, e := range entries {
		if !e.IsDir() {
			switch strings.ToLower(path.Ext(e.Name())) {
			case ".json", ".manifest", ".csv", ".jsonl":
				return nil
			}
		}
	}
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || w.folders >= maxRootFolders {
			continue
		}
		if err := w.walk(path.Join(dir, e.Name()), path.Join(rel, e.Name()), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// rootOf tells whether the folder dir (listed as entries) is a VOC root.
func rootOf(fsys fs.FS, dir string, entries []fs.DirEntry) (Root, bool) {
	var ann, lowerAnn, images, lowerImages, sets string
	xmls := false
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() {
			if !strings.HasPrefix(n, ".") && strings.EqualFold(path.Ext(n), ".xml") {
				xmls = true
			}
			continue
		}
		switch {
		case n == AnnotationsDir:
			ann = n
		case strings.EqualFold(n, AnnotationsDir) && lowerAnn == "":
			lowerAnn = n
		case n == ImagesDir:
			images = n
		case (strings.EqualFold(n, ImagesDir) || strings.EqualFold(n, "images")) && lowerImages == "":
			lowerImages = n
		case n == "ImageSets":
			sets = n
		}
	}
	if ann != "" {
		r := Root{Dir: dir, Annotations: path.Join(dir, ann), Images: path.Join(dir, ImagesDir), Kind: KindVOC}
		if images == "" && lowerImages != "" {
			r.Images = path.Join(dir, lowerImages)
		}
		if sets != "" {
			r.Lists = path.Join(dir, ImageSetsDir)
		}
		return r, true
	}
	if lowerAnn != "" && hasXML(fsys, path.Join(dir, lowerAnn)) {
		r := Root{Dir: dir, Annotations: path.Join(dir, lowerAnn), Images: path.Join(dir, ImagesDir), Kind: KindLowercase}
		if images == "" && lowerImages != "" {
			r.Images = path.Join(dir, lowerImages)
		}
		return r, true
	}
	if xmls {
		return Root{Dir: dir, Annotations: dir, Images: dir, Kind: KindXML}, true
	}
	return Root{}, false
}

// hasXML reports whether the folder dir holds an *.xml file.
func hasXML(fsys fs.FS, dir string) bool {
	files, err := xmlFiles(fsys, dir)
	return err == nil && len(files) > 0
}

// DescribeRoots says what FindRoots found, for `convert detect`: "VOC root",
// "annotations/ + images/", "12 XML files"... for one root, "2 roots: VOC2007, VOC2012" for
// several.
func DescribeRoots(fsys fs.FS, roots []Root) string {
	switch len(roots) {
	case 0:
		return "no root"
	case 1:
		r := roots[0]
		where := ""
		if r.Name != "." {
			where = " in " + r.Name + "/"
		}
		switch r.Kind {
		case KindVOC:
			return "VOC root" + where
		case KindLowercase:
			return path.Base(r.Annotations) + "/ + " + path.Base(r.Images) + "/" + where
		}
		files, _ := xmlFiles(fsys, r.Annotations)
		return fmt.Sprintf("%d XML files%s", len(files), where)
	}
	names := make([]string, len(roots))
	for i, r := range roots {
		names[i] = r.Name
	}
	const most = 8
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(", and %d more", len(names)-most)
		names = names[:most]
	}
	return fmt.Sprintf("%d roots: %s%s", len(roots), strings.Join(names, ", "), more)
}

// ReadRoot converts one root found by FindRoots; opts.Subset applies to it (the root must
// have ImageSets/Main/). Read does this for every root of its input; ReadRoot is for a caller
// that wants the roots one by one.
func ReadRoot(ctx context.Context, fsys fs.FS, root Root, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		c := newConverter(fsys, opts)
		if err := importers.Check(ctx, c.pos(root.Dir)); err != nil {
			yield(nil, err)
			return
		}
		jobs, err := c.planRoot(root)
		if err != nil {
			yield(nil, err)
			return
		}
		c.run(ctx, jobs, yield)
	}
}

// planRoot lists the records of one root.
func (c *converter) planRoot(r Root) ([]job, error) {
	src := c.source(r.Images)
	if c.opts.Subset != "" {
		if r.Kind == KindXML {
			return nil, &importers.Error{Pos: c.pos(r.Dir), Err: fmt.Errorf("a subset (option Subset %s) needs a VOC root, and this folder has no %s/", c.opts.Subset, AnnotationsDir)}
		}
		return c.planSubset(r, src)
	}
	files, err := xmlFiles(c.fsys, r.Annotations)
	if err != nil {
		return nil, &importers.Error{Pos: c.pos(r.Annotations), Err: err}
	}
	jobs := make([]job, len(files))
	folder := &jobFolder{images: src}
	for i, f := range files {
		jobs[i] = job{xml: f, folder: folder}
	}
	return jobs, nil
}

// uniqueName keeps sample names unique across the roots of one read: a name an earlier root
// already gave is prefixed with the root's name ("VOC2012_000001.jpg"), with a warning. Names
// are only remembered when a read has several roots.
func (c *converter) uniqueName(j *job, s *api.Sample) *importers.Warning {
	if !c.multiRoot || s == nil {
		return nil
	}
	if c.names == nil {
		c.names = map[string]bool{}
	}
	if !c.names[s.Name] {
		c.names[s.Name] = true
		return nil
	}
	stem := importers.SafeName(strings.ReplaceAll(j.folder.root, "/", "_"), 0)
	name := stem + "_" + s.Name
	for i := 2; c.names[name]; i++ {
		name = fmt.Sprintf("%s_%d_%s", stem, i, s.Name)
	}
	w := &importers.Warning{Pos: c.jobPos(j), Reason: fmt.Sprintf("the sample name %q is taken by an earlier root; named %q", s.Name, name)}
	c.names[name] = true
	s.Name = name
	return w
}
