package main

import (
	"context"
	"flag"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/conll"
	"github.com/modelarts-convert/convert/importers/textenc"
)

func init() {
	registerFormat(&format{
		name: "conll",
		summary: "CoNLL NER column files (a token per line, its tag in a column, a blank line between\n" +
			"sentences; CoNLL-2003 and kin, any tagging scheme) into text samples with named-entity\n" +
			"labels. FILE may be - for standard input.",
		args:  "FILE...",
		flags: conllFlags,
	})
}

func conllFlags(fs *flag.FlagSet) openFunc {
	var (
		tab       = fs.Bool("tab", false, "split columns on tabs only (tokens may contain spaces); by default on runs of spaces and tabs")
		tokColumn = fs.Int("token-column", 1, "the 1-based `N` of the column holding the token (2 for GermEval's `index token tag tag`)")
		tagColumn = fs.Int("tag-column", 0, "the 1-based `N` of the column holding the tag (not the token column); 0 means the last column")
		encoding  = fs.String("encoding", "auto", "the files' `encoding`: "+textenc.Names+" (auto: a BOM decides, else UTF-8 if valid, else GB18030)")
		scheme    = fs.String("scheme", "", "check the tags against one tagging `scheme` ("+conll.SchemeNames+") and warn about ill-formed sequences; tags are read the conlleval way whatever the scheme")
		group     = fs.String("group", "sentence", "one sample per `unit`: sentence, or document (per -DOCSTART-, sentences joined by a newline)")
		join      = fs.String("join", "auto", "how tokens are joined into the text (`mode`): auto (a file whose first tokens are single characters is joined with nothing; else one space, none between two CJK characters), space or none")
		offsets   = fs.String("offsets", "codepoint", "the `unit` @modelarts:start_index/end_index count: codepoint or utf16 (UTF-16 code units)")
		keep      = fs.Bool("keep-encoding", false, "keep GBK/GB2312 source bytes as the samples' data (declared in encoding) instead of UTF-8")
	)
	return func(ctx context.Context, inputs []string, env *formatEnv) (*source, error) {
		opts := conll.Options{Tab: *tab, KeepEncoding: *keep, Warn: env.warn}
		var err error
		if *tokColumn < 1 {
			return nil, usagef("-token-column must be 1 or more")
		}
		if *tagColumn < 0 || *tagColumn == *tokColumn {
			return nil, usagef("-tag-column must be a column other than the token's (-token-column %d), or 0 for the last column", *tokColumn)
		}
		opts.TokenColumn, opts.TagColumn = *tokColumn, *tagColumn
		if opts.Encoding, err = textenc.Parse(*encoding); err != nil {
			return nil, usagef("-encoding: %v", err)
		}
		if opts.Scheme, err = conll.ParseScheme(*scheme); err != nil {
			return nil, usagef("-scheme: %v", err)
		}
		if opts.Group, err = conll.ParseGroup(*group); err != nil {
			return nil, usagef("-group: %v", err)
		}
		if opts.Join, err = conll.ParseJoin(*join); err != nil {
			return nil, usagef("-join: %v", err)
		}
		if opts.Offsets, err = conll.ParseOffsets(*offsets); err != nil {
			return nil, usagef("-offsets: %v", err)
		}
		stdin := 0
		for _, in := range inputs {
			if in == "-" {
				if stdin++; stdin > 1 {
					return nil, usagef("standard input (-) may be given once")
				}
				continue
			}
			fi, err := os.Stat(in)
			if err != nil {
				return nil, err
			}
			if fi.IsDir() {
				return nil, usagef("%s is a folder; give the CoNLL files themselves", in)
			}
		}
		in := env.stdin
		if in == nil {
			in = strings.NewReader("")
		}
		return &source{samples: conllStream(ctx, inputs, conllNames(inputs), opts, in)}, nil
	}
}

// conllNames gives each input its sample-name prefix: the file's name, or, when two inputs
// share a name, its path with the separators made "_" (so a/train.txt and b/train.txt give
// a_train.txt-000001.txt and b_train.txt-000001.txt).
func conllNames(inputs []string) []string {
	base := func(in string) string {
		if in == "-" {
			return "stdin"
		}
		return filepath.Base(in)
	}
	count := map[string]int{}
	for _, in := range inputs {
		count[base(in)]++
	}
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = base(in)
		if count[names[i]] > 1 && in != "-" {
			p := filepath.ToSlash(filepath.Clean(in))
			for strings.HasPrefix(p, "../") {
				p = p[3:]
			}
			names[i] = strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_")
		}
	}
	return names
}

// conllStream reads the inputs one after another, each file opened only when its turn comes.
func conllStream(ctx context.Context, inputs, names []string, opts conll.Options, stdin io.Reader) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for i, in := range inputs {
			o := opts
			o.Name = names[i]
			var seq iter.Seq2[*api.Sample, error]
			var f *os.File
			if in == "-" {
				seq = conll.ReadFrom(ctx, stdin, "stdin", o)
			} else {
				var err error
				if f, err = os.Open(in); err != nil {
					yield(nil, &importers.Error{Pos: importers.Position{File: in}, Err: err})
					return
				}
				seq = conll.ReadFrom(ctx, f, in, o)
			}
			stop := false
			for s, err := range seq {
				if !yield(s, err) || err != nil {
					stop = true
					break
				}
			}
			if f != nil {
				f.Close()
			}
			if stop {
				return
			}
		}
	}
}
