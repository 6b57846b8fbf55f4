package voc

import (
	"context"
	"flag"
	"iter"
	"os"
	"path/filepath"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func init() {
	importers.Register(importers.Format{
		Name: "voc",
		Summary: "Pascal VOC annotation XML (VOC 2007/2012, CVAT, Roboflow, labelImg, ModelArts' own VOC):\n" +
			"each INPUT is a VOC root (Annotations/, JPEGImages/, ImageSets/Main/), a folder of *.xml, an XML file,\n" +
			"or a .zip, .tar, .tar.gz or .tgz of such a folder",
		Args:        "INPUT...",
		Flags:       Flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"Subset": "-subset", "OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links", "OneBased": "-one-based"},
	})
}

// Flags adds the voc command's flags to fs and returns its opener: each input is a VOC
// root or a folder of XML (read with Read), or an XML file (consecutive files of one folder
// are read together with ReadFiles).
func Flags(fs *flag.FlagSet) importers.Opener {
	subset := fs.String("subset", "", "convert only the ids listed in ImageSets/Main/`NAME`.txt of each VOC root, in the list's order")
	images := fs.String("images", "", "folder of the image files (`DIR`; default: JPEGImages/ of a VOC root, else each XML's own folder)")
	obsPrefix := fs.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the image's path in the images folder (data_source) instead of carrying its bytes")
	followLinks := fs.Bool("follow-links", false, "read images through links that lead out of the images folder (default: such an image is rejected)")
	round := fs.Bool("round", false, "round coordinates and radii to integers (default: kept exactly as written)")
	oneBased := fs.Bool("one-based", false, "subtract 1 from every coordinate, for tools that write 1-based pixel indices")
	workers := fs.Int("workers", 0, "parse `N` files at once (default: the number of CPUs)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, importers.Usagef("%v", err)
		}
		if *workers < 0 {
			return nil, importers.Usagef("-workers must be 0 (one per CPU) or more")
		}
		opts := Options{
			Subset:      *subset,
			OBSPrefix:   *obsPrefix,
			FollowLinks: *followLinks,
			Round:       *round,
			OneBased:    *oneBased,
			Workers:     *workers,
			Warn:        env.Warn,
			Planned:     env.AddRecords,
		}
		if *images != "" {
			fi, err := os.Stat(*images)
			if err != nil {
				return nil, importers.Usagef("-images: %v", err)
			}
			if !fi.IsDir() {
				return nil, importers.Usagef("-images %s is not a folder", *images)
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
			o.Base = importers.PathBase(filesDir)
			seqs = append(seqs, ReadFiles(ctx, imagefile.DirFS(filesDir), files, o))
			files = nil
		}
		for _, in := range inputs {
			fi, err := os.Stat(in)
			if err != nil {
				return nil, importers.Usagef("%v", err)
			}
			if !fi.IsDir() && fi.Mode().IsRegular() && importers.IsArchiveName(in) {
				flush()
				seqs = append(seqs, readArchive(ctx, in, opts, env))
				continue
			}
			if fi.IsDir() {
				flush()
				if *subset != "" {
					if ai, err := os.Stat(filepath.Join(in, AnnotationsDir)); err != nil || !ai.IsDir() {
						return nil, importers.Usagef("-subset needs a VOC root folder (with %s/); %s has none", AnnotationsDir, in)
					}
				}
				o := opts
				o.Base = importers.PathBase(in)
				seqs = append(seqs, Read(ctx, imagefile.DirFS(in), ".", o))
				continue
			}
			if *subset != "" {
				return nil, importers.Usagef("-subset applies to VOC root folders (or archives of them), not to the file %s", in)
			}
			dir := filepath.Dir(in)
			if len(files) > 0 && dir != filesDir {
				flush()
			}
			filesDir = dir
			files = append(files, filepath.ToSlash(filepath.Base(in)))
		}
		flush()
		return &importers.Source{Samples: importers.Concat(seqs...)}, nil
	}
}

// readArchive reads a .zip, .tar, .tar.gz or .tgz of a VOC dataset as the folder it holds
// (or a .gz of one XML file), opened when its turn comes; messages name the archive and the
// member ("export.zip:Annotations/a.xml").
func readArchive(ctx context.Context, p string, opts Options, env importers.Env) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		in, err := importers.OpenInput(p, env.Warn)
		if err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: p}, Err: err})
			return
		}
		defer in.Close()
		opts.Path = in.Path
		seq := Read(ctx, in.FS, in.Name, opts)
		if !in.IsDir {
			seq = ReadFiles(ctx, in.FS, []string{in.Name}, opts)
		}
		for s, err := range seq {
			if !yield(s, err) {
				return
			}
		}
	}
}
