// Package archive reads the archives people export datasets in (.zip, .tar, .tar.gz/.tgz,
// and a single .gz file) as read-only file systems, so that every importer reads a dataset
// inside an archive as it reads a folder, images included.
//
// A zip is read in place (its central directory is the index). A plain tar is indexed once
// (name, offset, size per member) and read through section readers. A gzip-compressed tar
// cannot be read at random, so it is decompressed once into a temporary file, which Close
// removes; memory stays bounded whatever the archive's size. A .gz that is not a tar holds
// one file, named as the archive without ".gz".
//
// Archives come from elsewhere, so nothing in them is trusted:
//   - a member whose path escapes (`../`, an absolute path, a backslash), a link member (a
//     symbolic or hard link), a device, a FIFO and a nested archive are left out of the file
//     system and reported by [FS.Problems];
//   - a member that expands past [Options.MaxRatio] times its compressed size (members of up
//     to [MinExpansionFloor] bytes are always allowed), or an image member past
//     [api.MaxSampleBytes], stays listed, but opening or reading it fails with the reason;
//   - a truncated or corrupt archive is an error naming it.
//
// Nothing is ever written outside the temporary file this package creates.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/modelarts-convert/convert/api"
)

// Kind is an archive format, told by the file's name.
type Kind int

// The archive kinds.
const (
	None  Kind = iota // not an archive
	Zip               // .zip
	Tar               // .tar
	TarGz             // .tar.gz, .tgz
	Gz                // .gz (one compressed file)
)

func (k Kind) String() string {
	switch k {
	case Zip:
		return "zip"
	case Tar:
		return "tar"
	case TarGz:
		return "tar.gz"
	case Gz:
		return "gz"
	}
	return "none"
}

// KindOf tells an archive's kind by its name, ignoring letter case.
func KindOf(name string) Kind {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".zip"):
		return Zip
	case strings.HasSuffix(n, ".tar"):
		return Tar
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return TarGz
	case strings.HasSuffix(n, ".gz"):
		return Gz
	}
	return None
}

// DefaultMaxRatio is how many times its compressed size a member may expand to.
const DefaultMaxRatio = 100

// MinExpansionFloor is the size up to which a member is never called a bomb: small text
// files (XML with long runs of indentation, say) compress far better than 100:1.
const MinExpansionFloor = 1 << 20

// Options tune Open. The zero value is ready to use.
type Options struct {
	// MaxRatio bounds expansion (default DefaultMaxRatio).
	MaxRatio int64
	// MaxImageBytes bounds an image member (by extension; default api.MaxSampleBytes).
	MaxImageBytes int64
	// TempDir is where a .tar.gz is decompressed (default os.TempDir()).
	TempDir string
}

func (o *Options) defaults() {
	if o.MaxRatio <= 0 {
		o.MaxRatio = DefaultMaxRatio
	}
	if o.MaxImageBytes <= 0 {
		o.MaxImageBytes = api.MaxSampleBytes
	}
}

// Problem is a member left out of the file system, or one that cannot be read, and why.
type Problem struct {
	Member string
	Reason string
}

func (p Problem) String() string { return p.Member + ": " + p.Reason }

// Error is a fatal problem with the archive as a whole (truncated, corrupt, unreadable).
type Error struct {
	Archive string
	Err     error
}

func (e *Error) Error() string { return e.Archive + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrTooLarge is wrapped by the errors of members that expand too far.
var ErrTooLarge = errors.New("expands too far")

// member is one regular file of the archive.
type member struct {
	name    string
	size    int64 // uncompressed size as the archive declares it (-1: unknown until read)
	limit   int64 // bytes that may be read before the member counts as a bomb
	refuse  string
	imgCap  bool // the image limit, not the expansion ratio, bounds the member
	modTime time.Time
	open    func() (io.ReadCloser, error)
}

// FS is an opened archive. It implements fs.FS, fs.ReadDirFS and fs.StatFS, and must be
// closed.
type FS struct {
	name     string
	files    map[string]*member
	dirs     map[string]map[string]bool // folder -> child base names
	problems []Problem
	closers  []func() error
	ratio    int64 // Options.MaxRatio, for messages
}

// Name is the archive's path as given to Open, for messages (`export.zip:Annotations/a.xml`).
func (f *FS) Name() string { return f.name }

// Problems lists the members left out or unreadable, in archive order.
func (f *FS) Problems() []Problem { return f.problems }

// Close releases the archive and removes any temporary file.
func (f *FS) Close() error {
	var first error
	for i := len(f.closers) - 1; i >= 0; i-- {
		if err := f.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	f.closers = nil
	return first
}

// Open opens the archive at p; its kind comes from its name (see KindOf).
func Open(p string, opts Options) (*FS, error) {
	opts.defaults()
	fsys := &FS{name: p, files: map[string]*member{}, dirs: map[string]map[string]bool{".": {}}, ratio: opts.MaxRatio}
	var err error
	switch KindOf(p) {
	case Zip:
		err = fsys.openZip(p, opts)
	case Tar:
		err = fsys.openTarFile(p, opts)
	case TarGz:
		err = fsys.openTarGz(p, opts)
	case Gz:
		err = fsys.openGz(p, opts)
	default:
		err = errors.New("not an archive (.zip, .tar, .tar.gz, .tgz or .gz)")
	}
	if err != nil {
		fsys.Close()
		var ae *Error
		if errors.As(err, &ae) {
			return nil, err
		}
		return nil, &Error{Archive: p, Err: err}
	}
	return fsys, nil
}

// clean checks a member's path and returns it as an fs.FS name, or the reason to leave it out.
func clean(raw string) (string, string) {
	if strings.Contains(raw, `\`) {
		return "", "a path with a backslash"
	}
	if strings.HasPrefix(raw, "/") {
		return "", "an absolute path"
	}
	n := strings.TrimSuffix(raw, "/")
	for strings.HasPrefix(n, "./") {
		n = n[2:]
	}
	if n == "" || n == "." {
		return ".", ""
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", "a path that escapes the archive (..)"
		}
	}
	n = path.Clean(n)
	if !fs.ValidPath(n) {
		return "", "an invalid path"
	}
	return n, ""
}

func isImageName(n string) bool {
	switch strings.ToLower(path.Ext(n)) {
	case ".jpg", ".jpeg", ".png", ".bmp", ".gif":
		return true
	}
	return false
}

func (f *FS) problem(member, reason string) {
	f.problems = append(f.problems, Problem{Member: member, Reason: reason})
}

func (f *FS) addDir(name string) {
	for name != "." {
		parent := path.Dir(name)
		kids := f.dirs[parent]
		if kids == nil {
			kids = map[string]bool{}
			f.dirs[parent] = kids
		}
		kids[path.Base(name)] = true
		if f.dirs[name] == nil {
			f.dirs[name] = map[string]bool{}
		}
		name = parent
	}
}

// add records a regular file member, with the limits that apply to it.
func (f *FS) add(raw string, m *member, compressed int64, opts Options) {
	name, why := clean(raw)
	switch {
	case why != "":
		f.problem(raw, "left out: "+why)
		return
	case name == ".":
		return
	case KindOf(name) != None:
		f.problem(name, "left out: a nested archive (extract it, or give it as an input of its own)")
		return
	}
	if _, dup := f.files[name]; dup || f.dirs[name] != nil {
		f.problem(name, "left out: the archive holds this path twice")
		return
	}
	m.name = name
	m.limit = max(compressed*opts.MaxRatio, MinExpansionFloor)
	if compressed < 0 { // stored uncompressed: what is declared is what is read
		m.limit = m.size
	}
	if isImageName(name) && opts.MaxImageBytes < m.limit {
		m.limit, m.imgCap = opts.MaxImageBytes, true
	}
	if m.size > m.limit {
		m.refuse = f.tooLarge(m)
		f.problem(name, m.refuse)
	}
	f.files[name] = m
	f.addDir(path.Dir(name))
	kids := f.dirs[path.Dir(name)]
	kids[path.Base(name)] = true
}

func (f *FS) tooLarge(m *member) string {
	if m.imgCap {
		return fmt.Sprintf("an image that expands past %d bytes (the service's sample limit)", m.limit)
	}
	return fmt.Sprintf("expands past %d bytes, more than %d times its compressed size (a zip bomb?)", m.limit, f.ratio)
}

// keep opens the archive at p for the life of f, with its size.
func (f *FS) keep(p string) (*os.File, int64, error) {
	file, err := os.Open(p)
	if err != nil {
		return nil, 0, err
	}
	f.closers = append(f.closers, file.Close)
	fi, err := file.Stat()
	if err != nil {
		return nil, 0, err
	}
	return file, fi.Size(), nil
}

func (f *FS) openZip(p string, opts Options) error {
	file, size, err := f.keep(p)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(file, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("not a readable zip archive (truncated or corrupt?): %w", err)
	}
	for _, zf := range zr.File {
		mode := zf.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			f.problem(zf.Name, "left out: a link member")
			continue
		case mode.IsDir() || strings.HasSuffix(zf.Name, "/"):
			if n, why := clean(zf.Name); why != "" {
				f.problem(zf.Name, "left out: "+why)
			} else {
				f.addDir(n)
			}
			continue
		case !mode.IsRegular():
			f.problem(zf.Name, "left out: not a regular file ("+mode.Type().String()+")")
			continue
		}
		zf := zf
		compressed := int64(zf.CompressedSize64)
		if zf.Method == zip.Store {
			compressed = -1
		}
		f.add(zf.Name, &member{
			size:    int64(zf.UncompressedSize64),
			modTime: zf.Modified,
			open:    func() (io.ReadCloser, error) { return zf.Open() },
		}, compressed, opts)
	}
	return nil
}

// countingReader counts the bytes read through it, so that tar member offsets are known.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (f *FS) openTarFile(p string, opts Options) error {
	file, err := os.Open(p)
	if err != nil {
		return err
	}
	f.closers = append(f.closers, file.Close)
	return f.indexTar(file, opts)
}

// indexTar lists a tar's members with their offsets.
func (f *FS) indexTar(file *os.File, opts Options) error {
	cr := &countingReader{r: file}
	tr := tar.NewReader(cr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a readable tar archive (truncated or corrupt?): %w", err)
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
		case tar.TypeDir:
			if n, why := clean(h.Name); why != "" {
				f.problem(h.Name, "left out: "+why)
			} else {
				f.addDir(n)
			}
			continue
		case tar.TypeSymlink, tar.TypeLink:
			f.problem(h.Name, "left out: a link member")
			continue
		case tar.TypeXGlobalHeader:
			continue
		default:
			f.problem(h.Name, fmt.Sprintf("left out: not a regular file (tar type %q)", h.Typeflag))
			continue
		}
		off, size := cr.n, h.Size
		// A member of a plain tar is stored: the declared size is what is read. In a
		// decompressed tar.gz the whole archive was already bounded while spilling, so the
		// member needs no ratio of its own (tar has no per-member compressed size); images
		// are still bounded.
		f.add(h.Name, &member{
			size:    size,
			modTime: h.ModTime,
			open: func() (io.ReadCloser, error) {
				return io.NopCloser(io.NewSectionReader(file, off, size)), nil
			},
		}, -1, opts)
	}
}

func (f *FS) openTarGz(p string, opts Options) error {
	src, err := os.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bufio.NewReader(src))
	if err != nil {
		return fmt.Errorf("not a readable gzip file (truncated or corrupt?): %w", err)
	}
	tmp, err := os.CreateTemp(opts.TempDir, "convert-archive-*.tar")
	if err != nil {
		return err
	}
	// Nameless from the start where the system allows it, so that a run killed before the
	// end leaves no file behind; elsewhere (Windows) it is removed when the archive closes.
	named := os.Remove(tmp.Name()) != nil
	f.closers = append(f.closers, func() error {
		err := tmp.Close()
		if named {
			return os.Remove(tmp.Name())
		}
		return err
	})
	limit := max(fi.Size()*opts.MaxRatio, MinExpansionFloor)
	n, err := io.Copy(tmp, io.LimitReader(zr, limit+1))
	if err != nil {
		return fmt.Errorf("not a readable gzip file (truncated or corrupt?): %w", err)
	}
	if n > limit {
		return fmt.Errorf("expands past %d bytes, more than %d times its size (a gzip bomb?)", limit, opts.MaxRatio)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return f.indexTar(tmp, opts)
}

func (f *FS) openGz(p string, opts Options) error {
	file, fileSize, err := f.keep(p)
	if err != nil {
		return err
	}
	// Check the header now, so that a file that is not gzip fails at once.
	zr, err := gzip.NewReader(file)
	if err != nil {
		return fmt.Errorf("not a readable gzip file (truncated or corrupt?): %w", err)
	}
	modTime := zr.ModTime
	zr.Close()
	// The trailer's ISIZE is the size modulo 2^32: good enough for Stat, not trusted for
	// reading (the limit is enforced while reading).
	size := int64(-1)
	if fileSize >= 18 {
		var trailer [4]byte
		if _, err := file.ReadAt(trailer[:], fileSize-4); err == nil {
			size = int64(binary.LittleEndian.Uint32(trailer[:]))
		}
	}
	name := path.Base(strings.ReplaceAll(p, `\`, "/"))
	name = name[:len(name)-len(".gz")]
	if name == "" {
		name = "data"
	}
	m := &member{
		size:    -1, // set below: ISIZE may lie, so only the limit enforced while reading counts
		modTime: modTime,
		open: func() (io.ReadCloser, error) {
			zr, err := gzip.NewReader(io.NewSectionReader(file, 0, fileSize))
			if err != nil {
				return nil, err
			}
			return zr, nil
		},
	}
	f.add(name, m, fileSize, opts)
	m.size = size
	return nil
}

// Open implements fs.FS.
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if m, ok := f.files[name]; ok {
		if m.refuse != "" {
			return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w: %s", ErrTooLarge, m.refuse)}
		}
		rc, err := m.open()
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return &file{m: m, fsys: f, rc: rc}, nil
	}
	if _, ok := f.dirs[name]; ok {
		entries, _ := f.ReadDir(name)
		return &dir{name: name, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// Stat implements fs.StatFS.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	if m, ok := f.files[name]; ok {
		return fileInfo{name: path.Base(name), size: max(m.size, 0), modTime: m.modTime}, nil
	}
	if _, ok := f.dirs[name]; ok {
		return fileInfo{name: path.Base(name), dir: true}, nil
	}
	return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
}

// ReadDir implements fs.ReadDirFS: entries sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	kids, ok := f.dirs[name]
	if !ok {
		if _, isFile := f.files[name]; isFile {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	names := make([]string, 0, len(kids))
	for k := range kids {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]fs.DirEntry, 0, len(names))
	for _, k := range names {
		full := path.Join(name, k)
		fi, err := f.Stat(full)
		if err != nil {
			continue
		}
		out = append(out, fs.FileInfoToDirEntry(fi))
	}
	return out, nil
}

type fileInfo struct {
	name    string
	size    int64
	modTime time.Time
	dir     bool
}

func (fi fileInfo) Name() string { return fi.name }
func (fi fileInfo) Size() int64  { return fi.size }
func (fi fileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (fi fileInfo) ModTime() time.Time { return fi.modTime }
func (fi fileInfo) IsDir() bool        { return fi.dir }
func (fi fileInfo) Sys() any           { return nil }

// file is an open member: reads stop with ErrTooLarge past the member's limit.
type file struct {
	m    *member
	fsys *FS
	rc   io.ReadCloser
	read int64
}

func (fl *file) Stat() (fs.FileInfo, error) { return fl.fsys.Stat(fl.m.name) }

func (fl *file) Read(p []byte) (int, error) {
	if room := fl.m.limit + 1 - fl.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := fl.rc.Read(p)
	fl.read += int64(n)
	if fl.read > fl.m.limit {
		return n - int(fl.read-fl.m.limit), &fs.PathError{Op: "read", Path: fl.m.name, Err: fmt.Errorf("%w: %s", ErrTooLarge, fl.fsys.tooLarge(fl.m))}
	}
	if err != nil && err != io.EOF {
		return n, &fs.PathError{Op: "read", Path: fl.m.name, Err: fmt.Errorf("%s: %w (truncated or corrupt archive?)", fl.fsys.name, err)}
	}
	return n, err
}

func (fl *file) Close() error { return fl.rc.Close() }

type dir struct {
	name    string
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return fileInfo{name: path.Base(d.name), dir: true}, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: errors.New("is a directory")}
}
func (d *dir) Close() error { return nil }

func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}
