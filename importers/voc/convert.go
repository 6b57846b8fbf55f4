package voc

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Label property keys this importer sets besides the @modelarts:* ones (see the README's
// mapping table).
const (
	PropPose         = "pose"
	PropTruncated    = "truncated"
	PropOccluded     = "occluded"
	PropDifficult    = "difficult"
	PropActionPrefix = "actions."       // + the action's tag: "actions.jumping": "1"
	PropPartOf       = "part_of"        // a part's label: its parent's name
	PropPartOfObject = "part_of_object" // a part's label: the 1-based position of its <object>
	// With Options.Segmentation: each object's <mask_color> (a label property) and the file's
	// <mask_source> (a sample metadata key).
	PropMaskColor  = "mask_color"
	MetaMaskSource = "mask_source"
)

// labelType is the type of the labels objects become.
func (c *converter) labelType() api.LabelType {
	if c.opts.Segmentation {
		return api.LabelImageSegmentation
	}
	return api.LabelObjectDetection
}

// shapes maps a shape element to the API's shape.
var shapes = map[string]api.Shape{
	"bndbox":   api.ShapeBndbox,
	"polygon":  api.ShapePolygon,
	"polyline": api.ShapePolyline,
	"line":     api.ShapeLine,
	"dashed":   api.ShapeDashed,
	"circle":   api.ShapeCircle,
	"point":    api.ShapePoint,
}

// problem is one reason a file is rejected, at an element (nil: the file as a whole, or
// the element named by where when it is missing).
type problem struct {
	elem   *etree.Element
	where  string
	reason string
	first  *etree.Element // for a repeated element: its first occurrence, named in the message
}

// pathOf names an element by its path below <annotation>: "object[2]/part[1]/bndbox/xmin".
// It is worked out only when a message needs it.
func pathOf(e *etree.Element) string {
	var parts []string
	for ; e != nil && e.Parent() != nil && e.Parent().Parent() != nil; e = e.Parent() {
		name := e.Tag
		if t := tag(e); t == "object" || t == "part" {
			n := 0
			for _, sib := range e.Parent().Child {
				if se, ok := sib.(*etree.Element); ok && tag(se) == t {
					n++
					if se == e {
						break
					}
				}
			}
			name += "[" + strconv.Itoa(n) + "]"
		}
		parts = append(parts, name)
	}
	slices.Reverse(parts)
	return strings.Join(parts, "/")
}

// file is the conversion of one XML file.
type file struct {
	c        *converter
	j        *job
	name     string // the file's display name
	data     []byte // the bytes parsed
	doc      *etree.Document
	arena    *arena           // where doc is built (nil: a fresh one)
	notes    []problem        // warnings
	problems []problem        // reasons to reject
	labelAt  []*etree.Element // the element each label came from

	sampleBytes int                       // about how many bytes the labels so far add to the sample's encoding
	propFrom    map[string]*etree.Element // for object: the element each label attribute came from

	boxes int           // how many boxes to make room for at once (the file's objects)
	nums  []json.Number // room for coordinates (see coords)
	pts   api.Feature   // room for points (see points2)
}

// convert turns one job into a sample, or a rejection, or a fatal error. admit (nil when
// files are converted one at a time) is asked for memory before the file is read.
func (c *converter) convert(j *job, admit func(int64) bool) result {
	if j.list != nil && j.list.note != nil {
		return result{warnings: []importers.Warning{*j.list.note}}
	}
	if j.xml == "" {
		return c.convertListed(j)
	}
	a := arenas.Get().(*arena)
	defer func() {
		a.reset()
		arenas.Put(a)
	}()
	raw, err := readFile(c.fsys, j.xml, admit, a.buf)
	if cap(raw) > cap(a.buf) {
		a.buf = raw[:0]
	}
	if err == errStopped {
		return result{}
	}
	if err != nil {
		if j.id() != "" && errors.Is(err, fs.ErrNotExist) {
			return c.convertListed(j)
		}
		var big *errNotRead
		if errors.As(err, &big) {
			return result{warnings: []importers.Warning{{Pos: c.pos(j.xml), Rejected: true, Reason: err.Error()}}}
		}
		return result{err: &importers.Error{Pos: c.pos(j.xml), Err: err}}
	}
	f := &file{c: c, j: j, name: c.display(j.xml), arena: a}
	return f.convert(raw)
}

func (f *file) warn(e *etree.Element, reason string) {
	f.notes = append(f.notes, problem{elem: e, reason: reason})
}

// warnAt warns about an element that may be missing (e nil), naming it where.
func (f *file) warnAt(e *etree.Element, where, reason string) {
	f.notes = append(f.notes, problem{elem: e, where: where, reason: reason})
}

func (f *file) problem(e *etree.Element, reason string) {
	f.problems = append(f.problems, problem{elem: e, reason: reason})
}

// repeated rejects the file for a second e of a single-valued element first: VOC gives
// each of them once, and keeping either one would drop the other silently.
func (f *file) repeated(first, e *etree.Element, what string) {
	f.problems = append(f.problems, problem{elem: e, reason: what + " is given twice", first: first})
}

// only returns e's child element with the given (lower-case) tag, rejecting the file when
// there are several.
func (f *file) only(e *etree.Element, name string) *etree.Element {
	var found *etree.Element
	for _, t := range e.Child {
		ce, ok := t.(*etree.Element)
		if !ok || tag(ce) != name {
			continue
		}
		if found != nil {
			f.repeated(found, ce, "<"+ce.Tag+">")
			continue
		}
		found = ce
	}
	return found
}

// problemAt records a problem with an element that may be missing (e nil), naming it where.
func (f *file) problemAt(e *etree.Element, where, reason string) {
	f.problems = append(f.problems, problem{elem: e, where: where, reason: reason})
}

// positions works out where the warnings' and problems' elements are, in one pass over the
// file, and returns a function giving a problem's position and its reason (which, for a
// repeated element, names the first one's line).
func (f *file) positions() func(problem) (importers.Position, string) {
	var at map[*etree.Element][2]int
	if f.doc != nil {
		var elems []*etree.Element
		for _, p := range f.notes {
			elems = append(elems, p.elem)
		}
		for _, p := range f.problems {
			elems = append(elems, p.elem, p.first)
		}
		at = locate(f.data, f.doc, elems)
	}
	return func(p problem) (importers.Position, string) {
		reason := p.reason
		if p.first != nil {
			// The position is the second occurrence's; the reason names the first's.
			if lc, ok := at[p.first]; ok {
				reason += fmt.Sprintf(" (first on line %d)", lc[0])
			}
		}
		ps := importers.Position{File: f.name, Element: p.where}
		if p.elem != nil && p.where == "" {
			ps.Element = pathOf(p.elem)
		}
		if lc, ok := at[p.elem]; ok && p.elem != nil {
			ps.Line, ps.Column = lc[0], lc[1]
		}
		return ps, reason
	}
}

// done ends the file: its warnings, then the sample or, when there are problems, one
// rejected Warning naming them all.
func (f *file) done(s *api.Sample) result {
	var r result
	if len(f.notes) == 0 && len(f.problems) == 0 {
		r.sample = s
		return r
	}
	pos := f.positions()
	for _, n := range f.notes {
		ps, reason := pos(n)
		r.warnings = append(r.warnings, importers.Warning{Pos: ps, Reason: reason})
	}
	if len(f.problems) == 0 {
		r.sample = s
		return r
	}
	firstPos, reason := pos(f.problems[0])
	if len(f.problems) > 1 {
		var more []string
		for _, p := range f.problems[1:] {
			ps, why := pos(p)
			var at []string
			if ps.Line > 0 {
				at = append(at, fmt.Sprintf("%d:%d", ps.Line, ps.Column))
			}
			if ps.Element != "" {
				at = append(at, ps.Element)
			}
			more = append(more, strings.Join(append(at, why), " "))
		}
		reason += fmt.Sprintf("; and %d more: %s", len(more), strings.Join(more, "; "))
	}
	r.warnings = append(r.warnings, importers.Warning{Pos: firstPos, Rejected: true, Reason: reason})
	return r
}

// rejected ends a file that has problems.
func (f *file) rejected() result { return f.done(nil) }

// convert parses and converts the file's bytes.
func (f *file) convert(raw []byte) result {
	data, recoded := prepare(raw)
	f.data = data
	if recoded {
		f.warn(nil, "not valid UTF-8 and no encoding declared; read as GB18030 (GBK)")
	}
	// A file of at most MaxElements bytes cannot hold more start tags than that (the count is
	// of '<' bytes): only a larger one is counted.
	if len(data) > MaxElements && countElements(data, MaxElements) > MaxElements {
		f.problem(nil, fmt.Sprintf("the file has more than %d elements, the most one annotation file may have (to bound the memory a file takes); split its objects over several files", MaxElements))
		return f.rejected()
	}
	doc, line, col, err := parse(f.arena, data)
	if err != nil {
		r := f.done(nil) // the notes so far
		w := importers.Warning{Pos: importers.Position{File: f.name, Line: line, Column: col}, Rejected: true, Reason: err.Error()}
		r.warnings = append(r.warnings, w)
		return r
	}
	f.doc = doc
	roots := doc.ChildElements()
	if len(roots) == 0 {
		f.problem(nil, "no root element: not a Pascal VOC file")
		return f.rejected()
	}
	root := roots[0]
	if tag(root) != "annotation" {
		f.problemAt(root, root.Tag, fmt.Sprintf("the root element is <%s>, not <annotation>: not a Pascal VOC file", root.Tag))
		return f.rejected()
	}
	if len(roots) > 1 {
		f.problemAt(roots[1], roots[1].Tag, "a second root element after </annotation>")
		return f.rejected()
	}

	var filename, pathText, maskSource *etree.Element
	var sizeElem *etree.Element
	var objects []*etree.Element
	for _, t := range root.Child {
		e, ok := t.(*etree.Element)
		if !ok {
			continue
		}
		switch tag(e) {
		case "filename":
			once(f, &filename, e)
		case "path":
			once(f, &pathText, e)
		case "size":
			once(f, &sizeElem, e)
		case "mask_source":
			if f.c.opts.Segmentation {
				once(f, &maskSource, e)
			}
		case "object":
			objects = append(objects, e)
		}
	}

	s := &api.Sample{SampleType: api.SampleImage, Origin: f.name}
	f.boxes = len(objects)
	if len(objects) > 0 {
		s.Labels = make([]api.SampleLabel, 0, len(objects))
		f.labelAt = make([]*etree.Element, 0, len(objects))
	}
	for i, o := range objects {
		f.object(o, i+1, "", s)
		if f.sampleBytes > api.MaxSampleBytes {
			// Stop here: the rest would only make the sample larger.
			f.problem(o, fmt.Sprintf("the labels up to this object already take about %d bytes, over the %d bytes the service takes for one sample", f.sampleBytes, api.MaxSampleBytes))
			return f.rejected()
		}
	}

	sz := f.size(sizeElem)
	img := f.image(filename, pathText)
	if !img.ok {
		return f.rejected()
	}
	s.Name = img.name
	if !sz.ok && img.local {
		got, err := img.src.ReadSize(img.rel)
		switch {
		case err == nil:
			sz = size{w: got.Width, h: got.Height, d: got.Depth, ok: true}
		case len(s.Labels) > 0:
			f.problemAt(sizeElem, "size", fmt.Sprintf("%s, and the image's size cannot be read from its header: %v", sz.why, err))
		default:
			f.warnAt(sizeElem, "size", fmt.Sprintf("%s, and the image's size cannot be read from its header (%v); the sample has no @modelarts:size", sz.why, err))
		}
	} else if !sz.ok && len(s.Labels) > 0 {
		f.problemAt(sizeElem, "size", fmt.Sprintf("%s, and the image is not in the images folder to read it from (looked for %s); an object-detection sample needs its size", sz.why, quoteList(img.tried())))
	}
	if sz.ok {
		s.Metadata = api.Metadata{}
		s.Metadata.SetSize(sz.w, sz.h, sz.d)
	}
	if ms := text(maskSource); ms != "" {
		if s.Metadata == nil {
			s.Metadata = api.Metadata{}
		}
		s.Metadata[MetaMaskSource] = ms
	}
	if reason := api.CheckName(s.Name); reason != "" {
		f.problemAt(filename, "filename", fmt.Sprintf("the sample name %q %s", s.Name, reason))
	}
	if len(f.problems) > 0 {
		return f.rejected()
	}
	if err := img.src.Attach(s, img.rel); err != nil {
		f.problemAt(filename, "filename", imageError(err))
		return f.rejected()
	}
	f.validate(s)
	if len(f.problems) > 0 {
		return f.rejected()
	}
	return f.done(s)
}

// once keeps e in *slot, or rejects the file when *slot already holds an element of that
// single-valued kind.
func once(f *file, slot **etree.Element, e *etree.Element) {
	if *slot != nil {
		f.repeated(*slot, e, "<"+e.Tag+">")
		return
	}
	*slot = e
}

// validate turns what api.ValidateSample finds into problems at the labels' elements.
func (f *file) validate(s *api.Sample) {
	for _, v := range api.ValidateSample("sample", s) {
		i := labelIndex(v.Path)
		if i >= 0 && i < len(f.labelAt) {
			_, field, _ := strings.Cut(v.Path, "]")
			field = strings.TrimPrefix(field, ".")
			if key, ok := strings.CutPrefix(field, `property["`); ok {
				field = strings.TrimSuffix(key, `"]`)
			}
			reason := v.Reason
			switch {
			case field == "":
			case strings.HasPrefix(reason, "is "):
				reason = field + " " + reason // "score is 1.5; ..."
			default:
				reason = field + ": " + reason
			}
			f.problem(f.labelAt[i], reason)
			continue
		}
		f.problem(nil, v.String())
	}
}

// labelIndex reads N from a violation path "sample.labels[N]...", or -1.
func labelIndex(p string) int {
	_, rest, ok := strings.Cut(p, ".labels[")
	if !ok {
		return -1
	}
	n, _, _ := strings.Cut(rest, "]")
	i, err := strconv.Atoi(n)
	if err != nil {
		return -1
	}
	return i
}

// imageError words an image problem for a rejection.
func imageError(err error) string {
	switch {
	case errors.Is(err, imagefile.ErrMissing):
		return "image file not found: " + err.Error()
	case errors.Is(err, imagefile.ErrTooLarge), errors.Is(err, imagefile.ErrLink), errors.Is(err, imagefile.ErrNotFile),
		errors.Is(err, imagefile.ErrEmpty), errors.Is(err, imagefile.ErrUnknown):
		return err.Error()
	}
	return "cannot read the image: " + err.Error()
}

// object converts an <object> (or a <part>, whose parent is named) into labels: its own,
// then its parts'. top is the 1-based position of the enclosing <object>.
func (f *file) object(e *etree.Element, top int, parent string, s *api.Sample) {
	label := api.SampleLabel{Type: f.c.labelType(), Property: make(api.Property, 8)}
	var shapeBuf [2]*etree.Element // an object has one shape, now and then two
	var (
		nameElem   *etree.Element
		shapeElems = shapeBuf[:0]
		parts      []*etree.Element
		confElem   *etree.Element
		userProps  []*etree.Element
		bad        = len(f.problems)
		from       = f.propFrom // the element each property key came from
	)
	if from == nil {
		if f.arena != nil && f.arena.from != nil {
			from = f.arena.from // the worker's, from file to file
		} else {
			from = map[string]*etree.Element{}
			if f.arena != nil {
				f.arena.from = from
			}
		}
		f.propFrom = from
	}
	clear(from) // one map for every label of the file: parts come after their parent's keys
	for _, t := range e.Child {
		ce, ok := t.(*etree.Element)
		if !ok {
			continue
		}
		switch tg := tag(ce); tg {
		case "name":
			once(f, &nameElem, ce)
		case PropPose, PropTruncated, PropOccluded, PropDifficult:
			f.setProp(label.Property, from, tg, text(ce), ce)
		case "confidence":
			once(f, &confElem, ce)
			if confElem != ce || text(ce) == "" { // a repeat, or empty: no score
				continue
			}
			n, err := number(text(ce))
			if err != nil {
				f.problem(ce, fmt.Sprintf("%q is not a number", text(ce)))
				continue
			}
			label.Score = n
		case "properties", "attributes":
			userProps = append(userProps, ce)
		case "actions":
			for _, a := range ce.ChildElements() {
				f.setProp(label.Property, from, PropActionPrefix+a.Tag, text(a), a)
			}
		case "part":
			parts = append(parts, ce)
		default:
			if _, ok := shapes[tg]; ok {
				shapeElems = append(shapeElems, ce)
				continue
			}
			if hasElements(ce) {
				f.warn(ce, fmt.Sprintf("<%s> is not a VOC element this importer knows and has nested elements; not carried", ce.Tag))
				continue
			}
			// Any other simple element is kept as a label attribute of the same name.
			f.setProp(label.Property, from, ce.Tag, text(ce), ce)
		}
	}
	for _, p := range userProps {
		f.properties(p, label.Property, from)
	}
	label.Name = text(nameElem)
	if label.Name == "" {
		f.problem(e, "no <name>: a label needs a name")
	}
	if len(shapeElems) == 0 {
		if f.c.opts.Segmentation {
			f.problem(e, "no <polygon>: a segmentation object needs its polygon")
		} else {
			f.problem(e, "no shape: an object needs one of <bndbox>, <polygon>, <polyline>, <line>, <dashed>, <circle> or <point>")
		}
	}
	if f.c.opts.Segmentation {
		f.segmentation(e, shapeElems, label.Property, from)
	}
	if parent != "" {
		label.Property[PropPartOf] = parent
		label.Property[PropPartOfObject] = strconv.Itoa(top)
	}
	// The first shape is the object's; any further one (VOC2012 action files give a person a
	// <bndbox> and a reference <point>) becomes a label of its own, linked like a part.
	features := make([]api.Feature, len(shapeElems))
	for i, se := range shapeElems {
		features[i] = f.feature(se, shapes[tag(se)])
	}
	if len(f.problems) == bad {
		label.Property.SetShape(shapes[tag(shapeElems[0])], features[0])
		s.Labels = append(s.Labels, label)
		f.labelAt = append(f.labelAt, e)
		f.sampleBytes += labelBytes(&label)
		for i, se := range shapeElems[1:] {
			extra := api.SampleLabel{Type: f.c.labelType(), Name: label.Name, Property: api.Property{
				PropPartOf:       label.Name,
				PropPartOfObject: strconv.Itoa(top),
			}}
			extra.Property.SetShape(shapes[tag(se)], features[i+1])
			s.Labels = append(s.Labels, extra)
			f.sampleBytes += labelBytes(&extra)
			f.labelAt = append(f.labelAt, se)
		}
	}
	if f.arena != nil && len(from) > 256 {
		f.arena.bigFrom = true // a map this large is not kept for the next file
	}
	for _, p := range parts {
		f.object(p, top, label.Name, s)
	}
}

// properties copies label attributes: ModelArts' <properties><color>yellow</color>
// </properties> and <property><key>k</key><value>v</value></property>, and CVAT's
// <attributes><attribute><name>k</name><value>v</value></attribute></attributes>.
func (f *file) properties(e *etree.Element, prop api.Property, from map[string]*etree.Element) {
	for _, ce := range e.ChildElements() {
		if !hasElements(ce) {
			f.setProp(prop, from, ce.Tag, text(ce), ce)
			continue
		}
		k := f.only(ce, "key")
		if k == nil {
			k = f.only(ce, "name")
		}
		if k == nil {
			f.warn(ce, fmt.Sprintf("<%s> has nested elements but no <key> or <name>; not carried", ce.Tag))
			continue
		}
		key := text(k)
		if key == "" {
			f.warn(ce, "an attribute with an empty key; not carried")
			continue
		}
		f.setProp(prop, from, key, text(f.only(ce, "value")), ce)
	}
}

// setProp sets a label attribute from element e. A key given twice for one label (two
// <pose>, or <color> twice in <properties>) rejects the file, naming both; an empty element
// (<pose/>, CVAT's empty <value/>) says nothing and is left out.
func (f *file) setProp(prop api.Property, from map[string]*etree.Element, key, value string, e *etree.Element) {
	if key == api.PropShape || key == api.PropFeature {
		f.warn(e, fmt.Sprintf("the attribute %q is reserved for the label's shape; not carried", key))
		return
	}
	if first, dup := from[key]; dup {
		f.repeated(first, e, fmt.Sprintf("the attribute %q", key))
		return
	}
	from[key] = e
	if value == "" {
		return
	}
	if f.arena != nil {
		prop[key] = f.arena.boxed(value)
		return
	}
	prop[key] = value
}

// coord reads a coordinate (or, with length, a radius) from e's child element name.
func (f *file) coord(e *etree.Element, name string, length bool) (json.Number, bool) {
	ce := f.only(e, name)
	if ce == nil {
		f.problem(e, fmt.Sprintf("no <%s>: a missing coordinate", name))
		return "", false
	}
	return f.value(ce, length)
}

// value reads the number in e.
func (f *file) value(e *etree.Element, length bool) (json.Number, bool) {
	s := text(e)
	if s == "" {
		f.problem(e, "empty: a missing coordinate")
		return "", false
	}
	n, err := number(s)
	if err != nil {
		f.problem(e, fmt.Sprintf("%q is not a number", s))
		return "", false
	}
	out, clamped := adjust(n, f.c.opts.OneBased && !length, f.c.opts.Round)
	if clamped {
		f.warn(e, fmt.Sprintf("%s is below 1, so option OneBased makes it 0", s))
	}
	return out, true
}

// feature reads a shape element's coordinates.
func (f *file) feature(e *etree.Element, shape api.Shape) api.Feature {
	pair := func(xn, yn string) []json.Number {
		x, okx := f.coord(e, xn, false)
		y, oky := f.coord(e, yn, false)
		if !okx || !oky {
			return nil
		}
		p := f.coords(2)
		p[0], p[1] = x, y
		return p
	}
	switch shape {
	case api.ShapeBndbox:
		return f.points2(pair("xmin", "ymin"), pair("xmax", "ymax"))
	case api.ShapeLine, api.ShapeDashed:
		return f.points2(pair("x1", "y1"), pair("x2", "y2"))
	case api.ShapeCircle:
		c := pair("cx", "cy")
		r, _ := f.coord(e, "r", true)
		return api.Feature{c, {r}}
	case api.ShapePoint:
		if child(e, "x") == nil && child(e, "x1") != nil {
			return api.Feature{pair("x1", "y1")}
		}
		return api.Feature{pair("x", "y")}
	}
	return f.points(e)
}

// coords returns room for n numbers of a feature. A file's boxes (two points of two numbers
// each, the shape nearly every label has) share one array of numbers and one of points: two
// allocations a file instead of three a box. Each piece is capped, so nothing appended to
// one can run into the next.
func (f *file) coords(n int) []json.Number {
	if cap(f.nums)-len(f.nums) < n {
		f.nums = make([]json.Number, 0, max(n, 4*f.boxes))
	}
	k := len(f.nums)
	f.nums = f.nums[:k+n]
	return f.nums[k : k+n : k+n]
}

// points2 is the feature of two points (a box, a line), from the file's array of points.
func (f *file) points2(a, b []json.Number) api.Feature {
	if cap(f.pts)-len(f.pts) < 2 {
		f.pts = make(api.Feature, 0, max(2, 2*f.boxes))
	}
	k := len(f.pts)
	f.pts = append(f.pts, a, b)
	return f.pts[k : k+2 : k+2]
}

// points reads a polygon's or polyline's points: <x1>..<y1>..<xN><yN> (ModelArts), or a
// list of <pt>/<point> elements holding <x> and <y>.
func (f *file) points(e *etree.Element) api.Feature {
	type xy struct {
		x, y *etree.Element
	}
	byIndex := map[int]*xy{}
	var list api.Feature
	for _, ce := range e.ChildElements() {
		tg := tag(ce)
		if tg == "pt" || tg == "point" {
			x, okx := f.coord(ce, "x", false)
			y, oky := f.coord(ce, "y", false)
			if okx && oky {
				list = append(list, []json.Number{x, y})
			}
			continue
		}
		if len(tg) < 2 || (tg[0] != 'x' && tg[0] != 'y') {
			continue
		}
		i, err := strconv.Atoi(tg[1:])
		if err != nil || i < 0 {
			continue
		}
		p := byIndex[i]
		if p == nil {
			p = &xy{}
			byIndex[i] = p
		}
		slot := &p.x
		if tg[0] == 'y' {
			slot = &p.y
		}
		if *slot != nil {
			f.repeated(*slot, ce, "<"+ce.Tag+">")
			continue
		}
		*slot = ce
	}
	if len(byIndex) > 0 && len(list) > 0 {
		f.problem(e, "mixes <xN>/<yN> coordinates with <pt> points")
		return nil
	}
	if len(list) > 0 {
		return list
	}
	if len(byIndex) == 0 {
		f.problem(e, "no points: expected <x1><y1>...<xN><yN>")
		return nil
	}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make(api.Feature, 0, len(idx))
	for _, i := range idx {
		p := byIndex[i]
		if p.x == nil || p.y == nil {
			have, miss := "x", "y"
			if p.x == nil {
				have, miss = "y", "x"
			}
			f.problem(e, fmt.Sprintf("<%s%d> has no <%s%d>: a missing coordinate", have, i, miss, i))
			continue
		}
		x, okx := f.value(p.x, false)
		y, oky := f.value(p.y, false)
		if okx && oky {
			out = append(out, []json.Number{x, y})
		}
	}
	return out
}

// size is an image's size as the XML gives it.
type size struct {
	w, h, d int
	ok      bool
	why     string // why the XML's size cannot be used
}

// size reads <size>. A missing, empty or zero width or height makes the size unusable (it is
// then read from the image); a missing or zero depth is left out ([width, height]; the
// service takes depth 3).
func (f *file) size(e *etree.Element) size {
	if e == nil {
		return size{why: "no <size>"}
	}
	dim := func(name string) (int, string) {
		ce := f.only(e, name)
		if ce == nil {
			return 0, fmt.Sprintf("no <size><%s>", name)
		}
		s := text(ce)
		if s == "" {
			return 0, fmt.Sprintf("<size><%s> is empty", name)
		}
		n, ok := dimension(s)
		if !ok {
			f.warn(ce, fmt.Sprintf("%q is not a whole number of pixels; the size is read from the image", s))
			return 0, fmt.Sprintf("<size><%s> is %q", name, s)
		}
		if n == 0 {
			return 0, fmt.Sprintf("<size><%s> is 0", name)
		}
		return n, ""
	}
	w, why := dim("width")
	h, whyH := dim("height")
	if why == "" {
		why = whyH
	}
	if why != "" {
		return size{why: why}
	}
	d := 0
	if ce := f.only(e, "depth"); ce != nil && text(ce) != "" {
		if n, ok := dimension(text(ce)); ok {
			d = n
		} else {
			f.warn(ce, fmt.Sprintf("%q is not a whole number; the size is given as [width, height]", text(ce)))
		}
	}
	return size{w: w, h: h, d: d, ok: true}
}

// dimension reads a whole, non-negative number of pixels ("640", "640.0").
func dimension(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= 0
	}
	fl, err := strconv.ParseFloat(s, 64)
	if err != nil || fl < 0 || fl != float64(int(fl)) || fl > 1<<31 {
		return 0, false
	}
	return int(fl), true
}

// anyImageExt stands for the extensions imageExts in messages.
const anyImageExt = ".{jpg,jpeg,png,bmp}"

// image is where a sample's image is.
type image struct {
	src   *imagefile.Source
	rel   string       // relative to the images folder
	name  string       // the sample's name
	local bool         // the file is in the images folder
	look  *imageLookup // where it was looked for (see tried)
	ok    bool
}

// tried lists where the image was looked for, for messages.
func (img *image) tried() []string { return img.look.tried(img.src) }

// imageCand is a place an image may be.
type imageCand struct {
	rel string
	how string // how the candidate came: "" for <filename> (with an added extension too)
}

// imageLookup is the candidates of one file's image, in order, the stems added only when
// they are needed (one allocation for the lookup of a file with a <filename>).
type imageLookup struct {
	xml   string // the XML file's path
	fnRel string // <filename>, cleaned
	cands []imageCand
	first [2]imageCand // room for the usual candidates
	stems bool         // the XML file's own name with each image extension was added
}

// withStems adds the XML file's own name with each image extension, once.
func (l *imageLookup) withStems() {
	if l.stems {
		return
	}
	l.stems = true
	base := path.Base(l.xml)
	stem := strings.TrimSuffix(base, path.Ext(base))
	for _, ext := range imageExts {
		l.cands = append(l.cands, imageCand{stem + ext, "the XML file's own name"})
	}
}

// tried lists the candidates, as paths in src, for messages.
func (l *imageLookup) tried(src *imagefile.Source) []string {
	l.withStems()
	var out []string
	for _, c := range l.cands {
		t := src.Path(c.rel)
		if stem, ok := strings.CutSuffix(t, path.Ext(t)); ok && c.rel != l.fnRel && slices.Contains(imageExts, path.Ext(t)) {
			t = stem + anyImageExt // one entry for the extensions tried
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// image finds the file a VOC file annotates. The candidates, in order: <filename> (and,
// when it has no extension, with .jpg, .jpeg, .png or .bmp added); then <path> — only its
// base name when it is absolute (labelImg writes the annotator's absolute path into every
// file), else as a path in the images folder; then the XML file's own name with an image
// extension. The sample is named after the image found, in both modes (inline and
// -obs-prefix), with a warning when that is not the image <filename> names; with
// -obs-prefix and no local image, after <filename>. Names are cleaned (Confine): "./a.jpg",
// "x/../a.jpg" and "a.jpg/" all name a.jpg.
func (f *file) image(filename, pathElem *etree.Element) image {
	look := &imageLookup{xml: f.j.xml}
	look.cands = look.first[:0]
	img := image{src: &f.j.folder.images, look: look}
	type cand = imageCand
	fn := text(filename)
	if fn != "" {
		rel, err := imagefile.Confine(fn)
		if err != nil {
			f.problemAt(filename, "filename", fmt.Sprintf("%q points outside the images folder (a file name in <filename> must be relative, without ../)", fn))
			return img
		}
		look.fnRel = rel
		look.cands = append(look.cands, cand{rel, ""})
		if !hasImageExt(rel) {
			for _, ext := range imageExts {
				look.cands = append(look.cands, cand{rel + ext, ""})
			}
		}
	}
	var pathErr string
	if p := strings.ReplaceAll(text(pathElem), `\`, "/"); p != "" {
		if strings.HasPrefix(p, "/") || len(p) >= 2 && p[1] == ':' {
			if base := path.Base(p); base != "/" && base != "." && base != ".." {
				look.cands = append(look.cands, cand{base, "the base name of <path>"})
			}
		} else if rel, err := imagefile.Confine(p); err == nil {
			look.cands = append(look.cands, cand{rel, "<path>"})
		} else {
			pathErr = fmt.Sprintf("%q points outside the images folder", text(pathElem))
		}
	}
	// The XML file's own name with each image extension comes last: added only when the
	// candidates are looked up or listed (with -obs-prefix and no local images, a file with
	// a <filename> needs none of them).
	local := f.c.hasDir(img.src) // no images folder here: nothing to look up (-obs-prefix)
	if local {
		look.withStems()
	}
	for i, c := range look.cands {
		if !local {
			break
		}
		if slices.ContainsFunc(look.cands[:i], func(p cand) bool { return p.rel == c.rel }) {
			continue
		}
		if exists(img.src, c.rel) {
			img.rel, img.name, img.local, img.ok = c.rel, c.rel, true, true
			if fn != "" && c.how != "" {
				f.warnAt(filename, "filename", fmt.Sprintf("<filename> names %q, which is not in the images folder; the image found through %s, %q, is used and names the sample", fn, c.how, img.src.Path(c.rel)))
			}
			return img
		}
	}
	switch {
	case fn == "" && pathErr != "":
		f.problemAt(pathElem, "path", pathErr+" (and there is no <filename>)")
	case img.src.OBSPrefix == "": // there are candidates: the XML file's own name at least
		f.problemAt(filename, "filename", fmt.Sprintf("image file not found (looked for %s); the image's bytes are needed unless option OBSPrefix is given", quoteList(img.tried())))
	case fn != "":
		img.rel, img.name, img.ok = look.fnRel, look.fnRel, true
		if !hasImageExt(look.fnRel) {
			f.warnAt(filename, "filename", fmt.Sprintf("%q has no image extension (.jpg, .jpeg, .png, .bmp) and no image of that name is in the images folder; the data path uses it as written", fn))
		}
	default:
		// Without <filename>, use what <path> names (the first non-<filename> candidate).
		look.withStems()
		if text(pathElem) != "" && pathErr == "" {
			img.rel, img.name, img.ok = look.cands[0].rel, look.cands[0].rel, true
		} else {
			f.problem(nil, fmt.Sprintf("no <filename>, and no image named like this file in the images folder (looked for %s)", quoteList(img.tried())))
		}
	}
	return img
}

// convertListed handles an ImageSets entry with no XML file: its image, when found, becomes
// an unlabeled sample.
func (c *converter) convertListed(j *job) result {
	id, listed := j.list.id, j.list.listed
	xml := path.Join(AnnotationsDir, id+".xml")
	reject := func(reason string) result {
		return result{warnings: []importers.Warning{{Pos: listed, Rejected: true, Reason: reason}}}
	}
	rel, err := imagefile.Confine(id)
	if err != nil {
		return reject(fmt.Sprintf("the id %q points outside the dataset", id))
	}
	src := &j.folder.images
	found, ok := "", false
	if hasImageExt(rel) && exists(src, rel) {
		found, ok = rel, true
	} else {
		found, ok = findByStem(src, rel)
	}
	if !ok {
		return reject(fmt.Sprintf("%q has no %s and no image in %s", id, xml, src.Path(".")))
	}
	s := &api.Sample{Name: found, SampleType: api.SampleImage, Origin: listed.String()}
	r := result{warnings: []importers.Warning{{Pos: listed, Reason: fmt.Sprintf("%q has no %s; its image %s is converted as an unlabeled sample", id, xml, src.Path(found))}}}
	if sz, err := src.ReadSize(found); err == nil {
		s.Metadata = api.Metadata{}
		s.Metadata.SetSize(sz.Width, sz.Height, sz.Depth)
	}
	if reason := api.CheckName(s.Name); reason != "" {
		return reject(fmt.Sprintf("the sample name %q %s", s.Name, reason))
	}
	if err := src.Attach(s, found); err != nil {
		return reject(imageError(err))
	}
	if vs := api.ValidateSample("sample", s); len(vs) > 0 {
		return reject(vs.Error())
	}
	return result{sample: s, warnings: r.warnings}
}

// segmentation checks what an image-segmentation object must be (Options.Segmentation): the
// platform's segmentation files (its OBS layout page, and Table 4/5 of its manifest page)
// give each object one <polygon> and a <mask_color> "R,G,B"; another shape cannot be a
// segmentation label, and a color that is not three integers 0..255 would paint a wrong mask.
func (f *file) segmentation(e *etree.Element, shapes []*etree.Element, prop api.Property, from map[string]*etree.Element) {
	for _, se := range shapes {
		if tag(se) != "polygon" {
			f.problem(se, fmt.Sprintf("<%s> in a segmentation file: an image-segmentation object is a <polygon> (the platform's segmentation format gives no other shape)", se.Tag))
		}
	}
	color, ok := prop[PropMaskColor].(string)
	if !ok {
		f.warn(e, "no <mask_color> (or an empty one): the platform's segmentation files give each object its mask color (\"R,G,B\"); the label has none")
		return
	}
	if !validColor(color) {
		f.problem(from[PropMaskColor], fmt.Sprintf("<mask_color> %q is not \"R,G,B\" with three integers 0..255", color))
	}
}

// validColor reports whether s is "R,G,B", three integers 0..255 (spaces around them allowed).
func validColor(s string) bool {
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 255 {
			return false
		}
	}
	return true
}
