package importers

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/importers/archive"
)

// Input is one command-line input opened for reading: a file system and the name of the
// input inside it, so that a format reads a folder, a file, and an archive the same way.
// Formats' Openers get their inputs as paths and open each through OpenInput.
type Input struct {
	// FS holds the input.
	FS fs.FS
	// Name is the input inside FS: "." for a folder or a folder archive, a file's name.
	Name string
	// IsDir tells a folder (or a folder archive) from a file.
	IsDir bool
	// Archive is the archive's path when the input is one, else "".
	Archive string

	dir     string // the OS folder FS reads (no archive)
	archive *archive.FS
}

// OpenInput opens the path p as the user typed it. A folder opens as itself; a file opens
// as its name in its folder; a .zip, .tar, .tar.gz or .tgz opens as a folder and a .gz as
// the one file it holds (see package archive). The archive's members that were left out
// (paths that escape, links, nested archives, bombs) are reported to warn as rejections.
// The Input must be closed.
func OpenInput(p string, warn WarnFunc) (*Input, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return &Input{FS: os.DirFS(p), Name: ".", IsDir: true, dir: p}, nil
	}
	if kind := archive.KindOf(p); kind != archive.None && fi.Mode().IsRegular() {
		a, err := archive.Open(p, archive.Options{})
		if err != nil {
			return nil, err
		}
		for _, pr := range a.Problems() {
			warn.Warn(Warning{Pos: Position{File: p + ":" + pr.Member}, Rejected: true, Reason: pr.Reason})
		}
		in := &Input{FS: a, Name: ".", IsDir: true, Archive: p, archive: a}
		if kind == archive.Gz {
			entries, err := fs.ReadDir(a, ".")
			if err != nil || len(entries) != 1 {
				a.Close()
				return nil, fmt.Errorf("%s: not a single compressed file", p)
			}
			in.Name, in.IsDir = entries[0].Name(), false
		}
		return in, nil
	}
	dir := filepath.Dir(p)
	return &Input{FS: os.DirFS(dir), Name: filepath.Base(p), dir: dir}, nil
}

// Path names a file of the input in messages: the OS path for a folder or a file
// ("data/Annotations/a.xml"), the archive and the member for an archive
// ("export.zip:Annotations/a.xml").
func (in *Input) Path(name string) string {
	if in.Archive != "" {
		return in.Archive + ":" + name
	}
	if in.dir == "." || in.dir == "" {
		return name
	}
	return path.Join(filepath.ToSlash(in.dir), name)
}

// OSPath is the input's folder on disk when it is not inside an archive ("" otherwise), for
// code that must open files through the operating system (os.Root confinement).
func (in *Input) OSPath() string {
	if in.Archive != "" {
		return ""
	}
	if in.IsDir {
		return in.dir
	}
	return filepath.Join(in.dir, in.Name)
}

// Close releases an archive (and removes its temporary file); it does nothing for folders.
func (in *Input) Close() error {
	if in.archive != nil {
		return in.archive.Close()
	}
	return nil
}

// IsArchiveName tells whether a file name is one OpenInput reads as an archive.
func IsArchiveName(name string) bool {
	return archive.KindOf(strings.TrimSpace(name)) != archive.None
}
