package voc

import (
	"fmt"

	"github.com/beevik/etree"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// Document is what one VOC XML file says about an image that another importer supplies (the
// manifest importer's annotation-loc files): the labels and size, without looking for the
// image itself.
type Document struct {
	// Labels are the object-detection labels (type 1), one per <object> and <part>, with the
	// same shapes and properties Read gives them (a segmentation file's per-object
	// <mask_color> among them, as the property "mask_color").
	Labels []api.SampleLabel
	// Width, Height and Depth are <size>; Width and Height are 0 when the file gives no usable
	// size, Depth 0 when it gives none.
	Width, Height, Depth int
	// Filename is <filename> as written; MaskSource is a segmentation file's <mask_source>.
	Filename   string
	MaskSource string
}

// ReadDocument converts one VOC XML document (data) with the same code and rules as Read
// (Options.Round and OneBased apply; the image options do not). name is the file's name in
// positions. It returns the document and any warnings, or nil and warnings the last of which
// is the rejection (Rejected set) saying why the file cannot be converted.
func ReadDocument(name string, data []byte, opts Options) (*Document, []importers.Warning) {
	c := newConverter(nil, opts)
	f := &file{c: c, j: &job{xml: name, folder: &jobFolder{}}, name: c.display(name)}
	doc, r := f.document(data)
	return doc, r.warnings
}

func (f *file) document(raw []byte) (*Document, result) {
	data, recoded := prepare(raw)
	f.data = data
	if recoded {
		f.warn(nil, "not valid UTF-8 and no encoding declared; read as GB18030 (GBK)")
	}
	doc, line, col, err := parse(f.arena, data)
	if err != nil {
		r := f.done(nil)
		r.warnings = append(r.warnings, importers.Warning{Pos: importers.Position{File: f.name, Line: line, Column: col}, Rejected: true, Reason: err.Error()})
		return nil, r
	}
	f.doc = doc
	roots := doc.ChildElements()
	if len(roots) == 0 {
		f.problem(nil, "no root element: not a Pascal VOC file")
		return nil, f.rejected()
	}
	root := roots[0]
	if tag(root) != "annotation" {
		f.problemAt(root, root.Tag, fmt.Sprintf("the root element is <%s>, not <annotation>: not a Pascal VOC file", root.Tag))
		return nil, f.rejected()
	}
	if len(roots) > 1 {
		f.problemAt(roots[1], roots[1].Tag, "a second root element after </annotation>")
		return nil, f.rejected()
	}
	out := &Document{}
	var sizeElem *etree.Element
	var objects []*etree.Element
	for _, e := range root.ChildElements() {
		switch tag(e) {
		case "filename":
			if out.Filename == "" {
				out.Filename = text(e)
			}
		case "mask_source":
			if out.MaskSource == "" {
				out.MaskSource = text(e)
			}
		case "size":
			if sizeElem == nil {
				sizeElem = e
			}
		case "object":
			objects = append(objects, e)
		}
	}
	s := &api.Sample{SampleType: api.SampleImage, Origin: f.name}
	f.boxes = len(objects)
	for i, o := range objects {
		f.object(o, i+1, "", s)
	}
	if sz := f.size(sizeElem); sz.ok {
		out.Width, out.Height, out.Depth = sz.w, sz.h, sz.d
	}
	if len(f.problems) > 0 {
		return nil, f.rejected()
	}
	// The labels are checked on a stand-in sample (an OBS path, a size) so that the
	// validator's findings land on the labels' elements; the caller validates the real one.
	s.DataSource = &api.DataSource{DataPath: "obs://bucket/image.jpg", DataType: api.DataOBS}
	s.Metadata = api.Metadata{}
	s.Metadata.SetSize(max(out.Width, 1), max(out.Height, 1), out.Depth)
	f.validate(s)
	r := f.done(s)
	if r.sample == nil {
		return nil, r
	}
	out.Labels = s.Labels
	return out, r
}
