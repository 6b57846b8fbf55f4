//go:build !unix

package coco

import "time"

// cpuTime is not measured here: the CPU metrics are left out.
func cpuTime() time.Duration { return 0 }
