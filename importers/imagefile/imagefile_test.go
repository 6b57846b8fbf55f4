package imagefile

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/testimage"
)

func TestConfine(t *testing.T) {
	tests := []struct {
		in, want string
		outside  bool
	}{
		{"a.jpg", "a.jpg", false},
		{"sub/a.jpg", "sub/a.jpg", false},
		{`sub\a.jpg`, "sub/a.jpg", false},
		{"./a.jpg", "a.jpg", false},
		{"sub/../a.jpg", "a.jpg", false},
		{"../a.jpg", "", true},
		{"sub/../../a.jpg", "", true},
		{"/etc/passwd", "", true},
		{`C:\images\a.jpg`, "", true},
		{`\\server\a.jpg`, "", true},
	}
	for _, tt := range tests {
		got, err := Confine(tt.in)
		if tt.outside {
			assert.ErrorIs(t, err, ErrOutside, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	_, err := Confine("  ")
	assert.Error(t, err)
}

// opaquePNG encodes an opaque image, which image/png writes as truecolor without alpha.
func opaquePNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	require.NoError(t, png.Encode(&b, img))
	require.Equal(t, byte(2), b.Bytes()[25], "color type truecolor")
	return b.Bytes()
}

func jpegBytes(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	require.NoError(t, jpeg.Encode(&b, img, nil))
	return b.Bytes()
}

func bmpBytes(w, h int32, bpp uint16) []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[14:], 40)
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	binary.LittleEndian.PutUint16(b[28:], bpp)
	return b
}

func TestReadSize(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want Size
	}{
		{"jpeg", jpegBytes(t, 37, 21), Size{37, 21, 3, "jpeg"}},
		{"png rgba", testimage.PNG(t, 5, 9, false), Size{5, 9, 4, "png"}},
		{"png gray", testimage.PNG(t, 5, 9, true), Size{5, 9, 1, "png"}},
		{"png opaque rgb", opaquePNG(t, 6, 4), Size{6, 4, 3, "png"}},
		{"bmp 24-bit", bmpBytes(640, 480, 24), Size{640, 480, 3, "bmp"}},
		{"bmp top-down", bmpBytes(64, -48, 32), Size{64, 48, 4, "bmp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSize(bytes.NewReader(tt.data))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := ReadSize(bytes.NewReader([]byte("not an image at all")))
	assert.ErrorIs(t, err, ErrUnknown)
	_, err = ReadSize(bytes.NewReader([]byte("BM")))
	assert.Error(t, err)
}

func TestAttach(t *testing.T) {
	img := jpegBytes(t, 4, 4)
	fsys := fstest.MapFS{
		"JPEGImages/a.jpg":    {Data: img},
		"JPEGImages/huge.jpg": {Data: make([]byte, api.MaxSampleBytes+1)},
	}
	src := &Source{FS: fsys, Dir: "JPEGImages"}

	var s api.Sample
	require.NoError(t, src.Attach(&s, "a.jpg"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(img), s.Data)
	assert.Nil(t, s.DataSource)

	assert.ErrorIs(t, src.Attach(&api.Sample{}, "missing.jpg"), ErrMissing)
	assert.ErrorIs(t, src.Attach(&api.Sample{}, "huge.jpg"), ErrTooLarge)

	obs := &Source{FS: fsys, Dir: "JPEGImages", OBSPrefix: "obs://bucket/voc"}
	var o api.Sample
	require.NoError(t, obs.Attach(&o, "sub/missing.jpg"), "OBS mode does not need the local file")
	assert.Equal(t, &api.DataSource{DataPath: "obs://bucket/voc/sub/missing.jpg", DataType: api.DataOBS}, o.DataSource)
	assert.Empty(t, o.Data)
}

func TestCheckOBSPrefix(t *testing.T) {
	assert.NoError(t, CheckOBSPrefix(""))
	assert.NoError(t, CheckOBSPrefix("obs://bucket/dir/"))
	assert.Error(t, CheckOBSPrefix("s3://bucket/"))
	assert.Error(t, CheckOBSPrefix("obs://"))
}
