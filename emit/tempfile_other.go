//go:build !linux

package emit

import "os"

// Request files are written through the os package (see tempfile_linux.go).
var (
	createTempFile = osCreateTemp
	renameFile     = os.Rename
)
