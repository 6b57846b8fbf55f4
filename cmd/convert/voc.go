package main

import (
	"context"
	"flag"
	"iter"
	"os"
	"path/filepath"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/voc"
)

func init() {
	registerFormat(&format{
		name: "voc",
		summary: "Pascal VOC annotation XML (VOC 2007/2012, CVAT, Roboflow, labelImg, ModelArts' own VOC):\n" +
			"each INPUT is a VOC root (Annotations/, JPEGImages/, ImageSets/Main/), a folder of *.xml, or an XML file",
		args:  "INPUT...",
		flags: vocFlags,
	})
}

func vocFlags(fs *flag.FlagSet) openFunc {
	subset := fs.String("subset", "", "convert only the ids listed in ImageSets/Main/`NAME`.txt of each VOC root, in the list's order")
	images := fs.String("images", "", "folder of the image files (`DIR`; default: JPEGImages/ of a VOC root, else each XML's own folder)")
	obsPrefix := fs.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the image's path in the images folder (data_source) instead of carrying its bytes")
	followLinks := fs.Bool("follow-links", false, "read images through links that lead out of the images folder (default: such an image is rejected)")
	round := fs.Bool("round", false, "round coordinates and radii to integers (default: kept exactly as written)")
	oneBased := fs.Bool("one-based", false, "subtract 1 from every coordinate, for tools that write 1-based pixel indices")
	workers := fs.Int("workers", 0, "parse `N` files at once (default: the number of CPUs)")
	return func(ctx context.Context, inputs []string, env *formatEnv) (*source, error) {
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, usagef("%v", err)
		}
		if *workers < 0 {
			return nil, usagef("-workers must be 0 (one per CPU) or more")
		}
		opts := voc.Options{
			Subset:      *subset,
			OBSPrefix:   *obsPrefix,
			FollowLinks: *followLinks,
			Round:       *round,
			OneBased:    *oneBased,
			Workers:     *workers,
			Warn:        env.warn,
			Planned:     env.addTotal,
		}
		if *images != "" {
			fi, err := os.Stat(*images)
			if err != nil {
				return nil, usagef("-images: %v", err)
			}
			if !fi.IsDir() {
				return nil, usagef("-images %s is not a folder", *images)
			}
			opts.ImagesFS = imagefile.DirFS(*images)
		}
		var seqs []iter.Seq2[*api.Sample, error]
		var files []string // consecutive file inputs of one folder, read together
		var filesDir string
		flush := func() {
			if len(files) == 0 {
				return
			}
			o := opts
			o.Base = vocBase(filesDir)
			seqs = append(seqs, voc.ReadFiles(ctx, imagefile.DirFS(filesDir), files, o))
			files = nil
		}
		for _, in := range inputs {
			fi, err := os.Stat(in)
			if err != nil {
				return nil, usagef("%v", err)
			}
			if fi.IsDir() {
				flush()
				if *subset != "" {
					if ai, err := os.Stat(filepath.Join(in, voc.AnnotationsDir)); err != nil || !ai.IsDir() {
						return nil, usagef("-subset needs a VOC root folder (with %s/); %s has none", voc.AnnotationsDir, in)
					}
				}
				o := opts
				o.Base = vocBase(in)
				seqs = append(seqs, voc.Read(ctx, imagefile.DirFS(in), ".", o))
				continue
			}
			if *subset != "" {
				return nil, usagef("-subset applies to VOC root folders, not to the file %s", in)
			}
			dir := filepath.Dir(in)
			if len(files) > 0 && dir != filesDir {
				flush()
			}
			filesDir = dir
			files = append(files, filepath.ToSlash(filepath.Base(in)))
		}
		flush()
		return &source{samples: vocConcat(seqs)}, nil
	}
}

// vocBase is how messages name a folder's files: "" for the current folder.
func vocBase(dir string) string {
	if dir == "." {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(dir))
}

// vocConcat reads the streams one after the other; an error ends them all.
func vocConcat(seqs []iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
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
