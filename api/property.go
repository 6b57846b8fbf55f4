package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Keys of the label property (Table 9).
const (
	PropShape           = "@modelarts:shape"
	PropFeature         = "@modelarts:feature"
	PropStartIndex      = "@modelarts:start_index"
	PropEndIndex        = "@modelarts:end_index"
	PropContent         = "@modelarts:content"
	PropStartTime       = "@modelarts:start_time"
	PropEndTime         = "@modelarts:end_time"
	PropSource          = "@modelarts:source"
	PropFrom            = "@modelarts:from"
	PropTo              = "@modelarts:to"
	PropHard            = "@modelarts:hard"
	PropHardCoefficient = "@modelarts:hard_coefficient"
	PropHardReasons     = "@modelarts:hard_reasons"
)

// Keys of the sample metadata (Table 10).
const (
	MetaHard            = "@modelarts:hard"
	MetaHardCoefficient = "@modelarts:hard_coefficient"
	MetaHardReasons     = "@modelarts:hard_reasons"
	MetaSize            = "@modelarts:size"
	MetaImportOrigin    = "@modelarts:import_origin"
)

// Point is one [x, y] coordinate pair.
type Point [2]json.Number

// Feature is the value of @modelarts:feature: a list of points, except for a circle, whose
// feature is [[cx, cy], [r]]. It is kept as rows of numbers so both forms fit.
type Feature [][]json.Number

// Property is a label's open attribute map. The @modelarts:* keys have typed accessors; any
// other key is a user label attribute and is kept as given. JSON keys are written sorted, so
// output is deterministic.
type Property map[string]any

// Metadata is a sample's open metadata map (Table 10).
type Metadata map[string]any

// UnmarshalJSON keeps numbers as json.Number so coordinates survive a round trip unchanged.
func (p *Property) UnmarshalJSON(b []byte) error {
	m, err := decodeObject(b)
	*p = m
	return err
}

// UnmarshalJSON keeps numbers as json.Number.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	o, err := decodeObject(b)
	*m = o
	return err
}

func decodeObject(b []byte) (map[string]any, error) {
	return parseObject(b)
}

// SetShape sets the shape and its feature.
func (p Property) SetShape(s Shape, f Feature) {
	p[PropShape] = string(s)
	p[PropFeature] = f
}

// Shape returns @modelarts:shape, or "" when absent or not a string.
func (p Property) Shape() Shape {
	s, _ := p[PropShape].(string)
	return Shape(s)
}

// Feature returns @modelarts:feature in either of its held forms (a Feature set by code, or
// the nested lists decoding produces).
func (p Property) Feature() (Feature, error) {
	v, ok := p[PropFeature]
	if !ok {
		return nil, fmt.Errorf("missing")
	}
	return featureOf(v)
}

func featureOf(v any) (Feature, error) {
	switch f := v.(type) {
	case Feature:
		return f, nil
	case [][]json.Number:
		return Feature(f), nil
	case []Point:
		out := make(Feature, len(f))
		for i, pt := range f {
			out[i] = []json.Number{pt[0], pt[1]}
		}
		return out, nil
	case []any:
		out := make(Feature, len(f))
		for i, row := range f {
			r, ok := row.([]any)
			if !ok {
				return nil, fmt.Errorf("element %d is not a list of numbers", i)
			}
			out[i] = make([]json.Number, len(r))
			for j, x := range r {
				n, ok := numberOf(x)
				if !ok {
					return nil, fmt.Errorf("element [%d][%d] is not a number", i, j)
				}
				out[i][j] = n
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("not a list of points")
}

// SetSpan sets a named entity's span: start inclusive, end exclusive, in characters.
func (p Property) SetSpan(start, end int) {
	p[PropStartIndex] = start
	p[PropEndIndex] = end
}

// Span returns the named-entity span; ok is false when either index is missing or not an
// integer.
func (p Property) Span() (start, end int, ok bool) {
	s, ok1 := intOf(p[PropStartIndex])
	e, ok2 := intOf(p[PropEndIndex])
	return int(s), int(e), ok1 && ok2
}

// SetHardReasons sets the label's hard reasons, joined by '-' as the service expects.
func (p Property) SetHardReasons(reasons ...HardReason) {
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = strconv.Itoa(int(r))
	}
	p[PropHardReasons] = strings.Join(parts, "-")
}

// SetSize sets @modelarts:size to [w, h] or, when depth > 0, [w, h, depth].
func (m Metadata) SetSize(width, height, depth int) {
	if depth > 0 {
		m[MetaSize] = []int{width, height, depth}
	} else {
		m[MetaSize] = []int{width, height}
	}
}

// Size returns @modelarts:size as integers; ok is false when absent or malformed.
func (m Metadata) Size() (size []int, ok bool) {
	return sizeOf(m[MetaSize])
}

// sizeOf is Size of the value v of @modelarts:size.
func sizeOf(v any) (size []int, ok bool) {
	var items []any
	switch v := v.(type) {
	case []int:
		return v, true
	case []any:
		items = v
	default:
		return nil, false
	}
	for _, x := range items {
		n, ok := intOf(x)
		if !ok {
			return nil, false
		}
		size = append(size, int(n))
	}
	return size, true
}
