package classfolder

import (
	"context"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// ReadFunc reads one input folder: fsys holds it at root, and base names it in messages.
type ReadFunc func(ctx context.Context, fsys fs.FS, root, base string) iter.Seq2[*api.Sample, error]

// Open is the Opener of a folder format: each input is a folder, or a .zip, .tar, .tar.gz or
// .tgz archive of one (see importers.OpenInput). A folder on disk is read through
// imagefile.DirFS, so that files are opened through an os.Root of it. Inputs are checked
// now (a usage error for a missing input or a plain file) and opened one after the other as
// the stream reaches them; an archive is closed when its stream ends.
func Open(ctx context.Context, format string, inputs []string, env importers.Env, read ReadFunc) (*importers.Source, error) {
	if len(inputs) == 0 {
		return nil, importers.Usagef("convert %s needs at least one input folder", format)
	}
	for _, in := range inputs {
		if in == "-" {
			return nil, importers.Usagef("convert %s reads folders, not standard input", format)
		}
		fi, err := os.Stat(in)
		if err != nil {
			return nil, importers.Usagef("%v", err)
		}
		if !fi.IsDir() && !importers.IsArchiveName(in) {
			return nil, importers.Usagef("%s is a file; convert %s reads a folder (or a .zip, .tar, .tar.gz or .tgz of one)", in, format)
		}
	}
	seq := func(yield func(*api.Sample, error) bool) {
		for _, in := range inputs {
			if !readInput(ctx, in, env, read, yield) {
				return
			}
		}
	}
	return &importers.Source{Samples: seq}, nil
}

// readInput streams one input; it returns whether the stream goes on.
func readInput(ctx context.Context, in string, env importers.Env, read ReadFunc, yield func(*api.Sample, error) bool) bool {
	input, err := importers.OpenInput(in, env.Warn)
	if err != nil {
		yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
		return false
	}
	defer input.Close()
	if !input.IsDir {
		yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: fmt.Errorf("not a folder archive")})
		return false
	}
	fsys, base := input.FS, input.Archive+":"
	if dir := input.OSPath(); dir != "" {
		fsys, base = imagefile.DirFS(dir), filepath.ToSlash(filepath.Clean(dir))
		if base == "." {
			base = ""
		}
	}
	for s, err := range read(ctx, fsys, ".", base) {
		if !yield(s, err) || err != nil {
			return false
		}
	}
	return true
}
