package preview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// DirResult is what WriteDir wrote.
type DirResult struct {
	Index          string  // the page's path, DIR/index.html
	Shown, Invalid int     // samples shown, and how many of them break a rule
	Problems       []error // bodies that do not decode, each naming its file
}

// WriteDir writes the preview of the request-body files into the folder dir (created when
// missing): dir/index.html, and with pngs dir/NAME.png for each image sample (written
// through an os.Root of dir, so a sample name cannot lead outside it). Files are read one
// at a time until opts.Limit samples are shown. Only those files are overwritten; nothing
// else in dir is touched. A body that does not decode is listed in Problems and the rest
// are still shown; the error is for the run itself (dir not writable, ctx ended).
func WriteDir(ctx context.Context, dir string, files []string, opts Options, pngs bool) (*DirResult, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if pngs {
		root, err := os.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		defer root.Close()
		opts.PNG = root
	}
	res := &DirResult{Index: filepath.Join(dir, "index.html")}
	out, err := os.Create(res.Index)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	page := NewWriter(out, opts)
	for _, file := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if page.Full() {
			break
		}
		data, err := os.ReadFile(file)
		if err == nil {
			err = page.AddBody(file, data)
		}
		if err != nil {
			res.Problems = append(res.Problems, fmt.Errorf("%s: %w", file, err))
		}
	}
	if err := page.Close(); err != nil {
		return res, err
	}
	if err := out.Close(); err != nil {
		return res, err
	}
	res.Shown, res.Invalid = page.Counts()
	return res, nil
}
