package yolo_test

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/internal/golden"
)

// fixtureImages are the images of the fixtures under testdata/, with their sizes. They are
// written by `go test -run TestFixtureImages -update`; otherwise the test checks them.
var fixtureImages = map[string][2]int{
	"darknet/obj_train_data/image1.jpg":      {100, 60},
	"darknet/obj_train_data/image2.png":      {64, 48},
	"darknet/obj_valid_data/image101.jpg":    {32, 32},
	"darknet/obj_valid_data/image102.bmp":    {30, 20},
	"cvat/obj_train_data/frame_000000.png":   {640, 480},
	"ultralytics/images/train/a.jpg":         {640, 480},
	"ultralytics/images/val/b.png":           {50, 50},
	"roboflow/train/images/x_jpg.rf.abc.jpg": {416, 416},
	"roboflow/valid/images/y_png.rf.def.png": {20, 10},
	"ultralytics-lists/images/train/a.png":   {8, 8},
	"ultralytics-lists/images/train/b.jpg":   {16, 16},
	"ultralytics-lists/images/val/c.bmp":     {4, 2},
	"rejections/obj_train_data/good.jpg":     {20, 20},
	"rejections/obj_train_data/bad.jpg":      {20, 20},
	"rejections/obj_train_data/unlisted.jpg": {20, 20},
}

// makeImage encodes a small image of the given size in the format its name says.
func makeImage(t testing.TB, name string, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(64 * (x * 4 / w)), 100, uint8(64 * (y * 4 / h)), 255})
		}
	}
	var b bytes.Buffer
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		require.NoError(t, jpeg.Encode(&b, img, &jpeg.Options{Quality: 50}))
	case ".png":
		require.NoError(t, png.Encode(&b, img))
	case ".bmp":
		return makeBMP(w, h)
	default:
		t.Fatalf("no encoder for %s", name)
	}
	return b.Bytes()
}

// makeBMP writes a 24-bit BITMAPINFOHEADER bitmap (grey).
func makeBMP(w, h int) []byte {
	row := (w*3 + 3) &^ 3
	size := 54 + row*h
	b := make([]byte, size)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], uint32(size))
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	binary.LittleEndian.PutUint16(b[26:], 1)
	binary.LittleEndian.PutUint16(b[28:], 24)
	binary.LittleEndian.PutUint32(b[34:], uint32(row*h))
	for i := 54; i < size; i++ {
		b[i] = 0x80
	}
	return b
}

func TestFixtureImages(t *testing.T) {
	for name, wh := range fixtureImages {
		p := filepath.Join("testdata", filepath.FromSlash(name))
		if *golden.Update {
			require.NoError(t, os.WriteFile(p, makeImage(t, name, wh[0], wh[1]), 0o644))
		}
		f, err := os.Open(p)
		require.NoError(t, err, "run go test -run TestFixtureImages -update")
		sz, err := imagefile.ReadSize(f)
		f.Close()
		require.NoError(t, err)
		require.Equal(t, wh, [2]int{sz.Width, sz.Height}, name)
	}
}
