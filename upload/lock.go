package upload

import (
	"errors"
	"os"

	"github.com/modelarts-convert/convert/internal/flock"
)

// ErrJournalInUse is returned when another run holds the journal.
var ErrJournalInUse = errors.New("in use by another run (one journal serves one run at a time)")

// lockFile takes an exclusive advisory lock on the journal for as long as it is open, so two
// runs cannot interleave their records. The lock goes with the process, kill -9 included.
func lockFile(f *os.File) error {
	if err := flock.TryLock(f); err != nil {
		if errors.Is(err, flock.ErrLocked) {
			return ErrJournalInUse
		}
		return err
	}
	return nil
}
