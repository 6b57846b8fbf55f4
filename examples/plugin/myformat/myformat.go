// Package myformat is an example of a format written outside this module: an image list,
// one image per line, "obs://bucket/dir/cat1.jpg cat" (the image's OBS path, white space,
// its class), into image-classification samples that point at the images in OBS.
//
// It uses only the module's public API: it registers itself with importers.Register, owns
// its flags and its input handling, reports what it cannot convert as rejections with
// their line, and yields api.Sample values, which the command batches, validates, writes
// or uploads like any other format's.
package myformat

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

func init() {
	importers.Register(importers.Format{
		Name:    "myformat",
		Summary: "an image list (example plug-in): one \"obs://bucket/dir/image.jpg class\" per line",
		Args:    "FILE...", // "-" is standard input
		Flags:   flags,
	})
}

// Options configure Read.
type Options struct {
	// DefaultLabel is the class of a line that gives none; "" rejects such lines.
	DefaultLabel string
	Warn         importers.WarnFunc
}

func flags(fs *flag.FlagSet) importers.Opener {
	var opts Options
	fs.StringVar(&opts.DefaultLabel, "default-label", "", "the class of a line that names none (`CLASS`; default: such a line is rejected)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		opts := opts
		opts.Warn = env.Warn
		if err := importers.CheckFiles(inputs, "list files", env); err != nil {
			return nil, err
		}
		seqs := make([]iter.Seq2[*api.Sample, error], len(inputs))
		for i, in := range inputs {
			if in == "-" {
				seqs[i] = Read(ctx, env.CountReads(env.StdinOrEmpty()), "stdin", opts)
				continue
			}
			seqs[i] = func(yield func(*api.Sample, error) bool) {
				f, err := os.Open(in)
				if err != nil {
					yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
					return
				}
				defer f.Close()
				for s, err := range Read(ctx, env.CountReads(f), in, opts) {
					if !yield(s, err) {
						return
					}
				}
			}
		}
		return &importers.Source{Samples: importers.Concat(seqs...)}, nil
	}
}

// Read reads an image list and yields a sample per line; name is how messages call it.
func Read(ctx context.Context, r io.Reader, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		sc := bufio.NewScanner(r)
		for line := 1; sc.Scan(); line++ {
			pos := importers.Position{File: name, Line: line}
			if err := importers.Check(ctx, pos); err != nil {
				yield(nil, err)
				return
			}
			fields := strings.Fields(sc.Text())
			reject := func(reason string) { opts.Warn.Warn(importers.Warning{Pos: pos, Rejected: true, Reason: reason}) }
			switch {
			case len(fields) == 0:
				continue
			case !strings.HasPrefix(fields[0], "obs://"):
				reject(fmt.Sprintf("%q is not an obs:// path", fields[0]))
				continue
			case len(fields) == 1 && opts.DefaultLabel == "":
				reject("names no class")
				continue
			case len(fields) == 1:
				fields = append(fields, opts.DefaultLabel)
			}
			s := &api.Sample{
				Name:       path.Base(fields[0]),
				SampleType: api.SampleImage,
				DataSource: &api.DataSource{DataPath: fields[0], DataType: api.DataOBS},
				Labels:     []api.SampleLabel{{Name: fields[1], Type: api.LabelImageClassification}},
				Origin:     pos.String(),
			}
			if !yield(s, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: name}, Err: err})
		}
	}
}
