//go:build !unix

package upload

import (
	"errors"
	"os"
)

// ErrJournalInUse is returned when another run holds the journal.
var ErrJournalInUse = errors.New("in use by another run (one journal serves one run at a time)")

// lockFile does nothing where flock is not available: there, two runs must not share a
// journal.
func lockFile(*os.File) error { return nil }
