package yolo_test

import (
	"testing"

	"github.com/modelarts-convert/convert/internal/testarchive"
)

// writeZip writes the files of dir into a zip at dst, named relative to dir.
func writeZip(t testing.TB, dst, dir string) {
	testarchive.Zip(t, dst, testarchive.Dir(t, dir))
}
