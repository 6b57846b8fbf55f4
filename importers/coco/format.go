package coco

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func init() {
	importers.Register(importers.Format{
		Name: "coco",
		Summary: "a COCO annotation file (instances, person keypoints; -results for detection results), or a folder\n" +
			"or archive of a COCO set (annotations/*.json with their images folders, Roboflow splits)",
		Args:        "INPUT",
		Flags:       Flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links", "Results": "-results", "MinScore": "-min-score", "Shape": "-shape"},
	})
}

// MarshalText gives the shape's name, so a Shape can be a flag (flag.TextVar).
func (s Shape) MarshalText() ([]byte, error) { return []byte(s), nil }

// UnmarshalText reads bbox or polygon.
func (s *Shape) UnmarshalText(b []byte) error {
	switch v := Shape(b); v {
	case ShapeBBox, ShapePolygon:
		*s = v
		return nil
	}
	return fmt.Errorf("must be bbox or polygon, not %q", b)
}

// scoreFlag is a float flag that remembers whether it was given.
type scoreFlag struct {
	set   bool
	value float64
}

func (f *scoreFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return strconv.FormatFloat(f.value, 'f', -1, 64)
}

func (f *scoreFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%q is not a number", s)
	}
	f.set, f.value = true, v
	return nil
}

// Flags adds the coco command's flags to fs and returns its opener, which reads one
// annotation file (or "-", or a .gz of one).
func Flags(fs *flag.FlagSet) importers.Opener {
	shape := ShapeBBox
	fs.TextVar(&shape, "shape", shape, "label geometry: `bbox` (one bndbox per annotation) or polygon (one polygon per segmentation part; crowd RLE masks traced)")
	images := fs.String("images", "", "folder of the image files (`DIR`); samples carry each image inline as base64 data")
	obsPrefix := fs.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + file_name (data_source.data_path) instead of carrying the image")
	followLinks := fs.Bool("follow-links", false, "with -images, read images through links that lead out of the images folder (default: such an image is rejected)")
	results := fs.String("results", "", "detection results `FILE` (a JSON array of image_id, category_id, bbox, score): its results are the labels, with their scores")
	var minScore scoreFlag
	fs.Var(&minScore, "min-score", "with -results, leave out results scored below `S`")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		if len(inputs) != 1 {
			return nil, importers.Usagef("give exactly one COCO annotation file, or a folder or archive of a COCO set (got %d inputs)", len(inputs))
		}
		opts := Options{Shape: shape, Warn: env.Warn}
		switch {
		case *images != "" && *obsPrefix != "":
			return nil, importers.Usagef("give -images or -obs-prefix, not both")
		case *obsPrefix != "":
			if *followLinks {
				return nil, importers.Usagef("-follow-links applies to -images, not -obs-prefix")
			}
			if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
				return nil, importers.Usagef("%v", err)
			}
			opts.Images = &imagefile.Source{OBSPrefix: *obsPrefix}
		case *images != "":
			fi, err := os.Stat(*images)
			if err != nil {
				return nil, importers.Usagef("-images: %v", err)
			}
			if !fi.IsDir() {
				return nil, importers.Usagef("-images %s is not a folder", *images)
			}
			opts.Images = &imagefile.Source{FS: imagefile.DirFS(*images), Dir: ".", FollowLinks: *followLinks}
		}
		if minScore.set {
			if *results == "" {
				return nil, importers.Usagef("-min-score needs -results")
			}
			opts.MinScore = minScore.value
		}
		if *results != "" {
			if _, err := os.Stat(*results); err != nil {
				return nil, fmt.Errorf("-results: %w", err)
			}
			opts.Results = &File{FS: os.DirFS(filepath.Dir(*results)), Path: filepath.Base(*results), Name: *results}
		}
		input := inputs[0]
		noImages := importers.Usagef("say where the images are: -images DIR (inline data) or -obs-prefix obs://bucket/dir/")
		if input == "-" && opts.Images == nil {
			return nil, noImages
		}
		if input == "-" {
			return &importers.Source{Samples: ReadFrom(ctx, env.CountReads(env.StdinOrEmpty()), "standard input", opts)}, nil
		}
		in, err := importers.OpenInput(input, env.Warn)
		if err != nil {
			return nil, err
		}
		if in.IsDir {
			return readSet(ctx, in, opts, *results != "")
		}
		if opts.Images == nil {
			in.Close()
			return nil, noImages
		}
		f, err := in.FS.Open(in.Name)
		if err != nil {
			in.Close()
			return nil, err
		}
		if fi, err := f.Stat(); err == nil && in.Archive == "" {
			env.AddBytes(fi.Size())
		}
		opts.Name = in.Path(in.Name)
		if in.Archive == "" {
			opts.Name = input
		}
		samples := ReadFrom(ctx, env.CountReads(f), opts.Name, opts)
		release := importers.CloseOnce(func() error {
			ferr := f.Close()
			if err := in.Close(); err != nil {
				return err
			}
			return ferr
		})
		return &importers.Source{Samples: func(yield func(*api.Sample, error) bool) {
			defer release()
			samples(yield)
		}, Close: release}, nil
	}
}

// readSet reads a folder or an archive of a COCO set: every annotation file FindPairs finds,
// each with its images folder (unless -images or -obs-prefix says otherwise). A folder's
// images are read through an os.Root of it.
func readSet(ctx context.Context, in *importers.Input, opts Options, results bool) (*importers.Source, error) {
	if results {
		in.Close()
		return nil, importers.Usagef("-results goes with one annotation file, not with a folder or archive of a COCO set")
	}
	fsys := in.FS
	if in.Archive == "" {
		fsys = imagefile.DirFS(in.OSPath())
	}
	pairs, err := FindPairs(ctx, fsys, in.Name)
	if err != nil {
		in.Close()
		return nil, err
	}
	samples := ReadPairs(ctx, fsys, pairs, opts, in.Path)
	release := importers.CloseOnce(in.Close)
	return &importers.Source{Samples: func(yield func(*api.Sample, error) bool) {
		defer release()
		samples(yield)
	}, Close: release}, nil
}
