package importers

import (
	"context"
	"io/fs"
)

// OpenFile starts an importer's Read of the file name in fsys: it checks ctx, then opens the
// file; either failure comes back as a fatal *Error at pos, to yield as it is. The caller
// closes the file.
func OpenFile(ctx context.Context, fsys fs.FS, name string, pos Position) (fs.File, error) {
	if err := Check(ctx, pos); err != nil {
		return nil, err
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &Error{Pos: pos, Err: err}
	}
	return f, nil
}
