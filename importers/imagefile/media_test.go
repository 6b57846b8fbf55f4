package imagefile

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

func TestSniffKinds(t *testing.T) {
	for _, tt := range []struct {
		data string
		want Kind
	}{
		{"\xff\xd8\xff\xe0rest", JPEG},
		{"\x89PNG\r\n\x1a\nrest", PNG},
		{"BMxxxx", BMP},
		{"GIF89a", GIF},
		{"RIFF\x24\x00\x00\x00WAVEfmt ", WAV},
		{"RIFF\x24\x00\x00\x00AVI LIST", ""},
		{"ID3\x04\x00", MP3},
		{"\xff\xfb\x90\x00", MP3},
		{"fLaC\x00", FLAC},
		{"OggS\x00", OGG},
		{"\x00\x00\x00\x20ftypM4A ", MP4},
		{"FORM\x00\x00\x00\x10AIFF", AIFF},
		{"#!AMR\n", AMR},
		{"hello", ""},
		{"", ""},
	} {
		assert.Equal(t, tt.want, Sniff([]byte(tt.data)), "%q", tt.data)
	}
}

func TestAccept(t *testing.T) {
	fsys := fstest.MapFS{
		"a.wav": {Data: []byte("RIFF\x24\x00\x00\x00WAVEfmt ")},
		"b.wav": {Data: []byte("ID3\x04\x00rest")},
		"c.gif": {Data: []byte("GIF89a....")},
		"d.wav": {Data: []byte("not audio")},
	}
	wav := Source{FS: fsys, Dir: ".", Accept: []Kind{WAV}}
	var s api.Sample
	require.NoError(t, wav.Attach(&s, "a.wav"))
	assert.NotEmpty(t, s.Data)
	err := wav.Attach(&s, "b.wav")
	assert.ErrorIs(t, err, ErrNotAccepted)
	assert.ErrorContains(t, err, "b.wav is MP3 by its signature, not WAV")
	assert.ErrorIs(t, wav.Attach(&s, "d.wav"), ErrNotAccepted)

	img := Source{FS: fsys, Dir: ".", Accept: []Kind{JPEG, PNG, BMP}}
	assert.ErrorContains(t, img.Attach(&s, "c.gif"), "is GIF by its signature, not JPEG, PNG or BMP")
	dflt := Source{FS: fsys, Dir: "."}
	assert.NoError(t, dflt.Attach(&s, "c.gif"), "the default kinds are unchanged")
	assert.ErrorIs(t, dflt.Attach(&s, "d.wav"), ErrUnknown)
	assert.ErrorIs(t, dflt.Attach(&s, "a.wav"), ErrUnknown, "by default, audio is no image, as before")

	data, err := dflt.ReadSmall("d.wav", 100)
	require.NoError(t, err)
	assert.Equal(t, "not audio", string(data))
	_, err = dflt.ReadSmall("d.wav", 3)
	assert.ErrorContains(t, err, "over the 3 bytes")
}
