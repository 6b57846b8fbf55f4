// Package cputime measures the process's CPU time, for benchmarks that report throughput per
// CPU-second: a figure that other load on a shared machine does not distort, unlike MB/s.
package cputime

import (
	"testing"
	"time"
)

// ReportThroughput reports "MB/cpu-s": bytes per benchmark iteration over the CPU time the
// process spent since start (a Now reading). It reports nothing where CPU time is not
// measured.
func ReportThroughput(b *testing.B, bytes int64, start time.Duration) {
	if cpu := Now() - start; cpu > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
	}
}

// ReportPerOp reports "ns/cpu": the CPU time the process spent since start (a Now reading)
// per benchmark iteration. It reports nothing where CPU time is not measured.
func ReportPerOp(b *testing.B, start time.Duration) {
	if cpu := Now() - start; cpu > 0 && b.N > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "ns/cpu")
	}
}
