package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/modelarts-convert/convert/importers/coco"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func init() {
	registerFormat(&format{
		name:    "coco",
		summary: "a COCO annotation file (instances, person keypoints; -results for detection results)",
		args:    "FILE",
		flags:   cocoFlags,
	})
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

func cocoFlags(fs *flag.FlagSet) openFunc {
	shape := fs.String("shape", string(coco.ShapeBBox), "label geometry: `bbox` (one bndbox per annotation) or polygon (one polygon per segmentation part; crowd RLE masks traced)")
	images := fs.String("images", "", "folder of the image files (`DIR`); samples carry each image inline as base64 data")
	obsPrefix := fs.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + file_name (data_source.data_path) instead of carrying the image")
	followLinks := fs.Bool("follow-links", false, "with -images, read images through links that lead out of the images folder (default: such an image is rejected)")
	results := fs.String("results", "", "detection results `FILE` (a JSON array of image_id, category_id, bbox, score): its results are the labels, with their scores")
	var minScore scoreFlag
	fs.Var(&minScore, "min-score", "with -results, leave out results scored below `S`")
	return func(ctx context.Context, inputs []string, env *formatEnv) (*source, error) {
		if len(inputs) != 1 {
			return nil, usagef("give exactly one COCO annotation file (got %d)", len(inputs))
		}
		opts := coco.Options{Shape: coco.Shape(*shape), Warn: env.warn}
		if opts.Shape != coco.ShapeBBox && opts.Shape != coco.ShapePolygon {
			return nil, usagef("-shape must be bbox or polygon, not %q", *shape)
		}
		switch {
		case *images != "" && *obsPrefix != "":
			return nil, usagef("give -images or -obs-prefix, not both")
		case *obsPrefix != "":
			if *followLinks {
				return nil, usagef("-follow-links applies to -images, not -obs-prefix")
			}
			if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
				return nil, usagef("%v", err)
			}
			opts.Images = &imagefile.Source{OBSPrefix: *obsPrefix}
		case *images != "":
			fi, err := os.Stat(*images)
			if err != nil {
				return nil, usagef("-images: %v", err)
			}
			if !fi.IsDir() {
				return nil, usagef("-images %s is not a folder", *images)
			}
			opts.Images = &imagefile.Source{FS: imagefile.DirFS(*images), Dir: ".", FollowLinks: *followLinks}
		default:
			return nil, usagef("say where the images are: -images DIR (inline data) or -obs-prefix obs://bucket/dir/")
		}
		if minScore.set {
			if *results == "" {
				return nil, usagef("-min-score needs -results")
			}
			opts.MinScore = minScore.value
		}
		if *results != "" {
			if _, err := os.Stat(*results); err != nil {
				return nil, fmt.Errorf("-results: %w", err)
			}
			opts.Results = &coco.File{FS: os.DirFS(filepath.Dir(*results)), Path: filepath.Base(*results), Name: *results}
		}
		input := inputs[0]
		if input == "-" {
			return &source{samples: coco.ReadFrom(ctx, env.stdin, "standard input", opts)}, nil
		}
		if _, err := os.Stat(input); err != nil {
			return nil, err
		}
		opts.Name = input
		return &source{samples: coco.Read(ctx, os.DirFS(filepath.Dir(input)), filepath.Base(input), opts)}, nil
	}
}
