// Package flock takes exclusive advisory locks on open files and folders, so that two convert
// runs cannot write the same output folder (or journal) at once. The lock is released when
// the file is closed or the process ends, kill -9 included, so a crashed run never leaves a
// stale lock behind.
package flock

import "errors"

// ErrLocked is returned by TryLock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")
