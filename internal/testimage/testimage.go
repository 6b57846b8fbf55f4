// Package testimage makes small image files for the importers' tests.
package testimage

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// PNG returns a w×h PNG file: RGBA (4 channels), or gray (1 channel).
func PNG(t testing.TB, w, h int, gray bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var img image.Image = image.NewRGBA(image.Rect(0, 0, w, h))
	if gray {
		img = image.NewGray(image.Rect(0, 0, w, h))
	}
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
