package main

import (
	"context"
	"flag"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/manifest"
)

func init() {
	registerFormat(&format{
		name: "manifest",
		summary: "ModelArts manifest files (JSON Lines, as a published dataset version is exported), with their\n" +
			"PASCAL VOC annotation-loc files: one sample per line. FILE may be - for standard input.",
		args:  "FILE...",
		flags: manifestFlags,
	})
}

// mapFlags collects repeated -map-source values.
type mapFlags []manifest.Mapping

func (m *mapFlags) String() string { return "" }

func (m *mapFlags) Set(s string) error {
	mp, err := manifest.ParseMapping(s)
	if err != nil {
		return err
	}
	*m = append(*m, mp)
	return nil
}

func manifestFlags(fs *flag.FlagSet) openFunc {
	var maps mapFlags
	fs.Var(&maps, "map-source", "rewrite the `FROM=TO` prefix of sources and annotation-loc files, to another bucket\n"+
		"(s3://old/ds/=obs://new/ds/) or to a folder on disk (s3://old/ds/=./download/), whose files are then\n"+
		"inlined (sources) or read (annotation-loc); repeatable, the longest FROM wins")
	round := fs.Bool("round", false, "round the coordinates of annotation-loc files to integers (default: kept exactly as written)")
	oneBased := fs.Bool("one-based", false, "subtract 1 from every coordinate of annotation-loc files")
	return func(ctx context.Context, inputs []string, env *formatEnv) (*source, error) {
		opts := manifest.Options{Mappings: maps, Round: *round, OneBased: *oneBased, Warn: env.warn}
		stdin := 0
		for _, in := range inputs {
			if in == "-" {
				if stdin++; stdin > 1 {
					return nil, usagef("standard input (-) may be given once")
				}
				continue
			}
			fi, err := os.Stat(in)
			if err != nil {
				return nil, usagef("%v", err)
			}
			if fi.IsDir() {
				return nil, usagef("%s is a folder; give the manifest files themselves", in)
			}
		}
		return &source{samples: manifestStream(ctx, inputs, opts, env)}, nil
	}
}

// manifestStream reads the inputs one after another. A file's relative annotation-loc paths
// are read inside its folder (an os.Root: nothing outside it); standard input's inside the
// current folder.
func manifestStream(ctx context.Context, inputs []string, opts manifest.Options, env *formatEnv) iter.Seq2[*api.Sample, error] {
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
			if in == "-" {
				stdin := env.stdin
				if stdin == nil {
					stdin = strings.NewReader("")
				}
				seq = manifest.ReadFrom(ctx, stdin, "stdin", root.FS(), opts)
			} else {
				o := opts
				o.Base = vocBase(dir)
				seq = manifest.Read(ctx, root.FS(), filepath.ToSlash(filepath.Base(in)), o)
			}
			stop := false
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					stop = true
					break
				}
			}
			root.Close()
			if stop {
				return
			}
		}
	}
}
