// Package slab hands out values cut from arrays allocated a few dozen at a time: one
// allocation for many samples, which the CSV and CoNLL importers make by the million.
//
// A value cut from a slab keeps the whole array alive while anything refers to it, and with
// it whatever the array's other values refer to. So a value that refers to much memory (a
// sample of megabytes of text) is given an allocation of its own: in a slab it would keep
// its neighbours' data alive, and they its, long after the caller let go of them.
package slab

// Take returns a zeroed value cut from *free, which it refills with size new values when it
// is empty; with alone it returns a value of its own instead (see the package doc).
func Take[T any](free *[]T, size int, alone bool) *T {
	if alone {
		return new(T)
	}
	if len(*free) == 0 {
		*free = make([]T, size)
	}
	v := &(*free)[0]
	*free = (*free)[1:]
	return v
}
