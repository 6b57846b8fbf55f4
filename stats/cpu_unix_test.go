//go:build unix

package stats

import (
	"syscall"
	"time"
)

// cpuTime is the process's user+system CPU time: on a machine shared with other work the
// wall clock overstates what a run costs, CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
