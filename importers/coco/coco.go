// Package coco reads COCO annotation files (object instances, person keypoints, and detection
// results files) into ModelArts image samples: one sample per images[] entry, with an
// object-detection label per annotation (a bndbox from bbox, or polygons from the
// segmentation, crowd RLE masks traced to their outline), point labels for keypoints, and the
// annotation's extra attributes as label properties. Every label of one annotation carries its
// id ("annotation_id"), and its iscrowd and ignore flags; point labels their visibility. An
// annotation without geometry (an image-level label), or with only keypoints, gives an
// image-classification label of its category. Captions and panoptic files are refused.
//
// COCO files are large (train2017's instances file is 470 MB), so the document is streamed
// through a window and never held whole: the package's own validating scanner (walk.go)
// finds each array element and checks it, accepting exactly what encoding/json accepts
// (jsonlex.FuzzScanValue), several times as fast as encoding/json's Decoder, which it replaced; a
// Decoder is still used to word the errors, the same as before (TestWalkerDifferential), and
// to pass over members the importer does not read. Key order is not assumed; the real files put categories
// last, so no label can be named before the end of the file. The reader therefore makes one
// pass over the input, keeping only each image's compact state (id, file name, size) and the
// categories, and writes each annotation, already reduced to what its labels need, to a spill
// store (memory up to Options.SpillMemory, then a temporary file), chained per image. After
// the pass it emits the images in images[] order, reading back each image's annotations.
// Peak memory is the compact image state, 12 bytes per annotation, the in-memory part of the
// spill and the samples in flight; in bbox mode nothing of a segmentation is kept. One image
// never keeps more than a sample's worth of records (12,582,912 bytes of labels, counted as a
// lower bound while reading): past that it is rejected and its records only counted. One
// array element may take at most 32 MiB.
//
// The work is spread over the cores: while reading, one goroutine walks the document (the
// scanner) and hands its elements over in chunks, parse workers (one per core, up to four)
// reduce whole chunks of annotations to records and read the images' entries, and the
// reading goroutine takes the chunks back in document order to check each image against the
// ones before it (a repeated id or file name), read the categories, chain the records and
// report the rejections, so that the store, the warnings and their order do not depend on the
// number of workers; while emitting, builders (one per core, up to four, when the images are
// on OBS; one when they are read from Options.Images.FS) build the samples of runs of 32
// images, which the caller's goroutine takes back in images[] order and consumes, so that
// the samples, the warnings and their order do not depend on the number of builders either
// (TestBuildersDifferential). Warnings are always reported from the caller's goroutine.
package coco

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Shape says which geometry of an annotation becomes its label.
type Shape string

// Shapes.
const (
	// ShapeBBox makes one bndbox label per annotation from its bbox [x, y, width, height]:
	// [[x, y], [x+width, y+height]], the sums computed exactly in decimal.
	ShapeBBox Shape = "bbox"
	// ShapePolygon makes one polygon label per segmentation part; an RLE mask (crowd
	// regions) becomes one polygon per connected region, traced along its pixel outline.
	ShapePolygon Shape = "polygon"
)

// DefaultSpillMemory is how many bytes of converted annotations are kept in memory before
// the rest goes to a temporary file.
const DefaultSpillMemory = 8 << 20

// File is a file to read besides the annotation file.
type File struct {
	FS   fs.FS
	Path string
	Name string // how diagnostics name the file; Path when empty
}

// Options control the conversion.
type Options struct {
	// Shape is ShapeBBox (the default when empty) or ShapePolygon.
	Shape Shape

	// Images says where the image files are and how samples carry them: inline base64
	// data read from Images.FS, or, with Images.OBSPrefix, a data_source path of
	// OBSPrefix + file_name. Required.
	Images *imagefile.Source

	// Results, when set, is a detection results file (a bare JSON array of
	// {image_id, category_id, bbox, score} and optionally segmentation or keypoints) that
	// supplies the labels, each with its score, instead of the annotation file's
	// annotations. The annotation file still supplies the images, sizes and category names.
	Results *File
	// MinScore leaves out results scored below it (with Results only).
	MinScore float64

	// Name is how diagnostics name the annotation file; the path given to Read when empty.
	Name string

	// TempDir holds the spill file ("" is os.TempDir()); SpillMemory is how many bytes of
	// converted annotations stay in memory before spilling (0 is DefaultSpillMemory; a
	// negative value spills everything).
	TempDir     string
	SpillMemory int

	// Warn receives warnings and rejections.
	Warn importers.WarnFunc
}

// ErrNoImages is wrapped by the fatal error of a Read without Options.Images.
var ErrNoImages = errors.New("no image source: set Options.Images (a folder of images, or an OBS prefix)")

// Read reads the COCO annotation file at path in fsys and yields one sample per images[]
// entry, in images[] order. The stream is single-use. Annotations and images that cannot be
// converted are reported to opts.Warn as rejections with their position (byte offset and
// element, such as "annotations[17] (id 42)"); malformed JSON, an unreadable file or a
// cancelled ctx end the stream with a fatal *importers.Error. Samples come only after the
// whole file is read (category names may come last).
func Read(ctx context.Context, fsys fs.FS, path string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		name := opts.Name
		if name == "" {
			name = path
		}
		f, err := importers.OpenFile(ctx, fsys, path, importers.Position{File: name})
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.Close()
		convert(ctx, f, name, opts, yield)
	}
}

// ReadFrom is Read over an already open annotation file (standard input, say), which it
// reads once, to the end; name is how diagnostics call it. The stream is single-use.
func ReadFrom(ctx context.Context, r io.Reader, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		if err := importers.Check(ctx, importers.Position{File: name}); err != nil {
			yield(nil, err)
			return
		}
		convert(ctx, r, name, opts, yield)
	}
}

func convert(ctx context.Context, r io.Reader, name string, opts Options, yield func(*api.Sample, error) bool) {
	if opts.Images == nil {
		yield(nil, &importers.Error{Pos: importers.Position{File: name}, Err: ErrNoImages})
		return
	}
	if opts.Shape == "" {
		opts.Shape = ShapeBBox
	}
	if opts.Shape != ShapeBBox && opts.Shape != ShapePolygon {
		yield(nil, &importers.Error{Pos: importers.Position{File: name}, Err: errors.New("shape must be bbox or polygon, not " + string(opts.Shape))})
		return
	}
	c := newConverter(name, opts)
	defer c.close()
	if err := c.readInstances(ctx, r); err != nil {
		yield(nil, err)
		return
	}
	if opts.Results != nil {
		if err := c.readResultsFile(ctx, opts.Results); err != nil {
			yield(nil, err)
			return
		}
	}
	c.dropReadBuffers()
	if err := c.store.finish(); err != nil {
		yield(nil, &importers.Error{Pos: importers.Position{File: name}, Err: err})
		return
	}
	emitSamples(c, ctx, yield)
}

// emitSamples is (*converter).emit, a variable so that tests can put the previous emission
// in its place (refemit_test.go).
var emitSamples = (*converter).emit
