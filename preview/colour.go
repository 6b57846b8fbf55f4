package preview

import (
	"fmt"
	"image/color"
	"math"
)

// palette gives each label name its own colour, in order of first appearance: hues step by
// the golden angle, so neighbours in the legend differ as much as they can and the same input
// always gets the same colours. It grows with the number of names only.
type palette struct {
	index map[string]int
	names []string
	count map[string]int
}

func newPalette() *palette { return &palette{index: map[string]int{}, count: map[string]int{}} }

func (p *palette) colour(name string) color.RGBA {
	i, ok := p.index[name]
	if !ok {
		i = len(p.names)
		p.index[name] = i
		p.names = append(p.names, name)
	}
	return ColourAt(i)
}

// ColourAt is the colour of the i-th label name: hue i×137.5°, saturation 75%, lightness 45%.
func ColourAt(i int) color.RGBA {
	h := math.Mod(float64(i)*137.50776405, 360)
	return hsl(h, 0.75, 0.45)
}

func hsl(h, s, l float64) color.RGBA {
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g, b = c, x, 0
	case h < 120:
		r, g, b = x, c, 0
	case h < 180:
		r, g, b = 0, c, x
	case h < 240:
		r, g, b = 0, x, c
	case h < 300:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	to := func(v float64) uint8 { return uint8(math.Round((v + m) * 255)) }
	return color.RGBA{to(r), to(g), to(b), 255}
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
