package api

// The validator as it was before issue 17 made it faster, kept for the differential test
// (TestValidateSampleMatchesReference) and the side-by-side benchmark.

import (
	"fmt"
	"strconv"
	"strings"
)

// ValidateSample checks one sample against every per-sample rule; path prefixes each
// violation's location (for example "samples[3]").
func validateSampleRef(path string, s *Sample) Violations {
	var vs Violations
	add := func(p, format string, args ...any) {
		vs = append(vs, Violation{Path: path + p, Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
	}
	if reason := CheckName(s.Name); reason != "" {
		add(".name", "%s", reason)
	}
	if !validSampleTypesRef[s.SampleType] {
		add(".sample_type", "is %d; must be one of 0 (image), 1 (text), 2 (speech), 4 (table), 6 (video), 9 (custom)", s.SampleType)
	}
	switch s.Encoding {
	case "", EncodingUTF8, EncodingGBK, EncodingGB2312:
	default:
		add(".encoding", "is %q; must be UTF-8, GBK or GB2312", s.Encoding)
	}
	dataLen := -1
	if s.Data != "" {
		n, err := base64LenRef(s.Data)
		switch {
		case err != nil:
			add(".data", "is not valid base64: %v", err)
		case n > MaxSampleBytes:
			add(".data", "decodes to %d bytes; one sample may hold at most %d", n, MaxSampleBytes)
		default:
			dataLen = n
		}
	}
	if ds := s.DataSource; ds != nil {
		if ds.DataType < DataOBS || ds.DataType > DataInferenceService {
			add(".data_source.data_type", "is %d; must be 0..6", ds.DataType)
		}
		if ds.DataPath == "" && ds.SourceInfo == nil {
			add(".data_source", "has neither data_path nor source_info")
		}
	}
	if s.Data == "" && s.DataSource == nil {
		add("", "has neither data nor data_source")
	}
	vs = append(vs, validateMetadataRef(path+".metadata", s)...)

	hasDetection, hasSegmentation := false, false
	var text *sampleText
	for i := range s.Labels {
		l := &s.Labels[i]
		lp := fmt.Sprintf("%s.labels[%d]", path, i)
		ladd := func(p, format string, args ...any) {
			vs = append(vs, Violation{Path: lp + p, Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
		}
		if !validLabelTypesRef[l.Type] {
			ladd(".type", "is %d; must be one of 0, 1, 3, 100, 101, 102, 103, 200, 201, 202, 600", l.Type)
		}
		if l.Type == LabelObjectDetection {
			hasDetection = true
		}
		if l.Type == LabelImageSegmentation {
			hasSegmentation = true
		}
		switch l.AnnotatedBy {
		case "", AnnotatedByHuman, AnnotatedByAuto:
		default:
			ladd(".annotated_by", "is %q; must be human or auto", l.AnnotatedBy)
		}
		if l.Score != "" {
			if f, ok := floatOf(l.Score); !ok || f < 0 || f > 1 {
				ladd(".score", "is %s; must be a number in [0,1]", l.Score)
			}
		}
		vs = append(vs, validatePropertyRef(lp, s.Name, l)...)
		if l.Type == LabelNamedEntity {
			if text == nil && dataLen >= 0 {
				t := decodeTextWhole(s)
				text = &t
			}
			vs = append(vs, checkSpanRef(lp, s.Name, l.Property, text)...)
		}
	}
	if hasDetection {
		if _, ok := s.Metadata[MetaSize]; !ok {
			add(".metadata", "has no @modelarts:size; it is required when a sample has an object-detection label (the service fails with ModelArts.4423 without it)")
		}
	} else if hasSegmentation {
		if _, ok := s.Metadata[MetaSize]; !ok {
			add(".metadata", "has no @modelarts:size; it is required when a sample has an image-segmentation label, as for object detection (the service fails with ModelArts.4423 without it)")
		}
	}
	return vs
}

func validateMetadataRef(path string, s *Sample) Violations {
	var vs Violations
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s[%q]", path, key), Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
	}
	m := s.Metadata
	if v, ok := m[MetaSize]; ok {
		size, ok := m.Size()
		good := ok && (len(size) == 2 || len(size) == 3)
		for _, n := range size {
			good = good && n > 0
		}
		if !good {
			add(MetaSize, "is %s; must be [width, height] or [width, height, depth] of positive integers", show(v))
		}
	}
	if v, ok := m[MetaHard]; ok {
		if n, ok := intOf(v); !ok || (n != 0 && n != 1) {
			add(MetaHard, "is %s; must be 0 or 1", show(v))
		}
	}
	if v, ok := m[MetaHardCoefficient]; ok {
		if f, ok := floatOf(v); !ok || f < 0 || f > 1 {
			add(MetaHardCoefficient, "is %s; must be a number in [0,1]", show(v))
		}
	}
	if v, ok := m[MetaHardReasons]; ok {
		if reason := checkReasonList(v); reason != "" {
			add(MetaHardReasons, "%s", reason)
		}
	}
	if v, ok := m[MetaImportOrigin]; ok {
		if _, ok := intOf(v); !ok {
			add(MetaImportOrigin, "is %s; must be an integer", show(v))
		}
	}
	return vs
}

func validatePropertyRef(lp, name string, l *SampleLabel) Violations {
	var vs Violations
	p := l.Property
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s.property[%q]", lp, key), Sample: name, Reason: fmt.Sprintf(format, args...)})
	}
	shapeVal, hasShape := p[PropShape]
	_, hasFeature := p[PropFeature]
	switch {
	case hasShape:
		shape, isString := shapeVal.(string)
		if !isString || !validShapesRef[Shape(shape)] {
			add(PropShape, "is %s; must be one of bndbox, polygon, circle, line, dashed, point, polyline", show(shapeVal))
			break
		}
		if !hasFeature {
			add(PropFeature, "is missing; a %s needs its feature", shape)
			break
		}
		f, err := p.Feature()
		if err != nil {
			add(PropFeature, "%v", err)
			break
		}
		if reason := checkFeatureRef(Shape(shape), f); reason != "" {
			add(PropFeature, "%s", reason)
		}
	case hasFeature:
		add(PropShape, "is missing; a feature needs its shape")
	case l.Type == LabelObjectDetection:
		add(PropShape, "is missing; an object-detection label needs a shape and its feature")
	case l.Type == LabelImageSegmentation:
		add(PropShape, "is missing; an image-segmentation label needs a shape and its feature")
	}
	if v, ok := p[PropHard]; ok {
		if s, _ := v.(string); s != "0" && s != "1" && s != "true" && s != "false" {
			add(PropHard, "is %s; must be \"0\", \"1\", \"true\" or \"false\"", show(v))
		}
	}
	if v, ok := p[PropHardCoefficient]; ok {
		s, isString := v.(string)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if !isString || err != nil || f < 0 || f > 1 {
			add(PropHardCoefficient, "is %s; must be a string holding a number in [0,1]", show(v))
		}
	}
	if v, ok := p[PropHardReasons]; ok {
		s, isString := v.(string)
		if !isString {
			add(PropHardReasons, "is %s; must be reason ids joined by '-' (\"3-20-21\")", show(v))
		} else {
			for _, part := range strings.Split(s, "-") {
				if n, err := strconv.Atoi(part); err != nil || n < 0 || n > int(MaxHardReason) {
					add(PropHardReasons, "is %q; must be reason ids 0..30 joined by '-'", s)
					break
				}
			}
		}
	}
	for _, key := range []string{PropStartTime, PropEndTime} {
		if v, ok := p[key]; ok {
			if s, _ := v.(string); !timeFormat.MatchString(s) {
				add(key, "is %s; must be hh:mm:ss.SSS", show(v))
			}
		}
	}
	return vs
}

// checkFeature checks a shape's arity and coordinates.
func checkFeatureRef(shape Shape, f Feature) string {
	if shape == ShapeCircle {
		if len(f) != 2 || len(f[0]) != 2 || len(f[1]) != 1 {
			return fmt.Sprintf("a circle is [[cx,cy],[r]]; got %s", showFeature(f))
		}
		for _, n := range f[0] {
			if x, ok := floatOf(n); !ok || x < 0 {
				return fmt.Sprintf("circle centre %s must be numbers >= 0", showFeature(f))
			}
		}
		if r, ok := floatOf(f[1][0]); !ok || r <= 0 {
			return fmt.Sprintf("circle radius %s must be > 0", f[1][0])
		}
		return ""
	}
	for i, pt := range f {
		if len(pt) != 2 {
			return fmt.Sprintf("point %d has %d numbers; each point is [x,y]", i, len(pt))
		}
		for _, n := range pt {
			if x, ok := floatOf(n); !ok || x < 0 {
				return fmt.Sprintf("point %d is [%s,%s]; coordinates must be numbers >= 0", i, pt[0], pt[1])
			}
		}
	}
	switch shape {
	case ShapeBndbox, ShapeLine, ShapeDashed:
		if len(f) != 2 {
			return fmt.Sprintf("a %s has exactly 2 points; got %d", shape, len(f))
		}
	case ShapePoint:
		if len(f) != 1 {
			return fmt.Sprintf("a point has exactly 1 point; got %d", len(f))
		}
	case ShapePolygon:
		if len(f) < 3 {
			return fmt.Sprintf("a polygon has at least 3 points; got %d", len(f))
		}
	case ShapePolyline:
		if len(f) < 2 {
			return fmt.Sprintf("a polyline has at least 2 points; got %d", len(f))
		}
	}
	if shape == ShapeBndbox {
		x1, _ := floatOf(f[0][0])
		y1, _ := floatOf(f[0][1])
		x2, _ := floatOf(f[1][0])
		y2, _ := floatOf(f[1][1])
		if !(x1 < x2 && y1 < y2) {
			return fmt.Sprintf("bndbox %s must go from upper-left to lower-right (x1 < x2 and y1 < y2)", showFeature(f))
		}
	}
	return ""
}

func checkSpanRef(lp, name string, p Property, text *sampleText) Violations {
	var vs Violations
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s.property[%q]", lp, key), Sample: name, Reason: fmt.Sprintf(format, args...)})
	}
	start, ok1 := intOf(p[PropStartIndex])
	end, ok2 := intOf(p[PropEndIndex])
	if !ok1 {
		add(PropStartIndex, "is %s; a named-entity label needs an integer start index", show(p[PropStartIndex]))
	}
	if !ok2 {
		add(PropEndIndex, "is %s; a named-entity label needs an integer end index", show(p[PropEndIndex]))
	}
	if !ok1 || !ok2 {
		return vs
	}
	if start < 0 || start >= end {
		add(PropStartIndex, "span %d..%d must have 0 <= start < end", start, end)
		return vs
	}
	if text == nil {
		return vs // the text is not inline (data_source), so its length is unknown here
	}
	if text.err != nil {
		add(PropEndIndex, "cannot check the span: %v", text.err)
		return vs
	}
	// Offsets are in code points by default, or UTF-16 units on request; the larger count
	// bounds both.
	if limit := max(text.runes, text.utf16); end > int64(limit) {
		add(PropEndIndex, "is %d, past the end of the %d-character text", end, text.runes)
	}
	return vs
}

// base64Len checks that s is standard, padded base64 and returns the decoded length without
// decoding it.
func base64LenRef(s string) (int, error) {
	if len(s)%4 != 0 {
		return 0, fmt.Errorf("length %d is not a multiple of 4", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' {
			continue
		}
		if c == '=' && (i == len(s)-1 || i == len(s)-2 && s[len(s)-1] == '=') {
			continue
		}
		return 0, fmt.Errorf("illegal character %q at offset %d", c, i)
	}
	n := len(s) / 4 * 3
	if strings.HasSuffix(s, "==") {
		n -= 2
	} else if strings.HasSuffix(s, "=") {
		n--
	}
	return n, nil
}

var validSampleTypesRef = map[SampleType]bool{SampleImage: true, SampleText: true, SampleSpeech: true, SampleTable: true, SampleVideo: true, SampleCustom: true}

var validLabelTypesRef = map[LabelType]bool{
	LabelImageClassification: true, LabelObjectDetection: true, LabelImageSegmentation: true,
	LabelTextClassification: true, LabelNamedEntity: true, LabelTextTripletRelation: true,
	LabelTextTripletEntity: true, LabelSpeechClassification: true, LabelSpeechContent: true,
	LabelSpeechParagraph: true, LabelVideoClassification: true,
}

var validShapesRef = map[Shape]bool{ShapeBndbox: true, ShapePolygon: true, ShapeCircle: true, ShapeLine: true, ShapeDashed: true, ShapePoint: true, ShapePolyline: true}
