//go:build unix

package imagefile

import (
	"os"
	"syscall"
)

// openFlags open an image without blocking (a FIFO would wait for a writer) and without
// making a terminal the controlling one; the file is then checked to be regular.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
