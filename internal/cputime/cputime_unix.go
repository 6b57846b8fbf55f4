//go:build unix

package cputime

import (
	"syscall"
	"time"
)

// Now is the process's user and system time so far (all threads, the GC's too).
func Now() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
