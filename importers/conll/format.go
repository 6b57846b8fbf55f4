package conll

import (
	"context"
	"flag"
	"io/fs"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

func init() {
	importers.Register(importers.Format{
		Name: "conll",
		Summary: "CoNLL NER column files (a token per line, its tag in a column, a blank line between\n" +
			"sentences; CoNLL-2003 and kin, any tagging scheme) into text samples with named-entity\n" +
			"labels. FILE may be - for standard input, a .gz of one file, or a folder or archive\n" +
			"(.zip, .tar, .tar.gz) whose CoNLL files are read in name order.",
		Args:        "FILE...",
		Flags:       Flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"TokenColumn": "-token-column", "TagColumn": "-tag-column", "Join": "-join", "Scheme": "-scheme", "Encoding": "-encoding"},
	})
}

// Flags adds the conll command's flags to fs and returns its opener: the files are read one
// after another, each named by its file name (its path when two share a name); a folder or
// an archive of a folder is read as its CoNLL files (see importers.ReadFiles).
func Flags(fs *flag.FlagSet) importers.Opener {
	opts := Options{Encoding: textenc.Auto, Group: GroupSentence, Join: JoinAuto, Offsets: OffsetsCodePoints}
	fs.BoolVar(&opts.Tab, "tab", false, "split columns on tabs only (tokens may contain spaces); by default on runs of spaces and tabs")
	fs.IntVar(&opts.TokenColumn, "token-column", 1, "the 1-based `N` of the column holding the token (2 for GermEval's \"index token tag tag\")")
	fs.IntVar(&opts.TagColumn, "tag-column", 0, "the 1-based `N` of the column holding the tag (not the token column); 0 means the last column")
	fs.TextVar(&opts.Encoding, "encoding", opts.Encoding, "the files' `encoding`: "+textenc.Names+" (auto: a BOM decides, else UTF-8 if valid, else GB18030)")
	fs.TextVar(&opts.Scheme, "scheme", opts.Scheme, "check the tags against one tagging `scheme` ("+SchemeNames+") and warn about ill-formed sequences; tags are read the conlleval way whatever the scheme")
	fs.TextVar(&opts.Group, "group", opts.Group, "one sample per `unit`: sentence, or document (per -DOCSTART-, sentences joined by a newline)")
	fs.TextVar(&opts.Join, "join", opts.Join, "how tokens are joined into the text (`mode`): auto (a file whose first tokens are single characters is joined with nothing; else one space, none between two CJK characters), space or none")
	fs.TextVar(&opts.Offsets, "offsets", opts.Offsets, "the `unit` @modelarts:start_index/end_index count: codepoint or utf16 (UTF-16 code units)")
	fs.BoolVar(&opts.KeepEncoding, "keep-encoding", false, "keep GBK/GB2312 source bytes as the samples' data (declared in encoding) instead of UTF-8")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		opts := opts
		opts.Warn = env.Warn
		// The command only validates and encodes the samples: their labels may share maps.
		opts.SharedProperties = true
		if opts.TokenColumn < 1 {
			return nil, importers.Usagef("-token-column must be 1 or more")
		}
		if opts.TagColumn < 0 || opts.TagColumn == opts.TokenColumn {
			return nil, importers.Usagef("-tag-column must be a column other than the token's (-token-column %d), or 0 for the last column", opts.TokenColumn)
		}
		if err := importers.CheckFileInputs(inputs, env); err != nil {
			return nil, err
		}
		return &importers.Source{Samples: importers.ReadFiles(ctx, inputs, "CoNLL files", isCoNLLName, env,
			func(f importers.FileInput) iter.Seq2[*api.Sample, error] {
				o := opts
				o.Name = f.Stem
				return readFile(ctx, f, o)
			})}, nil
	}
}

// isCoNLLName tells the files of a folder or archive that are read: those with a CoNLL
// file's extension (textExts; none, .txt, .conll, .tsv, ...).
func isCoNLLName(_ fs.FS, name string) bool { return textExts[importers.Ext(name)] }

// readFile reads one file, opened when its turn comes; positions name it as f.Path
// ("export.zip:dir/train.txt:12").
func readFile(ctx context.Context, f importers.FileInput, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		r, err := f.Open()
		if err != nil {
			yield(nil, &importers.Error{Pos: importers.Position{File: f.Path}, Err: err})
			return
		}
		defer r.Close()
		for s, err := range ReadFrom(ctx, r, f.Path, opts) {
			if !yield(s, err) {
				return
			}
		}
	}
}
