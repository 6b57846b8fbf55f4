package manifest

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"

	"github.com/modelarts-convert/convert/importers"
)

// sourceKey is a manifest line's defining key.
var sourceKey = regexp.MustCompile(`"source"\s*:`)

// Detect reports whether the input at name in fsys is a manifest: a *.manifest file, or a
// *.json / *.jsonl / *.txt file whose first line (within its first KiB) is a JSON object with
// a "source" key; or a folder holding *.manifest files. It reads the first KiB of a file.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if fi.IsDir() {
		name = importers.Unwrap(fsys, name) // a folder (or an archive) wrapping the files in one folder
		entries, err := fs.ReadDir(fsys, name)
		if err != nil {
			return importers.Detection{}, false
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && importers.Ext(e.Name()) == ".manifest" && !importers.IsAside(e.Name()) {
				n++
			}
		}
		if n == 0 {
			return importers.Detection{}, false
		}
		return importers.Detection{Score: 90, Layout: fmt.Sprintf("%d manifest files", n)}, true
	}
	switch importers.Ext(name) {
	case ".manifest":
		return importers.Detection{Score: 100, Layout: "manifest file"}, true
	case ".json", ".jsonl", ".txt":
	default:
		return importers.Detection{}, false
	}
	head, err := importers.ReadHead(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	line, _, _ := bytes.Cut(bytes.TrimLeft(head, " \t\r\n"), []byte("\n"))
	if !bytes.HasPrefix(line, []byte("{")) || !sourceKey.Match(line) {
		return importers.Detection{}, false
	}
	return importers.Detection{Score: 80, Layout: "manifest lines in " + path.Base(name)}, true
}
