package coco

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// traceRLELimitRef is traceRLELimit as it was before the outline skipped the straight
// stretches of vertical edges (a whole run at a time): the reference TestTraceJumps compares
// the two against. It is traceRLE that gives up (over) as soon as the polygons' labels would take
// more than limit bytes (0: no limit), before tracing when the regions are too many.
func traceRLELimitRef(counts []int64, h, w int, limit int64) (_ [][]int, over bool) {
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
		return nil, false
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
	first := make([]int32, len(runs)) // by root: the region's first run, or -1
	for i := range first {
		first[i] = -1
	}
	var starts []int32
	for i := range runs {
		root := find(int32(i))
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
	var size int64
	for _, s := range starts {
		region := comp[s]
		in := func(x, y int) bool {
			r := at(x, y)
			return r >= 0 && comp[r] == region
		}
		maxLen := -1
		if limit > 0 {
			maxLen = int(limit / 2) // each coordinate takes 2 bytes or more
		}
		p := traceOutlineRef(in, int(runs[s].x), int(runs[s].y0), maxLen)
		if p == nil {
			return nil, true
		}
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

// traceOutline walks the outer edge of a region from the top-left corner (x0, y0) of its
// first pixel, keeping the region on the right-hand side (y grows downwards). It gives up
// (nil) past maxLen numbers, unless maxLen is negative.
func traceOutlineRef(in func(x, y int) bool, x0, y0, maxLen int) []int {
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
			if maxLen >= 0 && len(out) > maxLen {
				return nil
			}
		}
		dx, dy = ndx, ndy
	}
}

// TestTraceJumps: the outlines traced with the straight stretches skipped are those traced
// vertex by vertex, on random masks of every density (blobs, noise, stripes) and sizes, with
// and without a limit.
func TestTraceJumps(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 4))
	// Reused from mask to mask, as a parse worker reuses it; its slices start with leftovers.
	scratch := traceScratch{buf: []int{7, 7, 7}, runs: []run{{1, 2, 3}}, colStart: []int32{9, 9}, parent: []int32{5}, comp: []int32{5}, first: []int32{5}, starts: []int32{4}, polys: [][]int{{1}}}
	for n := range 3000 {
		h, w := 1+rng.IntN(40), 1+rng.IntN(40)
		mask := make([]byte, h*w)
		switch n % 4 {
		case 0: // noise
			p := 1 + rng.IntN(5)
			for i := range mask {
				if rng.IntN(p+1) == 0 {
					mask[i] = 1
				}
			}
		case 1: // rectangles, overlapping
			for range 1 + rng.IntN(6) {
				y0, x0 := rng.IntN(h), rng.IntN(w)
				y1, x1 := y0+1+rng.IntN(h-y0), x0+1+rng.IntN(w-x0)
				v := byte(rng.IntN(4) / 3)
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						mask[y*w+x] = 1 - v
					}
				}
			}
		case 2: // vertical stripes with gaps
			for x := range w {
				if rng.IntN(2) == 0 {
					continue
				}
				for y := range h {
					if rng.IntN(8) != 0 {
						mask[y*w+x] = 1
					}
				}
			}
		case 3: // blobs as bench/coco/cocogen draws crowd regions: a run per column, its ends random
			for range 1 + rng.IntN(3) {
				x0 := rng.IntN(w)
				x1 := x0 + 1 + rng.IntN(w-x0)
				y0 := rng.IntN(h)
				bh := 1 + rng.IntN(h-y0)
				for x := x0; x < x1; x++ {
					top := y0 + rng.IntN(bh/4+1)
					bottom := max(top+1, y0+bh-rng.IntN(bh/4+1))
					for y := top; y < bottom; y++ {
						mask[y*w+x] = 1
					}
				}
			}
		}
		counts := encodeCounts(mask, h, w)
		for _, limit := range []int64{0, 40 + rng.Int64N(400)} {
			got, gotOver := traceRLEScratch(counts, h, w, limit, &scratch) // the scratch of the masks before
			want, wantOver := traceRLELimitRef(counts, h, w, limit)
			if gotOver != wantOver || !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("mask %d (%d×%d, limit %d): traced\n%v %v\nwant\n%v %v", n, h, w, limit, got, gotOver, want, wantOver)
			}
		}
	}
}
