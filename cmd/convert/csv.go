package main

import (
	"context"
	"flag"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/importers/textenc"
)

func init() {
	registerFormat(&format{
		name: "csv",
		summary: "Text-classification files (CSV, TSV, TXT; UTF-8 or GBK) into text samples with\n" +
			"text-classification labels, one sample per row. -layout combine reads the platform's\n" +
			"text<Tab>label1,label2 lines; -layout separate pairs X.txt with X_result.txt;\n" +
			"-whole-file sends each file whole for the service to split. FILE may be - for\n" +
			"standard input.",
		args:  "FILE...",
		flags: csvFlags,
	})
}

func csvFlags(fs *flag.FlagSet) openFunc {
	var (
		delimiter = fs.String("delimiter", ",", "the field delimiter: one character `C` (\\t or tab for Tab; Tab by default with -layout combine)")
		header    = fs.Bool("header", true, "the first row names the columns (-layout csv only)")
		textCol   = fs.String("text-column", "", "the text's column: a header name or a 1-based number (`NAME|N`; default text with a header, 1 without)")
		labelCol  = fs.String("label-column", "", "the labels' column: a header name or a 1-based number (`NAME|N`; default label with a header, 2 without)")
		labelSep  = fs.String("label-separator", ",", "separates several labels in one field: one character `C`")
		encoding  = fs.String("encoding", "auto", "the files' `encoding`: "+textenc.Names+" (auto: a BOM decides, else UTF-8 if valid, else GB18030)")
		keep      = fs.Bool("keep-encoding", false, "send GBK/GB2312 texts in their source bytes (declared in encoding) instead of UTF-8")
		layout    = fs.String("layout", "csv", "the files' `layout`: csv (delimited rows), combine (the platform's text<Tab>labels lines, no header) or separate (X.txt with X_result.txt)")
		whole     = fs.Bool("whole-file", false, "one sample per file with the file's bytes, and a request label_format telling the service how to split its lines")
	)
	return func(ctx context.Context, inputs []string, env *formatEnv) (*source, error) {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

		opts := csvimp.Options{
			TextColumn:   *textCol,
			LabelColumn:  *labelCol,
			KeepEncoding: *keep,
			WholeFile:    *whole,
			NoHeader:     !*header,
			Warn:         env.warn,
		}
		var err error
		if opts.Layout, err = csvimp.ParseLayout(*layout); err != nil {
			return nil, usagef("-layout: %v", err)
		}
		if opts.Encoding, err = textenc.Parse(*encoding); err != nil {
			return nil, usagef("-encoding: %v", err)
		}
		if set["delimiter"] {
			if opts.Delimiter, err = csvimp.ParseSeparator(*delimiter); err != nil {
				return nil, usagef("-delimiter %q: %v", *delimiter, err)
			}
		}
		if opts.LabelSeparator, err = csvimp.ParseSeparator(*labelSep); err != nil {
			return nil, usagef("-label-separator %q: %v", *labelSep, err)
		}
		switch opts.Layout {
		case csvimp.LayoutCombine:
			if set["header"] && *header {
				return nil, usagef("-layout combine has no header line (it is -delimiter tab -header=false)")
			}
		case csvimp.LayoutSeparate:
			for _, name := range []string{"header", "delimiter"} {
				if set[name] {
					return nil, usagef("-%s does not apply to -layout separate: each line of X.txt is a text, each line of X_result.txt its labels", name)
				}
			}
		case csvimp.LayoutCSV:
			if *whole && !set["header"] {
				return nil, usagef("-whole-file: the service reads every line as a sample and cannot skip a header line; pass -header=false to confirm the files have none (or use -layout combine)")
			}
		}
		if err := opts.Check(); err != nil {
			return nil, usagef("%v", err)
		}

		stdin := 0
		given := map[string]bool{}
		for _, in := range inputs {
			given[filepath.Clean(in)] = true
			if in == "-" {
				if stdin++; stdin > 1 {
					return nil, usagef("standard input (-) may be given once")
				}
				if opts.Layout == csvimp.LayoutSeparate {
					return nil, usagef("-layout separate reads X.txt and X_result.txt from files, not from standard input")
				}
				continue
			}
			fi, err := os.Stat(in)
			if err != nil {
				return nil, err
			}
			if fi.IsDir() {
				return nil, usagef("%s is a folder; give the files themselves", in)
			}
		}
		if opts.Layout == csvimp.LayoutSeparate {
			// X_result.txt given beside X.txt (as dir/*.txt gives it) is read with X.txt.
			var texts []string
			for _, in := range inputs {
				if !isResultOf(in, given) {
					texts = append(texts, in)
				}
			}
			inputs = texts
		}
		in := env.stdin
		if in == nil {
			in = strings.NewReader("")
		}
		src := &source{samples: csvStream(ctx, inputs, csvStems(inputs, opts.WholeFile), opts, in), labelFormat: opts.LabelFormat()}
		if opts.WholeFile {
			src.total = len(inputs) // one sample per file; two per pair with -layout separate
			if opts.Layout == csvimp.LayoutSeparate {
				src.total *= 2
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

// csvStems gives each input its sample-name stem: the file's name, or, when two inputs share
// a name, its path with the separators made "_" (a/train.csv and b/train.csv give
// a_train.csv-000002.txt and b_train.csv-000002.txt).
func csvStems(inputs []string, whole bool) []string {
	base := func(in string) string {
		if in == "-" {
			if whole {
				return "stdin.txt"
			}
			return "stdin"
		}
		return filepath.Base(in)
	}
	count := map[string]int{}
	for _, in := range inputs {
		count[base(in)]++
	}
	stems := make([]string, len(inputs))
	for i, in := range inputs {
		name := base(in)
		if count[name] > 1 && in != "-" {
			p := filepath.ToSlash(filepath.Clean(in))
			for strings.HasPrefix(p, "../") {
				p = p[3:]
			}
			name = strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_")
		}
		stems[i] = csvimp.NameStem(name)
	}
	return stems
}

// osFS opens paths as the user gave them (relative, absolute, with ".."), so positions in
// messages name the files as typed.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// csvStream reads the inputs one after another, each file opened only when its turn comes.
func csvStream(ctx context.Context, inputs, stems []string, opts csvimp.Options, stdin io.Reader) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for i, in := range inputs {
			o := opts
			o.Name = stems[i]
			seq := csvimp.Read(ctx, osFS{}, in, o)
			if in == "-" {
				seq = csvimp.ReadFrom(ctx, stdin, "stdin", o)
			}
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					return
				}
			}
		}
	}
}
