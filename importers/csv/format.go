package csv

import (
	"context"
	"flag"
	"io/fs"
	"iter"
	"path"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

func init() {
	importers.Register(importers.Format{
		Name: "csv",
		Summary: "Text-classification files (CSV, TSV, TXT; UTF-8 or GBK) into text samples with\n" +
			"text-classification labels, one sample per row. -layout combine reads the platform's\n" +
			"text<Tab>label1,label2 lines; -layout separate pairs X.txt with X_result.txt;\n" +
			"-whole-file sends each file whole for the service to split. FILE may be - for\n" +
			"standard input, a .gz of one file, or a folder or archive (.zip, .tar, .tar.gz)\n" +
			"whose *.csv, *.tsv, *.txt files are read in name order.",
		Args:        "FILE...",
		Flags:       Flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"NoHeader": "-header=false", "Encoding": "-encoding", "WholeFile": "-whole-file"},
	})
}

// MarshalText gives the layout's name, so a Layout can be a flag (flag.TextVar).
func (l Layout) MarshalText() ([]byte, error) { return []byte(l), nil }

// UnmarshalText reads a layout as ParseLayout does.
func (l *Layout) UnmarshalText(b []byte) error {
	v, err := ParseLayout(string(b))
	if err == nil {
		*l = v
	}
	return err
}

// Flags adds the csv command's flags to fs and returns its opener: the files are read one
// after another, each named by its file name (its path when two share a name); with
// -layout separate an X_result.txt given beside its X.txt is read with it. A folder or an
// archive of a folder is read as its files (see importers.ReadFiles).
func Flags(fs *flag.FlagSet) importers.Opener {
	opts := Options{Layout: LayoutCSV, Encoding: textenc.Auto}
	delimiter := fs.String("delimiter", ",", "the field delimiter: one character `C` (\\t or tab for Tab; Tab by default with -layout combine)")
	header := fs.Bool("header", true, "the first row names the columns (-layout csv only)")
	fs.StringVar(&opts.TextColumn, "text-column", "", "the text's column: a header name or a 1-based number (`NAME|N`; default text with a header, 1 without)")
	fs.StringVar(&opts.LabelColumn, "label-column", "", "the labels' column: a header name or a 1-based number (`NAME|N`; default label with a header, 2 without)")
	labelSep := fs.String("label-separator", ",", "separates several labels in one field: one character `C`")
	fs.TextVar(&opts.Encoding, "encoding", opts.Encoding, "the files' `encoding`: "+textenc.Names+" (auto: a BOM decides, else UTF-8 if valid, else GB18030)")
	fs.BoolVar(&opts.KeepEncoding, "keep-encoding", false, "send GBK/GB2312 texts in their source bytes (declared in encoding) instead of UTF-8")
	fs.TextVar(&opts.Layout, "layout", opts.Layout, "the files' `layout`: csv (delimited rows), combine (the platform's text<Tab>labels lines, no header) or separate (X.txt with X_result.txt)")
	fs.BoolVar(&opts.WholeFile, "whole-file", false, "one sample per file with the file's bytes, and a request label_format telling the service how to split its lines")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		opts := opts
		opts.NoHeader = !*header
		opts.Warn = env.Warn
		opts.SharedLabels = true // the command only validates and encodes the samples
		var err error
		if set["delimiter"] {
			if opts.Delimiter, err = ParseSeparator(*delimiter); err != nil {
				return nil, importers.Usagef("-delimiter %q: %v", *delimiter, err)
			}
		}
		if opts.LabelSeparator, err = ParseSeparator(*labelSep); err != nil {
			return nil, importers.Usagef("-label-separator %q: %v", *labelSep, err)
		}
		switch opts.Layout {
		case LayoutCombine:
			if set["header"] && *header {
				return nil, importers.Usagef("-layout combine has no header line (it is -delimiter tab -header=false)")
			}
		case LayoutSeparate:
			for _, name := range []string{"header", "delimiter"} {
				if set[name] {
					return nil, importers.Usagef("-%s does not apply to -layout separate: each line of X.txt is a text, each line of X_result.txt its labels", name)
				}
			}
		case LayoutCSV:
			if opts.WholeFile && !set["header"] {
				return nil, importers.Usagef("-whole-file: the service reads every line as a sample and cannot skip a header line; pass -header=false to confirm the files have none (or use -layout combine)")
			}
		}
		if err := opts.Check(); err != nil {
			return nil, importers.Usagef("%v", err)
		}

		given := map[string]bool{}
		for _, in := range inputs {
			given[filepath.Clean(in)] = true
			if in == "-" && opts.Layout == LayoutSeparate {
				return nil, importers.Usagef("-layout separate reads X.txt and X_result.txt from files, not from standard input")
			}
		}
		if err := importers.CheckFileInputs(inputs, env); err != nil {
			return nil, err
		}
		if opts.Layout == LayoutSeparate {
			// X_result.txt given beside X.txt (as dir/*.txt gives it) is read with X.txt.
			var texts []string
			for _, in := range inputs {
				if !isResultOf(in, given) {
					texts = append(texts, in)
				}
			}
			inputs = texts
		}
		keep := isRowsName
		if opts.Layout == LayoutSeparate {
			keep = isTextOfPair
		}
		samples := importers.ReadFiles(ctx, inputs, "text files", keep, env, func(f importers.FileInput) iter.Seq2[*api.Sample, error] {
			o := opts
			o.Name = f.Stem
			if f.FS == nil { // standard input
				if opts.WholeFile {
					o.Name = "stdin.txt"
				}
				r, _ := f.Open()
				o.Name = NameStem(o.Name)
				return ReadFrom(ctx, r, f.Path, o)
			}
			o.Name = NameStem(o.Name)
			return Read(ctx, f.PathFS(), f.Path, o)
		})
		src := &importers.Source{Samples: samples, LabelFormat: opts.LabelFormat()}
		if opts.WholeFile && !holdsFiles(inputs) {
			src.Total = len(inputs) // one sample per file; two per pair with -layout separate
			if opts.Layout == LayoutSeparate {
				src.Total *= 2
			}
		}
		return src, nil
	}
}

// holdsFiles reports whether an input is a folder or an archive of one, whose number of
// files is known only once it is read.
func holdsFiles(inputs []string) bool {
	for _, in := range inputs {
		if in != "-" && importers.HoldsFiles(in) {
			return true
		}
	}
	return false
}

// isRowsName tells the files of a folder or archive that are read: *.csv, *.tsv, *.txt.
func isRowsName(_ fs.FS, name string) bool {
	_, ok := extScore(name)
	return ok
}

// isTextOfPair tells the text files of the separate layout in a folder or archive: every
// *.txt but the X_result.txt of an X.txt beside it (read with X.txt).
func isTextOfPair(fsys fs.FS, name string) bool {
	if importers.Ext(name) != ".txt" {
		return false
	}
	stem, ok := strings.CutSuffix(strings.TrimSuffix(name, path.Ext(name)), "_result")
	if !ok {
		return true
	}
	_, err := fs.Stat(fsys, stem+path.Ext(name))
	return err != nil
}

// isResultOf reports whether in is the X_result file of another given input X.
func isResultOf(in string, given map[string]bool) bool {
	ext := filepath.Ext(in)
	stem, ok := strings.CutSuffix(strings.TrimSuffix(in, ext), "_result")
	return ok && given[filepath.Clean(stem+ext)]
}
