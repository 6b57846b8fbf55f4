// Package imagefile is the image toolkit for importers of image datasets: it is what the VOC,
// COCO and manifest importers use, and what a third-party image format should use so that it
// reads images the same way.
//
// A Source is the one image-source type every importer takes: where the images folder is
// (an fs.FS and a folder in it) and how samples carry their image (inline base64 data, or
// with OBSPrefix an obs:// path). Through a Source:
//
//   - Confine cleans a file name taken from an annotation and keeps it inside the images
//     folder (no absolute paths, no ".." climbing out);
//   - Source.Stat finds an image, Source.ReadSize reads its width, height and depth from its
//     header without decoding pixels (JPEG, PNG, BMP, GIF), and Source.Attach gives a sample
//     its image, inline or as an OBS path;
//   - only regular files inside the folder are opened: with a file system from DirFS, through
//     an os.Root of the images folder (links included); with another fs.FS that reads links,
//     by following and checking them first. Inline images are checked by signature and capped
//     at api.MaxSampleBytes.
//
// Rejection reasons wrap the Err* values, so that an importer can tell a missing image from a
// hostile one with errors.Is.
package imagefile

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // header sizes of GIF files
	_ "image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Errors a rejection's reason wraps.
var (
	ErrOutside  = errors.New("points outside the images folder")
	ErrTooLarge = errors.New("image is larger than the service accepts for one sample")
	ErrMissing  = errors.New("image file not found")
	ErrUnknown  = errors.New("image format not recognized (JPEG, PNG, BMP or GIF expected)")
	ErrEmpty    = errors.New("the image file is empty")
	ErrNotFile  = errors.New("only regular files are read as images")
	ErrLink     = errors.New("a link to a file outside the images folder")
)

// Confine cleans a file name taken from an annotation (VOC <filename>, COCO file_name) and
// checks that it stays inside the images folder: no absolute paths (/x, \x, C:\x), no ".."
// that climbs out. Backslashes are read as separators. It returns a slash-separated path
// relative to the images folder.
func Confine(name string) (string, error) {
	n := strings.ReplaceAll(strings.TrimSpace(name), `\`, "/")
	if n == "" {
		return "", fmt.Errorf("empty file name")
	}
	if strings.HasPrefix(n, "/") || len(n) >= 2 && n[1] == ':' {
		return "", fmt.Errorf("%q: %w (an absolute path)", name, ErrOutside)
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") || c == "." {
		return "", fmt.Errorf("%q: %w", name, ErrOutside)
	}
	return c, nil
}

// Size is an image's width, height and depth (channels).
type Size struct {
	Width, Height, Depth int
	Format               string // "jpeg", "png", "bmp" or "gif"
}

// ReadSize reads an image's size from its header, without decoding pixels.
func ReadSize(r io.Reader) (Size, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 'B' && head[1] == 'M' {
		return bmpSize(br)
	}
	ihdr, _ := br.Peek(26)
	cfg, format, err := image.DecodeConfig(br)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return Size{}, ErrUnknown
		}
		return Size{}, fmt.Errorf("reading image header: %w", err)
	}
	depth := depthOf(cfg.ColorModel)
	if format == "png" && len(ihdr) == 26 {
		// image/png reports opaque RGB (color type 2) as color.RGBAModel, which would read
		// as 4 channels: take the channel count from the IHDR color type instead.
		depth = pngDepth(ihdr[25], depth)
	}
	return Size{Width: cfg.Width, Height: cfg.Height, Depth: depth, Format: format}, nil
}

// pngDepth is the channel count of a PNG color type (IHDR byte 25).
func pngDepth(colorType byte, dflt int) int {
	switch colorType {
	case 0: // grayscale
		return 1
	case 2, 3: // truecolor, palette
		return 3
	case 4: // grayscale with alpha
		return 2
	case 6: // truecolor with alpha
		return 4
	}
	return dflt
}

func depthOf(m color.Model) int {
	switch m {
	case color.GrayModel, color.Gray16Model:
		return 1
	case color.CMYKModel, color.RGBAModel, color.RGBA64Model, color.NRGBAModel, color.NRGBA64Model:
		return 4
	}
	return 3 // YCbCr, paletted
}

// bmpSize reads BITMAPCOREHEADER (12 bytes) and BITMAPINFOHEADER-and-later headers.
func bmpSize(r io.Reader) (Size, error) {
	var h [30]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return Size{}, fmt.Errorf("reading BMP header: %w", err)
	}
	s := Size{Format: "bmp"}
	var bpp int
	switch dib := binary.LittleEndian.Uint32(h[14:]); {
	case dib == 12:
		s.Width = int(binary.LittleEndian.Uint16(h[18:]))
		s.Height = int(binary.LittleEndian.Uint16(h[20:]))
		bpp = int(binary.LittleEndian.Uint16(h[24:]))
	case dib >= 40:
		s.Width = int(int32(binary.LittleEndian.Uint32(h[18:])))
		s.Height = int(int32(binary.LittleEndian.Uint32(h[22:])))
		if s.Height < 0 { // top-down bitmap
			s.Height = -s.Height
		}
		bpp = int(binary.LittleEndian.Uint16(h[28:]))
	default:
		return Size{}, fmt.Errorf("BMP header of %d bytes: %w", dib, ErrUnknown)
	}
	switch bpp {
	case 32:
		s.Depth = 4
	default:
		s.Depth = 3
	}
	if s.Width <= 0 || s.Height <= 0 {
		return Size{}, fmt.Errorf("BMP header gives size %dx%d", s.Width, s.Height)
	}
	return s, nil
}

// Source says where a dataset's images are and how samples carry them.
//
// Only regular files are read, and only when they are JPEG, PNG, BMP or GIF by signature and
// at most api.MaxSampleBytes long (see Attach). An image whose real path is outside the
// images folder (through a link in it) is rejected unless FollowLinks is set: when FS comes
// from DirFS every image is opened through an os.Root of the images folder; any other fs.FS
// that reads links (fs.ReadLinkFS: os.DirFS, an os.Root's FS, MapFS) has its links followed
// and checked below the folder before the open; one that does not is trusted.
type Source struct {
	FS  fs.FS  // the file system holding the images folder
	Dir string // the images folder within FS ("." for its root)
	// OBSPrefix, when set (obs://bucket/dir/), makes samples point at
	// OBSPrefix + the image's path relative to Dir instead of inlining bytes.
	OBSPrefix string
	// FollowLinks lets links inside the images folder lead to files outside it (the
	// command's -follow-links). The images folder itself may always be a link.
	FollowLinks bool
	// Accept, when set, are the formats Attach takes, by signature, instead of JPEG, PNG,
	// BMP and GIF: image classification takes JPEG, PNG and BMP; sound classification WAV.
	Accept []Kind
}

// Path returns the image's path within FS for a confined relative name.
func (s *Source) Path(rel string) string { return path.Join(s.Dir, rel) }

// Stat reports whether the image exists and its byte size. It reads no bytes, and follows
// links wherever they lead: it serves to find an image; opening it (Attach, ReadSize) is
// what is confined.
func (s *Source) Stat(rel string) (fs.FileInfo, error) {
	fi, err := fs.Stat(s.FS, s.Path(rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", s.Path(rel), ErrMissing)
	}
	return fi, err
}

// ReadSize reads the size of the image at rel from its header.
func (s *Source) ReadSize(rel string) (Size, error) {
	f, _, err := s.open(rel)
	if err != nil {
		return Size{}, err
	}
	defer f.Close()
	sz, err := ReadSize(io.LimitReader(f, api.MaxSampleBytes))
	if err != nil {
		return Size{}, fmt.Errorf("%s: %w", s.Path(rel), err)
	}
	return sz, nil
}

// Attach gives the sample its image: with OBSPrefix, a data_source path (the local file is
// not needed); otherwise the file's bytes, base64-encoded. The file must be a regular file
// inside the images folder (see Source), neither empty nor over api.MaxSampleBytes (reading
// stops there, whatever its size claims), and start with a JPEG, PNG, BMP or GIF signature.
func (s *Source) Attach(sample *api.Sample, rel string) error {
	if s.OBSPrefix != "" {
		sample.DataSource = &api.DataSource{DataPath: OBSPath(s.OBSPrefix, rel), DataType: api.DataOBS}
		return nil
	}
	data, err := s.readFile(rel)
	if err != nil {
		return err
	}
	sample.Data = base64.StdEncoding.EncodeToString(data)
	return nil
}

// OBSPath joins an obs:// prefix and a relative image path with exactly one slash.
func OBSPath(prefix, rel string) string {
	return strings.TrimSuffix(prefix, "/") + "/" + rel
}

// CheckOBSPrefix checks an -obs-prefix flag value.
func CheckOBSPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	rest, ok := strings.CutPrefix(prefix, "obs://")
	if !ok || rest == "" || strings.HasPrefix(rest, "/") {
		return fmt.Errorf("option OBSPrefix %q must look like obs://bucket/dir/", prefix)
	}
	return nil
}
