// Package classfolder reads the platform's classification folder layouts, the code the
// imagefolder and soundfolder importers share: a tree of media files where the last folder
// level names the label ("imageNet 1.0", "audio classification dir 1.0"), or, for images,
// label files beside the media ("image classification 1.0": x.jpg with x.txt). It walks the
// tree in name order, one folder at a time (memory holds one folder's listing), and attaches
// each file inline (through imagefile's confinement and signature checks) or as an OBS path.
package classfolder

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strings"
	"unicode"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Media says what a layout's files are.
type Media struct {
	SampleType api.SampleType
	LabelType  api.LabelType
	// Exts are the lower-case extensions of the files taken (".jpg").
	Exts []string
	// Accept are the formats taken by signature when files are inlined.
	Accept []imagefile.Kind
	// Refuse words the rejection of a file whose extension is not in Exts (name is its
	// base name), and RefuseKind adds to a signature rejection (inline).
	Refuse     func(name string) string
	RefuseKind string
}

// Options control a read.
type Options struct {
	// Sidecar reads labels from x.txt beside x.jpg instead of from the folder names.
	Sidecar bool
	// OBSPrefix, when set, makes samples point at OBSPrefix + the file's path under the
	// root; the files are then only listed, never opened.
	OBSPrefix string
	// FollowLinks lets links inside the root lead to files outside it.
	FollowLinks bool
	// Base is put before paths in positions and Sample.Origin: a folder ("data" gives
	// "data/cat/1.jpg"), or an archive with a colon ("data.zip:" gives "data.zip:cat/1.jpg").
	Base string
	Warn importers.WarnFunc
	// Listed, when set, is told how many records each listed folder adds.
	Listed func(records int)
}

// MaxLabelFileBytes bounds a sidecar label file: one label per line, so a larger file is
// not a label file.
const MaxLabelFileBytes = 1 << 20

// maxDepth bounds the folder nesting walked.
const maxDepth = 64

// reader is one read.
type reader struct {
	fsys  fs.FS
	root  string
	media Media
	opts  Options
	src   imagefile.Source
	exts  map[string]bool
	named map[string]bool // label names already checked against the platform's rule
}

// Read streams the samples of the tree at root in fsys. Problems with a file are reported to
// opts.Warn as rejections; an unlistable root or a cancelled context ends the stream with an
// *importers.Error.
func Read(ctx context.Context, fsys fs.FS, root string, m Media, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		r := &reader{fsys: fsys, root: root, media: m, opts: opts, named: map[string]bool{}, exts: map[string]bool{}}
		for _, e := range m.Exts {
			r.exts[e] = true
		}
		r.src = imagefile.Source{FS: fsys, Dir: root, OBSPrefix: opts.OBSPrefix, FollowLinks: opts.FollowLinks, Accept: m.Accept}
		if err := importers.Check(ctx, r.pos(".")); err != nil {
			yield(nil, err)
			return
		}
		fi, err := fs.Stat(fsys, root)
		if err == nil && !fi.IsDir() {
			err = errors.New("not a folder")
		}
		if err != nil {
			yield(nil, &importers.Error{Pos: r.pos("."), Err: err})
			return
		}
		r.dir(ctx, ".", 0, yield)
	}
}

// display names a path under the root for messages.
func (r *reader) display(rel string) string {
	p := path.Join(r.root, rel)
	if r.opts.Base == "" {
		return p
	}
	if p == "." {
		return strings.TrimSuffix(r.opts.Base, ":")
	}
	if strings.HasSuffix(r.opts.Base, ":") { // an archive: "data.zip:cat/1.jpg"
		return r.opts.Base + p
	}
	return strings.TrimSuffix(r.opts.Base, "/") + "/" + p
}

func (r *reader) pos(rel string) importers.Position {
	return importers.Position{File: r.display(rel)}
}

func (r *reader) reject(rel, reason string) {
	r.opts.Warn.Warn(importers.Warning{Pos: r.pos(rel), Rejected: true, Reason: reason})
}

// dir reads the folder rel (under the root) and its subfolders in name order; it returns
// false when the stream ended.
func (r *reader) dir(ctx context.Context, rel string, depth int, yield func(*api.Sample, error) bool) bool {
	entries, err := fs.ReadDir(r.fsys, path.Join(r.root, rel))
	if err != nil {
		if rel == "." {
			yield(nil, &importers.Error{Pos: r.pos(rel), Err: err})
			return false
		}
		r.reject(rel, fmt.Sprintf("the folder cannot be listed: %v", err))
		return true
	}
	var stems map[string]bool  // stems of the media files (sidecar)
	var labels map[string]bool // stems of the label files (sidecar)
	files := 0
	for _, e := range entries {
		n := e.Name()
		if hidden(n) || e.IsDir() {
			continue
		}
		files++
		if !r.opts.Sidecar {
			continue
		}
		if stems == nil {
			stems, labels = map[string]bool{}, map[string]bool{}
		}
		ext := strings.ToLower(path.Ext(n))
		switch {
		case ext == ".txt":
			labels[strings.TrimSuffix(n, path.Ext(n))] = true
			files--
		case r.exts[ext]:
			stems[strings.TrimSuffix(n, path.Ext(n))] = true
		}
	}
	if r.opts.Listed != nil && files > 0 {
		r.opts.Listed(files)
	}
	for _, e := range entries {
		n := e.Name()
		if hidden(n) {
			continue
		}
		frel := path.Join(rel, n)
		if err := importers.Check(ctx, r.pos(frel)); err != nil {
			yield(nil, err)
			return false
		}
		if e.IsDir() {
			if depth+1 >= maxDepth {
				r.reject(frel, fmt.Sprintf("folders nested more than %d deep are not read", maxDepth))
				continue
			}
			if !r.dir(ctx, frel, depth+1, yield) {
				return false
			}
			continue
		}
		ext := strings.ToLower(path.Ext(n))
		stem := strings.TrimSuffix(n, path.Ext(n))
		if r.opts.Sidecar && ext == ".txt" {
			if !stems[stem] {
				r.reject(frel, fmt.Sprintf("a label file without a file to label: no %s%s beside it", stem, extList(r.media.Exts)))
			}
			continue
		}
		var sidecar string
		if r.opts.Sidecar && labels[stem] {
			sidecar = r.sidecarName(entries, stem)
		}
		s, ok := r.file(e, rel, frel, sidecar)
		if !ok {
			continue
		}
		if !yield(s, nil) {
			return false
		}
	}
	return true
}

// sidecarName finds the label file of stem among a folder's entries (x.txt, or x.TXT).
func (r *reader) sidecarName(entries []fs.DirEntry, stem string) string {
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && strings.EqualFold(path.Ext(n), ".txt") && strings.TrimSuffix(n, path.Ext(n)) == stem {
			return n
		}
	}
	return ""
}

// file converts one file; it reports rejections itself.
func (r *reader) file(e fs.DirEntry, dir, rel, sidecar string) (*api.Sample, bool) {
	n := e.Name()
	ext := strings.ToLower(path.Ext(n))
	if !r.exts[ext] {
		reason := r.media.Refuse(n)
		if ext == ".txt" && !r.opts.Sidecar && r.media.SampleType == api.SampleImage {
			reason += " (label files beside the images are the sidecar layout: option Layout sidecar)"
		}
		r.reject(rel, reason)
		return nil, false
	}
	if reason := r.kind(e, rel); reason != "" {
		r.reject(rel, reason)
		return nil, false
	}
	s := &api.Sample{Name: rel, SampleType: r.media.SampleType, Origin: r.display(rel)}
	if reason := api.CheckName(s.Name); reason != "" {
		r.reject(rel, fmt.Sprintf("the sample name %q %s", s.Name, reason))
		return nil, false
	}
	switch {
	case r.opts.Sidecar && sidecar != "":
		lrel := path.Join(dir, sidecar)
		data, err := r.src.ReadSmall(lrel, MaxLabelFileBytes)
		if err != nil {
			r.reject(rel, fmt.Sprintf("its label file cannot be read: %v", err))
			return nil, false
		}
		names, notes := ParseLabels(data)
		for _, nt := range notes {
			r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.display(lrel), Line: nt.Line}, Reason: nt.Reason})
		}
		if len(names) == 0 {
			r.opts.Warn.Warn(importers.Warning{Pos: r.pos(lrel), Reason: "the label file holds no label; the file is converted unlabeled"})
		}
		for _, nl := range names {
			r.label(s, nl.Name, importers.Position{File: r.display(lrel), Line: nl.Line})
		}
	case !r.opts.Sidecar && dir != ".":
		r.label(s, path.Base(dir), r.pos(dir))
	}
	if err := r.src.Attach(s, rel); err != nil {
		// The position names the file: the reason need not repeat it.
		p := r.src.Path(rel)
		reason := strings.TrimPrefix(strings.TrimPrefix(err.Error(), p+": "), p+" ")
		if errors.Is(err, imagefile.ErrNotAccepted) && r.media.RefuseKind != "" {
			reason = strings.TrimSuffix(reason, ": "+imagefile.ErrNotAccepted.Error()) + "; " + r.media.RefuseKind
		}
		r.reject(rel, reason)
		return nil, false
	}
	if vs := api.ValidateSample("sample", s); len(vs) > 0 {
		r.reject(rel, vs.Error())
		return nil, false
	}
	return s, true
}

// label adds a label to s, warning once per name that breaks the platform's rule.
func (r *reader) label(s *api.Sample, name string, at importers.Position) {
	s.Labels = append(s.Labels, api.SampleLabel{Name: name, Type: r.media.LabelType})
	if r.named[name] {
		return
	}
	r.named[name] = true
	if reason := CheckLabelName(name); reason != "" {
		r.opts.Warn.Warn(importers.Warning{Pos: at, Reason: fmt.Sprintf("the label name %q %s (this warning is given once per name)", name, reason)})
	}
}

// kind checks, from the listing, that a file is a regular file (or, for a link, that it
// leads to one): a named pipe, a device or a folder is refused. Inline reads check again
// when they open the file.
func (r *reader) kind(e fs.DirEntry, rel string) string {
	t := e.Type()
	switch {
	case t.IsRegular():
		return ""
	case t&fs.ModeSymlink != 0:
		if r.opts.OBSPrefix == "" {
			return "" // Attach opens it through the root's confinement
		}
		fi, err := fs.Stat(r.fsys, path.Join(r.root, rel))
		if err != nil {
			return fmt.Sprintf("a link that cannot be followed: %v", err)
		}
		if !fi.Mode().IsRegular() {
			return "a link to " + kindName(fi.Mode()) + ", not to a file"
		}
		return ""
	}
	return "is " + kindName(t) + ": only regular files are read"
}

func kindName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// hidden reports names skipped without a word: ".name" files and folders (.DS_Store,
// macOS "._x" forks, .git) are not part of a dataset.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// extList renders extensions for a message: ".{jpg,jpeg,png,bmp}".
func extList(exts []string) string {
	if len(exts) == 1 {
		return exts[0]
	}
	trimmed := make([]string, len(exts))
	for i, e := range exts {
		trimmed[i] = strings.TrimPrefix(e, ".")
	}
	return ".{" + strings.Join(trimmed, ",") + "}"
}

// CheckLabelName returns why a label name breaks the platform's rule for classification
// label names (letters, digits, '-' and '_'; letters of any script, Chinese among them), or
// "" when it keeps it.
func CheckLabelName(name string) string {
	if name == "" {
		return "is empty"
	}
	for _, c := range name {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || c == '-' || c == '_' {
			continue
		}
		return fmt.Sprintf("contains %q; the platform's label names hold only letters, digits, '-' and '_'", c)
	}
	return ""
}
