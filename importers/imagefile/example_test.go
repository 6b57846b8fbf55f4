package imagefile_test

import (
	"errors"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// A format author's importer confines the file name its annotation gives, then lets the
// Source attach the image to the sample: here as an OBS path, so no image bytes are read.
func ExampleSource_Attach() {
	src := imagefile.Source{Dir: "images", OBSPrefix: "obs://bucket/train/"}
	for _, name := range []string{`cats\001.jpg`, "../../etc/passwd"} {
		rel, err := imagefile.Confine(name)
		if err != nil {
			fmt.Println("rejected:", errors.Is(err, imagefile.ErrOutside))
			continue
		}
		var s api.Sample
		if err := src.Attach(&s, rel); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s.DataSource.DataPath)
	}
	// Output:
	// obs://bucket/train/cats/001.jpg
	// rejected: true
}

// Source.ReadSize reads an image's size from its header; a file that is no image is
// rejected with ErrUnknown. (Over a folder on disk, use DirFS so that images are opened
// through an os.Root of the images folder.)
func ExampleSource_ReadSize() {
	gif := []byte("GIF89a\x03\x00\x02\x00\x00\x00\x00,\x00\x00\x00\x00\x03\x00\x02\x00\x00\x02\x02D\x01\x00;")
	src := imagefile.Source{FS: fstest.MapFS{
		"img/a.gif": {Data: gif},
		"img/b.jpg": {Data: []byte("not an image")},
	}, Dir: "img"}
	for _, rel := range []string{"a.gif", "b.jpg", "c.png"} {
		size, err := src.ReadSize(rel)
		switch {
		case errors.Is(err, imagefile.ErrMissing):
			fmt.Println(rel, "missing")
		case errors.Is(err, imagefile.ErrUnknown):
			fmt.Println(rel, "not an image")
		case err != nil:
			fmt.Println(rel, err)
		default:
			fmt.Println(rel, size.Format, size.Width, size.Height, size.Depth)
		}
	}
	// Output:
	// a.gif gif 3 2 3
	// b.jpg not an image
	// c.png missing
}
