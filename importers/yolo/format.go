package yolo

import (
	"bytes"
	"context"
	"flag"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func init() {
	importers.Register(importers.Format{
		Name: "yolo",
		Summary: "YOLO datasets: the platform's Darknet layout (obj.data, obj.names, train.txt/valid.txt, labels beside images)\n" +
			"or the Ultralytics layout (data.yaml, images/ and labels/); each INPUT is a dataset folder, its obj.data or\n" +
			"data.yaml, or a .zip/.tar(.gz) of the folder",
		Args:        "INPUT...",
		Flags:       flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links", "Subset": "-subset", "Precision": "-precision"},
	})
}

func flags(fset *flag.FlagSet) importers.Opener {
	subset := fset.String("subset", "", "convert one subset only: `train`, valid (or val) or test (default: all the dataset names)")
	precision := fset.Int("precision", DefaultPrecision, "at most `N` decimals in pixel coordinates (0..20; rounded half away from zero)")
	obsPrefix := fset.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the image's path in the dataset (data_source) instead of carrying its bytes; the local image is still read for its size")
	followLinks := fset.Bool("follow-links", false, "read images through links that lead out of the dataset (default: such an image is rejected)")
	workers := fset.Int("workers", 0, "convert `N` images at once (default: the number of CPUs)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		switch *subset {
		case "", "train", "valid", "val", "test":
		default:
			return nil, importers.Usagef("-subset %q: train, valid (or val) or test", *subset)
		}
		if *precision < 0 || *precision > 20 {
			return nil, importers.Usagef("-precision %d: 0..20 decimals", *precision)
		}
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, importers.Usagef("%v", err)
		}
		if *workers < 0 {
			return nil, importers.Usagef("-workers must be 0 (one per CPU) or more")
		}
		if len(inputs) == 0 {
			return nil, importers.Usagef("give a YOLO dataset: its folder, its obj.data or data.yaml, or an archive of it")
		}
		opts := Options{
			Subset:      *subset,
			Precision:   *precision,
			OBSPrefix:   *obsPrefix,
			FollowLinks: *followLinks,
			Workers:     *workers,
			Warn:        env.Warn,
		}
		if env.Progress != nil {
			opts.Planned = env.Progress.AddRecords
		}
		var opened []io.Closer
		closeAll := func() error {
			var first error
			for _, c := range opened {
				if err := c.Close(); err != nil && first == nil {
					first = err
				}
			}
			return first
		}
		var seqs []iter.Seq2[*api.Sample, error]
		for _, p := range inputs {
			if p == "-" {
				closeAll()
				return nil, importers.Usagef("a YOLO dataset is a folder or an archive; standard input is not read")
			}
			in, err := importers.OpenInput(p, env.Warn)
			if err != nil {
				closeAll()
				return nil, importers.Usagef("%v", err)
			}
			opened = append(opened, in)
			o := opts
			var fsys fs.FS
			name := in.Name
			if in.Archive != "" {
				fsys = in.FS
				o.Base = in.Archive + ":"
			} else {
				dir := in.OSPath()
				if !in.IsDir {
					dir = filepath.Dir(dir)
				}
				root, err := os.OpenRoot(dir)
				if err != nil {
					closeAll()
					return nil, importers.Usagef("%v", err)
				}
				opened = append(opened, root)
				fsys = imagefile.DirFS(dir)
				o.TextFS = root.FS()
				if dir != "." {
					o.Base = filepath.ToSlash(filepath.Clean(dir))
				}
			}
			seqs = append(seqs, Read(ctx, fsys, name, o))
		}
		release := importers.CloseOnce(closeAll)
		return &importers.Source{Samples: func(yield func(*api.Sample, error) bool) {
			defer release()
			for _, seq := range seqs {
				for s, err := range seq {
					if !yield(s, err) || err != nil {
						return
					}
				}
			}
		}, Close: release}, nil
	}
}

// Detect recognizes a YOLO dataset: a folder with obj.data, a data.yaml that names classes
// and images, or obj.names with train.txt or valid.txt (the platform's layout without its
// obj.data); or such an obj.data or data.yaml file itself. It reads names and the first KiB
// of the configuration.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		switch ext := strings.ToLower(path.Ext(name)); {
		case ext == ".data" && darknetData(fsys, name):
			return importers.Detection{Score: 100, Layout: "Darknet (" + path.Base(name) + ")"}, true
		case (ext == ".yaml" || ext == ".yml") && ultralyticsYAML(fsys, name):
			return importers.Detection{Score: 100, Layout: "Ultralytics (" + path.Base(name) + ")"}, true
		}
		return importers.Detection{}, false
	}
	if p := path.Join(name, "obj.data"); darknetData(fsys, p) {
		return importers.Detection{Score: 100, Layout: "Darknet (obj.data)"}, true
	}
	for _, n := range yamlNames {
		if p := path.Join(name, n); ultralyticsYAML(fsys, p) {
			return importers.Detection{Score: 100, Layout: "Ultralytics (" + n + ")"}, true
		}
	}
	if isFile(fsys, path.Join(name, "obj.names")) && (isFile(fsys, path.Join(name, "train.txt")) || isFile(fsys, path.Join(name, "valid.txt"))) {
		return importers.Detection{Score: 90, Layout: "Darknet (obj.names, no obj.data)"}, true
	}
	return importers.Detection{}, false
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

// head reads the first KiB of a regular file.
func head(fsys fs.FS, name string) []byte {
	if !isFile(fsys, name) {
		return nil
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, 1024)
	n, _ := io.ReadFull(f, buf)
	return buf[:n]
}

// darknetData reports whether a file reads as an obj.data: `names =` and `train =` or
// `valid =` lines.
func darknetData(fsys fs.FS, name string) bool {
	h := head(fsys, name)
	var names, list bool
	for _, l := range bytes.Split(h, []byte("\n")) {
		k, _, ok := bytes.Cut(l, []byte("="))
		if !ok {
			continue
		}
		switch string(bytes.ToLower(bytes.TrimSpace(k))) {
		case "names":
			names = true
		case "train", "valid":
			list = true
		}
	}
	return names && list
}

// ultralyticsYAML reports whether a file reads as a data.yaml: top-level `names:` (or
// `nc:`) and `train:` or `val:` keys.
func ultralyticsYAML(fsys fs.FS, name string) bool {
	h := head(fsys, name)
	var names, list bool
	for _, l := range bytes.Split(h, []byte("\n")) {
		switch {
		case bytes.HasPrefix(l, []byte("names:")), bytes.HasPrefix(l, []byte("nc:")):
			names = true
		case bytes.HasPrefix(l, []byte("train:")), bytes.HasPrefix(l, []byte("val:")):
			list = true
		}
	}
	return names && list
}
