package conll

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/modelarts-convert/convert/importers"
)

// textExts are the extensions a CoNLL file may have ("" too: CoNLL-2003's eng.train).
var textExts = map[string]bool{"": true, ".txt": true, ".conll": true, ".conllu": true, ".tsv": true,
	".iob": true, ".iob2": true, ".bio": true, ".bioes": true, ".bmes": true, ".ner": true, ".train": true,
	".testa": true, ".testb": true, ".dev": true, ".test": true, ".char": true}

// Detect reports whether the input at name in fsys is CoNLL: a text file whose first KiB
// reads as a token per line with a tag column (importers.LooksLikeTokenTags), or a folder
// of files only (README and LICENSE aside) whose first three such files do. It reads the
// first KiB of at most three files.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		if !looksCoNLL(fsys, name) {
			return importers.Detection{}, false
		}
		return importers.Detection{Score: 100, Layout: "CoNLL columns"}, true
	}
	name = importers.Unwrap(fsys, name) // a folder (or an archive) wrapping the files in one folder
	files, ok := importers.FilesOnly(fsys, name)
	if !ok {
		return importers.Detection{}, false
	}
	n := 0
	for _, f := range files {
		if !textExts[importers.Ext(f)] {
			return importers.Detection{}, false
		}
		if n < 3 && !looksCoNLL(fsys, f) {
			return importers.Detection{}, false
		}
		n++
	}
	if n == 0 {
		return importers.Detection{}, false
	}
	return importers.Detection{Score: 90, Layout: fmt.Sprintf("%d CoNLL files", n)}, true
}

func looksCoNLL(fsys fs.FS, name string) bool {
	if !textExts[importers.Ext(name)] {
		return false
	}
	head, err := importers.ReadHead(fsys, name)
	return err == nil && !importers.LooksBinary(head) && importers.LooksLikeTokenTags(head)
}
