// Package voc reads Pascal VOC annotation XML — classic VOC 2007/2012, what CVAT, Roboflow,
// Datumaro and labelImg export, and ModelArts' own VOC dialect (polygon, polyline, line,
// dashed, circle and point shapes, <confidence>, <properties>) — and turns each XML file into
// one image sample with one object-detection label per <object> (and per <part>).
//
// An input is a VOC root (Annotations/, JPEGImages/, optional ImageSets/Main/NAME.txt), a
// folder of *.xml files, or single XML files. Files are converted in parallel and yielded in
// a deterministic order: sorted by name, or in the order of the ImageSets list.
//
// A file that cannot become a valid sample (malformed XML, a shape with missing or
// non-numeric coordinates, a repeated single-valued element, a missing image when the bytes
// must be inlined, ...) is reported to Options.Warn as a rejected Warning with its position,
// and the other files still convert. The memory one file may take is bounded (MaxFileBytes,
// MaxElements, the service's per-sample limit; see limits.go), and so is the XML the parallel
// workers hold at once.
package voc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/internal/ordered"
)

// Folder names of a VOC root.
const (
	AnnotationsDir = "Annotations"
	ImagesDir      = "JPEGImages"
	ImageSetsDir   = "ImageSets/Main"
)

// Options control a read. The zero value reads a dataset with inline image data.
type Options struct {
	// Subset restricts a VOC root to the ids listed in ImageSets/Main/<Subset>.txt, in the
	// list's order. Blank lines and lines starting with '#' are skipped; only the first field
	// of a line is the id (class lists such as aeroplane_train.txt carry a second one).
	Subset string

	// ImagesFS and ImagesDir say where the image files are. A nil ImagesFS means the fsys
	// given to Read. An empty ImagesDir means the root of ImagesFS when it is set, else the
	// default: JPEGImages/ of a VOC root, or each XML file's own folder.
	ImagesFS  fs.FS
	ImagesDir string

	// OBSPrefix (obs://bucket/dir/), when set, makes each sample point at OBSPrefix + the
	// image's path relative to the images folder instead of inlining the image's bytes. The
	// local image, when present, is still looked up (the image found names the sample, as
	// inline) and used for what the XML lacks (its size). When the input has several roots
	// (FindRoots), the images folder's path below the input comes between the prefix and
	// the image (obs://bucket/voc/VOC2007/JPEGImages/a.jpg), as the tree was copied to OBS.
	OBSPrefix string

	// FollowLinks lets a link in the images folder lead to a file outside it; by default such
	// an image is rejected. Links are seen in an fs.FS that reads them (fs.ReadLinkFS:
	// os.DirFS, an os.Root's FS); the command's file systems open images through an os.Root.
	FollowLinks bool

	// Round rounds every coordinate and radius to the nearest integer (halves away from
	// zero). OneBased subtracts 1 from every coordinate (not from a circle's radius), for
	// tools that write 1-based pixel indices; a result below 0 becomes 0, with a warning.
	Round    bool
	OneBased bool

	// Segmentation reads the platform's image-segmentation files ("ModelArts image
	// segmentation 1.0", the segvoc format): every object becomes an image-segmentation label
	// (type 3) and must be a <polygon>; its <mask_color> ("R,G,B") is checked and kept as the
	// label property "mask_color" (a missing one is a warning); the file's <mask_source> is
	// kept as the sample's metadata "mask_source".
	Segmentation bool

	// Base is put before file names in positions and Sample.Origin (the command passes the
	// input folder, so that messages name files as the user knows them).
	Base string

	// Path, when set, names a file of fsys in positions and Sample.Origin instead of Base:
	// importers.Input.Path, so that a file inside an archive is "export.zip:Annotations/a.xml".
	Path func(name string) string

	// Workers is how many files are parsed at once; 0 means GOMAXPROCS.
	Workers int

	// Planned, when set, is told how many records a read will produce (samples plus
	// rejections) as soon as the files are listed: the command's progress line uses it for
	// its ETA.
	Planned func(records int)

	Warn importers.WarnFunc
}

// imageExts are tried, in this order, when a file name has no image extension.
var imageExts = []string{".jpg", ".jpeg", ".png", ".bmp", ".JPG", ".JPEG", ".PNG", ".BMP"}

// job is one record to convert: an XML file, or an ImageSets entry (whose XML may be missing).
// It is small (four words) and shares what the records of one folder have in common, so
// that planning a folder of many thousand files is a short loop that allocates little: a
// large, pointer-rich job per file made the garbage collector run during the listing and
// wait, spinning, for the planning loop to let it scan its stack.
type job struct {
	xml    string     // the XML's path in fsys
	folder *jobFolder // what the records of its folder share
	list   *listEntry // an ImageSets entry (nil for a file of a listing)
}

// jobFolder is what the records of one folder (of one root) share.
type jobFolder struct {
	images imagefile.Source // the images folder for these records (OBSPrefix set)
	root   string           // the root's name, when a read has several roots
}

// listEntry is what an ImageSets entry adds to its record.
type listEntry struct {
	id     string             // the ImageSets id (its XML may be missing)
	listed importers.Position // where the entry was listed
	note   *importers.Warning // instead of a record: a warning to report in its place
}

// id returns the ImageSets id of the record, "" for a file of a listing.
func (j *job) id() string {
	if j.list == nil {
		return ""
	}
	return j.list.id
}

// result is what converting one job produced, handed from a worker to the consumer.
type result struct {
	sample   *api.Sample
	warnings []importers.Warning
	err      error // fatal
	weight   int64 // the budget the job held, given back when the result is taken
}

// Read converts the VOC dataset at path in fsys: a VOC root, a folder of *.xml files, or one
// XML file. The returned stream is single-use. Rejected files are reported to opts.Warn;
// a fatal problem (an unreadable folder or file, a missing subset list, ctx cancelled) is
// yielded once as (nil, *importers.Error) and ends the stream.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		c := newConverter(fsys, opts)
		if err := importers.Check(ctx, c.pos(name)); err != nil {
			yield(nil, err)
			return
		}
		jobs, err := c.plan(name)
		if err != nil {
			yield(nil, err)
			return
		}
		c.run(ctx, jobs, yield)
	}
}

// ReadFiles converts the given XML files of fsys, in the order given (the command's single
// file arguments). Their images are in opts' images folder or, by default, beside each XML.
func ReadFiles(ctx context.Context, fsys fs.FS, names []string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		c := newConverter(fsys, opts)
		first := "."
		if len(names) > 0 {
			first = names[0]
		}
		if err := importers.Check(ctx, c.pos(first)); err != nil {
			yield(nil, err)
			return
		}
		if opts.Subset != "" {
			yield(nil, &importers.Error{Pos: c.pos(first), Err: errors.New("a subset (option Subset) needs a VOC root folder, not single files")})
			return
		}
		jobs := make([]job, len(names))
		var folder *jobFolder
		for i, n := range names {
			if src := c.source(path.Dir(n)); folder == nil || src.Dir != folder.images.Dir {
				folder = &jobFolder{images: src} // files of one folder in a row share it
			}
			jobs[i] = job{xml: n, folder: folder}
		}
		c.run(ctx, jobs, yield)
	}
}

// converter holds what every job of one read shares.
type converter struct {
	fsys fs.FS
	opts Options

	dirsMu sync.Mutex
	dirs   map[string]bool // whether an images folder exists, by its path

	multiRoot bool            // the read has several roots: sample names are kept unique
	names     map[string]bool // the sample names given so far, when multiRoot (consumer only)
}

// hasDir reports whether the images folder of src exists, looked up once per folder: with
// -obs-prefix the images are often not on this machine at all, and then no file needs a
// dozen failed lookups.
func (c *converter) hasDir(src *imagefile.Source) bool {
	c.dirsMu.Lock()
	defer c.dirsMu.Unlock()
	ok, known := c.dirs[src.Dir]
	if !known {
		fi, err := fs.Stat(src.FS, src.Dir)
		ok = err == nil && fi.IsDir()
		if c.dirs == nil {
			c.dirs = map[string]bool{}
		}
		c.dirs[src.Dir] = ok
	}
	return ok
}

func newConverter(fsys fs.FS, opts Options) *converter {
	return &converter{fsys: fsys, opts: opts}
}

// display names a file of fsys for messages.
func (c *converter) display(name string) string {
	if c.opts.Path != nil {
		return c.opts.Path(name)
	}
	if c.opts.Base == "" {
		return name
	}
	if name == "." {
		return c.opts.Base
	}
	return strings.TrimSuffix(c.opts.Base, "/") + "/" + name
}

func (c *converter) pos(name string) importers.Position {
	return importers.Position{File: c.display(name)}
}

// source returns the images folder for XML files whose default images folder is dflt.
func (c *converter) source(dflt string) imagefile.Source {
	s := imagefile.Source{FS: c.fsys, Dir: dflt, OBSPrefix: c.opts.OBSPrefix, FollowLinks: c.opts.FollowLinks}
	if c.opts.ImagesFS != nil {
		s.FS = c.opts.ImagesFS
		s.Dir = "."
	}
	if c.opts.ImagesDir != "" {
		s.Dir = c.opts.ImagesDir
	}
	return s
}

// plan lists the records of the input at name.
func (c *converter) plan(name string) ([]job, error) {
	fi, err := fs.Stat(c.fsys, name)
	if err != nil {
		return nil, &importers.Error{Pos: c.pos(name), Err: err}
	}
	if !fi.IsDir() {
		if c.opts.Subset != "" {
			return nil, &importers.Error{Pos: c.pos(name), Err: errors.New("a subset (option Subset) needs a VOC root folder, not a single file")}
		}
		return []job{{xml: name, folder: &jobFolder{images: c.source(path.Dir(name))}}}, nil
	}
	roots, err := FindRoots(context.Background(), c.fsys, name)
	if err != nil {
		switch {
		case errors.Is(err, ErrNoRoot) && c.opts.Subset != "":
			err = fmt.Errorf("a subset (option Subset %s) needs a VOC root, and this folder has no %s/", c.opts.Subset, AnnotationsDir)
		case errors.Is(err, ErrNoRoot):
			err = fmt.Errorf("no %s/ folder and no *.xml files here or in its subfolders: not a VOC dataset", AnnotationsDir)
		}
		return nil, &importers.Error{Pos: c.pos(name), Err: err}
	}
	c.multiRoot = len(roots) > 1
	var jobs []job
	for _, r := range roots {
		js, err := c.planRoot(r)
		if err != nil {
			return nil, err
		}
		if c.multiRoot && len(js) > 0 {
			// The root's jobs share one folder (planRoot): name it, and tell its images
			// folder apart on OBS by its path below the input, as the tree was copied there.
			folder := js[0].folder
			folder.root = r.Name
			if c.opts.OBSPrefix != "" && c.opts.ImagesDir == "" && c.opts.ImagesFS == nil {
				folder.images.OBSPrefix = imagefile.OBSPath(c.opts.OBSPrefix, relTo(name, r.Images)) + "/"
			}
		}
		if jobs == nil {
			jobs = js // one root, the usual case: no copy
		} else {
			jobs = append(jobs, js...)
		}
	}
	return jobs, nil
}

// xmlFiles lists the *.xml files directly in dir, sorted by name. Hidden files (".name",
// such as macOS "._name" resource forks) are not annotations and are skipped.
func xmlFiles(fsys fs.FS, dir string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(path.Ext(n), ".xml") {
			continue
		}
		out = append(out, path.Join(dir, n))
	}
	return out, nil // fs.ReadDir sorts by name
}

// planSubset lists the records of ImageSets/Main/<subset>.txt.
func (c *converter) planSubset(r Root, src imagefile.Source) ([]job, error) {
	root := r.Dir
	list := path.Join(root, ImageSetsDir, c.opts.Subset+".txt")
	data, err := fs.ReadFile(c.fsys, list)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("subset %q not found%s", c.opts.Subset, c.availableSubsets(root))
		}
		return nil, &importers.Error{Pos: c.pos(list), Err: err}
	}
	var jobs []job
	folder := &jobFolder{images: src}
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		id := strings.Fields(text)[0]
		pos := importers.Position{File: c.display(list), Line: line}
		if first, dup := seen[id]; dup {
			w := importers.Warning{Pos: pos, Reason: fmt.Sprintf("%q is listed again (first on line %d); converted once", id, first)}
			jobs = append(jobs, job{folder: folder, list: &listEntry{listed: pos, note: &w}})
			continue
		}
		seen[id] = line
		j := job{folder: folder, list: &listEntry{id: id, listed: pos}}
		if rel, err := imagefile.Confine(id); err == nil {
			j.xml = path.Join(r.Annotations, rel+".xml") // may not exist: see convert
		}
		jobs = append(jobs, j)
	}
	if err := sc.Err(); err != nil {
		return nil, &importers.Error{Pos: c.pos(list), Err: err}
	}
	return jobs, nil
}

// availableSubsets names the lists of ImageSets/Main, for the "subset not found" error.
func (c *converter) availableSubsets(root string) string {
	entries, err := fs.ReadDir(c.fsys, path.Join(root, ImageSetsDir))
	if err != nil {
		return fmt.Sprintf(" (there is no %s/ folder)", ImageSetsDir)
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".txt"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf(" (%s/ has no lists)", ImageSetsDir)
	}
	const most = 20
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(", and %d more", len(names)-most)
		names = names[:most]
	}
	return fmt.Sprintf(" (%s/ has: %s%s)", ImageSetsDir, strings.Join(names, ", "), more)
}

// run converts the jobs, in parallel when there are several, and yields their samples in
// the jobs' order. Workers never call Warn: their warnings travel with the result and are
// reported by the consuming goroutine, in order. When the consumer stops (or ctx is done)
// the workers are stopped and waited for before run returns.
func (c *converter) run(ctx context.Context, jobs []job, yield func(*api.Sample, error) bool) {
	if c.opts.Planned != nil {
		c.opts.Planned(len(jobs))
	}
	workers := c.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Memory: each job holds its XML file's size, and its inlined image's, from before they
	// are read until its result is taken (see budget).
	mem := newBudget(budgetBytes)
	convert := func(i int, done <-chan struct{}) result {
		if done == nil { // one by one: nothing else is in flight
			return c.convert(&jobs[i], nil)
		}
		var held int64
		admit := func(n int64) bool {
			if !mem.take(i, n, done) {
				return false
			}
			held += n
			return true
		}
		r := c.convert(&jobs[i], admit)
		if r.sample != nil && len(r.sample.Data) > 0 {
			admit(int64(len(r.sample.Data))) // an inlined image: known only now
		}
		r.weight = held
		return r
	}
	stopped := func(i int) bool {
		if ctx.Err() == nil {
			return false // the position, a string built per file, only when needed
		}
		if err := importers.Check(ctx, c.jobPos(&jobs[i])); err != nil {
			yield(nil, err)
			return true
		}
		return false
	}
	ordered.Map(ctx.Done(), len(jobs), workers, 4*workers, convert, stopped, func(i int, r result) bool {
		mem.give(r.weight)
		return c.deliver(&jobs[i], r, yield)
	})
}

// deliver reports a result's warnings and yields its sample or error; it returns whether
// the stream goes on.
func (c *converter) deliver(j *job, r result, yield func(*api.Sample, error) bool) bool {
	for _, w := range r.warnings {
		c.opts.Warn.Warn(w)
	}
	if w := c.uniqueName(j, r.sample); w != nil {
		c.opts.Warn.Warn(*w)
	}
	switch {
	case r.err != nil:
		yield(nil, r.err)
		return false
	case r.sample != nil:
		return yield(r.sample, nil)
	}
	return true
}

func (c *converter) jobPos(j *job) importers.Position {
	if j.id() != "" {
		return j.list.listed
	}
	return c.pos(j.xml)
}

// hasImageExt reports whether a file name ends in the extension of an image type the
// service takes (JPG, JPEG, PNG, BMP), in any case.
func hasImageExt(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".bmp":
		return true
	}
	return false
}

// findByStem looks for stem + one of imageExts in the images folder.
func findByStem(src *imagefile.Source, stem string) (string, bool) {
	for _, ext := range imageExts {
		if exists(src, stem+ext) {
			return stem + ext, true
		}
	}
	return "", false
}

// exists reports whether rel names an image candidate: anything but a folder, or a folder
// named like an image, so that a FIFO, a device or a folder "a.jpg" is found and then
// rejected by name (imagefile opens only regular files) rather than reported missing.
func exists(src *imagefile.Source, rel string) bool {
	fi, err := src.Stat(rel)
	return err == nil && (!fi.IsDir() || hasImageExt(rel))
}

// quoteList renders names for a message, at most a few.
func quoteList(names []string) string {
	names = slices.Compact(names)
	const most = 4
	more := ""
	if len(names) > most {
		more = fmt.Sprintf(" and %d more", len(names)-most)
		names = names[:most]
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ") + more
}

// relTo returns the path p (in fsys) relative to the input folder name.
func relTo(name, p string) string {
	if name == "." {
		return p
	}
	return strings.TrimPrefix(p, name+"/")
}
