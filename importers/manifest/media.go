package manifest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"path"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// inline reads a source mapped to disk into the sample's data, under the VOC importer's
// rules: only regular files inside the mapped folder (the folder is an os.Root, so links
// cannot lead out of it), at most api.MaxSampleBytes, the format told by the file's
// signature, not its name.
func (c *lineConv) inline(s *api.Sample, m *Mapping, rest, src string) bool {
	rel, err := imagefile.Confine(rest)
	if err != nil {
		c.problem("source %q points outside the folder %s it is mapped to", src, m.DirName)
		return false
	}
	shown := path.Join(m.DirName, rel)
	s.Name = path.Base(rel)
	fi, err := fs.Stat(m.Dir, rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c.problem("source %q is mapped to %s, which does not exist", src, shown)
		return false
	case err != nil:
		c.problem("source %q is mapped to %s, which cannot be read: %v", src, shown, err)
		return false
	case !fi.Mode().IsRegular():
		c.problem("source %q is mapped to %s, which is not a regular file", src, shown)
		return false
	case fi.Size() > api.MaxSampleBytes:
		c.problem("source %q is mapped to %s, which is %d bytes: larger than one sample may be (%d); map it to OBS instead", src, shown, fi.Size(), api.MaxSampleBytes)
		return false
	}
	switch s.SampleType {
	case api.SampleImage:
		img := imagefile.Source{FS: m.Dir, Dir: "."}
		sz, err := img.ReadSize(rel)
		if err != nil {
			c.problem("source %q is mapped to %s, which is not a JPEG, PNG, BMP or GIF image by its content: %v", src, shown, err)
			return false
		}
		if err := img.Attach(s, rel); err != nil {
			c.problem("source %q is mapped to %s: %v", src, shown, err)
			return false
		}
		c.local = &localImage{size: sz}
		return true
	case api.SampleSpeech, api.SampleText:
	default:
		c.problem("source %q is mapped to %s, but a sample of type %d cannot be inlined (only images, audio and text files); map it to OBS instead", src, shown, s.SampleType)
		return false
	}
	data, err := fs.ReadFile(m.Dir, rel)
	if err != nil {
		c.problem("source %q is mapped to %s, which cannot be read: %v", src, shown, err)
		return false
	}
	if len(data) > api.MaxSampleBytes {
		c.problem("source %q is mapped to %s, which is %d bytes: larger than one sample may be", src, shown, len(data))
		return false
	}
	if s.SampleType == api.SampleSpeech {
		if audioFormat(data) == "" {
			c.problem("source %q is mapped to %s, which is not a WAV, MP3, FLAC, OGG or M4A file by its content", src, shown)
			return false
		}
	} else {
		data = bytes.TrimPrefix(data, []byte("\ufeff"))
		if !utf8.Valid(data) {
			c.problem("source %q is mapped to %s, which is not UTF-8 text", src, shown)
			return false
		}
		s.Encoding = api.EncodingUTF8
	}
	s.Data = base64.StdEncoding.EncodeToString(data)
	return true
}

// audioFormat names an audio file's format by its signature, or "".
func audioFormat(b []byte) string {
	switch {
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "wav"
	case len(b) >= 4 && string(b[:4]) == "fLaC":
		return "flac"
	case len(b) >= 4 && string(b[:4]) == "OggS":
		return "ogg"
	case len(b) >= 3 && string(b[:3]) == "ID3", len(b) >= 2 && b[0] == 0xff && b[1]&0xe0 == 0xe0:
		return "mp3"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return "m4a"
	}
	return ""
}
