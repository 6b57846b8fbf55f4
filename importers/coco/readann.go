package coco

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/decimal"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// kpSpan is a labelled keypoint while an annotation is read: its index, visibility (1 or
// 2) and coordinates.
type kpSpan struct {
	index      int
	visibility byte
	x, y       []byte
}

// Captions and panoptic files have no label type in the API: they are refused at once, for
// the whole file, instead of once per annotation.
var (
	errCaptions = errors.New("a captions file: captions have no label type in this API")
	errPanoptic = errors.New("a panoptic segmentation file: its segments are PNG masks, which this importer does not read; convert the instances file of the same images")
)

// annParser reduces annotations (or results) to spill records. Each parse worker has its
// own: it holds the scratch space reused from one annotation to the next.
type annParser struct {
	opts *Options // Shape and MinScore are read

	ann rawAnn
	num []byte
	kps []kpSpan
	seg segBuf

	// the record being read: its shape labels and their features' encoded size
	shapes       int
	featureBytes int
}

// annResult is what parsing one annotation gave: a record to chain to imageID (stored; est
// is a lower bound of its labels' encoded size), a rejection (warn), a result left out for
// its score (filtered), or the fatal error that ends the file. end is where the record ends
// in the chunk's records (the previous element's end is where it starts).
type annResult struct {
	end      int
	stored   bool
	filtered bool
	reject   bool
	imageID  int64
	est      int64
	warn     importers.Warning
	err      error
}

// parse reads one annotation (or result) and appends its spill record to out. Problems that
// need neither the images nor the categories are rejections here; the rest are found when
// the images are emitted. The record is written straight from the element's bytes: in bbox
// mode nothing is allocated per number.
func (p *annParser) parse(out []byte, file string, from byte, b []byte, i int, off int64) (_ []byte, res annResult) {
	a := &p.ann
	reason := parseAnnotation(b, a)
	if from == fromAnnotations && a.CategoryID == nil {
		switch {
		case a.Caption:
			res.err = &importers.Error{Pos: importers.Position{File: file}, Err: errCaptions}
			return out, res
		case a.SegmentsInfo:
			res.err = &importers.Error{Pos: importers.Position{File: file}, Err: errPanoptic}
			return out, res
		}
	}
	start := len(out)
	reject := func(format string, args ...any) ([]byte, annResult) {
		pos := importers.Position{File: file, Offset: off, Element: elementName(from, i, string(a.ID))}
		return out[:start], annResult{reject: true, warn: importers.Warning{Pos: pos, Rejected: true, Reason: fmt.Sprintf(format, args...)}}
	}
	if reason != "" {
		return reject("%s", reason)
	}
	if a.ImageID == nil {
		return reject("has no image_id")
	}
	imageID, ok := intOf(a.ImageID)
	if !ok {
		return reject("image_id %s is not an integer", a.ImageID)
	}
	if a.CategoryID == nil {
		return reject("has no category_id")
	}
	catID, ok := intOf(a.CategoryID)
	if !ok {
		return reject("category_id %s is not an integer", a.CategoryID)
	}
	// plain says whether every label of the record certainly passes the validator, so that
	// emitting its image needs no validation; when in doubt it is false.
	plain := true
	if from == fromResults {
		if a.Score == nil {
			return reject("has no score")
		}
		f, err := strconv.ParseFloat(string(a.Score), 64)
		if err != nil {
			return reject("score %s is out of range", a.Score)
		}
		if f < p.opts.MinScore {
			return out, annResult{filtered: true}
		}
		plain = f >= 0 && f <= 1
	}
	kps := p.kps[:0]
	if n := len(a.Keypoints); n > 0 {
		if n%3 != 0 {
			return reject("keypoints has %d numbers, not [x,y,v] triples", n)
		}
		for k := 0; k+2 < n; k += 3 {
			v, err := strconv.ParseFloat(string(a.Keypoints[k+2]), 64)
			if err != nil || v != 0 && v != 1 && v != 2 {
				return reject("keypoint %d: visibility %s is not 0, 1 or 2", k/3, a.Keypoints[k+2])
			}
			if v == 0 {
				continue // not labeled
			}
			for _, xy := range a.Keypoints[k : k+2] {
				f, err := strconv.ParseFloat(string(xy), 64)
				if err != nil {
					return reject("keypoint %d: %s is out of range", k/3, xy)
				}
				plain = plain && f >= 0
			}
			kps = append(kps, kpSpan{index: k / 3, visibility: byte(v), x: a.Keypoints[k], y: a.Keypoints[k+1]})
		}
	}
	p.kps = kps
	var attrs []byte
	if len(a.Attributes) > 0 {
		if a.Attributes[0] != '{' {
			return reject("attributes is a JSON %s, not an object", jsonlex.Kind(a.Attributes[0]))
		}
		if !isEmptyJSON(a.Attributes) {
			if why := checkText(a.Attributes, off+int64(a.AttributesAt)); why != "" {
				return reject("attributes %s", why)
			}
			if why := repeatedKey(a.Attributes); why != "" {
				return reject("attributes: an object %s", why)
			}
			attrs = a.Attributes
			plain = plain && !bytes.Contains(attrs, []byte("@modelarts:"))
		}
	}
	r := appendHead(out, from, i, off, a.ID, catID, a.Score)
	p.shapes, p.featureBytes = 0, 0
	r, plainGeometry, why := p.appendGeometry(r, a, len(kps) > 0)
	if why != "" {
		out = r
		return reject("%s", why)
	}
	flags := &r[start+flagsAt]
	if plain && plainGeometry {
		*flags |= flagPlain
	}
	if a.IsCrowd != nil {
		*flags |= flagCrowd
	}
	if a.Ignore != nil {
		*flags |= flagIgnore
	}
	r = binary.AppendUvarint(r, uint64(len(kps)))
	for _, k := range kps {
		r = appendKeypoint(r, k.index, k.visibility, k.x, k.y)
	}
	r = appendField(r, attrs)
	return r, annResult{stored: true, imageID: imageID, est: p.estimate(a, kps)}
}

// estimate returns a lower bound of the encoded size of the record's labels (their names,
// which come from the categories, not counted), for the per-sample limit: it never says more
// than the labels will take, so a sample is never refused for a size it would not have.
func (p *annParser) estimate(a *rawAnn, kps []kpSpan) int64 {
	perLabel := len(`{"type":0}`)
	if len(a.ID) > 0 {
		perLabel += len(`"annotation_id":"",`) + len(a.ID)
	}
	if len(a.Score) > 0 {
		perLabel += len(`"score":,`) + len(a.Score)
	}
	if a.IsCrowd != nil {
		perLabel += len(`"iscrowd":"1",`)
	}
	if a.Ignore != nil {
		perLabel += len(`"ignore":"1",`)
	}
	const shapeLabel = len(`"property":{"@modelarts:feature":,"@modelarts:shape":"point"},`)
	n := int64(perLabel) // the object's label, or its image-classification label
	n += int64(p.shapes) * int64(shapeLabel)
	if p.shapes > 1 {
		n += int64(p.shapes-1) * int64(perLabel)
	}
	n += int64(p.featureBytes)
	for _, k := range kps {
		n += int64(perLabel+shapeLabel+len(`[[,]]`)+len(`"visibility":"1",`)) + int64(len(k.x)+len(k.y))
	}
	return n
}

// appendGeometry appends the record's object geometry, or says why there is none; plain
// says whether the geometry certainly passes the validator.
func (p *annParser) appendGeometry(r []byte, a *rawAnn, keypoints bool) (_ []byte, plain bool, why string) {
	if p.opts.Shape == ShapePolygon {
		present, why := parseSegmentation(a.Segmentation, &p.seg)
		if why != "" {
			return r, false, why
		}
		if present {
			if p.seg.polygons() == 0 {
				return r, false, "segmentation has no region (an empty mask)"
			}
			// Each polygon's feature takes "[" and "]" and, per x, y pair, "[x,y]" and a
			// comma but the last (featureSize, summed).
			p.shapes += p.seg.polygons()
			p.featureBytes += p.seg.polygons() + 2*p.seg.total + p.seg.literalBytes
			return appendPolygons(r, &p.seg), !p.seg.signed && plainPolygons(&p.seg), ""
		}
	}
	if len(a.BBox) > 0 {
		kind := byte(geomBox)
		if p.opts.Shape == ShapePolygon {
			kind = geomBoxOnly
		}
		return p.appendBox(r, kind, a.BBox)
	}
	if p.opts.Shape == ShapeBBox && !keypoints && !isEmptyJSON(a.Segmentation) {
		return r, false, "has no bbox (its segmentation converts with option Shape polygon)"
	}
	// No geometry (an image-level label, as Datumaro and classification exports write), or
	// only keypoints (keypoint results have no bbox): the object is an image-classification
	// label, which its point labels name by annotation_id.
	return append(r, geomClass), true, ""
}

// plainPolygons reports whether every polygon certainly passes the validator: 3 points or
// more, and coordinates that are plainly >= 0 and in range (no minus sign, no exponent:
// segBuf.signed, which the caller checks).
func plainPolygons(seg *segBuf) bool {
	for i := range seg.polygons() {
		if seg.count(i) < 6 {
			return false
		}
	}
	return true
}

// plain says whether the box certainly passes the validator: corners >= 0 and, read as
// float64 as the validator reads them, x1 < x2 and y1 < y2. For the usual box (plain decimal
// literals) plainAxis says so without parsing a float.
func (p *annParser) appendBox(r []byte, kind byte, b [][]byte) (_ []byte, plain bool, why string) {
	if len(b) != 4 {
		return r, false, fmt.Sprintf("bbox has %d numbers, not [x, y, width, height]", len(b))
	}
	var sums [2]int64
	var scales [2]int
	fast := true
	for k := range 2 {
		var ok bool
		if sums[k], scales[k], ok = plainAxisSum(b[k], b[k+2]); !ok {
			fast = false
			break
		}
	}
	var v [4]float64
	if !fast {
		for k, n := range b {
			f, err := strconv.ParseFloat(string(n), 64)
			if err != nil {
				return r, false, fmt.Sprintf("bbox[%d] = %s is out of range", k, n)
			}
			v[k] = f
		}
	}
	r = append(r, kind)
	r = appendField(r, b[0])
	r = appendField(r, b[1])
	p.shapes++
	p.featureBytes += len(`[[,],[,]]`) + len(b[0]) + len(b[1])
	plain = fast || v[0] >= 0 && v[1] >= 0
	for k := range 2 {
		if fast {
			p.num = decimal.AppendScaled(p.num[:0], sums[k], scales[k])
		} else {
			p.num = decimal.AppendSum(p.num[:0], b[k], b[k+2])
		}
		p.featureBytes += len(p.num)
		r = appendField(r, p.num)
		if !fast {
			end, err := strconv.ParseFloat(string(p.num), 64)
			plain = plain && err == nil && end > v[k]
		}
	}
	return r, plain, ""
}

// plainMax bounds the scaled values plainAxis takes: below 10^15, two different ones are
// more than two float64 steps apart, so they read as two different floats, in order.
const plainMax = 1e15

// plainAxis reports, without parsing a float, that a box whose origin is x and whose size is
// w on one axis certainly passes the validator there: x >= 0 and, read as float64, x < x+w
// (the sum computed exactly in decimal, as appendBox writes it). It says so for literals of
// digits with an optional fraction (no sign, no exponent) when w > 0 and x and x+w, scaled
// to their common number of fraction digits, are below plainMax: two distinct reals whose
// distance is more than 10^-15 of their size round to distinct float64s (the spacing of
// float64s is at most 2^-52 of their size), in the same order. Otherwise it says false and
// the caller parses the floats (TestPlainAxis compares the two).
func plainAxis(x, w []byte) bool {
	_, _, ok := plainAxisSum(x, w)
	return ok
}

// plainAxisSum is plainAxis that also gives, when it says true, x+w as sum / 10^scale (scale
// the longer fraction of the two), which decimal.AppendScaled writes as decimal.AppendSum would
// (checkPlainAxis compares them): the literals are parsed once.
func plainAxisSum(x, w []byte) (sum int64, scale int, ok bool) {
	mx, sx, ok := unsignedDecimal(x)
	if !ok {
		return 0, 0, false
	}
	mw, sw, ok := unsignedDecimal(w)
	if !ok || mw == 0 {
		return 0, 0, false
	}
	for ; sx < sw; sx++ {
		if mx >= plainMax {
			return 0, 0, false
		}
		mx *= 10
	}
	for ; sw < sx; sw++ {
		if mw >= plainMax {
			return 0, 0, false
		}
		mw *= 10
	}
	if mx < plainMax && mw < plainMax && mx+mw < plainMax {
		return mx + mw, sx, true
	}
	return 0, 0, false
}

// unsignedDecimal reads a JSON number literal of at most 15 digits, without sign or
// exponent: its value is m / 10^scale.
func unsignedDecimal(n []byte) (m int64, scale int, ok bool) {
	if len(n) == 0 || len(n) > 16 {
		return 0, 0, false
	}
	dot := -1
	for i, c := range n {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
		case c == '.' && dot < 0 && i > 0:
			dot = i
		default:
			return 0, 0, false
		}
	}
	if dot >= 0 {
		scale = len(n) - dot - 1
		if scale == 0 {
			return 0, 0, false
		}
	}
	if len(n)-min(1, scale) > 15 {
		return 0, 0, false
	}
	return m, scale, true
}
