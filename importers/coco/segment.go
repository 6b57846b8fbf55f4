package coco

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// segBuf holds the polygons of one segmentation while it is read: the coordinates of all
// polygons, one after the other, each written as in a record (uvarint length, then the
// literal), so that a polygon of n numbers takes its literals' bytes plus n, not a slice
// header per number, and goes into the record by one copy.
type segBuf struct {
	data   []byte
	ends   []int // where each polygon ends in data
	counts []int // how many numbers each polygon has
	total  int   // numbers in all polygons

	// Kept as the numbers are added, for the record's size estimate and its plain flag:
	// the bytes of all the literals, and whether one has a sign or an exponent.
	literalBytes int
	signed       bool

	rle traceScratch // scratch for an RLE mask's counts and its regions' outlines
}

func (b *segBuf) reset() {
	b.data, b.ends, b.counts, b.total = b.data[:0], b.ends[:0], b.counts[:0], 0
	b.literalBytes, b.signed = 0, false
}

// note keeps the sizes and the signs of the literal n, just added.
func (b *segBuf) note(n []byte) {
	b.literalBytes += len(n)
	for _, c := range n {
		if c == '-' || c == 'e' || c == 'E' {
			b.signed = true
		}
	}
}

// polygons returns the number of polygons.
func (b *segBuf) polygons() int { return len(b.ends) }

// count returns how many numbers polygon i has.
func (b *segBuf) count(i int) int { return b.counts[i] }

// raw returns polygon i's numbers as written in data.
func (b *segBuf) raw(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.data[start:b.ends[i]]
}

// polygon returns polygon i's coordinates.
func (b *segBuf) polygon(i int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for p := b.raw(i); len(p) > 0; {
			var v []byte
			v, p = nextField(p)
			if !yield(v) {
				return
			}
		}
	}
}

// nextField splits the first field (uvarint length, bytes) off p, which segBuf wrote.
func nextField(p []byte) (field, rest []byte) {
	n, k := binary.Uvarint(p)
	return p[k : k+int(n)], p[k+int(n):]
}

// add appends a number to the polygon being read.
func (b *segBuf) add(n []byte) {
	b.data = appendField(b.data, n)
	b.total++
	b.note(n)
}

// addInt appends an integer to the polygon being read. A traced RLE coordinate of 0 to
// 9999 (every image side under 10,000 pixels) is written two digits at a time, without strconv
// and without note's look for a sign: a quarter of the instructions of the general path,
// which it matches byte for byte (TestAddIntMatchesReference, FuzzAddInt).
func (b *segBuf) addInt(v int) {
	if uint(v) < 10000 {
		at := len(b.data)
		if cap(b.data)-at < 5 {
			b.data = slices.Grow(b.data, 5)
		}
		d := b.data[at : at+5]
		n := 4
		switch {
		case v < 10:
			n = 1
			d[1] = byte('0' + v)
		case v < 100:
			n = 2
			d[1], d[2] = pairDigits[2*v], pairDigits[2*v+1]
		case v < 1000:
			n = 3
			hi, lo := v/100, v%100
			d[1], d[2], d[3] = byte('0'+hi), pairDigits[2*lo], pairDigits[2*lo+1]
		default:
			hi, lo := v/100, v%100
			d[1], d[2], d[3], d[4] = pairDigits[2*hi], pairDigits[2*hi+1], pairDigits[2*lo], pairDigits[2*lo+1]
		}
		d[0] = byte(n)
		b.data = b.data[:at+1+n]
		b.total++
		b.literalBytes += n
		return
	}
	at := len(b.data)
	b.data = append(b.data, 0)
	b.data = strconv.AppendInt(b.data, int64(v), 10)
	b.data[at] = byte(len(b.data) - at - 1) // at most 20 digits: a one-byte uvarint
	b.total++
	b.note(b.data[at+1:])
}

// pairDigits holds the two digits of each number from 00 to 99.
const pairDigits = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" +
	"60616263646566676869" + "70717273747576777879" + "80818283848586878889" +
	"90919293949596979899"

// end ends the polygon being read, of n numbers.
func (b *segBuf) end(n int) {
	b.ends = append(b.ends, len(b.data))
	b.counts = append(b.counts, n)
}

// parseSegmentation reads a segmentation in any of its forms into seg: a list of polygon
// parts ([[x1,y1,x2,y2,...], ...]), an RLE object ({"counts": [...] or "...", "size":
// [h, w]}), or a list mixing both. present is false for a missing, null or empty
// segmentation. RLE masks are traced into polygons. why says what is wrong with a malformed
// one.
func parseSegmentation(raw []byte, seg *segBuf) (present bool, why string) {
	seg.reset()
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || isEmptyJSON(t) {
		return false, ""
	}
	switch t[0] {
	case '{':
		return true, rleToPolygons(t, "segmentation", seg)
	case '[':
	default:
		return true, "segmentation is neither a list of polygons nor an RLE object"
	}
	l := &jsonlex.Lexer{B: t}
	l.I = 1
	for part := 0; ; part++ {
		l.Space()
		if l.Peek() == ']' {
			break
		}
		if part > 0 {
			if !l.Consume(',') {
				return true, "segmentation is not a list of polygons"
			}
			l.Space()
		}
		switch l.Peek() {
		case '[':
			n := seg.total
			// Each coordinate takes 3 bytes or more of a feature ("[1,1],").
			if why := numbersInto(l, part, seg, int(sampleLimit/3)); why != "" {
				return true, why
			}
			if k := seg.total - n; k%2 != 0 {
				return true, fmt.Sprintf("segmentation[%d] has an odd number of coordinates (%d); a polygon is x,y pairs", part, k)
			}
			seg.end(seg.total - n)
		case '{':
			start := l.I
			if !l.SkipContainer() {
				return true, fmt.Sprintf("segmentation[%d] is malformed", part)
			}
			if why := rleToPolygons(t[start:l.I], fmt.Sprintf("segmentation[%d]", part), seg); why != "" {
				return true, why
			}
		default:
			return true, fmt.Sprintf("segmentation[%d] is neither a polygon (a list of numbers) nor an RLE object", part)
		}
	}
	return true, ""
}

// nextNumber reads the k-th member of a number array whose '[' l has consumed: done at the
// closing ']'. A non-empty full is returned, once the separator is read, instead of the
// number (a bound checked before reading it).
func nextNumber(l *jsonlex.Lexer, what string, k int, full string) (n []byte, done bool, why string) {
	l.Space()
	if l.Consume(']') {
		return nil, true, ""
	}
	if k > 0 {
		if !l.Consume(',') {
			return nil, false, what + " is not an array of numbers"
		}
		l.Space()
	}
	if full != "" {
		return nil, false, full
	}
	if n = l.Number(); len(n) == 0 {
		return nil, false, fmt.Sprintf("%s[%d] is not a number", what, k)
	}
	return n, false, ""
}

// numbersInto reads [n, n, ...], segmentation[part], into the polygon seg is reading; it
// gives up past max numbers in seg. It is nextNumber's loop and segBuf.add, in one loop over
// the bytes (a polygon's numbers are most of a segmentation), with the part's name made only
// for a message. Whitespace is looked for only where a byte is at most ' ' (compact files
// have none), and the usual number is read and stored eight bytes at a time.
func numbersInto(l *jsonlex.Lexer, part int, seg *segBuf, max int) string {
	what := func() string { return fmt.Sprintf("segmentation[%d]", part) }
	if !l.Consume('[') {
		return what() + " is not an array of numbers"
	}
	b, i := l.B, l.I
	data := seg.data
	defer func() { l.I, seg.data = i, data }()
	space := func() {
		for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	for k := 0; ; k++ {
		if i < len(b) && b[i] <= ' ' {
			space()
		}
		if i < len(b) && b[i] == ']' {
			i++
			return ""
		}
		if k > 0 {
			if i >= len(b) || b[i] != ',' {
				return what() + " is not an array of numbers"
			}
			i++
		}
	number: // number k, after its comma
		if i < len(b) && b[i] <= ' ' {
			space()
		}
		if i+8 <= len(b) && cap(data)-len(data) >= 9 && seg.total < max {
			// The usual number (digits and '.', then ',' or ']'), found eight bytes at once
			// and stored with them (see numberWord), and the ',' or ']' after it taken.
			x := binary.LittleEndian.Uint64(b[i:])
			if d := numberWord(x); d > 0 && d < 8 && (b[i+d] == ',' || b[i+d] == ']') {
				l := len(data)
				w := data[l : l+9]
				w[0] = byte(d)
				binary.LittleEndian.PutUint64(w[1:], x) // the bytes past the number are cut off
				data = data[:l+1+d]
				seg.total++
				seg.literalBytes += d
				end := b[i+d]
				i += d + 1
				if end == ']' {
					return ""
				}
				k++
				goto number
			}
		}
		start, signed := i, false
		for ; i < len(b); i++ {
			c := b[i]
			if c >= '0' && c <= '9' || c == '.' || c == '+' {
				continue
			}
			if c != '-' && c != 'e' && c != 'E' {
				break
			}
			signed = true
		}
		n := b[start:i]
		if len(n) == 0 {
			return fmt.Sprintf("%s[%d] is not a number", what(), k)
		}
		if seg.total >= max {
			return fmt.Sprintf("%s has more numbers than one sample may hold", what())
		}
		if len(n) < 0x80 { // appendField with its one-byte uvarint
			data = append(append(data, byte(len(n))), n...)
		} else {
			data = appendField(data, n)
		}
		seg.total++
		seg.literalBytes += len(n)
		seg.signed = seg.signed || signed
	}
}

// numberWord returns how many of the eight bytes of x (little-endian: its first byte lowest)
// are, from the first, ASCII digits or '.'. Each byte is tested in its own lane, so that no
// carry crosses lanes: with its top bit cleared a byte plus 0x50 (0x46) stays below 0x100
// and sets the lane's top bit when the byte is >= '0' (> '9'); (v without top bits) + 0x7f,
// or v, has a lane's top bit set when v's lane is not zero; a byte with its own top bit set
// is neither (TestNumberWord: every byte value in every lane).
func numberWord(x uint64) int {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	lo := x &^ high
	dot := x ^ '.'*ones
	member := (lo+0x50*ones)&^(lo+0x46*ones)&^x | ^((dot&^high + 0x7f*ones) | dot)
	return bits.TrailingZeros64(^member&high) >> 3
}

// numberSpans reads [n, n, ...] and appends the number literals to out; it gives up when out
// would hold more than max numbers (a bound that keeps a hostile element from taking 24 bytes
// of spans per number of its input).
func numberSpans(l *jsonlex.Lexer, what string, out [][]byte, max int) ([][]byte, string) {
	if !l.Consume('[') {
		return out, what + " is not an array of numbers"
	}
	for k := 0; ; k++ {
		n, done, why := nextNumber(l, what, k, "")
		if done || why != "" {
			return out, why
		}
		if len(out) >= max {
			return out, fmt.Sprintf("%s has more numbers than one sample may hold", what)
		}
		out = append(out, n)
	}
}

// rawRLE is an RLE object.
type rawRLE struct {
	Counts json.RawMessage `json:"counts"`
	Size   []json.Number   `json:"size"`
}

// maxMaskSide bounds an RLE mask's height and width. The mask is never drawn: its regions
// are traced from the runs, in memory proportional to the number of runs.
const maxMaskSide = 1 << 20

// maxRLECounts bounds an RLE's counts, and so the memory to trace it (about 40 bytes a
// count): real masks have a few thousand; a mask of two million runs would make more polygon
// labels than one sample holds in all but contrived cases.
const maxRLECounts = 1 << 21

// minRegionLabel is the least a traced region adds to the sample: a polygon label of 4
// vertices, [[x,y],[x,y],[x,y],[x,y]], with its shape.
const minRegionLabel = len(`{"type":1}`) + len(`"property":{"@modelarts:feature":,"@modelarts:shape":"polygon"},`) + len(`[[0,0],[0,0],[0,0],[0,0]]`)

// rleToPolygons decodes an RLE object and appends its mask's regions to seg as polygons.
func rleToPolygons(obj []byte, what string, seg *segBuf) string {
	// Members are read in place: the counts may be megabytes.
	var r rawRLE
	if why := members(obj, func(key, v []byte, _ int) string {
		switch string(key) {
		case "counts":
			r.Counts = v
		case "size":
			if err := json.Unmarshal(v, &r.Size); err != nil {
				return "size is not an array of numbers"
			}
		}
		return ""
	}); why != "" {
		return fmt.Sprintf("%s is not an RLE object {counts, size}: %s", what, why)
	}
	if len(r.Size) != 2 {
		return fmt.Sprintf("%s: RLE size must be [height, width]", what)
	}
	h, ok1 := intOf(r.Size[0])
	w, ok2 := intOf(r.Size[1])
	if !ok1 || !ok2 || h <= 0 || w <= 0 {
		return fmt.Sprintf("%s: RLE size [%s, %s] is not a [height, width] in pixels", what, r.Size[0], r.Size[1])
	}
	if h > maxMaskSide || w > maxMaskSide {
		return fmt.Sprintf("%s: RLE size %d×%d is larger than this importer reads (%d on a side)", what, h, w, maxMaskSide)
	}
	counts, why := rleCountsInto(r.Counts, seg.rle.counts[:0])
	if why != "" {
		return fmt.Sprintf("%s: %s", what, why)
	}
	seg.rle.counts = counts
	defer seg.rle.trim() // a mask refused by checkCounts too
	if why := checkCounts(counts, h, w); why != "" {
		return fmt.Sprintf("%s: %s", what, why)
	}
	polys, over := traceRLEScratch(counts, int(h), int(w), sampleLimit, &seg.rle)
	if over {
		return fmt.Sprintf("%s: the mask's regions would make polygon labels of more than %d bytes, more than one sample may hold", what, sampleLimit)
	}
	for _, p := range polys {
		for _, v := range p {
			seg.addInt(v)
		}
		seg.end(len(p))
	}
	return ""
}

// rleCounts reads RLE counts in either form: a list of integers, or pycocotools' compressed
// string.
func rleCounts(raw json.RawMessage) ([]int64, string) { return rleCountsInto(raw, nil) }

// rleCountsInto is rleCounts appending the counts to counts (scratch reused from one mask
// to the next: a mask has thousands).
func rleCountsInto(raw json.RawMessage, counts []int64) ([]int64, string) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil, "RLE has no counts"
	}
	if t[0] == '"' {
		if len(t) < 2 || t[len(t)-1] != '"' {
			// The walker hands over only valid JSON values; this keeps a caller that does
			// not from a panic.
			return nil, "RLE counts is not a string"
		}
		s := string(t[1 : len(t)-1])
		if strings.ContainsRune(s, '\\') { // '\\' is one of the 64 characters
			if err := json.Unmarshal(t, &s); err != nil {
				return nil, "RLE counts is not a string"
			}
		}
		return decodeRLEStringInto(s, counts)
	}
	if t[0] != '[' {
		return nil, "RLE counts is not an array of numbers"
	}
	// Read straight into the counts, without holding the numbers' spans.
	l := &jsonlex.Lexer{B: t, I: 1}
	for i := 0; ; i++ {
		// The usual count (digits without a leading zero, then ',' or ']', no spaces) is
		// read here; anything else is read again from the same byte by nextNumber
		// (TestRLECountsMatchesReference, FuzzRLECounts).
		if b, j := l.B, l.I; i < maxRLECounts && (i == 0 || j < len(b) && b[j] == ',') {
			if i > 0 {
				j++
			}
			start, v := j, int64(0)
			for ; j < len(b) && b[j]-'0' <= 9 && j-start < 18; j++ {
				v = v*10 + int64(b[j]-'0')
			}
			if j > start && j < len(b) && (b[j] == ',' || b[j] == ']') && (b[start] != '0' || j-start == 1) {
				l.I = j
				counts = append(counts, v)
				continue
			}
		}
		full := ""
		if i >= maxRLECounts {
			full = fmt.Sprintf("RLE has more than %d counts, more than this importer reads", maxRLECounts)
		}
		n, done, why := nextNumber(l, "RLE counts", i, full)
		if done {
			return counts, ""
		}
		if why != "" {
			return nil, why
		}
		v, ok := intOf(n)
		if !ok {
			return nil, fmt.Sprintf("RLE counts[%d] = %s is not an integer", i, n)
		}
		if v < 0 {
			return nil, fmt.Sprintf("RLE counts[%d] = %d is negative", i, v)
		}
		counts = append(counts, v)
	}
}

// decodeRLEString decodes pycocotools' compressed RLE string (rleFrString): each count is a
// signed number written 5 bits per character (low bits first) plus a continuation bit
// (0x20), offset by 48 ('0'); from the fourth count on (index 3, "m > 2" in the C source),
// what is written is the difference from the count two places back.
func decodeRLEString(s string) ([]int64, string) { return decodeRLEStringInto(s, nil) }

// decodeRLEStringInto is decodeRLEString appending the counts to counts.
func decodeRLEStringInto(s string, counts []int64) ([]int64, string) {
	for p := 0; p < len(s); {
		var x int64
		k := 0
		for more := true; more; {
			if p >= len(s) {
				return nil, "RLE counts string ends inside a number"
			}
			c := int64(s[p]) - 48
			if c < 0 || c > 63 {
				return nil, fmt.Sprintf("RLE counts string has %q at %d; only characters '0'..'o' occur", s[p], p)
			}
			if k >= 12 {
				return nil, "RLE counts string holds a number too large"
			}
			x |= (c & 0x1f) << (5 * k)
			more = c&0x20 != 0
			p++
			k++
			if !more && c&0x10 != 0 {
				x |= -1 << (5 * k)
			}
		}
		if m := len(counts); m > 2 {
			x += counts[m-2]
		}
		if len(counts) >= maxRLECounts {
			return nil, fmt.Sprintf("RLE has more than %d counts, more than this importer reads", maxRLECounts)
		}
		if x < 0 {
			return nil, fmt.Sprintf("RLE counts string decodes to a negative count (%d) at count %d", x, len(counts))
		}
		counts = append(counts, x)
	}
	return counts, ""
}

// checkCounts checks that RLE counts cover the h×w mask exactly.
func checkCounts(counts []int64, h, w int64) string {
	total := h * w
	var sum int64
	for _, c := range counts {
		sum += c
		if sum > total {
			return fmt.Sprintf("RLE counts sum to more than h×w = %d×%d = %d", h, w, total)
		}
	}
	if sum != total {
		return fmt.Sprintf("RLE counts sum to %d, not h×w = %d×%d = %d", sum, h, w, total)
	}
	return ""
}

// run is the part of a run of set pixels that lies in one column: rows y0..y1-1 of column x.
type run struct{ x, y0, y1 int32 }

// traceRLE returns the outline of each 4-connected region of the mask that counts encode
// (alternating runs of 0s and 1s, starting with 0s, column-major; checkCounts has passed) as
// a flat [x1,y1,x2,y2,...] polygon along the pixels' edges (a pixel (x, y) covers
// [x, x+1] × [y, y+1]), starting at the region's top-left corner and turning clockwise on
// screen. Only corners are kept. Holes are not traced: a ModelArts polygon has none. Regions
// come in the order of their first pixel, row by row. The mask is never drawn: runs are
// split into columns, joined into regions with union-find where they overlap in neighbouring
// columns, and looked up by binary search while tracing.
func traceRLE(counts []int64, h, w int) [][]int {
	polys, _, _ := traceRLELimit(counts, h, w, 0, nil)
	return polys
}

// traceRLELimit is traceRLE that gives up (over) as soon as the polygons' labels would take
// more than limit bytes (0: no limit), before tracing when the regions are too many. The
// polygons are appended to buf, one after the other (a scratch buffer, reused from one mask
// to the next), which it returns.
func traceRLELimit(counts []int64, h, w int, limit int64, buf []int) (_ [][]int, over bool, _ []int) {
	sc := &traceScratch{buf: buf}
	polys, over := traceRLEScratch(counts, h, w, limit, sc)
	return polys, over, sc.buf
}

// traceScratch is the memory traceRLEScratch works in, reused from one mask to the next
// (a parse worker traces masks one after the other): a mask of a few thousand runs would
// otherwise allocate (and, in a growing heap, touch fresh pages for) a few dozen KB.
type traceScratch struct {
	counts                        []int64 // the mask's counts (rleCountsInto)
	runs                          []run
	colStart, parent, comp, first []int32
	starts                        []int32
	polys                         [][]int
	buf                           []int // the outlines' coordinates
}

// traceScratchKeep is how many bytes of scratch a parse worker keeps from one mask to the
// next (as many as the outlines' buffer alone was allowed before the rest was reused): one
// wide mask (a 1×800,000 mask is one region of 800,000 column runs) grows 25 MiB of runs,
// union-find and column starts, which each worker would otherwise hold to the end of the read.
const traceScratchKeep = 8 << 20

// bytes returns how many bytes sc's arrays take.
func (sc *traceScratch) bytes() int {
	return 8*cap(sc.counts) + 12*cap(sc.runs) + 8*cap(sc.buf) + 24*cap(sc.polys) +
		4*(cap(sc.colStart)+cap(sc.parent)+cap(sc.comp)+cap(sc.first)+cap(sc.starts))
}

// trim lets go of what one large mask grew.
func (sc *traceScratch) trim() {
	if sc.bytes() > traceScratchKeep {
		*sc = traceScratch{}
	}
}

// int32s returns s with length n, reusing its array when it has room (its contents are
// the caller's to set).
func int32s(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

// traceRLEScratch is traceRLELimit working in sc; the polygons are valid until sc is used
// again.
func traceRLEScratch(counts []int64, h, w int, limit int64, sc *traceScratch) (_ [][]int, over bool) {
	buf := sc.buf[:0]
	defer func() { sc.buf = buf[:0] }()
	runs := sc.runs[:0]
	defer func() { sc.runs = runs[:0] }()
	var p int64
	for i, c := range counts {
		if i%2 == 1 {
			for q, n := p, c; n > 0; {
				x, y := int32(q/int64(h)), int32(q%int64(h))
				k := min(n, int64(h)-int64(y))
				if last := len(runs) - 1; last >= 0 && runs[last].x == x && runs[last].y1 == y {
					runs[last].y1 += int32(k) // a zero-length run of 0s between two of 1s
				} else {
					runs = append(runs, run{x, y, y + int32(k)})
				}
				q += k
				n -= k
			}
		}
		p += c
	}
	if len(runs) == 0 {
		return nil, false
	}
	// colStart[x]..colStart[x+1] are column x's runs (runs come column by column, top down).
	colStart := int32s(sc.colStart, w+1)
	sc.colStart = colStart
	clear(colStart)
	for _, r := range runs {
		colStart[r.x+1]++
	}
	for x := 1; x <= w; x++ {
		colStart[x] += colStart[x-1]
	}
	parent := int32s(sc.parent, len(runs))
	sc.parent = parent
	for i := range parent {
		parent[i] = int32(i)
	}
	// Columns left of the first run's and right of the last run's have none to join.
	for x := int(runs[0].x) + 1; x <= int(runs[len(runs)-1].x); x++ {
		i, iEnd := colStart[x-1], colStart[x]
		j, jEnd := colStart[x], colStart[x+1]
		for i < iEnd && j < jEnd {
			a, b := runs[i], runs[j]
			if a.y0 < b.y1 && b.y0 < a.y1 {
				if ra, rb := findRoot(parent, i), findRoot(parent, j); ra != rb {
					parent[max(ra, rb)] = min(ra, rb)
				}
			}
			if a.y1 < b.y1 {
				i++
			} else {
				j++
			}
		}
	}
	// Each region's first pixel in row order: the smallest y0, then the smallest x.
	comp := int32s(sc.comp, len(runs))
	first := int32s(sc.first, len(runs)) // by root: the region's first run, or -1
	sc.comp, sc.first = comp, first
	for i := range first {
		first[i] = -1
	}
	starts := sc.starts[:0]
	defer func() { sc.starts = starts[:0] }()
	for i := range runs {
		root := findRoot(parent, int32(i))
		comp[i] = root
		switch f := first[root]; {
		case f < 0:
			first[root] = int32(i)
			starts = append(starts, root)
		case runs[i].y0 < runs[f].y0:
			first[root] = int32(i)
		}
	}
	if limit > 0 && int64(len(starts))*int64(minRegionLabel) > limit {
		return nil, true
	}
	for k, root := range starts {
		starts[k] = first[root]
	}
	slices.SortFunc(starts, func(a, b int32) int {
		if runs[a].y0 != runs[b].y0 {
			return int(runs[a].y0 - runs[b].y0)
		}
		return int(runs[a].x - runs[b].x)
	})
	polys := sc.polys[:0]
	defer func() { sc.polys = polys[:0] }()
	var size int64
	t := regionTracer{runs: runs, colStart: colStart, comp: comp, w: w, h: h}
	for _, s := range starts {
		t.region = comp[s]
		maxLen := -1
		if limit > 0 {
			maxLen = int(limit / 2) // each coordinate takes 2 bytes or more
		}
		from := len(buf)
		buf = t.outline(int(runs[s].x), int(runs[s].y0), maxLen, buf)
		if buf == nil {
			return nil, true
		}
		p := buf[from:len(buf):len(buf)]
		if limit > 0 {
			size += int64(minRegionLabel - len(`[[0,0],[0,0],[0,0],[0,0]]`) + 1)
			for _, v := range p {
				size += int64(digits(v)) + 2
			}
			if size > limit {
				return nil, true
			}
		}
		polys = append(polys, p)
	}
	return polys, false
}

// findRoot returns the root of run i's set in the union-find forest parent, halving the
// path as it goes.
func findRoot(parent []int32, i int32) int32 {
	for parent[i] != i {
		parent[i] = parent[parent[i]]
		i = parent[i]
	}
	return i
}

// regionTracer looks up the pixels of one region of a mask (its runs split into columns,
// colStart, and each run's region, comp) while traceOutline walks its outline: methods, where
// closures were, so that the lookups of each step are direct calls the compiler can inline.
type regionTracer struct {
	runs     []run
	colStart []int32
	comp     []int32
	region   int32
	w, h     int
}

// at returns the run holding pixel (x, y), or -1.
func (t *regionTracer) at(x, y int) int32 {
	if uint(x) >= uint(t.w) || uint(y) >= uint(t.h) {
		return -1
	}
	lo, hi := t.colStart[x], t.colStart[x+1]
	if hi-lo == 1 { // a column of one run, as most of a blob's are
		if r := t.runs[lo]; int(r.y0) <= y && y < int(r.y1) {
			return lo
		}
		return -1
	}
	return t.search(lo, hi, y)
}

// search returns the run among runs[lo:hi] (one column's, top down) that holds row y, or -1.
func (t *regionTracer) search(lo, hi int32, y int) int32 {
	runs := t.runs
	for lo < hi {
		mid := (lo + hi) / 2
		switch {
		case int(runs[mid].y1) <= y:
			lo = mid + 1
		case int(runs[mid].y0) > y:
			hi = mid
		default:
			return mid
		}
	}
	return -1
}

// in reports whether pixel (x, y) is the region's.
func (t *regionTracer) in(x, y int) bool {
	r := t.at(x, y)
	return r >= 0 && t.comp[r] == t.region
}

// below returns the first run of column x that ends below row y (it holds y or lies under
// it), or the column's end.
func (t *regionTracer) below(x, y int) int32 {
	lo, hi := t.colStart[x], t.colStart[x+1]
	for lo < hi {
		mid := (lo + hi) / 2
		if int(t.runs[mid].y1) <= y {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// straight says how many vertices after (vx, vy) an outline going down (dy 1) or up (dy -1)
// the vertical line x = vx passes straight through: the region's pixel on the right of the
// travel and none of it on the left, which traceOutline would check vertex by vertex. A run
// of the right-hand column ends the stretch, or a pixel of the region in the left-hand one.
func (t *regionTracer) straight(vx, vy, dy int) int {
	runs, colStart, comp, region := t.runs, t.colStart, t.comp, t.region
	if dy > 0 { // right: column vx-1; left: column vx; pixel rows vy+1 on
		ra := t.at(vx-1, vy+1)
		if ra < 0 || comp[ra] != region {
			return 0
		}
		end := int(runs[ra].y1)
		if vx < t.w {
			for r := t.below(vx, vy+1); r < colStart[vx+1] && int(runs[r].y0) < end; r++ {
				if comp[r] == region {
					end = max(int(runs[r].y0), vy+1)
					break
				}
			}
		}
		return end - (vy + 1)
	}
	// up: right: column vx; left: column vx-1; pixel rows vy-2 and up
	ra := t.at(vx, vy-2)
	if ra < 0 || comp[ra] != region {
		return 0
	}
	top := int(runs[ra].y0)
	if vx > 0 {
		r := t.below(vx-1, vy-2) // the last run that starts at row vy-2 or above
		if r == colStart[vx] || int(runs[r].y0) > vy-2 {
			r--
		}
		for ; r >= colStart[vx-1] && int(runs[r].y1) > top; r-- {
			if comp[r] == region {
				top = min(int(runs[r].y1), vy-1)
				break
			}
		}
	}
	return (vy - 2) - top + 1
}

// digits returns how many digits v >= 0 has. A traced coordinate (below 10,000 for images
// under 10,000 pixels a side) is answered by comparisons, without a division per digit
// (TestDigits).
func digits(v int) int {
	switch {
	case v < 10:
		return 1
	case v < 100:
		return 2
	case v < 1000:
		return 3
	case v < 10000:
		return 4
	}
	n := 5
	for v /= 100000; v > 0; v /= 10 {
		n++
	}
	return n
}

// outline walks the outer edge of the region from the top-left corner (x0, y0) of its first
// pixel, keeping the region on the right-hand side (y grows downwards). It gives up (nil)
// past maxLen numbers, unless maxLen is negative.
//
// Where it goes on vertically from (vx, vy), the vertices it passes straight through (t.straight)
// are skipped at once: they add no corner, and the start is never one of them (the outline
// turns there).
//
// The outline is appended to out, which is returned (nil when it gives up).
func (t *regionTracer) outline(x0, y0, maxLen int, out []int) []int {
	from := len(out)
	out = append(out, x0, y0)
	vx, vy, dx, dy := x0, y0, 1, 0
	for {
		if dx == 0 {
			vy += dy * t.straight(vx, vy, dy)
		}
		vx, vy = vx+dx, vy+dy
		rx, ry := -dy, dx // right of the direction of travel
		ax, ay := cornerPixel(vx, vy, dx+rx, dy+ry)
		bx, by := cornerPixel(vx, vy, dx-rx, dy-ry)
		ndx, ndy := dx, dy
		switch {
		case !t.in(ax, ay): // the region ends ahead: turn right
			ndx, ndy = rx, ry
		case t.in(bx, by): // the region goes on ahead-left: turn left
			ndx, ndy = -rx, -ry
		}
		if vx == x0 && vy == y0 {
			return out
		}
		if ndx != dx || ndy != dy {
			out = append(out, vx, vy)
			if maxLen >= 0 && len(out)-from > maxLen {
				return nil
			}
		}
		dx, dy = ndx, ndy
	}
}

// cornerPixel returns the pixel whose corner is (vx, vy) in the quadrant (qx, qy), each ±1.
func cornerPixel(vx, vy, qx, qy int) (int, int) {
	px, py := vx, vy
	if qx < 0 {
		px--
	}
	if qy < 0 {
		py--
	}
	return px, py
}
