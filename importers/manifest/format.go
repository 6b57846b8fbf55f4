package manifest

import (
	"context"
	"flag"
	"io/fs"
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
			"PASCAL VOC annotation-loc files: one sample per line. FILE may be - for standard input,\n" +
			"a .gz of one file, or a folder or archive (.zip, .tar, .tar.gz) whose *.manifest files\n" +
			"are read in name order, their relative annotation-loc paths inside it.",
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
// one after another, each file's relative annotation-loc paths inside its own folder; a
// folder or an archive of a folder is read as its *.manifest files (importers.ReadFiles).
func Flags(fs *flag.FlagSet) importers.Opener {
	var maps mapFlags
	fs.Var(&maps, "map-source", "rewrite the `FROM=TO` prefix of sources and annotation-loc files, to another bucket\n"+
		"(s3://old/ds/=obs://new/ds/) or to a folder on disk (s3://old/ds/=./download/), whose files are then\n"+
		"inlined (sources) or read (annotation-loc); repeatable, the longest FROM wins")
	round := fs.Bool("round", false, "round the coordinates of annotation-loc files to integers (default: kept exactly as written)")
	oneBased := fs.Bool("one-based", false, "subtract 1 from every coordinate of annotation-loc files")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		opts := Options{Mappings: maps, Round: *round, OneBased: *oneBased, Warn: env.Warn}
		if err := importers.CheckFileInputs(inputs, env); err != nil {
			return nil, err
		}
		return &importers.Source{Samples: importers.ReadFiles(ctx, inputs, "manifest files", isManifestName, env,
			func(f importers.FileInput) iter.Seq2[*api.Sample, error] { return readFile(ctx, f, opts) })}, nil
	}
}

// isManifestName tells the files of a folder or archive that are read: *.manifest.
func isManifestName(_ fs.FS, name string) bool { return importers.Ext(name) == ".manifest" }

// readFile reads one manifest. Relative annotation-loc paths are read against the
// manifest's folder, inside the file system that holds it (never outside): the folder of a
// file given, the folder or the archive given. Those of standard input and of a .gz are
// read inside the current folder and the .gz's folder.
func readFile(ctx context.Context, f importers.FileInput, opts Options) iter.Seq2[*api.Sample, error] {
	if f.FS != nil && (!importers.IsArchiveName(f.Input) || importers.HoldsFiles(f.Input)) {
		o := opts
		o.Base = f.Base
		return Read(ctx, f.FS, f.Name, o)
	}
	return func(yield func(*api.Sample, error) bool) {
		dir := "."
		if f.Input != "-" {
			dir = filepath.Dir(f.Input)
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: f.Path}, Err: err})
			return
		}
		defer root.Close()
		r, err := f.Open()
		if err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: f.Path}, Err: err})
			return
		}
		defer r.Close()
		for s, err := range ReadFrom(ctx, r, f.Path, root.FS(), opts) {
			if !yield(s, err) {
				return
			}
		}
	}
}
