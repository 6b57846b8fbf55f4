//go:build !unix

package imagefile

import "os"

// openFlags: elsewhere an open cannot block on a FIFO; the file is checked to be regular.
const openFlags = os.O_RDONLY
