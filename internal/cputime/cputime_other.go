//go:build !unix

package cputime

import "time"

// Now is 0 here: CPU time is not measured, and ReportThroughput reports nothing.
func Now() time.Duration { return 0 }
