package emit

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// On Linux a request file is written with plain system calls: open, write, fchmod, fsync,
// close, rename; six per file. os.CreateTemp and os.Rename took twelve: the file is put
// in the runtime's poller (four fcntl and an epoll_ctl that a regular file refuses) and
// Rename stats the target first (to refuse renaming over a folder, which rename(2) refuses
// on its own). A run of small samples writes thousands of files, so these were a tenth of
// the writer's CPU time. Elsewhere (and on Darwin, whose os.File.Sync is F_FULLFSYNC) the
// os package does it (tempfile_other.go).
var (
	createTempFile = rawCreateTemp
	renameFile     = rawRename
)

// rawFile is a temporary file written with system calls (see tempFile).
type rawFile struct {
	fd   int
	name string
}

// rawCreateTemp creates a new file in dir, 0600, named as os.CreateTemp names it: pattern's
// last "*" replaced by a random number.
func rawCreateTemp(dir, pattern string) (tempFile, error) {
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	for try := 0; ; try++ {
		name := joinPath(dir, prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+suffix)
		fd, err := openExcl(name)
		if err == nil {
			return &rawFile{fd: fd, name: name}, nil
		}
		if !errors.Is(err, syscall.EEXIST) || try == 10_000 {
			return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: err}
		}
	}
}

// joinPath is os.CreateTemp's join: dir and name with one slash between them, not cleaned
// (the folder is the one writeAtomic was given; cleaning it again for every file is work
// for nothing).
func joinPath(dir, name string) string {
	if len(dir) > 0 && os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + "/" + name
}

func openExcl(name string) (int, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDWR|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, 0o600)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

func (f *rawFile) Name() string { return f.name }

func (f *rawFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(f.fd, p[n:])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return n, &os.PathError{Op: "write", Path: f.name, Err: err}
		case m == 0:
			return n, &os.PathError{Op: "write", Path: f.name, Err: syscall.EIO}
		}
		n += m
	}
	return n, nil
}

func (f *rawFile) Chmod(mode os.FileMode) error {
	return f.retry("chmod", func() error { return syscall.Fchmod(f.fd, uint32(mode.Perm())) })
}

func (f *rawFile) Sync() error {
	return f.retry("sync", func() error { return syscall.Fsync(f.fd) })
}

// Close closes the file descriptor (once; it is not retried after EINTR, as os.File.Close).
func (f *rawFile) Close() error {
	if f.fd < 0 {
		return &os.PathError{Op: "close", Path: f.name, Err: os.ErrClosed}
	}
	err := syscall.Close(f.fd)
	f.fd = -1
	if err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

func (f *rawFile) retry(op string, call func() error) error {
	for {
		err := call()
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.PathError{Op: op, Path: f.name, Err: err}
		}
		return nil
	}
}

// rawRename is os.Rename without its stat of the target.
func rawRename(from, to string) error {
	for {
		err := syscall.Rename(from, to)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
		}
		return nil
	}
}
