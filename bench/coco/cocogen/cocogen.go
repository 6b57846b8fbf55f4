// Package cocogen writes synthetic COCO instances files shaped like train2017's, for the
// importer's benchmarks (bench/coco/run.sh and the coco package's Go benchmarks): about 7.3
// annotations per image (about 1% of images have none), polygon parts of 8 to 40 coordinates
// written with two decimals (one annotation in ten has two parts), about 1% crowd regions as
// uncompressed RLE, 80 categories with ids 1..90 and COCO's gaps, annotations in shuffled
// order (not grouped by image), and the top-level keys in the real files' order: info,
// licenses, images, annotations, categories (categories last).
package cocogen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// cocoCategoryIDs are train2017's 80 category ids (1..90 with gaps).
var cocoCategoryIDs = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
	24, 25, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52,
	53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81,
	82, 84, 85, 86, 87, 88, 89, 90}

type image struct {
	id, w, h int
}

type annRef struct {
	img int32 // index into images
	k   int32 // annotation number within the image
}

// Write writes a COCO instances file of train2017's shape with the given number of images.
// The output is deterministic for a given images and seed.
func Write(w io.Writer, images int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	generate(bw, images, seed)
	return bw.Flush()
}

func generate(bw *bufio.Writer, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	images := make([]image, n)
	var refs []annRef
	for i := range images {
		// Image ids are sparse, as in train2017.
		images[i] = image{id: 9 + i*5 + rng.IntN(5), w: 320 + rng.IntN(321), h: 240 + rng.IntN(401)}
		k := 0
		if rng.IntN(100) != 0 { // about 1% of images have no annotation
			k = 1 + rng.IntN(13) // mean 7
			if rng.IntN(10) < 4 {
				k++ // mean 7.4 over annotated images, about 7.3 overall
			}
		}
		for j := range k {
			refs = append(refs, annRef{int32(i), int32(j)})
		}
	}
	rng.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })

	bw.WriteString(`{"info":{"description":"synthetic COCO of train2017's shape","version":"1.0","year":2017,"contributor":"bench/coco/gen","date_created":"2017/09/01"},`)
	bw.WriteString(`"licenses":[{"url":"http://creativecommons.org/licenses/by-nc-sa/2.0/","id":1,"name":"Attribution-NonCommercial-ShareAlike License"}],`)
	bw.WriteString(`"images":[`)
	for i, im := range images {
		if i > 0 {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, `{"license":1,"file_name":"%012d.jpg","coco_url":"http://images.cocodataset.org/train2017/%012d.jpg","height":%d,"width":%d,"date_captured":"2013-11-14 11:18:45","flickr_url":"http://farm9.staticflickr.com/8186/8119368305_4e622c8349_z.jpg","id":%d}`,
			im.id, im.id, im.h, im.w, im.id)
	}
	bw.WriteString(`],"annotations":[`)
	buf := make([]byte, 0, 4096)
	for i, r := range refs {
		if i > 0 {
			bw.WriteByte(',')
		}
		buf = annotation(buf[:0], images[r.img], i+1, rng)
		bw.Write(buf)
	}
	bw.WriteString(`],"categories":[`)
	for i, id := range cocoCategoryIDs {
		if i > 0 {
			bw.WriteByte(',')
		}
		fmt.Fprintf(bw, `{"supercategory":"thing","id":%d,"name":"category %d"}`, id, id)
	}
	bw.WriteString("]}\n")
}

// coord appends v/100 with two decimals, the way COCO writes coordinates.
func coord(b []byte, v int) []byte {
	b = strconv.AppendInt(b, int64(v/100), 10)
	b = append(b, '.')
	f := v % 100
	if f < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(f), 10)
}

func annotation(b []byte, im image, id int, rng *rand.Rand) []byte {
	cat := cocoCategoryIDs[rng.IntN(len(cocoCategoryIDs))]
	// A box inside the image (coordinates in hundredths of a pixel).
	bw := 500 + rng.IntN(im.w*100/2)
	bh := 500 + rng.IntN(im.h*100/2)
	x := rng.IntN(im.w*100 - bw)
	y := rng.IntN(im.h*100 - bh)
	crowd := rng.IntN(100) == 0
	b = append(b, `{"segmentation":`...)
	if crowd {
		b = rle(b, im, x/100, y/100, bw/100+1, bh/100+1, rng)
	} else {
		b = append(b, '[')
		parts := 1
		if rng.IntN(10) == 0 {
			parts = 2
		}
		for p := range parts {
			if p > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			m := 4 + rng.IntN(17) // 4..20 points: 8..40 numbers
			for k := range m {
				if k > 0 {
					b = append(b, ',')
				}
				b = coord(b, x+rng.IntN(bw+1))
				b = append(b, ',')
				b = coord(b, y+rng.IntN(bh+1))
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	b = append(b, `,"area":`...)
	b = coord(b, bw*bh/100)
	b = append(b, `,"iscrowd":`...)
	if crowd {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = append(b, `,"image_id":`...)
	b = strconv.AppendInt(b, int64(im.id), 10)
	b = append(b, `,"bbox":[`...)
	b = coord(b, x)
	b = append(b, ',')
	b = coord(b, y)
	b = append(b, ',')
	b = coord(b, bw)
	b = append(b, ',')
	b = coord(b, bh)
	b = append(b, `],"category_id":`...)
	b = strconv.AppendInt(b, int64(cat), 10)
	b = append(b, `,"id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	return append(b, '}')
}

// rle appends an uncompressed RLE of a blob inside the box (x, y, w, h), column-major over
// the whole image, as train2017's crowd annotations are written.
func rle(b []byte, im image, x, y, w, h int, rng *rand.Rand) []byte {
	x = min(x, im.w-1)
	y = min(y, im.h-1)
	w = max(1, min(w, im.w-x))
	h = max(1, min(h, im.h-y))
	b = append(b, `{"counts":[`...)
	pos := 0 // pixels emitted so far, column-major
	first := true
	put := func(n int) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = strconv.AppendInt(b, int64(n), 10)
	}
	for c := x; c < x+w; c++ {
		top := y + rng.IntN(h/4+1)
		bottom := y + h - rng.IntN(h/4+1)
		if bottom <= top {
			bottom = top + 1
		}
		start := c*im.h + top
		put(start - pos)  // zeros
		put(bottom - top) // ones
		pos = c*im.h + bottom
	}
	put(im.w*im.h - pos)
	b = append(b, `],"size":[`...)
	b = strconv.AppendInt(b, int64(im.h), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(im.w), 10)
	return append(b, "]}"...)
}
