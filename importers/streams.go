package importers

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/archive"
)

// Concat reads the streams one after the other; a fatal error ends them all. Each stream
// is opened (ranged over) only when its turn comes, so a format that makes one stream per
// input holds one input open at a time.
func Concat(seqs ...iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, seq := range seqs {
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					return
				}
			}
		}
	}
}

// InputStems gives each input of a multi-input run the stem its sample names start with:
// the file's name, or, when two inputs share a name, its path with the separators made "_"
// (a/train.txt and b/train.txt give a_train.txt and b_train.txt). The input "-" is called
// stdin; a .gz is named as the file it holds (train.txt.gz is train.txt).
func InputStems(inputs []string) []string {
	base := func(in string) string {
		if in == "-" {
			return "stdin"
		}
		return strings.TrimSuffix(filepath.Base(in), ".gz")
	}
	count := map[string]int{}
	for _, in := range inputs {
		count[base(in)]++
	}
	stems := make([]string, len(inputs))
	for i, in := range inputs {
		stems[i] = base(in)
		if count[stems[i]] > 1 && in != "-" {
			p := strings.TrimSuffix(filepath.ToSlash(filepath.Clean(in)), ".gz")
			for strings.HasPrefix(p, "../") {
				p = p[3:]
			}
			stems[i] = strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_")
		}
	}
	return stems
}

// PathBase is how messages name the files of a folder given on the command line: the
// folder as typed, with forward slashes ("" for the current folder).
func PathBase(dir string) string {
	if dir == "." {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(dir))
}

// AddRecords tells env.Progress (when set) to expect n more records.
func (env Env) AddRecords(n int) {
	if env.Progress != nil && n > 0 {
		env.Progress.AddRecords(n)
	}
}

// AddBytes tells env.Progress (when set) to expect n more input bytes.
func (env Env) AddBytes(n int64) {
	if env.Progress != nil && n > 0 {
		env.Progress.AddBytes(n)
	}
}

// CountReads returns r with every byte read from it reported to env.Progress (r itself
// when there is no Progress), for a percentage and ETA from the bytes read.
func (env Env) CountReads(r io.Reader) io.Reader {
	if env.Progress == nil {
		return r
	}
	return &countingReader{r: r, p: env.Progress}
}

// StdinOrEmpty is env.Stdin, or an empty reader when it is not set.
func (env Env) StdinOrEmpty() io.Reader {
	if env.Stdin == nil {
		return strings.NewReader("")
	}
	return env.Stdin
}

type countingReader struct {
	r io.Reader
	p Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if n > 0 {
		c.p.ReadBytes(int64(n))
	}
	return n, err
}

// CheckNamePrefix says why p cannot be put before sample names (see PrefixNames), or "":
// it must not contain a / and must pass the API's name rule.
func CheckNamePrefix(p string) string {
	if strings.Contains(p, "/") {
		return "must not contain /"
	}
	if p == "" {
		return ""
	}
	return api.CheckName(p)
}

// PrefixNames puts p before the name of every named sample, so that two corpora whose
// files share names (two dev.txt) can live in one dataset. A sample without a name is left
// so: the service names it.
func PrefixNames(samples iter.Seq2[*api.Sample, error], p string) iter.Seq2[*api.Sample, error] {
	if p == "" {
		return samples
	}
	return func(yield func(*api.Sample, error) bool) {
		for s, err := range samples {
			if err == nil && s != nil && s.Name != "" {
				s.Name = p + s.Name
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// CheckFiles checks the inputs of a format that reads files, before anything is read: each
// exists and is not a folder (what names the files, for "give the CoNLL files themselves"),
// and "-" (standard input) comes at most once. It tells env.Progress the files' sizes. A
// missing file is its *fs.PathError; the rest are *UsageError.
func CheckFiles(inputs []string, what string, env Env) error {
	return checkInputs(inputs, what, env)
}

// checkInputs is CheckFiles; a folder is allowed when what is "".
func checkInputs(inputs []string, what string, env Env) error {
	stdin := 0
	for _, in := range inputs {
		if in == "-" {
			if stdin++; stdin > 1 {
				return Usagef("standard input (-) may be given once")
			}
			continue
		}
		fi, err := os.Stat(in)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if what == "" {
				continue
			}
			return Usagef("%s is a folder; give the %s themselves", in, what)
		}
		if !IsArchiveName(in) { // an archive's compressed size is not what is read
			env.AddBytes(fi.Size())
		}
	}
	return nil
}

// OpenFileInput opens a file input for reading: the file itself, or the one file a .gz holds
// (see OpenInput). It returns the reader, which counts what is read for env.Progress, and
// how messages name the file ("train.txt", "train.txt.gz:train.txt"). An archive of a
// folder is a *UsageError: a file format wants its files.
func OpenFileInput(p string, env Env) (io.ReadCloser, string, error) {
	if !IsArchiveName(p) {
		f, err := os.Open(p)
		if err != nil {
			return nil, "", err
		}
		return readCloser{env.CountReads(f), f}, p, nil
	}
	in, err := OpenInput(p, env.Warn)
	if err != nil {
		return nil, "", err
	}
	if in.IsDir {
		in.Close()
		return nil, "", Usagef("%s holds a folder; give the files themselves (or a .gz of one)", p)
	}
	f, err := in.FS.Open(in.Name)
	if err != nil {
		in.Close()
		return nil, "", err
	}
	return readCloser{env.CountReads(f), closers{f, in}}, in.Path(in.Name), nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

type closers []io.Closer

func (cs closers) Close() error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// JoinBase puts base before a file's name in messages: a folder ("data") with a slash
// ("data/a.txt"), an archive ("export.zip:") as it is ("export.zip:dir/a.txt"), nothing
// when base is "".
func JoinBase(base, name string) string {
	switch {
	case base == "":
		return name
	case strings.HasSuffix(base, ":"):
		return base + name
	}
	return strings.TrimSuffix(base, "/") + "/" + name
}

// HoldsFiles reports whether the input p is a folder or an archive of a folder (.zip, .tar,
// .tar.gz, .tgz): ReadFiles reads the files inside it.
func HoldsFiles(p string) bool {
	if IsArchiveName(p) {
		return archive.KindOf(strings.TrimSpace(p)) != archive.Gz
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// CheckFileInputs is CheckFiles for a format that reads folders and archives of its files
// with ReadFiles: a folder is allowed (ReadFiles tells the progress its files' sizes).
func CheckFileInputs(inputs []string, env Env) error {
	return checkInputs(inputs, "", env)
}

// FileInput is one file a format that reads files reads (see ReadFiles): a file given on
// the command line, the file a .gz holds, a file inside a folder or an archive given as an
// input, or standard input.
type FileInput struct {
	// Input is the command-line input the file comes from ("-" for standard input).
	Input string
	// FS holds the file as Name (nil for standard input). A file given on the command line
	// is in an FS of its folder, an os.Root (nothing outside it); a file of a folder in the
	// folder's os.Root; a file of an archive in the archive.
	FS   fs.FS
	Name string
	// Base is what messages put before Name (see JoinBase): the folder as typed ("data"),
	// the archive and a colon ("export.zip:"), "" for the current folder.
	Base string
	// Path names the file in messages: "train.txt", "data/dev/a.txt",
	// "export.zip:dir/train.txt", "stdin". A file given on the command line is named as
	// typed.
	Path string
	// Stem is the start of the file's sample names: its base name, or its path with the
	// separators made "_" when two files of the run share a base name (see InputStems).
	Stem string

	env     Env
	osTyped string // the path as typed, for a file given on the command line
}

// Open opens the file for reading (standard input for "-"; a file given on the command line
// as typed, even when it is a link to another folder); what is read is counted for the
// progress.
func (f FileInput) Open() (io.ReadCloser, error) {
	if f.FS == nil {
		return io.NopCloser(f.env.CountReads(f.env.StdinOrEmpty())), nil
	}
	if f.osTyped != "" { // the user named the file: opened as typed, a link to elsewhere too
		r, err := os.Open(f.osTyped)
		if err != nil {
			return nil, err
		}
		return readCloser{f.env.CountReads(r), r}, nil
	}
	r, err := f.FS.Open(f.Name)
	if err != nil {
		return nil, err
	}
	return readCloser{f.env.CountReads(r), r}, nil
}

// PathFS is a file system that opens the file, and the files beside it, by the names
// messages give them (Path and its neighbours: "export.zip:dir/X_result.txt" beside
// "export.zip:dir/X.txt"), for a reader that opens a companion file by name and reports
// positions with the name it opened. What is read is counted for the progress. Nil for
// standard input.
func (f FileInput) PathFS() fs.FS {
	switch {
	case f.FS == nil:
		return nil
	case f.osTyped != "":
		return pathFS{env: f.env} // as typed: relative, absolute, with ".."
	}
	prefix := JoinBase(f.Base, "")
	return pathFS{fsys: f.FS, prefix: prefix, env: f.env}
}

// pathFS opens names that start with prefix as the rest in fsys; without fsys, names as
// typed through the operating system.
type pathFS struct {
	fsys   fs.FS
	prefix string
	env    Env
}

func (p pathFS) Open(name string) (fs.File, error) {
	var f fs.File
	var err error
	if p.fsys == nil {
		f, err = os.Open(name)
	} else if rest, ok := strings.CutPrefix(name, p.prefix); ok {
		f, err = p.fsys.Open(rest)
	} else {
		err = &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if err != nil || p.env.Progress == nil {
		return f, err
	}
	return countedFile{File: f, r: p.env.CountReads(f)}, nil
}

type countedFile struct {
	fs.File
	r io.Reader
}

func (c countedFile) Read(b []byte) (int, error) { return c.r.Read(b) }

// openedInput is one command-line input opened by ReadFiles.
type openedInput struct {
	files  []FileInput
	stemOf []string // each file's path for InputStems
	close  func() error
}

// ReadFiles reads the inputs of a format that reads files, one file after another, each
// file opened only when its turn comes: a file as itself, a .gz as the file it holds, "-"
// as standard input, and a folder or a .zip, .tar, .tar.gz or .tgz as every file inside it
// (subfolders included, in name order) that keep accepts, as if each had been given. Hidden
// files and folders, README and LICENSE files (IsAside) and macOS's __MACOSX folder are
// never read; a link that leads out of a folder is reported as a rejection. what names the
// files for messages ("CoNLL files"): a folder or archive that holds none is a fatal error.
// Sample-name stems are unique across every file of the run (InputStems over their paths;
// an archive's files count as inside a folder named as the archive). read makes one file's
// stream.
//
// Every input is opened (and an archive indexed) when the stream starts, so that the stems
// are known before the first sample; they are closed (temporary files removed) when it
// ends. Memory stays bounded: an archive's index, not its content, is held.
func ReadFiles(ctx context.Context, inputs []string, what string, keep func(fsys fs.FS, name string) bool, env Env, read func(FileInput) iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		var opened []openedInput
		defer func() {
			for _, o := range opened {
				if o.close != nil {
					o.close()
				}
			}
		}()
		var files []FileInput
		var stemPaths []string
		for _, in := range inputs {
			if err := Check(ctx, Position{File: in}); err != nil {
				yield(nil, err)
				return
			}
			o, err := openFiles(in, what, keep, env)
			if o.close != nil {
				opened = append(opened, o)
			}
			if err != nil {
				yield(nil, &Error{Pos: Position{File: in}, Err: err})
				return
			}
			files = append(files, o.files...)
			stemPaths = append(stemPaths, o.stemOf...)
		}
		stems := InputStems(stemPaths)
		for i, f := range files {
			f.Stem = stems[i]
			var seq iter.Seq2[*api.Sample, error]
			if f.osTyped != "" {
				seq = withRoot(f, read)
			} else {
				seq = read(f)
			}
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					return
				}
			}
		}
	}
}

// withRoot opens the folder of a file given on the command line as an os.Root when the
// file's turn comes, and closes it after.
func withRoot(f FileInput, read func(FileInput) iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		root, err := os.OpenRoot(filepath.Dir(f.osTyped))
		if err != nil {
			yield(nil, &Error{Pos: Position{File: f.Path}, Err: err})
			return
		}
		defer root.Close()
		f.FS = root.FS()
		for s, err := range read(f) {
			if !yield(s, err) {
				return
			}
		}
	}
}

// openFiles opens one input and lists its files.
func openFiles(in, what string, keep func(fs.FS, string) bool, env Env) (openedInput, error) {
	if in == "-" {
		return openedInput{files: []FileInput{{Input: in, Path: "stdin", env: env}}, stemOf: []string{in}}, nil
	}
	if !HoldsFiles(in) {
		if IsArchiveName(in) { // a .gz of one file
			a, err := OpenInput(in, env.Warn)
			if err != nil {
				return openedInput{}, err
			}
			base := in + ":"
			f := FileInput{Input: in, FS: a.FS, Name: a.Name, Base: base, Path: base + a.Name, env: env}
			return openedInput{files: []FileInput{f}, stemOf: []string{in}, close: a.Close}, nil
		}
		dir := filepath.Dir(in)
		// FS is set to the folder's os.Root when the file's turn comes (withRoot).
		f := FileInput{Input: in, FS: pathFS{}, Name: filepath.Base(in), Base: PathBase(dir), Path: in, osTyped: in, env: env}
		return openedInput{files: []FileInput{f}, stemOf: []string{in}}, nil
	}
	var o openedInput
	var fsys fs.FS
	var base, stemBase string
	if IsArchiveName(in) {
		a, err := OpenInput(in, env.Warn)
		if err != nil {
			return o, err
		}
		o.close, fsys, base, stemBase = a.Close, a.FS, in+":", in
	} else {
		root, err := os.OpenRoot(in)
		if err != nil {
			return o, err
		}
		o.close, fsys, base, stemBase = root.Close, root.FS(), PathBase(in), in
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == "." {
			return nil
		}
		if IsAside(d.Name()) || d.Name() == "__MACOSX" {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		fi, err := fs.Stat(fsys, name) // follows a link, inside the folder only
		if err != nil || !fi.Mode().IsRegular() {
			if keep(fsys, name) {
				reason := "not a regular file"
				if err != nil {
					reason = "a link that leads out of the folder, or nowhere"
				}
				env.Warn.Warn(Warning{Pos: Position{File: JoinBase(base, name)}, Rejected: true, Reason: reason})
			}
			return nil
		}
		if !keep(fsys, name) {
			return nil
		}
		env.AddBytes(fi.Size())
		o.files = append(o.files, FileInput{Input: in, FS: fsys, Name: name, Base: base, Path: JoinBase(base, name), env: env})
		o.stemOf = append(o.stemOf, filepath.Join(stemBase, filepath.FromSlash(name)))
		return nil
	})
	if err != nil {
		return o, err
	}
	if len(o.files) == 0 {
		return o, fmt.Errorf("no %s inside", what)
	}
	return o, nil
}
