package importers

import (
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
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
