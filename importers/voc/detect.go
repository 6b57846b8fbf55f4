package voc

import (
	"bytes"
	"context"
	"io/fs"

	"github.com/modelarts-convert/convert/importers"
)

// Detect reports whether the input at name in fsys is a VOC dataset, and its layout: an
// XML file whose root element is <annotation>, or a folder with VOC roots (see FindRoots)
// whose first XML files are <annotation> documents. It reads folder listings and the first
// KiB of at most three XML files. A folder of XML files none of which shows its root
// element (empty files) is a weak match. The platform's segmentation files (every
// <annotation> read naming <mask_source> or <mask_color>) are left to segvoc.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	if !fi.IsDir() {
		if importers.Ext(name) != ".xml" || rootElement(fsys, name) != "annotation" || isSegmentation(fsys, name) {
			return importers.Detection{}, false
		}
		return importers.Detection{Score: 100, Layout: "VOC XML file"}, true
	}
	roots, err := FindRoots(ctx, fsys, name)
	if err != nil {
		return importers.Detection{}, false
	}
	seen, read, docs, segmentation := false, 0, 0, 0
	for _, r := range roots {
		files, _ := xmlFiles(fsys, r.Annotations)
		for _, f := range files {
			if read == 3 || seen && segmentation < docs {
				break
			}
			read++
			switch rootElement(fsys, f) {
			case "annotation":
				seen = true
				docs++
				if isSegmentation(fsys, f) {
					segmentation++
				}
			case "":
			default:
				return importers.Detection{}, false // another XML format
			}
		}
	}
	if read == 0 {
		return importers.Detection{}, false // Annotations/ without XML (COCO's JSON, say)
	}
	if docs > 0 && segmentation == docs {
		return importers.Detection{}, false // the platform's segmentation files: segvoc's
	}
	d := importers.Detection{Score: 100, Layout: DescribeRoots(fsys, roots)}
	switch {
	case !seen:
		d.Score = 30
	case len(roots) == 1 && roots[0].Kind == KindXML:
		d.Score = 90
	}
	return d, true
}

// isSegmentation reports whether an XML file is one of the platform's segmentation files,
// which segvoc claims (importers.LooksLikeSegmentation).
func isSegmentation(fsys fs.FS, name string) bool {
	head, err := importers.ReadHead(fsys, name)
	return err == nil && importers.LooksLikeSegmentation(head)
}

// rootElement returns the name of the XML root element the first KiB of the file shows,
// "" when it shows none (an empty or unreadable file).
func rootElement(fsys fs.FS, name string) string {
	head, err := importers.ReadHead(fsys, name)
	if err != nil {
		return ""
	}
	head = asciiOfUTF16(head)
	for {
		i := bytes.IndexByte(head, '<')
		if i < 0 || i+1 >= len(head) {
			return ""
		}
		head = head[i+1:]
		if head[0] == '?' || head[0] == '!' { // a declaration, a comment, a DOCTYPE
			continue
		}
		end := bytes.IndexAny(head, " \t\r\n/>")
		if end < 0 {
			return ""
		}
		return string(head[:end])
	}
}

// asciiOfUTF16 turns UTF-16 text (with its byte order mark) into bytes whose ASCII
// characters are those of the text, enough to find the root element.
func asciiOfUTF16(head []byte) []byte {
	var hi int
	switch {
	case bytes.HasPrefix(head, []byte("\xff\xfe")):
		hi = 1
	case bytes.HasPrefix(head, []byte("\xfe\xff")):
		hi = 0
	default:
		return head
	}
	out := make([]byte, 0, len(head)/2)
	for i := 2; i+1 < len(head); i += 2 {
		c, z := head[i+1-hi], head[i+hi]
		if z != 0 {
			c = '?'
		}
		out = append(out, c)
	}
	return out
}
