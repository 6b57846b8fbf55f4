package manifest

import (
	"context"
	"flag"
	"io"
	"iter"
	"os"
	"path/filepath"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

func init() {
	importers.Register(importers.Format{
		Name: "manifest",
		Summary: "ModelArts manifest files (JSON Lines, as a published dataset version is exported), with their\n" +
			"PASCAL VOC annotation-loc files: one sample per line. FILE may be - for standard input.",
		Args:        "FILE...",
		Flags:       Flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"Mappings": "-map-source", "OneBased": "-one-based", "OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links"},
	})
}

// mapFlags collects repeated -map-source values.
type mapFlags []Mapping

func (m *mapFlags) String() string { return "" }

func (m *mapFlags) Set(s string) error {
	mp, err := ParseMapping(s)
	if err != nil {
		return err
	}
	*m = append(*m, mp)
	return nil
}

// Flags adds the manifest command's flags to fs and returns its opener: the files are read
// one after another, each file's relative annotation-loc paths inside its own folder.
func Flags(fs *flag.FlagSet) importers.Opener {
	var maps mapFlags
	fs.Var(&maps, "map-source", "rewrite the `FROM=TO` prefix of sources and annotation-loc files, to another bucket\n"+
		"(s3://old/ds/=obs://new/ds/) or to a folder on disk (s3://old/ds/=./download/), whose files are then\n"+
		"inlined (sources) or read (annotation-loc); repeatable, the longest FROM wins")
	round := fs.Bool("round", false, "round the coordinates of annotation-loc files to integers (default: kept exactly as written)")
	oneBased := fs.Bool("one-based", false, "subtract 1 from every coordinate of annotation-loc files")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		opts := Options{Mappings: maps, Round: *round, OneBased: *oneBased, Warn: env.Warn}
		if err := importers.CheckFiles(inputs, "manifest files", env); err != nil {
			return nil, err
		}
		return &importers.Source{Samples: readInputs(ctx, inputs, opts, env)}, nil
	}
}

// readInputs reads the inputs one after another. A file's relative annotation-loc paths
// are read inside its folder (an os.Root: nothing outside it); standard input's inside the
// current folder.
func readInputs(ctx context.Context, inputs []string, opts Options, env importers.Env) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, in := range inputs {
			var seq iter.Seq2[*api.Sample, error]
			dir := "."
			if in != "-" {
				dir = filepath.Dir(in)
			}
			root, err := os.OpenRoot(dir)
			if err != nil {
				yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
				return
			}
			var closer io.Closer
			switch {
			case in == "-":
				seq = ReadFrom(ctx, env.StdinOrEmpty(), "stdin", root.FS(), opts)
			case importers.IsArchiveName(in): // a .gz of a manifest
				r, name, err := importers.OpenFileInput(in, env)
				if err != nil {
					root.Close()
					yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
					return
				}
				closer = r
				seq = ReadFrom(ctx, r, name, root.FS(), opts)
			default:
				o := opts
				o.Base = importers.PathBase(dir)
				seq = Read(ctx, root.FS(), filepath.ToSlash(filepath.Base(in)), o)
			}
			stop := false
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					stop = true
					break
				}
			}
			root.Close()
			if closer != nil {
				closer.Close()
			}
			if stop {
				return
			}
		}
	}
}
