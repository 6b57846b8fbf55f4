package manifest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Annotation types of the manifest page, without the "modelarts/" prefix.
const (
	TypeImageClassification = "image_classification"
	TypeObjectDetection     = "object_detection"
	TypeImageSegmentation   = "image_segmentation"
	TypeTextClassification  = "text_classification"
	TypeTextEntity          = "text_entity"
	TypeTextTriplet         = "text_triplet"
	TypeAudioClassification = "audio_classification"
	TypeSoundClassification = "sound_classification" // the older name
	TypeAudioContent        = "audio_content"
	TypeAudioSegmentation   = "audio_segmentation"
)

// labelTypes maps an annotation type onto the API's label type. text_entity becomes 103
// (a triplet entity) in a sample that has triplets.
var labelTypes = map[string]api.LabelType{
	TypeImageClassification: api.LabelImageClassification,
	TypeObjectDetection:     api.LabelObjectDetection,
	TypeImageSegmentation:   api.LabelImageSegmentation,
	TypeTextClassification:  api.LabelTextClassification,
	TypeTextEntity:          api.LabelNamedEntity,
	TypeTextTriplet:         api.LabelTextTripletRelation,
	TypeAudioClassification: api.LabelSpeechClassification,
	TypeSoundClassification: api.LabelSpeechClassification,
	TypeAudioContent:        api.LabelSpeechContent,
	TypeAudioSegmentation:   api.LabelSpeechParagraph,
}

// Label property keys this importer sets besides the @modelarts:* ones.
const (
	PropCreationTime = "creation_time" // an annotation's creation-time
)

// Keys of a line and of an annotation this importer reads.
var (
	sampleKeys = map[string]bool{"source": true, "annotation": true, "usage": true, "id": true, "inference-loc": true, "hard": true, "hard-coefficient": true,
		"hard-reasons": true, "hard_reasons": true, "sample-type": true, "property": true, "source-type": true}
	annotationKeys = map[string]bool{"type": true, "name": true, "id": true, "property": true, "confidence": true,
		"annotated-by": true, "creation-time": true, "hard": true, "hard-coefficient": true, "hard-reasons": true,
		"hard_reasons": true, "annotation-loc": true, "annotation-format": true}
)

// lineConv converts one line.
type lineConv struct {
	r        *reader
	pos      importers.Position
	warnings []importers.Warning
	problems []string
	local    *localImage // the source's image on disk, when it was inlined
	sc       *scratch    // the worker's storage
	// maskSource is a segmentation file's <mask_source>: the sample's metadata, as
	// convert segvoc keeps it.
	maskSource string
}

// localImage is an inlined image's size, for detection files that lack one.
type localImage struct{ size imagefile.Size }

func (c *lineConv) problem(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

func (c *lineConv) warn(format string, args ...any) {
	c.warnings = append(c.warnings, importers.Warning{Pos: c.pos, Reason: fmt.Sprintf(format, args...)})
}

// rejected ends the line with one rejection naming every problem.
func (c *lineConv) rejected() (*api.Sample, []importers.Warning) {
	reason := c.problems[0]
	if len(c.problems) > 1 {
		reason += fmt.Sprintf("; and %d more: %s", len(c.problems)-1, strings.Join(c.problems[1:], "; "))
	}
	return nil, append(c.warnings, importers.Warning{Pos: c.pos, Rejected: true, Reason: reason})
}

// convert turns one line into a sample, or nothing (a blank line), or a rejection. dropped
// names the fields the sample lost (counted by the consuming goroutine).
//
// sc is the calling worker's scratch (nil: new storage).
func (r *reader) convert(lineNo int, text []byte, sc *scratch) (s *api.Sample, notes []importers.Warning, dropped []string) {
	var c *lineConv
	if sc == nil {
		sc = &scratch{}
	}
	sc.reset()
	c = &sc.conv
	*c = lineConv{r: r, pos: r.pos(lineNo), problems: c.problems[:0], sc: sc}
	if !utf8.Valid(text) {
		c.problem("not valid UTF-8 (a manifest is UTF-8)")
		s, notes = c.rejected()
		return s, notes, nil
	}
	obj, err := parseLineIn(sc, text)
	if err != nil {
		c.problem("%v", err)
		s, notes = c.rejected()
		return s, notes, nil
	}
	if obj == nil {
		return nil, nil, nil
	}
	s = c.sample(obj, lineNo)
	if s == nil || len(c.problems) > 0 {
		s, notes = c.rejected()
		return s, notes, nil
	}
	mask := 0
	for i, f := range droppedFields {
		if obj.has[f] {
			mask |= 1 << i
		}
	}
	dropped = knownDrops[mask] // shared and read-only: most lines drop only these
	list, _ := obj.annotationList()
	others := len(obj.other) > 0
	for _, v := range list {
		if a, ok := v.(*object); ok && len(a.other) > 0 {
			others = true
		}
	}
	if !others {
		return s, c.warnings, dropped
	}
	dropped = append(slices.Clip(dropped), obj.other...)
	n := len(dropped)
	for _, v := range list {
		a, ok := v.(*object)
		if !ok {
			continue
		}
		for _, k := range a.other {
			if !slices.Contains(dropped[n:], "annotation."+k) {
				dropped = append(dropped, "annotation."+k)
			}
		}
	}
	return s, c.warnings, dropped
}

// droppedFields are the manifest's own fields the API has no place for, in the order they
// are reported.
var droppedFields = [...]field{fUsage, fID, fInferenceLoc}

// knownDrops holds, for each set of droppedFields (bit i: droppedFields[i]), their names.
var knownDrops [1 << len(droppedFields)][]string

func init() {
	for mask := range knownDrops {
		for i, f := range droppedFields {
			if mask&(1<<i) != 0 {
				knownDrops[mask] = append(knownDrops[mask], fieldNames[f])
			}
		}
	}
}

// annotation is one annotation object, read.
type annotation struct {
	index int    // 1-based, for messages
	typ   string // without "modelarts/"
	raw   *object
}

func (a *annotation) where() string { return fmt.Sprintf("annotation[%d] (%s)", a.index, a.typ) }

// sample converts a parsed line; problems are recorded on c.
func (c *lineConv) sample(obj *object, lineNo int) *api.Sample {
	var content []byte // a content:// source's text, when the parser kept it as bytes
	src, ok := obj.vals[fSource].(string)
	if obj.isContent {
		// The text is encoded from the line's bytes; src only says what kind of source it is.
		content, src, ok = obj.content, "content://", true
	}
	switch {
	case !obj.isContent && obj.vals[fSource] == nil:
		c.problem("no source: every line needs one (an s3://, obs:// or content:// URI)")
		return nil
	case !ok:
		c.problem("source is %s, not a string", show(obj.val("source")))
		return nil
	case strings.TrimSpace(src) == "":
		c.problem("source is empty")
		return nil
	}

	// The annotations and their types.
	anns := c.sc.anns[:0] // the worker's: nothing holds them after the line
	defer func() { c.sc.anns = anns[:0] }()
	list, isList := obj.annotationList()
	switch {
	case !isList && obj.vals[fAnnotation] == nil:
	case isList:
		for i, v := range list {
			m, ok := v.(*object)
			if !ok {
				c.problem("annotation[%d] is %s, not an object", i+1, show(v))
				continue
			}
			t, _ := m.val("type").(string)
			t = strings.TrimSpace(t)
			if t == "" {
				c.problem("annotation[%d] has no type", i+1)
				continue
			}
			t = strings.TrimPrefix(t, "modelarts/")
			if _, known := labelTypes[t]; !known {
				c.problem("annotation[%d] has the type %q, which is not a manifest annotation type (%s)", i+1, m.val("type"), typeNames())
				continue
			}
			anns = append(anns, annotation{index: i + 1, typ: t, raw: m})
		}
	default:
		c.problem("annotation is %s, not a list", show(obj.vals[fAnnotation]))
	}
	if len(c.problems) > 0 {
		return nil
	}

	c.sc.buf = strconv.AppendInt(append(append(c.sc.buf[:0], c.r.name...), ':'), int64(lineNo), 10)
	s := &api.Sample{Origin: string(c.sc.buf)}
	st, ok := c.sampleType(obj, src, anns)
	if !ok {
		return nil
	}
	s.SampleType = st
	if !c.source(s, src, content, lineNo) {
		return nil
	}
	c.metadata(s, obj)

	hasTriplet := false
	for _, a := range anns {
		hasTriplet = hasTriplet || a.typ == TypeTextTriplet
	}
	var detectionSize *[3]int
	if len(anns) > 0 {
		s.Labels = make([]api.SampleLabel, 0, len(anns))
	}
	for i := range anns {
		var size *[3]int
		s.Labels, size = c.labels(s.Labels, &anns[i], hasTriplet)
		if size != nil && detectionSize == nil {
			detectionSize = size
		}
	}
	if len(c.problems) > 0 {
		return nil
	}
	if c.maskSource != "" {
		if s.Metadata == nil {
			s.Metadata = api.Metadata{}
		}
		s.Metadata["mask_source"] = c.maskSource
	}
	if hasTriplet {
		c.checkTriplets(s)
	}
	c.size(s, detectionSize)
	if len(c.problems) > 0 {
		return nil
	}
	for _, v := range api.ValidateSample("sample", s) {
		c.problems = append(c.problems, violation(v))
	}
	if len(c.problems) > 0 {
		return nil
	}
	return s
}

// violation words a validator finding for a rejection: "labels[2].score is 1.5; ...".
func violation(v api.Violation) string {
	p := strings.TrimPrefix(strings.TrimPrefix(v.Path, "sample"), ".")
	if p == "" {
		return v.Reason
	}
	return p + ": " + v.Reason
}

func typeNames() string {
	names := make([]string, 0, len(labelTypes))
	for t := range labelTypes {
		names = append(names, t)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// sampleType reads sample-type, or infers it from the annotation types, or from the
// source.
func (c *lineConv) sampleType(obj *object, src string, anns []annotation) (api.SampleType, bool) {
	if v, ok := obj.get("sample-type"); ok && v != nil {
		n, ok := intValue(v)
		if !ok {
			c.problem("sample-type is %s; it is a number (0 image, 1 text, 2 audio, 4 table, 6 video)", show(v))
			return 0, false
		}
		return api.SampleType(n), true
	}
	for _, a := range anns {
		switch {
		case strings.HasPrefix(a.typ, "image_") || a.typ == TypeObjectDetection:
			return api.SampleImage, true
		case strings.HasPrefix(a.typ, "text_"):
			return api.SampleText, true
		case strings.HasPrefix(a.typ, "audio_") || strings.HasPrefix(a.typ, "sound_"):
			return api.SampleSpeech, true
		}
	}
	if strings.HasPrefix(src, "content://") {
		return api.SampleText, true
	}
	if t, ok := typeByExt(src); ok {
		return t, true
	}
	if st, ok := obj.val("source-type").(string); ok {
		c.problem("source-type %q: this API takes images, text, audio and video samples (table sources are not samples in a batch)", st)
		return 0, false
	}
	c.problem("cannot tell the sample type of %q (no annotation, no sample-type, and an extension that is not an image, audio, text or video one)", src)
	return 0, false
}

// typeByExt infers a sample type from a file name's extension.
func typeByExt(name string) (api.SampleType, bool) {
	switch strings.ToLower(path.Ext(name)) {
	case ".jpg", ".jpeg", ".png", ".bmp", ".gif":
		return api.SampleImage, true
	case ".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac":
		return api.SampleSpeech, true
	case ".txt", ".csv":
		return api.SampleText, true
	case ".mp4", ".avi", ".mov", ".mkv", ".flv", ".wmv":
		return api.SampleVideo, true
	}
	return 0, false
}

// mapping returns the mapping with the longest From matching s (in its obs:// form), and
// the rest of s after it. diskOnly considers only mappings to disk.
func (c *lineConv) mapping(s string, diskOnly bool) (*Mapping, string) {
	canon, _ := obsForm(s)
	var best *Mapping
	var bestLen int
	for i := range c.r.opts.Mappings {
		m := &c.r.opts.Mappings[i]
		if diskOnly && m.Dir == nil {
			continue
		}
		from, _ := obsForm(m.From)
		if strings.HasPrefix(canon, from) && (best == nil || len(from) > bestLen) {
			best, bestLen = m, len(from)
		}
	}
	if best == nil {
		return nil, ""
	}
	return best, canon[bestLen:]
}

// source gives the sample its data: inline text, an OBS path, or a file from disk.
//
// content, when not nil, is a content:// source's text (src is then "content://").
func (c *lineConv) source(s *api.Sample, src string, content []byte, lineNo int) bool {
	if text, ok := strings.CutPrefix(src, "content://"); ok {
		s.Name = textName(c.r.stem, lineNo)
		// Encoded in the worker's buffer: one string made.
		n := 0
		if content == nil { // the text as bytes first, then its encoding after it
			c.sc.buf = append(c.sc.buf[:0], text...)
			n = len(c.sc.buf)
			content = c.sc.buf[:n]
		}
		c.sc.buf = base64.StdEncoding.AppendEncode(c.sc.buf[:n], content)
		s.Data = string(c.sc.buf[n:])
		s.Encoding = api.EncodingUTF8
		if s.SampleType != api.SampleText {
			c.problem("a content:// source is text, but the sample type is %d", s.SampleType)
			return false
		}
		return true
	}
	m, rest := c.mapping(src, false)
	switch {
	case m != nil && m.Dir != nil:
		return c.inline(s, m, rest, src)
	case m != nil:
		return c.obs(s, m.OBS+rest, src)
	}
	canon, isOBS := obsForm(src)
	if !isOBS {
		c.problem("source %q is neither content://, s3:// nor obs://; map its prefix to OBS or to a folder on disk with option Mappings FROM=TO", src)
		return false
	}
	return c.obs(s, canon, src)
}

// obs points the sample at an obs://bucket/key path.
func (c *lineConv) obs(s *api.Sample, p, src string) bool {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(p, "obs://"), "/")
	if bucket == "" || key == "" || strings.HasSuffix(key, "/") {
		c.problem("source %q names no object (obs://bucket/key expected)", src)
		return false
	}
	s.Name = path.Base(key)
	s.DataSource = &api.DataSource{DataPath: p, DataType: api.DataOBS}
	return true
}

// metadata sets the sample's hard-example fields and carries its property.
func (c *lineConv) metadata(s *api.Sample, obj *object) {
	if !obj.has[fProperty] && !obj.has[fHard] && !obj.has[fHardCoefficient] && !obj.has[fHardReasons] && !obj.has[fHardReasonsUnderscore] {
		return // most lines: no map to make
	}
	md := api.Metadata{}
	if p, ok := obj.get("property"); ok && p != nil {
		m, isMap := p.(map[string]any)
		if !isMap {
			c.problem("property is %s, not an object", show(p))
			return
		}
		md = m // the line's own map: nothing else holds it
	}
	if v, ok := obj.get("hard"); ok && v != nil {
		if b, ok := boolValue(v); ok {
			md[api.MetaHard] = 0
			if b {
				md[api.MetaHard] = 1
			}
		} else {
			c.problem("hard is %s; it is true or false", show(v))
		}
	}
	if v, ok := obj.get("hard-coefficient"); ok && v != nil {
		if n, ok := numberValue(v); ok {
			md[api.MetaHardCoefficient] = n
		} else {
			c.problem("hard-coefficient is %s; it is a number in [0,1]", show(v))
		}
	}
	for _, k := range []string{"hard-reasons", "hard_reasons"} {
		if v, ok := obj.get(k); ok && v != nil {
			if ids, ok := reasonIDs(v); ok {
				md[api.MetaHardReasons] = ids
			} else {
				c.problem("%s is %s; it is a list of reason ids 0..30 (or ids joined by '-')", k, show(v))
			}
		}
	}
	if len(md) > 0 {
		s.Metadata = md
	}
}

// labels converts one annotation, appending to dst: one label, or one per object of its
// annotation-loc file. size is the file's image size, when it has one.
func (c *lineConv) labels(dst []api.SampleLabel, a *annotation, hasTriplet bool) ([]api.SampleLabel, *[3]int) {
	base, ok := c.common(a)
	if !ok {
		return dst, nil
	}
	base.Type = labelTypes[a.typ]
	if a.typ == TypeTextEntity && hasTriplet {
		base.Type = api.LabelTextTripletEntity
	}
	switch a.typ {
	case TypeImageClassification, TypeTextClassification, TypeAudioClassification, TypeSoundClassification:
		if base.Name == "" {
			c.problem("%s has no name: a classification label needs one", a.where())
			return dst, nil
		}
	case TypeObjectDetection, TypeImageSegmentation:
		loc, hasLoc := a.raw.get("annotation-loc")
		if !hasLoc || loc == nil {
			if a.typ == TypeObjectDetection && base.Property[api.PropShape] != nil {
				return append(dst, base), nil // a shape given inline
			}
			c.problem("%s has no annotation-loc: its labels are in a PASCAL VOC file it names", a.where())
			return dst, nil
		}
		labels, size := c.locLabels(a, base, loc)
		return append(dst, labels...), size
	}
	return append(dst, base), nil
}

// common reads what every annotation may carry into a label.
func (c *lineConv) common(a *annotation) (api.SampleLabel, bool) {
	var l api.SampleLabel
	bad := len(c.problems)
	if v, ok := a.raw.get("name"); ok && v != nil {
		name, isString := v.(string)
		if !isString {
			c.problem("%s: name is %s, not a string", a.where(), show(v))
		}
		l.Name = name
	}
	if v, ok := a.raw.get("id"); ok && v != nil {
		id, isString := v.(string)
		if !isString {
			c.problem("%s: id is %s, not a string", a.where(), show(v))
		}
		l.ID = id
	}
	// l.Property is made when a key is set (ensure): most labels of a text manifest have
	// at most creation_time.
	if v, ok := a.raw.get("property"); ok && v != nil {
		switch p := v.(type) {
		case map[string]any:
			l.Property = p // the line's own map: nothing else holds it
		case string:
			// Old exports (V002 in the platform's SDK tests) hold a JSON string such as
			// "[{\"type\":0,\"property\":{}}]": carried when it is an object, accepted when it
			// holds no attribute at all, else rejected.
			var inner api.Property
			err := inner.UnmarshalJSON([]byte(p))
			switch {
			case err == nil && inner != nil:
				l.Property = ensure(l.Property)
				for k, x := range inner {
					l.Property[k] = x
				}
			case emptyPropertyList(p):
				c.warn("%s: property is the string %q, which holds no attribute; nothing to carry", a.where(), p)
			default:
				c.problem("%s: property is the string %q, not an object of label attributes", a.where(), p)
			}
		default:
			c.problem("%s: property is %s, not an object", a.where(), show(v))
		}
	}
	if v, ok := a.raw.get("confidence"); ok && v != nil {
		if n, ok := numberValue(v); ok {
			l.Score = n
		} else {
			c.problem("%s: confidence is %s, not a number", a.where(), show(v))
		}
	}
	if v, ok := a.raw.get("annotated-by"); ok && v != nil {
		by, isString := v.(string)
		switch {
		case !isString:
			c.problem("%s: annotated-by is %s, not a string", a.where(), show(v))
		case by == "":
		case by == api.AnnotatedByHuman || strings.HasPrefix(by, "human/"):
			l.AnnotatedBy = api.AnnotatedByHuman // "human/user/user" in the SDK's manifests
		default:
			l.AnnotatedBy = api.AnnotatedByAuto // modelarts/active-learning and other labelers
		}
	}
	if v, ok := a.raw.get("creation-time"); ok && v != nil {
		t, isString := v.(string)
		if !isString {
			c.problem("%s: creation-time is %s, not a string", a.where(), show(v))
		}
		l.Property = ensure(l.Property)
		if isString {
			l.Property[PropCreationTime] = v // the string, boxed already
		} else {
			l.Property[PropCreationTime] = t
		}
	}
	if v, ok := a.raw.get("hard"); ok && v != nil {
		if b, ok := boolValue(v); ok {
			l.Property = ensure(l.Property)
			l.Property[api.PropHard] = strconv.FormatBool(b)
		} else {
			c.problem("%s: hard is %s; it is true or false", a.where(), show(v))
		}
	}
	if v, ok := a.raw.get("hard-coefficient"); ok && v != nil {
		if n, ok := numberValue(v); ok {
			l.Property = ensure(l.Property)
			l.Property[api.PropHardCoefficient] = string(n)
		} else {
			c.problem("%s: hard-coefficient is %s, not a number", a.where(), show(v))
		}
	}
	for _, k := range []string{"hard-reasons", "hard_reasons"} {
		if v, ok := a.raw.get(k); ok && v != nil {
			if ids, ok := reasonIDs(v); ok {
				parts := make([]string, len(ids))
				for i, id := range ids {
					parts[i] = strconv.Itoa(id)
				}
				l.Property = ensure(l.Property)
				l.Property[api.PropHardReasons] = strings.Join(parts, "-")
			} else {
				c.problem("%s: %s is %s; it is a list of reason ids 0..30 (or ids joined by '-')", a.where(), k, show(v))
			}
		}
	}
	if len(l.Property) == 0 {
		l.Property = nil
	}
	return l, len(c.problems) == bad
}

// ensure returns p, or a new map when p is nil.
func ensure(p api.Property) api.Property {
	if p == nil {
		return api.Property{}
	}
	return p
}

// emptyPropertyList reports whether s is a JSON list of {"type":..,"property":{}} entries
// with no attribute in any of them.
func emptyPropertyList(s string) bool {
	var list []struct {
		Property map[string]json.RawMessage `json:"property"`
	}
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return false
	}
	for _, e := range list {
		if len(e.Property) > 0 {
			return false
		}
	}
	return true
}

// locLabels reads an annotation-loc VOC file into labels that carry the annotation's own
// fields.
func (c *lineConv) locLabels(a *annotation, base api.SampleLabel, v any) ([]api.SampleLabel, *[3]int) {
	loc, ok := v.(string)
	if !ok || strings.TrimSpace(loc) == "" {
		c.problem("%s: annotation-loc is %s, not a path", a.where(), show(v))
		return nil, nil
	}
	if f, ok := a.raw.val("annotation-format").(string); ok && !isPascalVOC(f) {
		c.problem("%s: annotation-format %q is not supported (only PASCAL VOC is)", a.where(), f)
		return nil, nil
	}
	fsys, name, display, ok := c.locFile(a, loc)
	if !ok {
		return nil, nil
	}
	doc, ws, err := c.r.readLoc(fsys, name, display)
	if err != nil {
		c.problem("%s: annotation-loc %s cannot be read: %v", a.where(), loc, err)
		return nil, nil
	}
	var rejection *importers.Warning
	for i := range ws {
		if ws[i].Rejected {
			rejection = &ws[i]
			continue
		}
		c.warnings = append(c.warnings, ws[i])
	}
	if doc == nil {
		reason := "it cannot be converted"
		if rejection != nil {
			reason = rejection.Pos.String() + ": " + rejection.Reason
		}
		c.problem("%s: annotation-loc %s: %s", a.where(), loc, reason)
		return nil, nil
	}
	out := make([]api.SampleLabel, 0, len(doc.Labels))
	for _, l := range doc.Labels {
		l.Type = base.Type
		l.AnnotatedBy = base.AnnotatedBy
		if l.Score == "" {
			l.Score = base.Score
		}
		p := api.Property{}
		for k, x := range base.Property {
			p[k] = x
		}
		for k, x := range l.Property {
			p[k] = x
		}
		l.Property = p
		out = append(out, l)
	}
	if a.typ == TypeImageSegmentation && doc.MaskSource != "" {
		c.maskSource = doc.MaskSource
	}
	var size *[3]int
	if doc.Width > 0 && doc.Height > 0 {
		size = &[3]int{doc.Width, doc.Height, doc.Depth}
	}
	return out, size
}

func isPascalVOC(f string) bool {
	f = strings.ToLower(strings.Join(strings.Fields(f), ""))
	return f == "pascalvoc" || f == "voc" || f == ""
}

// locFile finds an annotation-loc file: a relative path against the manifest's folder, or a
// prefix mapped to disk.
func (c *lineConv) locFile(a *annotation, loc string) (fs.FS, string, string, bool) {
	if m, rest := c.mapping(loc, true); m != nil {
		rel, err := imagefile.Confine(rest)
		if err != nil {
			c.problem("%s: annotation-loc %s points outside the folder %s maps it to", a.where(), loc, m.DirName)
			return nil, "", "", false
		}
		return m.Dir, rel, path.Join(m.DirName, rel), true
	}
	if _, isOBS := obsForm(loc); isOBS {
		dir := loc[:strings.LastIndex(loc, "/")+1]
		c.problem("%s: annotation-loc %s is in OBS and no option Mappings maps it to disk (convert does not fetch from OBS): download the files and add option Mappings %s=DIR", a.where(), loc, dir)
		return nil, "", "", false
	}
	if strings.Contains(loc, "://") || strings.HasPrefix(loc, "/") || len(loc) >= 2 && loc[1] == ':' {
		c.problem("%s: annotation-loc %s is not a path relative to the manifest; map its prefix to a folder with option Mappings FROM=DIR", a.where(), loc)
		return nil, "", "", false
	}
	if c.r.fsys == nil {
		c.problem("%s: annotation-loc %s is relative, and a manifest read from standard input has no folder", a.where(), loc)
		return nil, "", "", false
	}
	rel, err := imagefile.Confine(path.Join(c.r.dir, loc))
	if err != nil || !fs.ValidPath(rel) {
		c.problem("%s: annotation-loc %s points outside the manifest's folder", a.where(), loc)
		return nil, "", "", false
	}
	display := importers.JoinBase(c.r.opts.Base, rel)
	return c.r.fsys, rel, display, true
}

// checkTriplets checks that every relation's @modelarts:from and @modelarts:to name an
// entity of the sample (the validator does not).
func (c *lineConv) checkTriplets(s *api.Sample) {
	ids := map[string]bool{}
	for _, l := range s.Labels {
		if l.Type == api.LabelTextTripletEntity && l.ID != "" {
			ids[l.ID] = true
		}
	}
	for i, l := range s.Labels {
		if l.Type != api.LabelTextTripletRelation {
			continue
		}
		for _, k := range []string{api.PropFrom, api.PropTo} {
			ref, _ := l.Property[k].(string)
			if !ids[ref] {
				c.problem("labels[%d] (triplet %q): %s is %s, which names no entity of this sample", i, l.Name, k, show(l.Property[k]))
			}
		}
	}
}

// size sets @modelarts:size from the annotation-loc file or the inlined image.
func (c *lineConv) size(s *api.Sample, fromFile *[3]int) {
	hasDetection := false
	for _, l := range s.Labels {
		hasDetection = hasDetection || l.Type == api.LabelObjectDetection
	}
	if _, ok := s.Metadata[api.MetaSize]; ok {
		return
	}
	switch {
	case fromFile != nil:
	case c.local != nil:
		fromFile = &[3]int{c.local.size.Width, c.local.size.Height, c.local.size.Depth}
	case hasDetection:
		c.problem("the annotation-loc file gives no <size> and the image is not on disk to read it from (map the source to the downloaded images with option Mappings FROM=DIR); an object-detection sample needs its size")
		return
	default:
		return
	}
	if s.Metadata == nil {
		s.Metadata = api.Metadata{}
	}
	s.Metadata.SetSize(fromFile[0], fromFile[1], fromFile[2])
}

// show renders a JSON value for a message.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(x)
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any, *object:
		return "an object"
	}
	return fmt.Sprint(v)
}

// numberValue reads a number, or a string holding one, exactly as written.
func numberValue(v any) (json.Number, bool) {
	switch x := v.(type) {
	case json.Number:
		return x, true
	case string:
		n, err := api.ParseNumber(strings.TrimSpace(x))
		return n, err == nil
	}
	return "", false
}

// intValue reads an integer, or a string holding one.
func intValue(v any) (int64, bool) {
	n, ok := numberValue(v)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(string(n), 10, 64)
	return i, err == nil
}

// boolValue reads true/false, "true"/"false" (any case), 1/0 or "1"/"0".
func boolValue(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1":
			return true, true
		case "false", "0":
			return false, true
		}
	case json.Number:
		switch x {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	}
	return false, false
}

// reasonIDs reads hard-example reason ids: a list of integers, one integer, or ids joined
// by '-' ("3-20-21").
func reasonIDs(v any) ([]int, bool) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case json.Number:
		items = []any{x}
	case string:
		for _, part := range strings.Split(x, "-") {
			items = append(items, part)
		}
	default:
		return nil, false
	}
	ids := make([]int, 0, len(items))
	for _, it := range items {
		n, ok := intValue(it)
		if !ok || n < 0 || n > int64(api.MaxHardReason) {
			return nil, false
		}
		ids = append(ids, int(n))
	}
	return ids, len(ids) > 0
}

// textName names a content:// sample: "<manifest>-000012.txt".
func textName(stem string, lineNo int) string {
	var digits [20]byte
	n := strconv.AppendInt(digits[:0], int64(lineNo), 10)
	var buf [96]byte // on the stack: the name is the one string made
	b := append(append(buf[:0], stem...), '-')
	if len(n) < 6 {
		b = append(b, "000000"[len(n):]...)
	}
	b = append(append(b, n...), ".txt"...)
	return string(b)
}
