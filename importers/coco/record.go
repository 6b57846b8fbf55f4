package coco

import (
	"encoding/binary"
	"encoding/json"
	"errors"
)

// record is an annotation (or result) reduced to what its labels need. It is written to the
// spill store in a compact binary form while the file is read (appendHead, appendBox...,
// appendKeypoint, appendField for the attributes) and decoded when its image is emitted.
//
// Format: from (1 byte), flags (1 byte: flagPlain, flagCrowd, flagIgnore), index and byte offset (uvarints), id and score (uvarint length +
// bytes), category_id (varint), geometry kind (1 byte) then 4 corner numbers (boxes) or the
// polygons (uvarint count; each a uvarint count of numbers), uvarint keypoint count then
// (index, visibility byte, x, y) each, and the attributes' raw JSON.
type record struct {
	from   byte   // fromAnnotations or fromResults
	plain  bool   // its labels certainly pass the validator (see converter.plain)
	crowd  bool   // iscrowd: 1
	ignore bool   // ignore: 1
	index  int    // position in its array
	off    int64  // byte offset in its file
	id     string // the annotation's id as written ("" when none)
	cat    int64  // category_id
	score  string // results only

	hasBox        bool
	box           [4]json.Number  // x1, y1, x2, y2
	boxForPolygon bool            // -shape polygon, but the annotation has no segmentation
	polygons      [][]json.Number // flat x, y lists
	keypoints     []keypoint
	attrs         string // the attributes object, raw JSON
}

type keypoint struct {
	index      int
	visibility byte // 1 (labelled, not visible) or 2 (visible)
	x, y       json.Number
}

// Kinds of object geometry in a record.
const (
	geomClass   = 0 // none: the object is an image-classification label
	geomBox     = 1
	geomPolygon = 2
	geomBoxOnly = 3 // a bbox standing in for a missing segmentation
)

func appendField[S ~string | ~[]byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// flagsAt is where appendHead puts the flags byte, set once the whole record is written.
const flagsAt = 1

// Flags.
const (
	flagPlain  = 1
	flagCrowd  = 2
	flagIgnore = 4
)

func appendHead(b []byte, from byte, index int, off int64, id []byte, cat int64, score []byte) []byte {
	b = append(b, from, 0)
	b = binary.AppendUvarint(b, uint64(index))
	b = binary.AppendUvarint(b, uint64(off))
	b = appendField(b, id)
	b = binary.AppendVarint(b, cat)
	return appendField(b, score)
}

func appendPolygons(b []byte, seg *segBuf) []byte {
	b = append(b, geomPolygon)
	b = binary.AppendUvarint(b, uint64(seg.polygons()))
	for i := range seg.polygons() {
		b = binary.AppendUvarint(b, uint64(seg.count(i)))
		b = append(b, seg.raw(i)...)
	}
	return b
}

func appendKeypoint(b []byte, index int, visibility byte, x, y []byte) []byte {
	b = binary.AppendUvarint(b, uint64(index))
	b = append(b, visibility)
	b = appendField(b, x)
	return appendField(b, y)
}

var errCorrupt = errors.New("spill record is corrupt")

// recordDecoder reads records written by the append functions, from a string whose
// substrings become the record's strings.
type recordDecoder struct {
	s   string
	err error
}

func (d *recordDecoder) byte() byte {
	if d.err != nil || len(d.s) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.s[0]
	d.s = d.s[1:]
	return c
}

func (d *recordDecoder) uvarint() uint64 {
	var v uint64
	for i := 0; d.err == nil && i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.err = errCorrupt
	return 0
}

func (d *recordDecoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *recordDecoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.s)) {
		d.err = errCorrupt
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// numbers reads len(p) strings into p: d.string in a loop, with the usual one-byte lengths
// read in place.
func (d *recordDecoder) numbers(p []json.Number) {
	s := d.s
	for k := range p {
		if len(s) == 0 || s[0] >= 0x80 || int(s[0]) >= len(s) {
			d.s = s
			for ; k < len(p); k++ {
				p[k] = json.Number(d.string())
			}
			return
		}
		n := int(s[0]) + 1
		p[k] = json.Number(s[1:n])
		s = s[n:]
	}
	d.s = s
}

// count reads a count that cannot exceed what is left of the record.
func (d *recordDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.s)) {
		d.err = errCorrupt
		return 0
	}
	return int(n)
}

// slab hands out short slices of larger allocations, so that the numbers and points of many
// labels cost one allocation instead of one each. A slice it returned stays valid (and
// keeps its block alive) for as long as it is used: the samples own them. A nil slab
// allocates each slice on its own.
type slab struct {
	nums []json.Number
	rows [][]json.Number
}

// slabBlock is how many elements a slab allocates at a time; larger requests get their own.
const slabBlock = 512

func (s *slab) numbers(n int) []json.Number {
	if s == nil || n > slabBlock/4 {
		return make([]json.Number, n)
	}
	if n > len(s.nums) {
		s.nums = make([]json.Number, slabBlock)
	}
	v := s.nums[:n:n]
	s.nums = s.nums[n:]
	return v
}

func (s *slab) lists(n int) [][]json.Number {
	if s == nil || n > slabBlock/4 {
		return make([][]json.Number, n)
	}
	if n > len(s.rows) {
		s.rows = make([][]json.Number, slabBlock)
	}
	v := s.rows[:n:n]
	s.rows = s.rows[n:]
	return v
}

// decodeRecord reads one record into r, reusing its slices. Its strings are substrings of s.
func decodeRecord(s string, r *record) error { return decodeRecordSlab(s, r, nil) }

// decodeRecordSlab is decodeRecord taking the polygons' slices from sl.
func decodeRecordSlab(s string, r *record, sl *slab) error {
	d := &recordDecoder{s: s}
	*r = record{keypoints: r.keypoints[:0]}
	r.from = d.byte()
	flags := d.byte()
	r.plain, r.crowd, r.ignore = flags&flagPlain != 0, flags&flagCrowd != 0, flags&flagIgnore != 0
	r.index = int(d.uvarint())
	r.off = int64(d.uvarint())
	r.id = d.string()
	r.cat = d.varint()
	r.score = d.string()
	switch kind := d.byte(); kind {
	case geomPolygon:
		r.polygons = sl.lists(d.count())
		for i := range r.polygons {
			p := sl.numbers(d.count())
			d.numbers(p)
			r.polygons[i] = p
		}
	case geomBox, geomBoxOnly:
		r.hasBox = true
		r.boxForPolygon = kind == geomBoxOnly
		for k := range r.box {
			r.box[k] = json.Number(d.string())
		}
	case geomClass:
	default:
		d.err = errCorrupt
	}
	for range d.count() {
		k := keypoint{index: int(d.uvarint()), visibility: d.byte()}
		k.x = json.Number(d.string())
		k.y = json.Number(d.string())
		r.keypoints = append(r.keypoints, k)
	}
	r.attrs = d.string()
	if d.err == nil && len(d.s) > 0 {
		d.err = errCorrupt
	}
	return d.err
}
