//go:build !unix

package flock

import "os"

// TryLock does nothing where flock is not available: there, two runs must not share a
// folder or a journal.
func TryLock(*os.File) error { return nil }

// Supported reports whether TryLock really locks on this system.
const Supported = false
