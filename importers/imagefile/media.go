package imagefile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind is a media format recognized by the signature at the start of a file.
type Kind string

// Kinds Sniff knows. The audio kinds besides WAV are recognized only to say what a refused
// file is.
const (
	JPEG Kind = "jpeg"
	PNG  Kind = "png"
	BMP  Kind = "bmp"
	GIF  Kind = "gif"
	WAV  Kind = "wav"
	MP3  Kind = "mp3"
	FLAC Kind = "flac"
	OGG  Kind = "ogg"
	MP4  Kind = "mp4" // ISO media: M4A, AAC in MP4, video
	AIFF Kind = "aiff"
	WMA  Kind = "wma" // ASF
	AMR  Kind = "amr"
)

// Kinds a Source takes when its Accept is empty: the image formats.
var defaultKinds = []Kind{JPEG, PNG, BMP, GIF}

// ErrNotAccepted is what a rejection's reason wraps when a file is a known format that the
// Source does not take (a GIF where only JPEG, PNG and BMP go, an MP3 where WAV goes).
var ErrNotAccepted = errors.New("format refused")

// Sniff names the format data starts with, or "" when it is none Sniff knows.
func Sniff(data []byte) Kind {
	if k := sniff(data); k != "" {
		return Kind(k)
	}
	switch {
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WAVE",
		len(data) >= 12 && bytes.HasPrefix(data, []byte("RF64")) && string(data[8:12]) == "WAVE":
		return WAV
	case bytes.HasPrefix(data, []byte("ID3")),
		len(data) >= 2 && data[0] == 0xff && data[1]&0xe0 == 0xe0 && data[1]&0x06 != 0: // MPEG audio frame sync, layer set
		return MP3
	case bytes.HasPrefix(data, []byte("fLaC")):
		return FLAC
	case bytes.HasPrefix(data, []byte("OggS")):
		return OGG
	case len(data) >= 12 && string(data[4:8]) == "ftyp":
		return MP4
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("FORM")) && (string(data[8:12]) == "AIFF" || string(data[8:12]) == "AIFC"):
		return AIFF
	case bytes.HasPrefix(data, []byte("\x30\x26\xb2\x75\x8e\x66\xcf\x11")):
		return WMA
	case bytes.HasPrefix(data, []byte("#!AMR")):
		return AMR
	}
	return ""
}

// kindNames are how messages name the kinds.
var kindNames = map[Kind]string{
	JPEG: "JPEG", PNG: "PNG", BMP: "BMP", GIF: "GIF", WAV: "WAV", MP3: "MP3", FLAC: "FLAC",
	OGG: "Ogg", MP4: "MP4/M4A", AIFF: "AIFF", WMA: "WMA/ASF", AMR: "AMR",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return string(k)
}

// checkKind checks that data starts with the signature of a kind s takes.
func (s *Source) checkKind(p string, data []byte) error {
	accept := s.Accept
	if len(accept) == 0 {
		accept = defaultKinds
	}
	k := Sniff(data)
	for _, a := range accept {
		if k == a {
			return nil
		}
	}
	names := make([]string, len(accept))
	for i, a := range accept {
		names[i] = a.String()
	}
	want := strings.Join(names, ", ")
	if len(names) > 1 {
		want = strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	}
	if len(s.Accept) == 0 {
		// The default: the images' message, as before Accept existed.
		return fmt.Errorf("%s starts with %s: %w", p, firstBytes(data), ErrUnknown)
	}
	if k == "" {
		return fmt.Errorf("%s starts with %s, not a %s signature: %w", p, firstBytes(data), want, ErrNotAccepted)
	}
	return fmt.Errorf("%s is %s by its signature, not %s: %w", p, k, want, ErrNotAccepted)
}

// ReadSmall reads the whole file at rel in the folder, with the same confinement as the
// media files (a regular file inside the folder; links out of it refused unless
// FollowLinks), for small side files such as label lists. A file over max bytes is refused.
func (s *Source) ReadSmall(rel string, max int64) ([]byte, error) {
	f, size, err := s.open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > max {
		return nil, fmt.Errorf("%s is %d bytes, over the %d bytes read for such a file", s.Path(rel), size, max)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path(rel), err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is over the %d bytes read for such a file", s.Path(rel), max)
	}
	return data, nil
}
