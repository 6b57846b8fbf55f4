package csv

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/modelarts-convert/convert/importers"
)

// Detect reports whether the input at name in fsys is text-classification text: a *.csv,
// *.tsv or *.txt file that reads as text and not as a CoNLL column file
// (importers.LooksLikeTokenTags), or a folder of such files only (README and LICENSE aside).
// A .txt with its X_result.txt beside it is the separate layout. A .csv is a surer match
// than a .tsv or a .txt (which may hold anything). It reads the first KiB of at most three
// files.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		score, ok := fileScore(fsys, name)
		if !ok {
			return importers.Detection{}, false
		}
		layout := "rows of " + importers.Ext(name)[1:]
		if importers.Ext(name) == ".txt" {
			if _, err := fs.Stat(fsys, ResultPath(name)); err == nil {
				score, layout = 100, "text and labels files (layout separate with "+path.Base(ResultPath(name))+")"
			} else {
				layout = "text lines"
			}
		}
		return importers.Detection{Score: score, Layout: layout}, true
	}
	name = importers.Unwrap(fsys, name) // a folder (or an archive) wrapping the files in one folder
	files, ok := importers.FilesOnly(fsys, name)
	if !ok {
		return importers.Detection{}, false
	}
	score := 100
	for i, f := range files {
		s, ok := 0, false
		if i < 3 {
			s, ok = fileScore(fsys, f)
		} else {
			s, ok = extScore(f)
		}
		if !ok {
			return importers.Detection{}, false
		}
		score = min(score, s)
	}
	if len(files) == 0 {
		return importers.Detection{}, false
	}
	return importers.Detection{Score: score - 10, Layout: fmt.Sprintf("%d text files", len(files))}, true
}

func extScore(name string) (int, bool) {
	switch importers.Ext(name) {
	case ".csv":
		return 100, true
	case ".tsv":
		return 80, true
	case ".txt":
		return 60, true
	}
	return 0, false
}

// fileScore tells how surely the file at name is CSV/TXT text, from its extension and head.
func fileScore(fsys fs.FS, name string) (int, bool) {
	score, ok := extScore(name)
	if !ok {
		return 0, false
	}
	head, err := importers.ReadHead(fsys, name)
	if err != nil || importers.LooksBinary(head) || importers.LooksLikeTokenTags(head) {
		return 0, false
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '<') {
		return 0, false // JSON or XML in a text file: not rows
	}
	return score, true
}
