package api

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Violation is one broken rule: where (a path such as
// samples[3].labels[0].property["@modelarts:feature"]), in which sample, and why.
type Violation struct {
	Path   string
	Sample string // the sample's name; "" when the sample has none or the rule is request-level
	Reason string
}

func (v Violation) String() string {
	if v.Sample != "" {
		return fmt.Sprintf("%s (sample %q): %s", v.Path, v.Sample, v.Reason)
	}
	return v.Path + ": " + v.Reason
}

// Violations is every rule a request or sample breaks. As an error (see Err) it can be
// recovered with errors.As.
type Violations []Violation

// ErrInvalid is what errors.Is matches for any Violations error.
var ErrInvalid = errors.New("invalid request")

func (vs Violations) Error() string {
	if len(vs) == 0 {
		return "no violations"
	}
	if len(vs) == 1 {
		return vs[0].String()
	}
	return fmt.Sprintf("%s (and %d more)", vs[0].String(), len(vs)-1)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (vs Violations) Is(target error) bool { return target == ErrInvalid }

// Err returns vs as an error, or nil when there are none.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// Validate checks a whole request body: every sample (see ValidateSample), names unique
// within the request, and label_format. It returns every violation, not just the first.
func Validate(r *Request) Violations {
	var vs Violations
	if lf := r.LabelFormat; lf != nil {
		if lf.LabelType != "" && lf.LabelType != LabelFormatSeparate && lf.LabelType != LabelFormatCombined {
			vs = append(vs, Violation{Path: "label_format.label_type", Reason: fmt.Sprintf("is %q; must be \"0\" or \"1\"", lf.LabelType)})
		}
		for _, sep := range []struct{ path, v string }{
			{"label_format.text_label_separator", lf.TextLabelSeparator},
			{"label_format.text_sample_separator", lf.TextSampleSeparator},
		} {
			if sep.v == "" {
				continue
			}
			if reason := checkSeparator(sep.v); reason != "" {
				vs = append(vs, Violation{Path: sep.path, Reason: reason})
			}
		}
	}
	seen := make(map[string]int, len(r.Samples))
	for i := range r.Samples {
		s := &r.Samples[i]
		vs = append(vs, ValidateSample("samples["+strconv.Itoa(i)+"]", s)...)
		if s.Name == "" {
			continue
		}
		if j, dup := seen[s.Name]; dup {
			vs = append(vs, Violation{Path: fmt.Sprintf("samples[%d].name", i), Sample: s.Name,
				Reason: fmt.Sprintf("repeats the name of samples[%d]; names must be unique within a request", j)})
		} else {
			seen[s.Name] = i
		}
	}
	return vs
}

// separatorSpecials are the special characters Table 3 allows as a separator.
const separatorSpecials = "!@#$%^&*_=|?/':.;,"

func checkSeparator(s string) string {
	if utf8.RuneCountInString(s) != 1 {
		return fmt.Sprintf("is %q; must be exactly one character", s)
	}
	r, _ := utf8.DecodeRuneInString(s)
	// Tab is the documented default separator between text and label, so it is allowed too.
	if r == '\t' || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') || strings.ContainsRune(separatorSpecials, r) {
		return ""
	}
	return fmt.Sprintf("is %q; must be a letter, a digit, Tab or one of %s", s, separatorSpecials)
}

// CheckName returns why name breaks the API's name rule, or "" when it is valid.
func CheckName(name string) string {
	reason, _ := checkNameNotes(name)
	return reason
}

// checkNameNotes is CheckName; plain also says that the name is one JSON writes between
// quotes as it is (see NotePlainName).
func checkNameNotes(name string) (reason string, plain bool) {
	if len(name) <= MaxNameLength {
		if bad := plainNameMarks(name); bad&notNameByte == 0 {
			return "", bad == 0 // the common case, in one pass
		}
	}
	return checkName(name), false
}

// plainNameBytes marks the bytes a name may hold that need no further look: printable ASCII
// other than the characters names may not contain.
var plainNameBytes = func() (t [256]bool) {
	for b := 0x20; b < 0x7f; b++ {
		t[b] = !strings.ContainsRune(`!<>=&"'`, rune(b))
	}
	return t
}()

// notPlainName is notNameByte for the bytes plainNameBytes does not mark, jsonEscaped for
// '\\' (a plain name byte that JSON escapes: the only one, as '"' is not a plain name byte),
// 0 for the others.
var notPlainName = func() (t [256]byte) {
	for i, plain := range plainNameBytes {
		if !plain {
			t[i] = notNameByte
		}
	}
	t['\\'] = jsonEscaped
	return t
}()

const (
	notNameByte = 1 << iota
	jsonEscaped
)

// plainName reports whether name is all plain bytes: such a name of at most MaxNameLength
// bytes breaks no rule of checkName.
func plainName(name string) bool { return plainNameMarks(name)&notNameByte == 0 }

// plainNameMarks returns the or of name's bytes' marks in notPlainName, eight per step, with
// no branch per byte (a fifth less CPU than checking 64-bit words with additions and masks,
// the tried alternative, for names of 16 to 20 bytes).
func plainNameMarks(name string) byte {
	var bad byte
	i := 0
	for ; i+8 <= len(name); i += 8 {
		t := name[i : i+8] // one bounds check
		bad |= notPlainName[t[0]] | notPlainName[t[1]] | notPlainName[t[2]] | notPlainName[t[3]] |
			notPlainName[t[4]] | notPlainName[t[5]] | notPlainName[t[6]] | notPlainName[t[7]]
	}
	for ; i < len(name); i++ {
		bad |= notPlainName[name[i]]
	}
	return bad
}

// checkName is CheckName's every rule, in order.
func checkName(name string) string {
	if n := utf8.RuneCountInString(name); n > MaxNameLength {
		return fmt.Sprintf("is %d characters long; at most %d are allowed", n, MaxNameLength)
	}
	if i := strings.IndexAny(name, `!<>=&"'`); i >= 0 {
		return fmt.Sprintf("contains %q, which sample names may not contain (none of ! < > = & \" ')", name[i:i+1])
	}
	if !utf8.ValidString(name) {
		return "is not valid UTF-8"
	}
	// Control characters (NUL, Tab, newline, ESC, DEL, the C1 range) and the Unicode line and
	// paragraph separators break every listing, log line and file name the name ends up in.
	for i, r := range name {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Sprintf("contains the control character %U at byte %d; sample names may not contain control characters or line breaks", r, i)
		}
	}
	return ""
}

// validSampleType, validLabelType and validShape are switches rather than map lookups: they
// run for every sample and label a run writes.
func validSampleType(t SampleType) bool {
	switch t {
	case SampleImage, SampleText, SampleSpeech, SampleTable, SampleVideo, SampleCustom:
		return true
	}
	return false
}

func validLabelType(t LabelType) bool {
	switch t {
	case LabelImageClassification, LabelObjectDetection, LabelImageSegmentation,
		LabelTextClassification, LabelNamedEntity, LabelTextTripletRelation,
		LabelTextTripletEntity, LabelSpeechClassification, LabelSpeechContent,
		LabelSpeechParagraph, LabelVideoClassification:
		return true
	}
	return false
}

func validShape(s Shape) bool {
	switch s {
	case ShapeBndbox, ShapePolygon, ShapeCircle, ShapeLine, ShapeDashed, ShapePoint, ShapePolyline:
		return true
	}
	return false
}

var timeFormat = regexp.MustCompile(`^[0-9]{2}:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}$`)

// labelPath is where a label is ("samples[3].labels[0]"), built only when a violation is
// reported: the validator runs on every sample a run writes, and formatting a path for every
// valid label was a large part of its time.
type labelPath struct {
	sample string
	i      int
}

func (lp labelPath) String() string { return lp.sample + ".labels[" + strconv.Itoa(lp.i) + "]" }

// ValidateSample checks one sample against every per-sample rule; path prefixes each
// violation's location (for example "samples[3]").
func ValidateSample(path string, s *Sample) Violations {
	vs, _, _ := validateSample(path, s, false)
	return vs
}

// SampleNotes are what the validator found out, on its way, about a sample that passed it,
// which an encoder of the sample can use instead of looking again (see ValidateSampleNotes).
type SampleNotes uint8

const (
	// NotePlainName: the sample's name is printable ASCII without '"' or '\\' (and so
	// without any byte JSON escapes): its JSON is the name between quotes, as it is.
	NotePlainName SampleNotes = 1 << iota
)

// ValidateSampleNotes is ValidateSample, and, when the sample passed (vs is empty), what the
// validator found out about it on its way (notes; nothing about a sample that did not pass).
func ValidateSampleNotes(path string, s *Sample) (vs Violations, notes SampleNotes) {
	vs, notes, _ = validateSample(path, s, false)
	return vs, notes
}

// ValidateSampleLeavingPoints is ValidateSampleNotes for a caller that reads every point of
// the sample's shapes anyway (an encoder writing them): it leaves the points of features it
// would check one by one (the shapes but bndbox and circle: polygons, polylines, lines,
// points), when held as Feature or [][]json.Number, of the labels numbered below 64,
// unchecked, and sets their labels' bits in left. Such a sample passes ValidateSample
// exactly when it passes here and every row of those features is two numbers that
// PlainCoordinate takes, or, failing that, when ValidateSample says so: the caller checks the
// rows, and asks ValidateSample when one is not so, or when vs is not empty (the reasons may
// differ: a feature's first problem is then another).
func ValidateSampleLeavingPoints(path string, s *Sample) (vs Violations, notes SampleNotes, left uint64) {
	return validateSample(path, s, true)
}

// PlainCoordinate reports whether n is a decimal of the plainest form (digits, at most one
// '.', not first or last, no leading zero but "0.x", at most 300 bytes): such a coordinate
// passes every rule a feature's number must. False says only "look closer".
func PlainCoordinate(n string) bool { return plainCoordinate(n) }

// validateSample is ValidateSampleNotes, leaving points as ValidateSampleLeavingPoints does
// when leave is true.
func validateSample(path string, s *Sample, leave bool) (vs Violations, notes SampleNotes, left uint64) {
	add := func(p, format string, args ...any) {
		vs = append(vs, Violation{Path: path + p, Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
	}
	if reason, plain := checkNameNotes(s.Name); reason != "" {
		add(".name", "%s", reason)
	} else if plain {
		notes |= NotePlainName
	}
	if !validSampleType(s.SampleType) {
		add(".sample_type", "is %d; must be one of 0 (image), 1 (text), 2 (speech), 4 (table), 6 (video), 9 (custom)", s.SampleType)
	}
	switch s.Encoding {
	case "", EncodingUTF8, EncodingGBK, EncodingGB2312:
	default:
		add(".encoding", "is %q; must be UTF-8, GBK or GB2312", s.Encoding)
	}
	dataLen := -1
	var text *sampleText
	var measured sampleText // what text points to once the text is measured
	if s.Data != "" && needsText(s) {
		// A named entity's text is measured as its base64 is checked, in one pass; data
		// that is not base64 or not UTF-8, or too large, is looked at again below, as
		// every other sample's is, for the reasons.
		if n, t, ok := measureText(s.Data); ok && n <= MaxSampleBytes {
			dataLen, measured = n, t
			text = &measured
		}
	}
	if s.Data != "" && text == nil {
		n, err := base64Len(s.Data)
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
	hasSize := false
	if len(s.Metadata) > 0 {
		var mvs Violations
		mvs, hasSize = validateMetadata(path, s)
		vs = append(vs, mvs...)
	}

	hasDetection, hasSegmentation := false, false
	for i := range s.Labels {
		l := &s.Labels[i]
		if l.Type == LabelTextClassification && len(l.Property) == 0 && l.AnnotatedBy == "" && l.Score == "" {
			continue // a plain text class (a CSV label): no rule below can fail
		}
		lp := labelPath{path, i}
		ladd := func(p, format string, args ...any) {
			vs = append(vs, Violation{Path: lp.String() + p, Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
		}
		if !validLabelType(l.Type) {
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
		// A named entity's span and nothing else (a CoNLL or NER run's every label): the two
		// lookups checkSpan needs also show that validateProperty has nothing to find (no
		// shape, no feature, no other key), where it and checkSpan took six between them.
		var start, end any
		spanOnly := false
		if l.Type == LabelNamedEntity && len(l.Property) == 2 {
			var hasStart, hasEnd bool
			start, hasStart = l.Property[PropStartIndex]
			end, hasEnd = l.Property[PropEndIndex]
			spanOnly = hasStart && hasEnd
		}
		// A label with no property that needs none (a text or image class) has nothing
		// for validateProperty to find.
		noProperty := len(l.Property) == 0 && l.Type != LabelObjectDetection && l.Type != LabelImageSegmentation
		if !spanOnly && !noProperty {
			var leftBits *uint64 // where validateProperty marks the label's points left
			if leave && i < 64 {
				leftBits = &left
			}
			vs = append(vs, validateProperty(lp, s.Name, l, leftBits)...)
		}
		if l.Type == LabelNamedEntity {
			if text == nil && dataLen >= 0 {
				measured = decodeText(s)
				text = &measured
			}
			if !spanOnly {
				start, end = l.Property[PropStartIndex], l.Property[PropEndIndex]
			}
			if !plainSpan(start, end, text) {
				vs = append(vs, checkSpan(lp, s.Name, start, end, text)...)
			}
		}
	}
	if hasDetection {
		if !hasSize {
			add(".metadata", "has no @modelarts:size; it is required when a sample has an object-detection label (the service fails with ModelArts.4423 without it)")
		}
	} else if hasSegmentation {
		if !hasSize {
			add(".metadata", "has no @modelarts:size; it is required when a sample has an image-segmentation label, as for object detection (the service fails with ModelArts.4423 without it)")
		}
	}
	if len(vs) > 0 {
		notes, left = 0, 0
	}
	return vs, notes, left
}

// validateMetadata checks the metadata of the sample at path, and says whether it has
// @modelarts:size. Its keys are looked up in the order they are checked, and no more once
// as many were found as the map holds (an image's metadata is mostly its size alone: one
// lookup instead of five).
func validateMetadata(path string, s *Sample) (vs Violations, hasSize bool) {
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s.metadata[%q]", path, key), Sample: s.Name, Reason: fmt.Sprintf(format, args...)})
	}
	m := s.Metadata
	left := len(m) // keys not yet found
	if v, ok := m[MetaSize]; ok {
		hasSize = true
		left--
		size, ok := sizeOf(v)
		good := ok && (len(size) == 2 || len(size) == 3)
		for _, n := range size {
			good = good && n > 0
		}
		if !good {
			add(MetaSize, "is %s; must be [width, height] or [width, height, depth] of positive integers", show(v))
		}
	}
	if left == 0 {
		return vs, hasSize
	}
	if v, ok := m[MetaHard]; ok {
		left--
		if n, ok := intOf(v); !ok || (n != 0 && n != 1) {
			add(MetaHard, "is %s; must be 0 or 1", show(v))
		}
	}
	if left == 0 {
		return vs, hasSize
	}
	if v, ok := m[MetaHardCoefficient]; ok {
		left--
		if f, ok := floatOf(v); !ok || f < 0 || f > 1 {
			add(MetaHardCoefficient, "is %s; must be a number in [0,1]", show(v))
		}
	}
	if left == 0 {
		return vs, hasSize
	}
	if v, ok := m[MetaHardReasons]; ok {
		left--
		if reason := checkReasonList(v); reason != "" {
			add(MetaHardReasons, "%s", reason)
		}
	}
	if left == 0 {
		return vs, hasSize
	}
	if v, ok := m[MetaImportOrigin]; ok {
		if _, ok := intOf(v); !ok {
			add(MetaImportOrigin, "is %s; must be an integer", show(v))
		}
	}
	return vs, hasSize
}

func checkReasonList(v any) string {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case []int:
		for _, n := range x {
			items = append(items, n)
		}
	case []HardReason:
		for _, n := range x {
			items = append(items, int(n))
		}
	default:
		return fmt.Sprintf("is %s; must be an array of reason ids 0..30", show(v))
	}
	for i, it := range items {
		if n, ok := intOf(it); !ok || n < 0 || n > int64(MaxHardReason) {
			return fmt.Sprintf("element %d is %s; reason ids are integers 0..30", i, show(it))
		}
	}
	return ""
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateProperty checks a label's property; with leftBits, it leaves the points of its
// feature unchecked when ValidateSampleLeavingPoints may, and sets the label's bit there.
func validateProperty(lp labelPath, name string, l *SampleLabel, leftBits *uint64) Violations {
	var vs Violations
	p := l.Property
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s.property[%q]", lp.String(), key), Sample: name, Reason: fmt.Sprintf(format, args...)})
	}
	// A small map of more than two keys (a COCO label's shape, feature and annotation id) is
	// ranged over once for every key checked here: two lookups and a range cost more.
	var shapeVal, featureVal any
	var hasShape, hasFeature, ranged bool
	var other [len(otherPropKeys)]any
	var has [len(otherPropKeys)]bool
	usual := false
	if len(p) == 3 {
		// A COCO label's three keys (its shape, its feature and its annotation's id, which
		// this package does not check) are looked up: three lookups cost less than a range,
		// and they leave no room for a key checked below.
		if v, ok := p[PropShape]; ok {
			if f, ok := p[PropFeature]; ok {
				if _, ok := p[usualUncheckedKey]; ok {
					shapeVal, hasShape, featureVal, hasFeature, ranged, usual = v, true, f, true, true, true
				}
			}
		}
	}
	if usual {
		// Found: nothing else to look for.
	} else if len(p) > 2 && len(p) <= 8 {
		ranged = true
		for k, v := range p {
			switch k {
			case PropShape:
				shapeVal, hasShape = v, true
			case PropFeature:
				featureVal, hasFeature = v, true
			default:
				if i := otherPropKey(k); i >= 0 {
					other[i], has[i] = v, true
				}
			}
		}
	} else {
		shapeVal, hasShape = p[PropShape]
		featureVal, hasFeature = p[PropFeature]
	}
	switch {
	case hasShape:
		shape, isString := shapeVal.(string)
		if !isString || !validShape(Shape(shape)) {
			add(PropShape, "is %s; must be one of bndbox, polygon, circle, line, dashed, point, polyline", show(shapeVal))
			break
		}
		if !hasFeature {
			add(PropFeature, "is missing; a %s needs its feature", shape)
			break
		}
		f, err := featureOf(featureVal) // p.Feature() without a second lookup
		if err != nil {
			add(PropFeature, "%v", err)
			break
		}
		left := false
		if leftBits != nil && Shape(shape) != ShapeBndbox && Shape(shape) != ShapeCircle {
			switch featureVal.(type) {
			case Feature, [][]json.Number: // the caller reads the rows as they are
				left = true
				*leftBits |= 1 << lp.i
			}
		}
		if reason := checkFeatureLeaving(Shape(shape), f, left); reason != "" {
			add(PropFeature, "%s", reason)
		}
	case hasFeature:
		add(PropShape, "is missing; a feature needs its shape")
	case l.Type == LabelObjectDetection:
		add(PropShape, "is missing; an object-detection label needs a shape and its feature")
	case l.Type == LabelImageSegmentation:
		// Checked as object detection is: the platform's segmentation files carry one
		// polygon per object, which a type 3 label holds as its shape and feature.
		add(PropShape, "is missing; an image-segmentation label needs a shape and its feature")
	}
	if !ranged {
		known := btoi(hasShape) + btoi(hasFeature)
		if known == len(p) {
			return vs // nothing else to look up (the common case: a shape and its feature only)
		}
		if l.Type == LabelNamedEntity && known+2 == len(p) {
			// A named entity's span and nothing else (checkSpan checks it): two lookups cost
			// less than ranging over the map.
			_, hasStart := p[PropStartIndex]
			if _, hasEnd := p[PropEndIndex]; hasStart && hasEnd {
				return vs
			}
		}
		// The other keys checked here, looked up in a large map (or, past a shape and a
		// feature, found absent in a map of two keys or less).
		for i, k := range otherPropKeys {
			other[i], has[i] = p[k]
		}
	}
	if v, ok := other[0], has[0]; ok {
		if s, _ := v.(string); s != "0" && s != "1" && s != "true" && s != "false" {
			add(PropHard, "is %s; must be \"0\", \"1\", \"true\" or \"false\"", show(v))
		}
	}
	if v, ok := other[1], has[1]; ok {
		s, isString := v.(string)
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if !isString || err != nil || f < 0 || f > 1 {
			add(PropHardCoefficient, "is %s; must be a string holding a number in [0,1]", show(v))
		}
	}
	if v, ok := other[2], has[2]; ok {
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
	for i, key := range otherPropKeys[3:] {
		if v, ok := other[3+i], has[3+i]; ok {
			if s, _ := v.(string); !timeFormat.MatchString(s) {
				add(key, "is %s; must be hh:mm:ss.SSS", show(v))
			}
		}
	}
	return vs
}

// usualUncheckedKey is a property key no rule checks that nearly every label of one
// importer has (COCO's annotation id): validateProperty looks it up (see there).
const usualUncheckedKey = "annotation_id"

// otherPropKeys are the property keys validateProperty checks besides the shape and its
// feature, in the order it checks them.
var otherPropKeys = [...]string{PropHard, PropHardCoefficient, PropHardReasons, PropStartTime, PropEndTime}

// otherPropKey returns k's index in otherPropKeys, or -1.
func otherPropKey(k string) int {
	switch k {
	case PropHard:
		return 0
	case PropHardCoefficient:
		return 1
	case PropHardReasons:
		return 2
	case PropStartTime:
		return 3
	case PropEndTime:
		return 4
	}
	return -1
}

// checkFeature checks a shape's arity and coordinates.
func checkFeature(shape Shape, f Feature) string { return checkFeatureLeaving(shape, f, false) }

// checkFeatureLeaving is checkFeature; with leave (a shape but bndbox and circle), it checks
// the arity alone and leaves the points to the caller (see ValidateSampleLeavingPoints).
func checkFeatureLeaving(shape Shape, f Feature, leave bool) string {
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
	if shape == ShapeBndbox && len(f) == 2 && len(f[0]) == 2 && len(f[1]) == 2 {
		// Four plain coordinates (the common box) are compared as decimals, unparsed.
		xLess, xOK := plainLess(f[0][0], f[1][0])
		yLess, yOK := plainLess(f[0][1], f[1][1])
		if xOK && yOK {
			if xLess && yLess {
				return ""
			}
			return fmt.Sprintf("bndbox %s must go from upper-left to lower-right (x1 < x2 and y1 < y2)", showFeature(f))
		}
	}
	var box [4]float64 // a bndbox's two points, parsed once for its rule below
	first := 0         // the points before it are plain and need no further look
	if leave {
		first = len(f)
	} else if shape != ShapeBndbox {
		first = plainPoints(f)
	}
	for i := first; i < len(f); i++ {
		pt := f[i]
		if len(pt) != 2 {
			return fmt.Sprintf("point %d has %d numbers; each point is [x,y]", i, len(pt))
		}
		for j, n := range pt {
			if i < 2 && shape == ShapeBndbox {
				x, ok := coordinateValue(n)
				if !ok || x < 0 {
					return fmt.Sprintf("point %d is [%s,%s]; coordinates must be numbers >= 0", i, pt[0], pt[1])
				}
				box[2*i+j] = x
			} else if !nonNegative(n) {
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
		x1, y1, x2, y2 := box[0], box[1], box[2], box[3]
		if !(x1 < x2 && y1 < y2) {
			return fmt.Sprintf("bndbox %s must go from upper-left to lower-right (x1 < x2 and y1 < y2)", showFeature(f))
		}
	}
	return ""
}

// plainPoints returns how many of f's leading points are [x,y] pairs of plain coordinates
// (see plainCoordinate): checkFeature's loop would find nothing wrong with them, and a
// polygon has hundreds of coordinates, nearly always plain.
func plainPoints(f Feature) int {
	for i, pt := range f {
		if len(pt) != 2 {
			return i
		}
		if !plainCoordinate(string(pt[0])) || !plainCoordinate(string(pt[1])) {
			return i
		}
	}
	return len(f)
}

// plainCoordinate reports whether s is a decimal literal >= 0 of the plainest form
// (digits[.digits], no sign, no leading zero, no exponent) and at most 300 bytes long: a
// subset of what nonNegative takes without parsing. A coordinate of 4 to 8 bytes (a COCO
// coordinate: "398.46", "61.00") is checked as one 64-bit word, without a branch per byte:
// plainWord's check, written out again here because it runs for every coordinate of every
// polygon, and one call less made polygons 10% faster to check (TestCoordinateValue holds
// the two equal). False says only "look closer" (nonNegative decides).
func plainCoordinate(s string) bool {
	n := len(s)
	if n < 4 || n > 8 {
		if n >= 1 && n <= 3 && shortInteger(s) {
			return true
		}
		return plainCoordinateBytes(s)
	}
	// The first four bytes and the last four (overlapping when n < 8: the same bytes, so
	// or-ing them changes nothing), bytes n to 7 zero.
	h := s[n-4:]
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		(uint64(h[0])|uint64(h[1])<<8|uint64(h[2])<<16|uint64(h[3])<<24)<<(8*(n-4))
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if w&high != 0 {
		return false // not ASCII (every byte below 0x80 keeps the sums below carry-free)
	}
	in := uint64(high) >> (64 - 8*n) // the high bit of each of s's bytes
	digit := (w + (0x80-'0')*ones) &^ (w + (0x7f-'9')*ones)
	t := w ^ '.'*ones
	dot := ^((t + 0x7f*ones) | t) & in // the high bit of each '.'
	first, last := uint64(0x80), uint64(0x80)<<(8*(n-1))
	return (digit|dot)&in == in && // only digits and dots
		dot&(dot-1) == 0 && // at most one dot
		dot&(first|last) == 0 && // not first or last
		(w&0xff != '0' || w>>8&0xff == '.') // no leading zero but for "0.x"
}

// shortInteger reports whether s, of 1 to 3 bytes, is digits without a leading zero ("0",
// "7", "12", "640"): the coordinates of an outline traced from an RLE mask, which
// plainCoordinateBytes takes too, at twice the instructions. False says only "look
// closer".
func shortInteger(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i]-'0' > 9 {
			return false
		}
	}
	return s[0] != '0' || len(s) == 1
}

// plainWord is plainCoordinate for s of 1 to 8 bytes: it returns s as a little-endian word
// (bytes past s zero) and the high bit of the byte of its '.', if any.
func plainWord(s string) (w, dot uint64, ok bool) {
	n := len(s)
	switch {
	case n >= 4 && n <= 8:
		// The first four bytes and the last four (overlapping when n < 8: the same bytes,
		// so or-ing them changes nothing).
		h := s[n-4:]
		w = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			(uint64(h[0])|uint64(h[1])<<8|uint64(h[2])<<16|uint64(h[3])<<24)<<(8*(n-4))
	case n >= 1 && n <= 3:
		w = uint64(s[0]) | uint64(s[n/2])<<(8*(n/2)) | uint64(s[n-1])<<(8*(n-1))
	default:
		return 0, 0, false
	}
	const ones, high = 0x0101010101010101, 0x8080808080808080
	if w&high != 0 {
		return 0, 0, false // not ASCII (every byte below 0x80 keeps the sums below carry-free)
	}
	in := uint64(high) >> (64 - 8*n) // the high bit of each of s's bytes
	digit := (w + (0x80-'0')*ones) &^ (w + (0x7f-'9')*ones)
	t := w ^ '.'*ones
	dot = ^((t + 0x7f*ones) | t) & in
	first, last := uint64(0x80), uint64(0x80)<<(8*(n-1))
	ok = (digit|dot)&in == in && // only digits and dots
		dot&(dot-1) == 0 && // at most one dot
		dot&(first|last) == 0 && // not first or last
		(w&0xff != '0' || n == 1 || w>>8&0xff == '.') // no leading zero but for "0" and "0.x"
	return w, dot, ok
}

// plainLess reports whether a < b when both are plain coordinates of up to 8 bytes (see
// plainWord; ok is false otherwise), comparing the decimals themselves: a shorter integer part
// is the smaller number (plain numbers have no leading zeros, "0.x" an integer part of one
// digit); for integer parts of one length, the digits are compared as one big-endian number,
// the dot and the bytes past the end counting as zeros, so that "12.5" equals "12.50" and
// "12" is less than "12.05". Decimals of up to 15 significant digits are each read as a
// distinct float64, in their order, so this is the comparison of floatOf's values, with no
// parsing (TestPlainLess holds the two equal).
func plainLess(a, b json.Number) (less, ok bool) {
	wa, da, okA := plainWord(string(a))
	wb, db, okB := plainWord(string(b))
	if !okA || !okB {
		return false, false
	}
	ia, ib := len(a), len(b) // the integer parts' lengths
	if da != 0 {
		ia = bits.TrailingZeros64(da) / 8
	}
	if db != 0 {
		ib = bits.TrailingZeros64(db) / 8
	}
	if ia != ib {
		return ia < ib, true
	}
	return digitsBE(wa, da) < digitsBE(wb, db), true
}

// digitsBE returns the digits of a plain word (see plainWord) as a big-endian number of one
// byte per digit, its dot zero.
func digitsBE(w, dot uint64) uint64 {
	w = (w & 0x0F0F0F0F0F0F0F0F) &^ (dot >> 7 * 0xFF) // digits to values, the dot to zero
	return bits.ReverseBytes64(w)
}

// coordinateValue returns a bndbox coordinate's value as floatOf does: a plain coordinate of
// up to 8 bytes (see plainWord) is read without a branch per digit, its digits gathered as
// one integer below 10^7 (simdjson's eight-digit parse) and divided by the power of ten of
// its decimals, the very integer and power exactDecimal divides, so the value is the same,
// strconv.ParseFloat's, bit for bit.
func coordinateValue(n json.Number) (float64, bool) {
	w, dot, ok := plainWord(string(n))
	if !ok {
		return floatOf(n)
	}
	k, frac := len(n), 0 // digits, decimals
	if dot != 0 {
		d := bits.TrailingZeros64(dot) / 8 // the dot's byte
		low := uint64(1)<<(8*d) - 1
		w = w&low | w>>8&^low // the dot taken out
		k--
		frac = k - d
	}
	w = (w & 0x0F0F0F0F0F0F0F0F) << (8 * (8 - k)) // leading zeros
	w = w * 2561 >> 8
	w = (w & 0x00FF00FF00FF00FF) * 6553601 >> 16
	m := (w & 0x0000FFFF0000FFFF) * 42949672960001 >> 32
	return float64(m) / pow10[frac], true
}

// plainCoordinateBytes is plainCoordinate for any length, a byte at a time.
func plainCoordinateBytes(s string) bool {
	if len(s) == 0 || len(s) > 300 || s[0] == '0' && len(s) > 1 && s[1] != '.' {
		return false
	}
	dot := -1 // where the one '.' is
	for i := 0; i < len(s); i++ {
		if c := s[i]; c-'0' > 9 {
			if c != '.' || dot >= 0 {
				return false
			}
			dot = i
		}
	}
	return dot != 0 && dot != len(s)-1
}

// sampleText is a text sample's length in characters: code points, and UTF-16 units (which
// differ past the BMP). ok is false when the text could not be decoded.
type sampleText struct {
	runes, utf16 int
	err          error
}

// decodeText measures a sample's text. UTF-8 text (all but GBK and GB2312) is decoded from
// base64 a piece at a time into a buffer on the stack, checked and counted there: the text is
// never held whole (see countUTF8); decodeTextWhole is the reference it is tested against,
// and what GBK text and data that does not decode take.
func decodeText(s *Sample) sampleText {
	if s.Encoding == EncodingGBK || s.Encoding == EncodingGB2312 {
		return decodeTextWhole(s)
	}
	var t sampleText
	var src [textPiece]byte // the piece's base64 (Decode takes bytes; a conversion would allocate)
	var buf [textPiece/4*3 + utf8.UTFMax]byte
	carry := 0 // bytes of a character cut at the end of the previous piece, at buf[:carry]
	for data := s.Data; len(data) > 0; {
		k := copy(src[:], data)
		data = data[k:]
		n, err := base64.StdEncoding.Decode(buf[carry:], src[:k])
		if err != nil {
			return decodeTextWhole(s) // never for data base64Len passed; the reference's error
		}
		piece := buf[:carry+n]
		cut := cutCharacter(piece)
		if !countUTF8(&t, piece[:cut]) {
			return sampleText{err: errors.New("data is not valid UTF-8")}
		}
		carry = copy(buf[:], piece[cut:])
	}
	if carry > 0 { // the text ends inside a character
		return sampleText{err: errors.New("data is not valid UTF-8")}
	}
	return t
}

// needsText reports whether s's text is measured (see checkSpan): it has a named-entity
// label, and its text is UTF-8 (GBK text is decoded whole).
func needsText(s *Sample) bool {
	if s.Encoding == EncodingGBK || s.Encoding == EncodingGB2312 {
		return false
	}
	for i := range s.Labels {
		if s.Labels[i].Type == LabelNamedEntity {
			return true
		}
	}
	return false
}

// base64Value is each byte's value in the standard base64 alphabet, 0xff for the others.
var base64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for i, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" {
		t[c] = byte(i)
	}
	return t
}()

// measureText is base64Len and decodeText in one pass, for the text of a sample with named
// entities: it decodes data textPiece characters at a time into a buffer on the stack, eight
// characters to six bytes per step, checking the alphabet as it goes, and counts the
// characters of each piece, a piece of ASCII text (most of CoNLL's) by its length alone.
// ok is true only when data is standard, padded base64 (what base64Len takes) of valid UTF-8;
// then n is base64Len's length and t is decodeText's measure. Otherwise the caller asks
// base64Len and decodeText, which say what is wrong.
func measureText(data string) (n int, t sampleText, ok bool) {
	if len(data)%4 != 0 {
		return 0, t, false
	}
	body := len(data) // data without its padding: one or two '=' at the very end
	if body > 0 && data[body-1] == '=' {
		body--
		if body > 0 && data[body-1] == '=' {
			body--
		}
	}
	var buf [textPiece/4*3 + 16]byte // a piece, a character cut at the previous one's end, room for 8-byte stores
	carry := 0                       // bytes of a character cut at the end of the previous piece, at buf[:carry]
	for i := 0; i < body; {
		end := min(i+textPiece, body)
		j := carry
		var bad, high uint64 // the or of the characters' values, of the decoded bytes
		for ; i+8 <= end; i += 8 {
			c := data[i : i+8]
			a0, a1, a2, a3 := uint64(base64Value[c[0]]), uint64(base64Value[c[1]]), uint64(base64Value[c[2]]), uint64(base64Value[c[3]])
			a4, a5, a6, a7 := uint64(base64Value[c[4]]), uint64(base64Value[c[5]]), uint64(base64Value[c[6]]), uint64(base64Value[c[7]])
			bad |= a0 | a1 | a2 | a3 | a4 | a5 | a6 | a7
			v := a0<<58 | a1<<52 | a2<<46 | a3<<40 | a4<<34 | a5<<28 | a6<<22 | a7<<16
			high |= v
			binary.BigEndian.PutUint64(buf[j:], v) // six bytes, and two that the next step overwrites
			j += 6
		}
		if i < end { // the last 2 to 7 characters before the padding
			var v uint64
			k := end - i
			for ; i < end; i++ {
				a := uint64(base64Value[data[i]])
				bad |= a
				v = v<<6 | a&0x3f
			}
			v <<= 64 - 6*k
			high |= v
			binary.BigEndian.PutUint64(buf[j:], v)
			j += k * 6 / 8
		}
		if bad&0x80 != 0 {
			return 0, t, false // not base64
		}
		n += j - carry
		if carry == 0 && high&0x8080808080808080 == 0 {
			t.runes += j // ASCII: no character is cut, each byte is one
			t.utf16 += j
			continue
		}
		piece := buf[:j]
		cut := cutCharacter(piece)
		if !countUTF8(&t, piece[:cut]) {
			return 0, t, false
		}
		carry = copy(buf[:], piece[cut:])
	}
	if carry > 0 { // the text ends inside a character
		return 0, t, false
	}
	return n, t, true
}

// textPiece is how many base64 characters decodeText decodes at a time (a multiple of 4): a
// sentence or two, so that the buffers (which Go zeroes on every call) stay small.
const textPiece = 256

// cutCharacter returns where p ends but for a character it cuts short: the start of an
// incomplete UTF-8 sequence among its last three bytes, or len(p). Text split there is valid
// exactly when both parts are.
func cutCharacter(p []byte) int {
	for i := len(p) - 1; i >= 0 && i >= len(p)-utf8.UTFMax+1; i-- {
		b := p[i]
		if b&0xC0 == 0x80 {
			continue // a continuation byte: look further back for its lead
		}
		need := 1
		switch {
		case b >= 0xF0:
			need = 4
		case b >= 0xE0:
			need = 3
		case b >= 0xC0:
			need = 2
		}
		if len(p)-i < need {
			return i
		}
		return len(p)
	}
	return len(p)
}

// countUTF8 adds p's characters to t (code points, and UTF-16 units: one more for each
// character past the BMP, whose UTF-8 form starts with a byte >= 0xF0) and reports whether p
// is valid UTF-8. Eight bytes are counted at a time: a byte starts a character unless it is
// 10xxxxxx.
func countUTF8(t *sampleText, p []byte) bool {
	const high = 0x8080808080808080
	runes, astral := 0, 0
	ascii := true
	i := 0
	for ; i+8 <= len(p); i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		if w&high == 0 {
			runes += 8
			continue
		}
		ascii = false
		runes += 8 - bits.OnesCount64(w&^(w<<1)&high)                         // 10xxxxxx: continuation bytes
		astral += bits.OnesCount64(w & (w << 1) & (w << 2) & (w << 3) & high) // 1111xxxx
	}
	for ; i < len(p); i++ {
		ascii = ascii && p[i] < 0x80
		if p[i]&0xC0 != 0x80 {
			runes++
		}
		if p[i] >= 0xF0 {
			astral++
		}
	}
	// ASCII (every byte one character) is valid UTF-8: utf8.Valid only for the rest.
	if !ascii && !utf8.Valid(p) {
		return false
	}
	t.runes += runes
	t.utf16 += runes + astral
	return true
}

// decodeTextWhole decodes the whole text and counts its characters.
func decodeTextWhole(s *Sample) sampleText {
	raw, err := base64.StdEncoding.DecodeString(s.Data)
	if err != nil {
		return sampleText{err: err}
	}
	var text string
	switch s.Encoding {
	case EncodingGBK, EncodingGB2312:
		// GB2312 (EUC-CN) is a subset of GBK, so the GBK decoder reads both.
		b, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
		if err != nil {
			return sampleText{err: fmt.Errorf("data is not valid %s: %v", s.Encoding, err)}
		}
		text = string(b)
	default:
		if !utf8.Valid(raw) {
			return sampleText{err: errors.New("data is not valid UTF-8")}
		}
		text = string(raw)
	}
	var t sampleText
	for _, r := range text {
		t.runes++
		t.utf16 += utf16.RuneLen(r)
	}
	return t
}

// plainSpan reports, for the common span (two Go ints, as the importers set them), that
// checkSpan finds nothing wrong with it, without calling it.
func plainSpan(startVal, endVal any, text *sampleText) bool {
	start, ok1 := startVal.(int)
	end, ok2 := endVal.(int)
	return ok1 && ok2 && start >= 0 && start < end &&
		(text == nil || text.err == nil && end <= max(text.runes, text.utf16))
}

func checkSpan(lp labelPath, name string, startVal, endVal any, text *sampleText) Violations {
	var vs Violations
	add := func(key, format string, args ...any) {
		vs = append(vs, Violation{Path: fmt.Sprintf("%s.property[%q]", lp.String(), key), Sample: name, Reason: fmt.Sprintf(format, args...)})
	}
	start, ok1 := intOf(startVal)
	end, ok2 := intOf(endVal)
	if !ok1 {
		add(PropStartIndex, "is %s; a named-entity label needs an integer start index", show(startVal))
	}
	if !ok2 {
		add(PropEndIndex, "is %s; a named-entity label needs an integer end index", show(endVal))
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
// decoding it. The alphabet is checked sixteen bytes per step (a sample's data is up to
// 16 MB of it): the or of their values in base64Value is 0xff when one is not base64, and
// only then, or for the last few bytes, are bytes looked at one by one. The loads run two a
// cycle, and took a fifth less CPU than checking the bytes as 64-bit words with additions
// and masks (BenchmarkValidateSample's data64KiB).
func base64Len(s string) (int, error) {
	if len(s)%4 != 0 {
		return 0, fmt.Errorf("length %d is not a multiple of 4", len(s))
	}
	body := len(s) // s without its padding: one or two '=' at the very end
	if body > 0 && s[body-1] == '=' {
		body--
		if body > 0 && s[body-1] == '=' {
			body--
		}
	}
	i := 0
	for ; i+16 <= body; i += 16 {
		t := s[i : i+16] // one bounds check
		if base64Value[t[0]]|base64Value[t[1]]|base64Value[t[2]]|base64Value[t[3]]|
			base64Value[t[4]]|base64Value[t[5]]|base64Value[t[6]]|base64Value[t[7]]|
			base64Value[t[8]]|base64Value[t[9]]|base64Value[t[10]]|base64Value[t[11]]|
			base64Value[t[12]]|base64Value[t[13]]|base64Value[t[14]]|base64Value[t[15]] == 0xff {
			break
		}
	}
	// The last bytes, when the steps found nothing: as one step ending at the end (it
	// overlaps the last one), not one at a time (a CSV text is 100-200 characters).
	if i < body && i+16 > body && body >= 16 {
		t := s[body-16 : body]
		if base64Value[t[0]]|base64Value[t[1]]|base64Value[t[2]]|base64Value[t[3]]|
			base64Value[t[4]]|base64Value[t[5]]|base64Value[t[6]]|base64Value[t[7]]|
			base64Value[t[8]]|base64Value[t[9]]|base64Value[t[10]]|base64Value[t[11]]|
			base64Value[t[12]]|base64Value[t[13]]|base64Value[t[14]]|base64Value[t[15]] != 0xff {
			i = body
		}
	}
	for ; i < body; i++ {
		if c := s[i]; base64Value[c] == 0xff {
			return 0, fmt.Errorf("illegal character %q at offset %d", c, i)
		}
	}
	return len(s)/4*3 - (len(s) - body), nil
}

func show(v any) string {
	if v == nil {
		return "missing"
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	if n, ok := numberOf(v); ok {
		return string(n)
	}
	return fmt.Sprintf("%v", v)
}

func showFeature(f Feature) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, row := range f {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, n := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(string(n))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
	return b.String()
}
