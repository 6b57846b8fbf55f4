package importers

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"sort"
	"sync"

	"github.com/modelarts-convert/convert/api"
)

// Format is one input format as the command knows it: its command word, its own flags, how
// to open its inputs once the flags are parsed, and (optionally) how to recognise a dataset
// of its kind. A format package registers its Format from init, the way image/png
// registers with image.RegisterFormat; a program that wants the format imports the package
// (importers/all imports every format this module ships).
type Format struct {
	// Name is the command word (`convert NAME`): lower case, no spaces, unique.
	Name string
	// Summary is one or more lines for `convert help`: what the format is and what its
	// inputs may be.
	Summary string
	// Args names the positional arguments for the usage line ("INPUT...", "FILE...").
	Args string
	// Flags adds the format's own flags to fs and returns the Opener that runs once they
	// are parsed. It is called once per command run (and once for `convert help NAME`).
	Flags func(fs *flag.FlagSet) Opener
	// Detect, when set, reports whether the format can read the input at name in fsys
	// (a folder or a file) and what layout it found. It must read little: names, and the
	// first KiB of a few files.
	Detect func(ctx context.Context, fsys fs.FS, name string) (Detection, bool)
	// OptionFlags maps the option names that the format's messages use to its flags: library
	// messages name an option as "option NAME" (NAME its Options field: "option
	// FollowLinks"), never by a command's flag, and the command shows "-follow-links" in
	// their place.
	OptionFlags map[string]string
}

// Opener opens a format's stream over the inputs the user gave (paths as typed, "-" for
// standard input). It returns a *UsageError for inputs or flag combinations the format
// cannot take, and any other error for inputs it cannot open; on an error it has released
// whatever it opened.
//
// An Opener that opens inputs before the stream starts (an archive, whose .tar.gz is
// decompressed to a temporary file; an os.Root) sets Source.Close to release them, and its
// stream releases them too when it ends. The caller calls Source.Release once it is done
// with the Source, whether or not it ranged over Samples: a caller that fails before
// reading, or stops early, then leaks nothing.
type Opener func(ctx context.Context, inputs []string, env Env) (*Source, error)

// Env is what an Opener gets besides its inputs.
type Env struct {
	// Warn receives warnings and rejections, with their positions.
	Warn WarnFunc
	// Stdin is read for the input "-".
	Stdin io.Reader
	// Progress hears how much there is to read and how much has been read; it may be nil.
	Progress Progress
}

// Progress receives what an importer knows of its progress, for a progress line with a
// percentage and an ETA. Implementations must be safe for concurrent use.
type Progress interface {
	// AddRecords raises the number of records expected.
	AddRecords(n int)
	// AddBytes raises the number of input bytes expected.
	AddBytes(n int64)
	// ReadBytes reports n more input bytes consumed.
	ReadBytes(n int64)
}

// Source is an opened stream and what the request writer needs to know of it. Whoever gets a
// Source from an Opener calls its Release method when done with it.
type Source struct {
	// Samples is the single-use stream. It releases what it opened when it ends (run to its
	// end or stopped by its consumer).
	Samples iter.Seq2[*api.Sample, error]
	// Close, when set, releases what the Opener opened before the stream started (archives
	// and their temporary files, os.Roots, files). Nil means there is nothing to release.
	// It must be safe to call whether or not Samples ran, and after the stream released the
	// same inputs itself (build it with CloseOnce, and let the stream call the same
	// function). Callers use Release, which also tolerates a nil Close.
	Close func() error
	// LabelFormat is the request-level label_format, when the format needs one (CSV read
	// whole, for the service to split).
	LabelFormat *api.LabelFormat
	// Total is the number of records expected, for the progress line; 0 when unknown.
	Total int
}

// Release calls Close, once: later calls, and calls on a Source without Close (or a nil
// *Source), do nothing and return nil. It is safe whether or not Samples ran, but not while
// Samples is running nor concurrently with itself.
func (s *Source) Release() error {
	if s == nil || s.Close == nil {
		return nil
	}
	c := s.Close
	s.Close = nil
	return c()
}

// CloseOnce returns a function that calls close the first time it is called and returns its
// error then and afterwards, for an Opener whose Source.Close and stream both release the
// same inputs. It is safe for concurrent use.
func CloseOnce(close func() error) func() error {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() { err = close() })
		return err
	}
}

// Detection is what a format's detector found.
type Detection struct {
	// Format is the format's Name (filled in by Detect).
	Format string
	// Score says how sure the detector is: higher is more likely. 100 means the input has
	// the format's defining files or markers; lower scores are for weaker evidence.
	Score int
	// Layout describes what was found, for people ("2 roots: VOC2007, VOC2012").
	Layout string
}

// UsageError is an Opener's complaint about its inputs or flags: the command exits 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef formats a *UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

var registry struct {
	sync.RWMutex
	formats map[string]Format
}

// Register makes a format available to the command. It panics when the name is empty,
// taken, or Flags is nil, as database/sql.Register does: a program that registers two
// formats under one name is broken from the start.
func Register(f Format) {
	if f.Name == "" || f.Flags == nil {
		panic("importers: Register of a format without a Name or Flags")
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.formats == nil {
		registry.formats = map[string]Format{}
	}
	if _, dup := registry.formats[f.Name]; dup {
		panic("importers: Register called twice for format " + f.Name)
	}
	registry.formats[f.Name] = f
}

// Formats returns the registered formats sorted by name.
func Formats() []Format {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Format, 0, len(registry.formats))
	for _, f := range registry.formats {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup returns the format registered under name.
func Lookup(name string) (Format, bool) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.formats[name]
	return f, ok
}

// Detect asks every registered format with a detector about the input at name in fsys and
// returns the matches, most likely first (ties in name order).
func Detect(ctx context.Context, fsys fs.FS, name string) []Detection {
	var out []Detection
	for _, f := range Formats() {
		if f.Detect == nil {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		if d, ok := f.Detect(ctx, fsys, name); ok {
			d.Format = f.Name
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}
