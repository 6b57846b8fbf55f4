package preview

import (
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif"  // decoded for -png
	_ "image/jpeg" // decoded for -png
	"image/png"
	"io"
	"math"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Shape is one drawable label: its kind and its points in the image's pixel coordinates (a
// circle is its centre, with R its radius).
type Shape struct {
	Kind   api.Shape
	Points [][2]float64
	R      float64
}

// ShapeOf reads a label's @modelarts:shape and @modelarts:feature. ok is false for a label
// without a shape; err says why a shape cannot be drawn.
func ShapeOf(l *api.SampleLabel) (s Shape, ok bool, err error) {
	kind := l.Property.Shape()
	if kind == "" {
		return Shape{}, false, nil
	}
	s.Kind = kind
	f, err := l.Property.Feature()
	if err != nil {
		return s, true, fmt.Errorf("feature: %v", err)
	}
	rows := make([][]float64, len(f))
	for i, row := range f {
		for _, n := range row {
			v, err := n.Float64()
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return s, true, fmt.Errorf("feature: %q is not a number", n)
			}
			rows[i] = append(rows[i], v)
		}
	}
	need := map[api.Shape]int{api.ShapeBndbox: 2, api.ShapeLine: 2, api.ShapeDashed: 2, api.ShapePoint: 1,
		api.ShapePolygon: 3, api.ShapePolyline: 2, api.ShapeCircle: 2}
	n, known := need[kind]
	if !known {
		return s, true, fmt.Errorf("unknown shape %q", kind)
	}
	if kind == api.ShapeCircle {
		if len(rows) != 2 || len(rows[0]) != 2 || len(rows[1]) != 1 {
			return s, true, fmt.Errorf("a circle's feature is [[cx, cy], [r]]")
		}
		s.Points = [][2]float64{{rows[0][0], rows[0][1]}}
		s.R = rows[1][0]
		return s, true, nil
	}
	if len(rows) < n {
		return s, true, fmt.Errorf("a %s needs at least %d points", kind, n)
	}
	for _, row := range rows {
		if len(row) != 2 {
			return s, true, fmt.Errorf("a point is [x, y]")
		}
		s.Points = append(s.Points, [2]float64{row[0], row[1]})
	}
	return s, true, nil
}

// DecodeImage decodes an inline image sample (JPEG, PNG, GIF).
func DecodeImage(s *api.Sample) (image.Image, error) {
	img, _, err := image.Decode(base64.NewDecoder(base64.StdEncoding, strings.NewReader(s.Data)))
	return img, err
}

// DrawPNG writes the sample's image with its shapes drawn, as PNG: the inline image when it
// decodes, else a blank canvas of @modelarts:size (an OBS sample). colour gives each label
// name's colour.
func DrawPNG(w io.Writer, s *api.Sample, colour func(name string) color.RGBA) error {
	var canvas *image.RGBA
	if s.Data != "" {
		if img, err := DecodeImage(s); err == nil {
			canvas = image.NewRGBA(img.Bounds().Sub(img.Bounds().Min))
			draw.Draw(canvas, canvas.Bounds(), img, img.Bounds().Min, draw.Src)
		}
	}
	if canvas == nil {
		size, ok := s.Metadata.Size()
		if !ok || len(size) < 2 || size[0] <= 0 || size[1] <= 0 || size[0]*size[1] > 100_000_000 {
			return fmt.Errorf("the image does not decode and @modelarts:size does not give its size")
		}
		canvas = image.NewRGBA(image.Rect(0, 0, size[0], size[1]))
		draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.RGBA{240, 240, 240, 255}), image.Point{}, draw.Src)
	}
	b := canvas.Bounds()
	width := math.Max(2, math.Round(float64(max(b.Dx(), b.Dy()))/300))
	for i := range s.Labels {
		sh, ok, err := ShapeOf(&s.Labels[i])
		if !ok || err != nil {
			continue
		}
		drawShape(canvas, sh, colour(s.Labels[i].Name), width)
	}
	return png.Encode(w, canvas)
}

func drawShape(img *image.RGBA, s Shape, c color.RGBA, width float64) {
	p := s.Points
	line := func(a, b [2]float64, dashed bool) { strokeLine(img, a, b, c, width, dashed) }
	switch s.Kind {
	case api.ShapeBndbox:
		x1, y1, x2, y2 := p[0][0], p[0][1], p[1][0], p[1][1]
		line([2]float64{x1, y1}, [2]float64{x2, y1}, false)
		line([2]float64{x2, y1}, [2]float64{x2, y2}, false)
		line([2]float64{x2, y2}, [2]float64{x1, y2}, false)
		line([2]float64{x1, y2}, [2]float64{x1, y1}, false)
	case api.ShapePolygon:
		for i := range p {
			line(p[i], p[(i+1)%len(p)], false)
		}
	case api.ShapePolyline, api.ShapeLine:
		for i := 0; i+1 < len(p); i++ {
			line(p[i], p[i+1], false)
		}
	case api.ShapeDashed:
		for i := 0; i+1 < len(p); i++ {
			line(p[i], p[i+1], true)
		}
	case api.ShapePoint:
		disc(img, p[0][0], p[0][1], width*1.5, c)
	case api.ShapeCircle:
		cx, cy, r := p[0][0], p[0][1], s.R
		steps := int(math.Max(16, 2*math.Pi*r/2))
		if steps > 100000 {
			steps = 100000
		}
		for i := range steps {
			a0 := 2 * math.Pi * float64(i) / float64(steps)
			a1 := 2 * math.Pi * float64(i+1) / float64(steps)
			line([2]float64{cx + r*math.Cos(a0), cy + r*math.Sin(a0)}, [2]float64{cx + r*math.Cos(a1), cy + r*math.Sin(a1)}, false)
		}
	}
}

// strokeLine stamps discs along the segment: simple, exact enough for a preview, and it
// clips to the image (coordinates past it are skipped, never a panic).
func strokeLine(img *image.RGBA, a, b [2]float64, c color.RGBA, width float64, dashed bool) {
	dx, dy := b[0]-a[0], b[1]-a[1]
	length := math.Hypot(dx, dy)
	bounds := img.Bounds()
	diag := math.Hypot(float64(bounds.Dx()), float64(bounds.Dy()))
	if length > 4*diag+4 { // far off the image: not worth stamping
		return
	}
	steps := int(math.Ceil(length)) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		if dashed && int(t*length/(4*width))%2 == 1 {
			continue
		}
		disc(img, a[0]+t*dx, a[1]+t*dy, width/2, c)
	}
}

func disc(img *image.RGBA, x, y, r float64, c color.RGBA) {
	for py := int(math.Floor(y - r)); py <= int(math.Ceil(y+r)); py++ {
		for px := int(math.Floor(x - r)); px <= int(math.Ceil(x+r)); px++ {
			cx, cy := float64(px)+0.5, float64(py)+0.5
			if (cx-x)*(cx-x)+(cy-y)*(cy-y) <= r*r+0.5 && image.Pt(px, py).In(img.Bounds()) {
				img.SetRGBA(px, py, c)
			}
		}
	}
}

// SafeFileName turns a sample name into a file name that stays inside the output folder: the
// last path element only, characters other than letters, digits, '.', '-' and '_' become
// '_', no leading dot, at most 100 bytes, and the image extension dropped ("a/b.jpg" → "b").
func SafeFileName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	if ext := path.Ext(name); ext != "" && ext != name {
		name = strings.TrimSuffix(name, ext)
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if len(out) > 100 {
		out = out[:100]
	}
	if out == "" || out == "index" {
		out = "sample" + out
	}
	return out
}
