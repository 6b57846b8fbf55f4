package coco

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// segBuf holds the polygons of one segmentation while it is read: the coordinates of all
// polygons, one after the other, as spans of the input (or of digits, for traced RLE masks).
type segBuf struct {
	nums   [][]byte
	ends   []int  // where each polygon ends in nums
	digits []byte // the traced polygons' numbers
}

func (b *segBuf) reset() {
	b.nums, b.ends, b.digits = b.nums[:0], b.ends[:0], b.digits[:0]
}

// polygons returns the number of polygons.
func (b *segBuf) polygons() int { return len(b.ends) }

// polygon returns polygon i's coordinates.
func (b *segBuf) polygon(i int) [][]byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.nums[start:b.ends[i]]
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
	l := &lexer{b: t}
	l.i = 1
	for part := 0; ; part++ {
		l.space()
		if l.peek() == ']' {
			break
		}
		if part > 0 {
			if !l.consume(',') {
				return true, "segmentation is not a list of polygons"
			}
			l.space()
		}
		switch l.peek() {
		case '[':
			n := len(seg.nums)
			var why string
			seg.nums, why = l.numberSpans(fmt.Sprintf("segmentation[%d]", part), seg.nums)
			if why != "" {
				return true, why
			}
			if k := len(seg.nums) - n; k%2 != 0 {
				return true, fmt.Sprintf("segmentation[%d] has an odd number of coordinates (%d); a polygon is x,y pairs", part, k)
			}
			seg.ends = append(seg.ends, len(seg.nums))
		case '{':
			start := l.i
			if !l.skipObject() {
				return true, fmt.Sprintf("segmentation[%d] is malformed", part)
			}
			if why := rleToPolygons(t[start:l.i], fmt.Sprintf("segmentation[%d]", part), seg); why != "" {
				return true, why
			}
		default:
			return true, fmt.Sprintf("segmentation[%d] is neither a polygon (a list of numbers) nor an RLE object", part)
		}
	}
	return true, ""
}

// lexer reads the parts of segmentations, which the json.Decoder has already checked to be
// well-formed JSON.
type lexer struct {
	b []byte
	i int
}

func (l *lexer) space() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

func (l *lexer) peek() byte {
	if l.i < len(l.b) {
		return l.b[l.i]
	}
	return 0
}

func (l *lexer) consume(c byte) bool {
	if l.peek() == c {
		l.i++
		return true
	}
	return false
}

// numberSpans reads [n, n, ...] and appends the number literals to out.
func (l *lexer) numberSpans(what string, out [][]byte) ([][]byte, string) {
	if !l.consume('[') {
		return out, what + " is not an array of numbers"
	}
	for k := 0; ; k++ {
		l.space()
		if l.consume(']') {
			return out, ""
		}
		if k > 0 {
			if !l.consume(',') {
				return out, what + " is not an array of numbers"
			}
			l.space()
		}
		start := l.i
		for l.i < len(l.b) && isNumberByte(l.b[l.i]) {
			l.i++
		}
		if l.i == start {
			return out, fmt.Sprintf("%s[%d] is not a number", what, k)
		}
		out = append(out, l.b[start:l.i])
	}
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// structural marks the bytes skipObject stops at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipObject moves past one object or array, counting brackets outside strings.
func (l *lexer) skipObject() bool {
	depth := 0
	b := l.b
	for i := l.i; i < len(b); i++ {
		if !structural[b[i]] {
			continue
		}
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				l.i = i + 1
				return true
			}
		}
	}
	l.i = len(b)
	return false
}

// rawRLE is an RLE object.
type rawRLE struct {
	Counts json.RawMessage `json:"counts"`
	Size   []json.Number   `json:"size"`
}

// maxMaskSide bounds an RLE mask's height and width. The mask is never drawn: its regions
// are traced from the runs, in memory proportional to the number of runs.
const maxMaskSide = 1 << 20

// rleToPolygons decodes an RLE object and appends its mask's regions to seg as polygons.
func rleToPolygons(obj []byte, what string, seg *segBuf) string {
	var r rawRLE
	if err := json.Unmarshal(obj, &r); err != nil {
		return fmt.Sprintf("%s is not an RLE object {counts, size}: %v", what, err)
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
	counts, why := rleCounts(r.Counts)
	if why != "" {
		return fmt.Sprintf("%s: %s", what, why)
	}
	if why := checkCounts(counts, h, w); why != "" {
		return fmt.Sprintf("%s: %s", what, why)
	}
	for _, p := range traceRLE(counts, int(h), int(w)) {
		for _, v := range p {
			start := len(seg.digits)
			seg.digits = strconv.AppendInt(seg.digits, int64(v), 10)
			seg.nums = append(seg.nums, seg.digits[start:len(seg.digits):len(seg.digits)])
		}
		seg.ends = append(seg.ends, len(seg.nums))
	}
	return ""
}

// rleCounts reads RLE counts in either form: a list of integers, or pycocotools' compressed
// string.
func rleCounts(raw json.RawMessage) ([]int64, string) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return nil, "RLE has no counts"
	}
	if t[0] == '"' {
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return nil, "RLE counts is not a string"
		}
		return decodeRLEString(s)
	}
	l := &lexer{b: t}
	nums, why := l.numberSpans("RLE counts", nil)
	if why != "" {
		return nil, why
	}
	counts := make([]int64, len(nums))
	for i, n := range nums {
		v, ok := intOf(n)
		if !ok {
			return nil, fmt.Sprintf("RLE counts[%d] = %s is not an integer", i, n)
		}
		if v < 0 {
			return nil, fmt.Sprintf("RLE counts[%d] = %d is negative", i, v)
		}
		counts[i] = v
	}
	return counts, ""
}

// decodeRLEString decodes pycocotools' compressed RLE string (rleFrString): each count is a
// signed number written 5 bits per character (low bits first) plus a continuation bit
// (0x20), offset by 48 ('0'); from the fourth count on (index 3, "m > 2" in the C source),
// what is written is the difference from the count two places back.
func decodeRLEString(s string) ([]int64, string) {
	var counts []int64
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
	var runs []run
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
		return nil
	}
	// colStart[x]..colStart[x+1] are column x's runs (runs come column by column, top down).
	colStart := make([]int32, w+1)
	for _, r := range runs {
		colStart[r.x+1]++
	}
	for x := 1; x <= w; x++ {
		colStart[x] += colStart[x-1]
	}
	parent := make([]int32, len(runs))
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for x := 1; x < w; x++ {
		i, iEnd := colStart[x-1], colStart[x]
		j, jEnd := colStart[x], colStart[x+1]
		for i < iEnd && j < jEnd {
			a, b := runs[i], runs[j]
			if a.y0 < b.y1 && b.y0 < a.y1 {
				if ra, rb := find(i), find(j); ra != rb {
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
	comp := make([]int32, len(runs))
	first := map[int32]int32{}
	for i := range runs {
		root := find(int32(i))
		comp[i] = root
		if f, ok := first[root]; !ok || runs[i].y0 < runs[f].y0 {
			first[root] = int32(i)
		}
	}
	starts := make([]int32, 0, len(first))
	for _, f := range first {
		starts = append(starts, f)
	}
	slices.SortFunc(starts, func(a, b int32) int {
		if runs[a].y0 != runs[b].y0 {
			return int(runs[a].y0 - runs[b].y0)
		}
		return int(runs[a].x - runs[b].x)
	})
	// at returns the run holding pixel (x, y), or -1.
	at := func(x, y int) int32 {
		if x < 0 || x >= w || y < 0 || y >= h {
			return -1
		}
		lo, hi := colStart[x], colStart[x+1]
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
	polys := make([][]int, 0, len(starts))
	for _, s := range starts {
		region := comp[s]
		in := func(x, y int) bool {
			r := at(x, y)
			return r >= 0 && comp[r] == region
		}
		polys = append(polys, traceOutline(in, int(runs[s].x), int(runs[s].y0)))
	}
	return polys
}

// traceOutline walks the outer edge of a region from the top-left corner (x0, y0) of its
// first pixel, keeping the region on the right-hand side (y grows downwards).
func traceOutline(in func(x, y int) bool, x0, y0 int) []int {
	// pixel returns the pixel whose corner is (vx, vy) in the quadrant (qx, qy), each ±1.
	pixel := func(vx, vy, qx, qy int) (int, int) {
		px, py := vx, vy
		if qx < 0 {
			px--
		}
		if qy < 0 {
			py--
		}
		return px, py
	}
	out := []int{x0, y0}
	vx, vy, dx, dy := x0, y0, 1, 0
	for {
		vx, vy = vx+dx, vy+dy
		rx, ry := -dy, dx // right of the direction of travel
		ax, ay := pixel(vx, vy, dx+rx, dy+ry)
		bx, by := pixel(vx, vy, dx-rx, dy-ry)
		ndx, ndy := dx, dy
		switch {
		case !in(ax, ay): // the region ends ahead: turn right
			ndx, ndy = rx, ry
		case in(bx, by): // the region goes on ahead-left: turn left
			ndx, ndy = -rx, -ry
		}
		if vx == x0 && vy == y0 {
			return out
		}
		if ndx != dx || ndy != dy {
			out = append(out, vx, vy)
		}
		dx, dy = ndx, ndy
	}
}
