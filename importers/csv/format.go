package csv

import (
	"context"
	"flag"
	"io/fs"
	"iter"
	"os"
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
			"standard input.",
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
// -layout separate an X_result.txt given beside its X.txt is read with it.
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
		if err := importers.CheckFiles(inputs, "files", env); err != nil {
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
		src := &importers.Source{Samples: readInputs(ctx, inputs, inputStems(inputs, opts.WholeFile), opts, env), LabelFormat: opts.LabelFormat()}
		if opts.WholeFile {
			src.Total = len(inputs) // one sample per file; two per pair with -layout separate
			if opts.Layout == LayoutSeparate {
				src.Total *= 2
			}
		}
		return src, nil
	}
}

// isResultOf reports whether in is the X_result file of another given input X.
func isResultOf(in string, given map[string]bool) bool {
	ext := filepath.Ext(in)
	stem, ok := strings.CutSuffix(strings.TrimSuffix(in, ext), "_result")
	return ok && given[filepath.Clean(stem+ext)]
}

// inputStems gives each input its sample-name stem (see importers.InputStems); standard
// input read whole is stdin.txt.
func inputStems(inputs []string, whole bool) []string {
	stems := importers.InputStems(inputs)
	for i := range stems {
		if inputs[i] == "-" && whole {
			stems[i] = "stdin.txt"
		}
		stems[i] = NameStem(stems[i])
	}
	return stems
}

// osFS opens paths as the user gave them (relative, absolute, with ".."), so positions in
// messages name the files as typed; what is read is reported to env's progress.
type osFS struct{ env importers.Env }

func (o osFS) Open(name string) (fs.File, error) {
	f, err := os.Open(name)
	if err != nil || o.env.Progress == nil {
		return f, err
	}
	return countedFile{File: f, r: o.env.CountReads(f)}, nil
}

type countedFile struct {
	fs.File
	r interface{ Read([]byte) (int, error) }
}

func (c countedFile) Read(b []byte) (int, error) { return c.r.Read(b) }

// readInputs reads the inputs one after another, each file opened only when its turn comes.
func readInputs(ctx context.Context, inputs, stems []string, opts Options, env importers.Env) iter.Seq2[*api.Sample, error] {
	seqs := make([]iter.Seq2[*api.Sample, error], len(inputs))
	for i, in := range inputs {
		o := opts
		o.Name = stems[i]
		switch {
		case in == "-":
			seqs[i] = ReadFrom(ctx, env.CountReads(env.StdinOrEmpty()), "stdin", o)
		case importers.IsArchiveName(in) && opts.Layout != LayoutSeparate:
			seqs[i] = readArchived(ctx, in, o, env)
		default:
			seqs[i] = Read(ctx, osFS{env}, in, o)
		}
	}
	return importers.Concat(seqs...)
}

// readArchived reads the one file a .gz holds, opened when its turn comes.
func readArchived(ctx context.Context, in string, opts Options, env importers.Env) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		r, name, err := importers.OpenFileInput(in, env)
		if err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
			return
		}
		defer r.Close()
		for s, err := range ReadFrom(ctx, r, name, opts) {
			if !yield(s, err) {
				return
			}
		}
	}
}
