// Package yolo reads YOLO datasets — the platform's Darknet layout (obj.data, obj.names,
// train.txt/valid.txt listing images, a label file beside each image, as CVAT and the
// platform export it) and the Ultralytics layout (data.yaml with path, train, val, test and
// names; images/ and labels/ trees, as Ultralytics and Roboflow export it) — and turns each
// image into one sample with one object-detection label (type 1) per label row: a row
// `class xc yc w h` becomes a bndbox in pixels, a row with an even count of 6 or more
// coordinates after the class a polygon (Ultralytics segmentation).
//
// Pixels need the image's size: it is read from each image's header (internal/imagefile,
// which opens only regular files inside the dataset). The arithmetic is exact decimal: int64
// mantissas for the values YOLO tools write (up to 11 decimals, images up to 100,000 pixels a
// side), math/big beyond (the COCO importer's exact-decimal code only adds, and is internal to
// it); 0.1 of 640 pixels is 64, never 64.00000000000001. Every coordinate is
// written with at most Options.Precision decimals, rounded half away from zero, and clipped
// to the image (with a warning per clipped shape).
//
// Problems are reported with file:line: a row with a class index outside the names, a value
// outside [0,1] by more than 1e-6, a wrong count of values, or an unreadable number rejects
// the row's image (one rejection per bad row; the other images still convert); a label file
// with no image, an image that cannot be read, an image listed outside the dataset are
// rejections too.
//
// data.yaml is read by a small reader of the YAML subset the layout uses (ParseDataYAML),
// not by a YAML module: the files are a handful of top-level keys with scalars, lists and
// one-level maps; the reader gives positions in the file's own lines, refuses by line what
// it does not cover (anchors, tags, block scalars, nesting in the keys it reads) instead of
// guessing, and keeps the module free of a new direct dependency (go.yaml.in/yaml/v3 is only
// an indirect, test-time one through testify). Its tests check it against yaml/v3 on the
// layouts' real files.
package yolo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/internal/ordered"
)

// DefaultPrecision is the command's -precision: decimals kept in pixel coordinates.
const DefaultPrecision = 2

// MaxLabelBytes bounds one label file (a YOLO label file is a few hundred bytes; a dense
// segmentation file a few hundred KB); a larger one rejects its image.
const MaxLabelBytes = 16 << 20

// Options control a read. The zero value reads every subset with inline image data and
// whole-pixel coordinates (the command passes -precision, default 2).
type Options struct {
	// Subset is "train", "valid" (or "val") or "test"; "" reads every subset the dataset
	// names.
	Subset string

	// Precision is the most decimals a pixel coordinate keeps (0..20).
	Precision int

	// OBSPrefix (obs://bucket/dir/), when set, makes each sample point at OBSPrefix + the
	// image's path relative to the dataset root instead of inlining its bytes. The local
	// image is still read for its size.
	OBSPrefix string

	// FollowLinks lets a link in the dataset lead to an image outside it.
	FollowLinks bool

	// TextFS, when set, is the file system the configuration, lists and label files are
	// read through (the command gives an os.Root's, so that no link leads out of the
	// dataset); nil means the fsys given to Read. Its names must be fsys's.
	TextFS fs.FS

	// Base is put before file names in positions and Sample.Origin.
	Base string

	// Workers is how many images are converted at once; 0 means GOMAXPROCS.
	Workers int

	// Planned, when set, is told how many records the read will produce once they are
	// listed.
	Planned func(records int)

	Warn importers.WarnFunc
}

// Layout names.
const (
	LayoutDarknet     = "darknet"
	LayoutUltralytics = "ultralytics"
)

// item is one record to convert: an image, or a message in its place.
type item struct {
	image  string             // the image's path relative to the root
	label  string             // the label file's path in fsys; "" when there is none
	listed importers.Position // where the image was listed, when it was
	note   *importers.Warning // instead of an image: a warning or rejection to report
}

// dataset is a planned read.
type dataset struct {
	layout string
	root   string   // the dataset root in fsys; image paths are relative to it
	names  []string // class names by index
	items  []item
}

// Read converts the YOLO dataset at name in fsys: its root folder, or its obj.data or
// data.yaml file. The returned stream is single-use. Rejected images and rows are
// reported to opts.Warn; a fatal problem (no layout found, an unreadable configuration, a
// missing subset, ctx cancelled) is yielded once as (nil, *importers.Error) and ends the
// stream.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		c := &converter{fsys: fsys, text: opts.TextFS, opts: opts}
		if c.text == nil {
			c.text = fsys
		}
		if err := importers.Check(ctx, c.pos(name)); err != nil {
			yield(nil, err)
			return
		}
		if opts.Precision < 0 || opts.Precision > 20 {
			yield(nil, &importers.Error{Pos: c.pos(name), Err: fmt.Errorf("precision %d: 0..20 decimals", opts.Precision)})
			return
		}
		ds, err := c.plan(name)
		if err != nil {
			yield(nil, err)
			return
		}
		c.ds = ds
		c.run(ctx, yield)
	}
}

// converter holds what one read shares.
type converter struct {
	fsys, text fs.FS
	opts       Options
	ds         *dataset

	mu      sync.Mutex
	sources map[string]*imagefile.Source      // by image folder, relative to the root
	dirs    map[string]map[string]fs.FileMode // folder listings, by folder in fsys
}

// source returns the images source of the folder of the image at rel (relative to the
// root) and the image's name in it. Images are opened through their own folder's os.Root
// (one name component per open, the fewest system calls), so a link in a folder must stay
// in that folder unless FollowLinks.
func (c *converter) source(rel string) (*imagefile.Source, string) {
	dir, file := path.Split(rel)
	dir = strings.TrimSuffix(dir, "/")
	c.mu.Lock()
	defer c.mu.Unlock()
	if src, ok := c.sources[dir]; ok {
		return src, file
	}
	src := &imagefile.Source{FS: c.fsys, Dir: path.Join(c.ds.root, dir), FollowLinks: c.opts.FollowLinks}
	if c.opts.OBSPrefix != "" {
		src.OBSPrefix = c.opts.OBSPrefix
		if dir != "" {
			src.OBSPrefix = imagefile.OBSPath(c.opts.OBSPrefix, dir)
		}
	}
	if c.sources == nil {
		c.sources = map[string]*imagefile.Source{}
	}
	c.sources[dir] = src
	return src, file
}

// isFile reports whether name is a regular file (after links), from its folder's listing,
// read once per folder.
func (c *converter) isFile(name string) bool {
	dir, file := path.Split(name)
	dir = path.Clean(dir)
	c.mu.Lock()
	list, ok := c.dirs[dir]
	if !ok {
		list = map[string]fs.FileMode{}
		entries, _ := fs.ReadDir(c.fsys, dir)
		for _, e := range entries {
			list[e.Name()] = e.Type()
		}
		if c.dirs == nil {
			c.dirs = map[string]map[string]fs.FileMode{}
		}
		c.dirs[dir] = list
	}
	c.mu.Unlock()
	mode, ok := list[file]
	switch {
	case !ok:
		return false
	case mode&fs.ModeSymlink != 0:
		fi, err := fs.Stat(c.fsys, name)
		return err == nil && fi.Mode().IsRegular()
	}
	return mode.IsRegular()
}

func (c *converter) display(name string) string {
	switch {
	case c.opts.Base == "":
		return name
	case name == ".":
		return c.opts.Base
	case strings.HasSuffix(c.opts.Base, ":"):
		return c.opts.Base + name
	}
	return strings.TrimSuffix(c.opts.Base, "/") + "/" + name
}

func (c *converter) pos(name string) importers.Position {
	return importers.Position{File: c.display(name)}
}

func (c *converter) posLine(name string, line int) importers.Position {
	return importers.Position{File: c.display(name), Line: line}
}

func (c *converter) fatal(name string, line int, format string, args ...any) error {
	return &importers.Error{Pos: c.posLine(name, line), Err: fmt.Errorf(format, args...)}
}

// readText reads a configuration, list or label file: a regular file of at most limit
// bytes.
func (c *converter) readText(name string, limit int64) ([]byte, error) {
	fi, err := fs.Stat(c.text, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%d bytes: over the %d this reader takes", fi.Size(), limit)
	}
	f, err := c.text.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + 1)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("over the %d bytes this reader takes", limit)
	}
	return buf.Bytes(), nil
}

// readLabel reads a label file the plan found to be a regular file (it is opened without a
// second stat, and checked again once open): at most MaxLabelBytes.
func (c *converter) readLabel(name string) ([]byte, error) {
	f, err := c.text.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > MaxLabelBytes {
		return nil, fmt.Errorf("%d bytes: over the %d this reader takes", fi.Size(), MaxLabelBytes)
	}
	buf := make([]byte, 0, fi.Size()+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			if len(buf) > MaxLabelBytes {
				return nil, fmt.Errorf("over the %d bytes this reader takes", MaxLabelBytes)
			}
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// exists reports whether name is in the dataset (any kind of file), and whether it is a folder.
func (c *converter) exists(name string) (ok, dir bool) {
	fi, err := fs.Stat(c.fsys, name)
	if err != nil {
		return false, false
	}
	return true, fi.IsDir()
}

// serviceExts are the image types the service takes; otherExts are the other image types
// the YOLO tools read, rejected by name rather than ignored.
var (
	serviceExts = []string{".jpg", ".jpeg", ".png", ".bmp"}
	otherExts   = []string{".webp", ".tif", ".tiff", ".gif", ".dng", ".mpo", ".pfm", ".heic"}
)

func hasExt(name string, exts []string) bool {
	return slices.Contains(exts, strings.ToLower(path.Ext(name)))
}

// plan finds the layout and lists the records.
func (c *converter) plan(name string) (*dataset, error) {
	name = path.Clean(name)
	fi, err := fs.Stat(c.fsys, name)
	if err != nil {
		return nil, &importers.Error{Pos: c.pos(name), Err: err}
	}
	if !fi.IsDir() {
		switch ext := strings.ToLower(path.Ext(name)); {
		case ext == ".data":
			return c.planDarknet(path.Dir(name), name)
		case ext == ".yaml" || ext == ".yml":
			return c.planUltralytics(name)
		}
		return nil, c.fatal(name, 0, "not a YOLO dataset: give its folder, its obj.data or its data.yaml")
	}
	if ok, dir := c.exists(path.Join(name, "obj.data")); ok && !dir {
		return c.planDarknet(name, path.Join(name, "obj.data"))
	}
	if y := c.findYAML(name); y != "" {
		return c.planUltralytics(y)
	}
	if ok, dir := c.exists(path.Join(name, "obj.names")); ok && !dir {
		return c.planDarknet(name, "")
	}
	return nil, c.fatal(name, 0, "not a YOLO dataset: no obj.data, obj.names or data.yaml here")
}

// yamlNames are the names data.yaml goes by, in the order they are looked for.
var yamlNames = []string{"data.yaml", "data.yml", "dataset.yaml", "dataset.yml"}

// findYAML returns the dataset's YAML file in dir: one of yamlNames, else the only *.yaml
// or *.yml file there.
func (c *converter) findYAML(dir string) string {
	for _, n := range yamlNames {
		if ok, isDir := c.exists(path.Join(dir, n)); ok && !isDir {
			return path.Join(dir, n)
		}
	}
	entries, err := fs.ReadDir(c.fsys, dir)
	if err != nil {
		return ""
	}
	found := ""
	for _, e := range entries {
		if n := strings.ToLower(e.Name()); !e.IsDir() && !strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml")) {
			if found != "" {
				return ""
			}
			found = path.Join(dir, e.Name())
		}
	}
	return found
}

// subsetWanted reports whether the subset (train, valid, test) is read.
func (c *converter) subsetWanted(s string) bool {
	want := c.opts.Subset
	if want == "val" {
		want = "valid"
	}
	return want == "" || want == s
}

// resolved is a path of the dataset found for a path its configuration gives.
type resolved struct {
	path    string // in fsys
	dir     bool
	note    string // how it was found, when not as written
	found   bool
	outside bool // not found, and the path as written leads out of the dataset
}

// resolve finds the file or folder a configuration names, relative to base (in fsys). As
// written first; then, for the paths exporters write for another working folder, without
// leading "../" (Roboflow's `train: ../train/images`) or "data/" (Darknet's and CVAT's
// `data/obj.names`). A path that stays outside the dataset is not found.
func (c *converter) resolve(base, p string) (res resolved) {
	p = strings.ReplaceAll(strings.TrimSpace(p), `\`, "/")
	if p == "" || path.IsAbs(p) || len(p) >= 2 && p[1] == ':' {
		return resolved{outside: p != ""}
	}
	try := func(q string) (resolved, bool) {
		j := path.Join(base, q)
		if j == ".." || strings.HasPrefix(j, "../") || !fs.ValidPath(j) {
			return resolved{}, false
		}
		if ok, dir := c.exists(j); ok {
			return resolved{path: j, dir: dir, found: true}, true
		}
		return resolved{}, false
	}
	if r, ok := try(p); ok {
		return r
	}
	if j := path.Join(base, p); j == ".." || strings.HasPrefix(j, "../") {
		defer func() { res.outside = !res.found }()
	}
	alt := path.Clean(p)
	for strings.HasPrefix(alt, "../") {
		alt = strings.TrimPrefix(alt, "../")
	}
	alt = strings.TrimPrefix(alt, "./")
	for _, q := range []string{alt, strings.TrimPrefix(alt, "data/")} {
		if q != "" && q != p && q != "." {
			if r, ok := try(q); ok {
				r.note = fmt.Sprintf("%q is read as %q in the dataset", p, q)
				return r
			}
		}
	}
	return resolved{}
}

// rel returns a path of fsys relative to the dataset root.
func rel(root, p string) string {
	if root == "." {
		return p
	}
	return strings.TrimPrefix(p, root+"/")
}

// splitLines splits a text file into lines (LF or CRLF), without a BOM.
func splitLines(data []byte) []string {
	s := strings.TrimPrefix(string(data), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}

// readNames reads obj.names: one name per line; trailing blank lines are dropped, a blank
// line among the names keeps its index (a row of that class is rejected).
func (c *converter) readNames(name string) ([]string, error) {
	data, err := c.readText(name, MaxLabelBytes)
	if err != nil {
		return nil, c.fatal(name, 0, "%v", err)
	}
	lines := splitLines(data)
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	names := make([]string, len(lines))
	for i, l := range lines {
		names[i] = strings.TrimSpace(l)
	}
	return names, nil
}

// listSource is one list of images (a Darknet train.txt, an Ultralytics list file) or
// folder of images (Ultralytics).
type listSource struct {
	subset string
	path   string // in fsys
	dir    bool
	from   importers.Position // where the configuration names it
}

// planDarknet plans the Darknet layout at root, from its obj.data (cfg; "" when there is
// only obj.names, train.txt and valid.txt).
func (c *converter) planDarknet(root, cfg string) (*dataset, error) {
	ds := &dataset{layout: LayoutDarknet, root: root}
	var notes []item
	keys := map[string]string{}
	lines := map[string]int{}
	if cfg != "" {
		data, err := c.readText(cfg, 1<<20)
		if err != nil {
			return nil, c.fatal(cfg, 0, "%v", err)
		}
		for i, l := range splitLines(data) {
			if j := strings.IndexByte(l, '#'); j >= 0 {
				l = l[:j]
			}
			if strings.TrimSpace(l) == "" {
				continue
			}
			k, v, ok := strings.Cut(l, "=")
			if !ok {
				return nil, c.fatal(cfg, i+1, "expected `key = value`, found %q", strings.TrimSpace(l))
			}
			k = strings.ToLower(strings.TrimSpace(k))
			if _, dup := keys[k]; dup {
				return nil, c.fatal(cfg, i+1, "%s is given twice (first on line %d)", k, lines[k])
			}
			keys[k], lines[k] = strings.TrimSpace(v), i+1
		}
	} else {
		keys["names"] = "obj.names"
		for _, s := range []string{"train", "valid", "test"} {
			if ok, dir := c.exists(path.Join(root, s+".txt")); ok && !dir {
				keys[s] = s + ".txt"
			}
		}
	}
	cfgPos := func(k string) importers.Position {
		if cfg == "" {
			return c.pos(root)
		}
		return c.posLine(cfg, lines[k])
	}
	note := func(pos importers.Position, rejected bool, format string, args ...any) {
		notes = append(notes, item{note: &importers.Warning{Pos: pos, Rejected: rejected, Reason: fmt.Sprintf(format, args...)}})
	}
	namesFile := keys["names"]
	if namesFile == "" {
		namesFile = "obj.names"
	}
	r := c.resolve(root, namesFile)
	if !r.found || r.dir {
		return nil, &importers.Error{Pos: cfgPos("names"), Err: fmt.Errorf("names file %q not found", namesFile)}
	}
	if r.note != "" {
		note(cfgPos("names"), false, "names: %s", r.note)
	}
	names, err := c.readNames(r.path)
	if err != nil {
		return nil, err
	}
	ds.names = names
	if v, ok := keys["classes"]; ok && v != fmt.Sprint(len(names)) {
		note(cfgPos("classes"), false, "classes = %s, but %s has %d names; the names count", v, c.display(r.path), len(names))
	}
	var lists []listSource
	for _, s := range []string{"train", "valid", "test"} {
		v, ok := keys[s]
		if !ok || v == "" || !c.subsetWanted(s) {
			continue
		}
		r := c.resolve(root, v)
		if !r.found || r.dir {
			return nil, &importers.Error{Pos: cfgPos(s), Err: fmt.Errorf("%s list %q not found", s, v)}
		}
		if r.note != "" {
			note(cfgPos(s), false, "%s: %s", s, r.note)
		}
		lists = append(lists, listSource{subset: s, path: r.path, from: cfgPos(s)})
	}
	if len(lists) == 0 {
		if c.opts.Subset != "" {
			return nil, &importers.Error{Pos: c.pos(root), Err: fmt.Errorf("subset %q: the dataset has no such list (%s)", c.opts.Subset, c.subsetsOf(keys))}
		}
		return nil, &importers.Error{Pos: c.pos(root), Err: errors.New("the dataset lists no images: no train or valid list")}
	}
	items, err := c.listItems(ds, lists, func(img string) string { return besideLabel(img) })
	if err != nil {
		return nil, err
	}
	ds.items = append(notes, items...)
	return ds, nil
}

func (c *converter) subsetsOf(keys map[string]string) string {
	var have []string
	for _, s := range []string{"train", "valid", "test"} {
		if keys[s] != "" {
			have = append(have, s)
		}
	}
	if len(have) == 0 {
		return "it has none"
	}
	return "it has " + strings.Join(have, ", ")
}

// besideLabel is the Darknet label file of an image: the same path with .txt.
func besideLabel(img string) string {
	return strings.TrimSuffix(img, path.Ext(img)) + ".txt"
}

// ultralyticsLabel is the Ultralytics label file of an image: the last /images/ of its
// path replaced by /labels/, the extension by .txt (Ultralytics' img2label_paths); an
// image with no images/ folder in its path has its label beside it.
func ultralyticsLabel(img string) string {
	p := "/" + img
	if i := strings.LastIndex(p, "/images/"); i >= 0 {
		p = p[:i] + "/labels/" + p[i+len("/images/"):]
	}
	return besideLabel(p[1:])
}

// imageOfLabel inverts ultralyticsLabel's folder part for a label file's folder.
func imagesDirOfLabels(dir string) string {
	p := "/" + dir + "/"
	if i := strings.LastIndex(p, "/labels/"); i >= 0 {
		p = p[:i] + "/images/" + p[i+len("/labels/"):]
	}
	return strings.Trim(p, "/")
}

// planUltralytics plans the Ultralytics layout of the data.yaml at cfg.
func (c *converter) planUltralytics(cfg string) (*dataset, error) {
	data, err := c.readText(cfg, 1<<20)
	if err != nil {
		return nil, c.fatal(cfg, 0, "%v", err)
	}
	y, err := ParseDataYAML(data)
	if err != nil {
		var ye *YAMLError
		if errors.As(err, &ye) {
			return nil, c.fatal(cfg, ye.Line, "%s", ye.Msg)
		}
		return nil, c.fatal(cfg, 0, "%v", err)
	}
	dir := path.Dir(cfg)
	ds := &dataset{layout: LayoutUltralytics, root: dir, names: y.Names}
	var notes []item
	note := func(line int, rejected bool, format string, args ...any) {
		notes = append(notes, item{note: &importers.Warning{Pos: c.posLine(cfg, line), Rejected: rejected, Reason: fmt.Sprintf(format, args...)}})
	}
	if y.Path != "" {
		r := c.resolve(dir, y.Path)
		switch {
		case r.found && r.dir:
			ds.root = r.path
			if r.note != "" {
				note(y.Lines["path"], false, "path: %s", r.note)
			}
		default:
			note(y.Lines["path"], false, "path %q is not a folder of the dataset; train, val and test are read from the folder of %s", y.Path, path.Base(cfg))
		}
	}
	if len(ds.names) == 0 {
		if y.NC <= 0 {
			return nil, c.fatal(cfg, 0, "no names (and no nc): the classes are unknown")
		}
		ds.names = make([]string, y.NC)
		for i := range ds.names {
			ds.names[i] = fmt.Sprintf("class_%d", i)
		}
		note(y.Lines["nc"], false, "no names: the %d classes are named class_0..class_%d", y.NC, y.NC-1)
	} else if y.NC >= 0 && y.NC != len(ds.names) {
		note(y.Lines["nc"], false, "nc is %d, but there are %d names; the names count", y.NC, len(ds.names))
	}
	var lists []listSource
	for _, s := range []struct {
		name, key string
		entries   []Entry
	}{{"train", "train", y.Train}, {"valid", "val", y.Val}, {"test", "test", y.Test}} {
		if !c.subsetWanted(s.name) {
			continue
		}
		for _, e := range s.entries {
			r := c.resolve(ds.root, e.Path)
			if !r.found {
				note(e.Line, false, "%s: %q is neither a folder nor a list file of the dataset: no images read from it", s.key, e.Path)
				continue
			}
			if r.note != "" {
				note(e.Line, false, "%s: %s", s.key, r.note)
			}
			lists = append(lists, listSource{subset: s.name, path: r.path, dir: r.dir, from: c.posLine(cfg, e.Line)})
		}
	}
	if len(lists) == 0 {
		what := "no train, val or test"
		if c.opts.Subset != "" {
			what = "no " + c.opts.Subset
		}
		var why []string
		for _, n := range notes {
			why = append(why, n.note.Pos.String()+": "+n.note.Reason)
		}
		if len(why) > 0 {
			return nil, c.fatal(cfg, 0, "%s images found in the dataset (%s)", what, strings.Join(why, "; "))
		}
		return nil, c.fatal(cfg, 0, "%s: the dataset lists no images", what)
	}
	items, err := c.listItems(ds, lists, ultralyticsLabel)
	if err != nil {
		return nil, err
	}
	ds.items = append(notes, items...)
	return ds, nil
}

// listItems turns the lists and folders into items, then looks for label files that have
// no image in the label folders they use.
func (c *converter) listItems(ds *dataset, lists []listSource, labelOf func(string) string) ([]item, error) {
	var items []item
	seen := map[string]importers.Position{} // images, by path in fsys
	add := func(img string, pos importers.Position) {
		if first, dup := seen[img]; dup {
			items = append(items, item{note: &importers.Warning{Pos: pos, Reason: fmt.Sprintf("%s is listed again (first at %s); converted once", img, first)}})
			return
		}
		seen[img] = pos
		if ds.root != "." && !strings.HasPrefix(img, ds.root+"/") {
			items = append(items, item{note: &importers.Warning{Pos: pos, Rejected: true, Reason: fmt.Sprintf("%s is outside the dataset root %s", img, ds.root)}})
			return
		}
		it := item{image: rel(ds.root, img), listed: pos}
		lp := labelOf(img)
		if c.isFile(lp) {
			it.label = lp
		}
		items = append(items, it)
	}
	for _, l := range lists {
		if l.dir {
			err := fs.WalkDir(c.fsys, l.path, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				n := d.Name()
				if strings.HasPrefix(n, ".") && p != l.path {
					if d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				switch {
				case d.IsDir():
				case hasExt(n, serviceExts):
					add(p, c.pos(p))
				case hasExt(n, otherExts):
					items = append(items, item{note: &importers.Warning{Pos: c.pos(p), Rejected: true, Reason: "the service takes JPG, JPEG, PNG and BMP images only"}})
				}
				return nil
			})
			if err != nil {
				return nil, &importers.Error{Pos: c.pos(l.path), Err: err}
			}
			continue
		}
		data, err := c.readText(l.path, 256<<20)
		if err != nil {
			return nil, &importers.Error{Pos: c.pos(l.path), Err: err}
		}
		for i, line := range splitLines(data) {
			t := strings.TrimSpace(line)
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			pos := c.posLine(l.path, i+1)
			base := ds.root
			if strings.HasPrefix(t, "./") {
				base = path.Dir(l.path) // Ultralytics reads ./x relative to the list
			}
			r := c.resolve(base, t)
			if !r.found || r.dir {
				reason := fmt.Sprintf("%s: image file not found", t)
				switch {
				case r.dir:
					reason = fmt.Sprintf("%s is a folder, not an image", t)
				case r.outside:
					reason = fmt.Sprintf("%s points outside the dataset: only images inside it are read (list paths relative to the dataset folder)", t)
				}
				items = append(items, item{note: &importers.Warning{Pos: pos, Rejected: true, Reason: reason}})
				continue
			}
			if !hasExt(r.path, serviceExts) && hasExt(r.path, otherExts) {
				items = append(items, item{note: &importers.Warning{Pos: pos, Rejected: true, Reason: r.path + ": the service takes JPG, JPEG, PNG and BMP images only"}})
				continue
			}
			add(r.path, pos)
		}
	}
	// The label folders of image folders are looked at even when they hold no image.
	var labelDirs []string
	for _, l := range lists {
		if !l.dir {
			continue
		}
		if ld := path.Dir(labelOf(path.Join(l.path, "x.jpg"))); ld != l.path {
			fs.WalkDir(c.fsys, ld, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					labelDirs = append(labelDirs, p)
				}
				return nil
			})
		}
	}
	items = append(items, c.orphans(ds, seen, labelDirs, labelOf)...)
	return items, nil
}

// orphans reports the label files, in the folders the read uses for labels, that belong to
// no image read: a rejection when no image of that name exists, and, when every subset is
// read, when the image exists but no list names it.
func (c *converter) orphans(ds *dataset, seen map[string]importers.Position, labelDirs []string, labelOf func(string) string) []item {
	used := map[string]bool{}
	dirs := map[string]bool{}
	for _, d := range labelDirs {
		dirs[d] = true
	}
	for img := range seen {
		lp := labelOf(img)
		used[lp] = true
		dirs[path.Dir(lp)] = true
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	slices.Sort(sorted)
	var out []item
	for _, d := range sorted {
		entries, err := fs.ReadDir(c.fsys, d)
		if err != nil {
			continue
		}
		for _, e := range entries {
			n := e.Name()
			lp := path.Join(d, n)
			if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(path.Ext(n), ".txt") || used[lp] || n == "classes.txt" {
				continue
			}
			if ds.layout == LayoutDarknet && ds.isList(c, lp) {
				continue
			}
			stem := strings.TrimSuffix(n, path.Ext(n))
			imgDir := d
			if ds.layout == LayoutUltralytics {
				imgDir = imagesDirOfLabels(d)
			}
			found := ""
			for _, ext := range append(append([]string{}, serviceExts...), otherExts...) {
				for _, e := range []string{ext, strings.ToUpper(ext)} {
					if ok, dir := c.exists(path.Join(imgDir, stem+e)); ok && !dir {
						found = path.Join(imgDir, stem+e)
						break
					}
				}
				if found != "" {
					break
				}
			}
			switch {
			case found == "":
				out = append(out, item{note: &importers.Warning{Pos: c.pos(lp), Rejected: true, Reason: "a label file with no image"}})
			case c.opts.Subset == "" && hasExt(found, serviceExts):
				if _, read := seen[found]; !read {
					out = append(out, item{note: &importers.Warning{Pos: c.pos(lp), Rejected: true, Reason: fmt.Sprintf("its image %s is in no list of the dataset; not converted", rel(ds.root, found))}})
				}
			}
		}
	}
	return out
}

// isList reports whether a .txt file is one of the Darknet lists or the names file at the
// root (they sit beside the label folders when the images are at the root).
func (ds *dataset) isList(c *converter, p string) bool {
	n := path.Base(p)
	return path.Dir(p) == ds.root && (n == "train.txt" || n == "valid.txt" || n == "test.txt" || n == "obj.names")
}

// result is what converting one item produced.
type result struct {
	sample   *api.Sample
	warnings []importers.Warning
}

// run converts the items in parallel and yields their samples in the items' order; workers
// never call Warn (warnings travel with the results).
func (c *converter) run(ctx context.Context, yield func(*api.Sample, error) bool) {
	items := c.ds.items
	if c.opts.Planned != nil {
		c.opts.Planned(len(items))
	}
	workers := c.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	stopped := func(i int) bool {
		if err := importers.Check(ctx, c.itemPos(&items[i])); err != nil {
			yield(nil, err)
			return true
		}
		return false
	}
	ordered.Map(ctx.Done(), len(items), workers, 8*workers,
		func(i int, _ <-chan struct{}) result { return c.convert(&items[i]) },
		stopped,
		func(_ int, r result) bool {
			for _, w := range r.warnings {
				c.opts.Warn.Warn(w)
			}
			return r.sample == nil || yield(r.sample, nil)
		})
}

func (c *converter) itemPos(it *item) importers.Position {
	if it.note != nil {
		return it.note.Pos
	}
	return it.listed
}

// convert turns one item into its sample, or its rejections.
func (c *converter) convert(it *item) result {
	if it.note != nil {
		return result{warnings: []importers.Warning{*it.note}}
	}
	var r result
	reject := func(pos importers.Position, reason string) {
		r.warnings = append(r.warnings, importers.Warning{Pos: pos, Rejected: true, Reason: reason})
	}
	src, file := c.source(it.image)
	size, err := src.ReadSize(file)
	if err != nil {
		reject(it.listed, err.Error())
		return r
	}
	if size.Width <= 0 || size.Height <= 0 {
		reject(it.listed, fmt.Sprintf("%s: the header gives size %dx%d", src.Path(file), size.Width, size.Height))
		return r
	}
	s := &api.Sample{Name: it.image, SampleType: api.SampleImage, Origin: c.display(src.Path(file))}
	bad := false
	if it.label != "" {
		s.Origin = c.display(it.label)
		data, err := c.readLabel(it.label)
		if err != nil {
			reject(c.pos(it.label), err.Error())
			return r
		}
		for i, line := range splitLines(data) {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			pos := c.posLine(it.label, i+1)
			row, err := ParseRow(fields, len(c.ds.names))
			if err == nil && c.ds.names[row.Class] == "" {
				err = fmt.Errorf("%w: class %d has an empty name", ErrClass, row.Class)
			}
			var shape api.Shape
			var feature api.Feature
			clipped := false
			if err == nil {
				shape, feature, clipped, err = row.Shape(size.Width, size.Height, c.opts.Precision)
			}
			if err != nil {
				reject(pos, fmt.Sprintf("%v; %s is not converted", err, it.image))
				bad = true
				continue
			}
			if clipped {
				r.warnings = append(r.warnings, importers.Warning{Pos: pos, Reason: fmt.Sprintf("%s clipped to the %dx%d image", shape, size.Width, size.Height)})
			}
			p := api.Property{}
			p.SetShape(shape, feature)
			s.Labels = append(s.Labels, api.SampleLabel{Name: c.ds.names[row.Class], Type: api.LabelObjectDetection, Property: p})
		}
	}
	if bad {
		return r
	}
	if err := src.Attach(s, file); err != nil {
		reject(it.listed, err.Error())
		return r
	}
	s.Metadata = api.Metadata{}
	s.Metadata.SetSize(size.Width, size.Height, size.Depth)
	r.sample = s
	return r
}
