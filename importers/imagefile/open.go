package imagefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
)

// DirFS returns the file system of the OS folder dir, to give an importer as its input or
// images folder. It reads like os.DirFS(dir) (and implements the same fs interfaces), and a
// Source on it opens images through an os.Root of its images folder: that folder's path is
// resolved once, when its first image is opened (so it may itself be a link), and then no
// link inside it leads out of it unless Source.FollowLinks is set.
//
// The roots stay open for the life of the returned value (one descriptor per images folder).
func DirFS(dir string) fs.FS {
	return &osDir{dir: dir, fsys: os.DirFS(dir)}
}

// osDir is DirFS's file system.
type osDir struct {
	dir  string
	fsys fs.FS // os.DirFS(dir): everything but images is read through it

	mu      sync.Mutex
	folders map[string]*imagesFolder // by the images folder's path in fsys
}

// imagesFolder is an images folder of an osDir, resolved and opened once.
type imagesFolder struct {
	root *os.Root
	real string // the folder's real path, for FollowLinks
	err  error
}

func (d *osDir) Open(name string) (fs.File, error) { return d.fsys.Open(name) }

func (d *osDir) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.fsys, name) }

func (d *osDir) ReadFile(name string) ([]byte, error) { return fs.ReadFile(d.fsys, name) }

func (d *osDir) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(d.fsys, name) }

func (d *osDir) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(d.fsys, name) }

func (d *osDir) ReadLink(name string) (string, error) { return fs.ReadLink(d.fsys, name) }

// folder returns the images folder at dir (a path in d), opening it the first time.
func (d *osDir) folder(dir string) *imagesFolder {
	d.mu.Lock()
	defer d.mu.Unlock()
	if f, ok := d.folders[dir]; ok {
		return f
	}
	if d.folders == nil {
		d.folders = map[string]*imagesFolder{}
	}
	f := &imagesFolder{}
	if !fs.ValidPath(dir) {
		f.err = &fs.PathError{Op: "open", Path: dir, Err: fs.ErrInvalid}
	} else if f.real, f.err = filepath.EvalSymlinks(filepath.Join(d.dir, filepath.FromSlash(dir))); f.err == nil {
		f.root, f.err = os.OpenRoot(f.real)
	}
	d.folders[dir] = f
	return f
}

// open opens the image at rel for reading after checking, without reading, that it is a
// regular file inside the images folder. It returns the file's size as stat reports it.
func (s *Source) open(rel string) (io.ReadCloser, int64, error) {
	if d, ok := s.FS.(*osDir); ok {
		return s.openOS(d.folder(s.Dir), rel)
	}
	p, err := s.resolve(rel)
	if err != nil {
		return nil, 0, err
	}
	fi, err := fs.Stat(s.FS, p)
	if err != nil {
		return nil, 0, s.statError(rel, err)
	}
	if err := s.regular(rel, fi); err != nil {
		return nil, 0, err
	}
	f, err := s.FS.Open(p)
	if err != nil {
		return nil, 0, s.statError(rel, err)
	}
	return s.checkOpened(rel, f)
}

// maxLinks bounds the links followed in one name, as the kernel's ELOOP does.
const maxLinks = 40

// resolve returns the path in FS to open for rel, following the links below the images
// folder of an FS that can read them (fs.ReadLinkFS: os.DirFS, an os.Root's FS, MapFS): a
// link that leads out of the folder (absolute, or climbing above it) is ErrLink unless
// FollowLinks. It guards against links planted in a dataset, not against a tree changed
// while it is read; DirFS's os.Root guards against both.
func (s *Source) resolve(rel string) (string, error) {
	rfs, ok := s.FS.(fs.ReadLinkFS)
	if !ok || s.FollowLinks {
		return s.Path(rel), nil
	}
	var done []string // components resolved, below the images folder
	todo := strings.Split(rel, "/")
	for links := 0; len(todo) > 0; {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", fmt.Errorf("%s: %w (option FollowLinks reads it)", s.Path(rel), ErrLink)
			}
			done = done[:len(done)-1]
			continue
		}
		cur := path.Join(s.Dir, path.Join(done...), name)
		fi, err := rfs.Lstat(cur)
		if err != nil {
			return "", s.statError(rel, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, name)
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("%s: too many links", s.Path(rel))
		}
		target, err := rfs.ReadLink(cur)
		if err != nil {
			return "", s.statError(rel, err)
		}
		target = filepath.ToSlash(target)
		if path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			return "", fmt.Errorf("%s: %w (option FollowLinks reads it)", s.Path(rel), ErrLink)
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return path.Join(s.Dir, path.Join(done...)), nil
}

// openOS opens the image at rel in an OS images folder: through its os.Root, or, when the
// root refuses a file that exists (a link out of the folder), by its path if FollowLinks.
// The open never blocks (openFlags), so a FIFO swapped in after the stat is still refused.
func (s *Source) openOS(folder *imagesFolder, rel string) (io.ReadCloser, int64, error) {
	if folder.err != nil {
		return nil, 0, s.statError(rel, folder.err)
	}
	name := filepath.FromSlash(rel)
	fi, err := folder.root.Stat(name)
	outside := false
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// The root refuses a name that leads out of it. When the name is there (a link,
		// dangling or not, that is no loop), that is why.
		plain := filepath.Join(folder.real, name)
		if _, lerr := os.Lstat(plain); lerr == nil {
			pfi, perr := os.Stat(plain)
			switch {
			case perr != nil && !errors.Is(perr, fs.ErrNotExist):
				err = perr // a link loop
			case !s.FollowLinks:
				return nil, 0, fmt.Errorf("%s: %w (option FollowLinks reads it)", s.Path(rel), ErrLink)
			default:
				fi, err, outside = pfi, perr, true
			}
		}
	}
	if err != nil {
		return nil, 0, s.statError(rel, err)
	}
	if err := s.regular(rel, fi); err != nil {
		return nil, 0, err
	}
	var f *os.File
	if outside {
		f, err = os.OpenFile(filepath.Join(folder.real, name), openFlags, 0)
	} else {
		f, err = folder.root.OpenFile(name, openFlags, 0)
	}
	if err != nil {
		return nil, 0, s.statError(rel, err)
	}
	return s.checkOpened(rel, f)
}

// checkOpened checks that the opened file is still a regular file (it may have been swapped
// since the stat) and returns it with its size.
func (s *Source) checkOpened(rel string, f fs.File) (io.ReadCloser, int64, error) {
	fi, err := f.Stat()
	if err == nil {
		err = s.regular(rel, fi)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

func (s *Source) statError(rel string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", s.Path(rel), ErrMissing)
	}
	return fmt.Errorf("%s: %w", s.Path(rel), err)
}

// regular refuses what is not a regular file, naming what it is.
func (s *Source) regular(rel string, fi fs.FileInfo) error {
	m := fi.Mode()
	if m.IsRegular() {
		return nil
	}
	kind := "not a regular file"
	switch {
	case m.IsDir():
		kind = "a folder"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	case m&fs.ModeSymlink != 0:
		kind = "a link"
	}
	return fmt.Errorf("%s is %s: %w", s.Path(rel), kind, ErrNotFile)
}

// readFile reads the image at rel: a regular file in the images folder, at most
// api.MaxSampleBytes (reading stops past it, whatever stat says), non-empty, and an image
// by signature.
func (s *Source) readFile(rel string) ([]byte, error) {
	f, size, err := s.open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := s.Path(rel)
	if size > api.MaxSampleBytes {
		return nil, fmt.Errorf("%s is %d bytes: %w (at most %d; use option OBSPrefix)", p, size, ErrTooLarge, api.MaxSampleBytes)
	}
	var buf bytes.Buffer
	buf.Grow(int(max(size, 0)) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, api.MaxSampleBytes+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	data := buf.Bytes()
	switch {
	case len(data) > api.MaxSampleBytes:
		return nil, fmt.Errorf("%s is over %d bytes: %w (use option OBSPrefix)", p, api.MaxSampleBytes, ErrTooLarge)
	case len(data) == 0:
		return nil, fmt.Errorf("%s: %w", p, ErrEmpty)
	}
	if err := s.checkKind(p, data); err != nil {
		return nil, err
	}
	return data, nil
}

// sniff names the image format data starts with ("jpeg", "png", "bmp", "gif"), or "".
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(data, []byte("BM")):
		return "bmp"
	}
	return ""
}

// firstBytes quotes the first few bytes of a file for a message.
func firstBytes(data []byte) string {
	const n = 8
	if len(data) > n {
		return fmt.Sprintf("%q…", data[:n])
	}
	return fmt.Sprintf("%q", data)
}
