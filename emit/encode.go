package emit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
)

// The request encoder. encoding/json's reflection was 17-30% of a run's CPU time, so samples
// are written by hand here, byte for byte as json.Encoder with SetEscapeHTML(false) writes
// them (fields in declaration order, omitempty as tagged, map keys sorted, the same string
// escapes and number forms). A value the hand encoder does not know (a type in a property
// or metadata map other than those the model and the importers put there) or cannot write
// (a json.Number that is not a number, NaN) makes it give up on the sample, which then goes
// through encoding/json: the same bytes, or the same error. TestEncoderMatchesReflection and
// FuzzEncoderMatchesReflection prove the two equal.

// appendSample appends s's JSON to dst; ok is false when encoding/json must do it.
func appendSample(dst []byte, s *api.Sample) (out []byte, ok bool) {
	return appendSampleOf(dst, s, false, 0, nil, 0)
}

// appendValidSample is appendSample for a sample api.ValidateSample passed, which says more
// about it than its types do: its data is base64 (no byte of which JSON escapes: it is copied
// as it is), its encoding is one of four (written from their JSON made once), its labels'
// types are the API's (the same), and the numbers of its labels' features (of type
// api.Feature or [][]json.Number) are number literals (written without a second look).
// Coordinates are most of a polygon label's bytes. notes are what the validator found out
// about s (api.ValidateSampleNotes): a plain name is written as it is. strs, when not nil,
// keeps the JSON of label names (see jsonStrings). TestValidSamplesMatchReflection proves
// it equal.
//
// left has a bit set for each label whose feature's points the validator left unchecked
// (api.ValidateSampleLeavingPoints): they are checked as they are written (see putPoints),
// and ok is false when one is not two numbers api.PlainCoordinate takes (the caller then asks
// api.ValidateSample).
func appendValidSample(dst []byte, s *api.Sample, notes api.SampleNotes, strs *jsonStrings, left uint64) (out []byte, ok bool) {
	return appendSampleOf(dst, s, true, notes, strs, left)
}

func appendSampleOf(dst []byte, s *api.Sample, valid bool, notes api.SampleNotes, strs *jsonStrings, left uint64) (out []byte, ok bool) {
	if valid && notes&api.NotePlainName != 0 && s.Name != "" && uint(s.SampleType) < 10 && s.Data != "" {
		// A text sample's usual start (a plain name, a type of one digit, data) in four
		// copies, where the general way below takes nine.
		dst = append(dst, `{"name":"`...)
		dst = append(dst, s.Name...)
		dst = append(dst, `","sample_type":`...)
		dst = append(dst, '0'+byte(s.SampleType), ',', '"', 'd', 'a', 't', 'a', '"', ':', '"')
		dst = append(dst, s.Data...)
		dst = append(dst, '"')
	} else {
		dst = append(dst, '{')
		if s.Name != "" {
			dst = append(dst, `"name":`...)
			if valid && notes&api.NotePlainName != 0 {
				dst = append(append(append(dst, '"'), s.Name...), '"')
			} else {
				dst = appendString(dst, s.Name)
			}
			dst = append(dst, ',')
		}
		dst = append(dst, `"sample_type":`...)
		dst = appendInt(dst, int64(s.SampleType))
		if s.Data != "" {
			dst = append(dst, `,"data":`...)
			if valid {
				dst = append(append(append(dst, '"'), s.Data...), '"')
			} else {
				dst = appendString(dst, s.Data)
			}
		}
	}
	if ds := s.DataSource; ds != nil {
		dst = append(dst, `,"data_source":`...)
		dst = appendDataSource(dst, ds)
	}
	if s.Encoding != "" {
		switch {
		case valid && s.Encoding == api.EncodingUTF8:
			dst = append(dst, encodingUTF8...)
		case valid && s.Encoding == api.EncodingGBK:
			dst = append(dst, encodingGBK...)
		default:
			dst = append(dst, `,"encoding":`...)
			dst = appendString(dst, s.Encoding)
		}
	}
	if len(s.Labels) > 0 {
		dst = append(dst, `,"labels":[`...)
		for i := range s.Labels {
			if i > 0 {
				dst = append(dst, ',')
			}
			if left != 0 && i < 64 && left>>i&1 != 0 {
				if dst, ok = appendLabel(dst, &s.Labels[i], valid, strs, true); !ok {
					return dst, false
				}
			} else if dst, ok = appendLabel(dst, &s.Labels[i], valid, strs, false); !ok {
				return dst, false
			}
		}
		dst = append(dst, ']')
	}
	if len(s.Metadata) > 0 {
		dst = append(dst, `,"metadata":`...)
		if dst, ok = appendMap(dst, s.Metadata, 0); !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

// The JSON of the usual encodings, as appendSampleOf writes them.
const (
	encodingUTF8 = `,"encoding":"` + api.EncodingUTF8 + `"`
	encodingGBK  = `,"encoding":"` + api.EncodingGBK + `"`
)

// appendLabel writes a label; with check (a valid sample's label whose feature's points
// the validator left), ok is false when a point is not plain (see appendValidSample).
func appendLabel(dst []byte, l *api.SampleLabel, valid bool, strs *jsonStrings, check bool) (out []byte, ok bool) {
	dst = append(dst, '{')
	if l.AnnotatedBy != "" {
		dst = append(dst, `"annotated_by":`...)
		dst = appendString(dst, l.AnnotatedBy)
		dst = append(dst, ',')
	}
	if l.ID != "" {
		dst = append(dst, `"id":`...)
		dst = appendString(dst, l.ID)
		dst = append(dst, ',')
	}
	if valid && strs != nil && l.AnnotatedBy == "" && l.ID == "" && len(l.Property) == 0 && l.Score == "" &&
		l.Name != "" && len(l.Name) <= maxJSONString {
		if j := labelTypeJSON(l.Type); j != "" {
			return strs.appendClassLabel(dst, l.Name, l.Type, j), true
		}
	}
	if l.Name != "" {
		dst = append(dst, `"name":`...)
		if strs != nil {
			dst = strs.append(dst, l.Name)
		} else {
			dst = appendString(dst, l.Name)
		}
		dst = append(dst, ',')
	}
	if len(l.Property) > 0 {
		dst = append(dst, `"property":`...)
		if valid {
			dst, ok = appendProperty(dst, l.Property, check)
		} else {
			dst, ok = appendMap(dst, l.Property, 0)
		}
		if !ok {
			return dst, false
		}
		dst = append(dst, ',')
	}
	if l.Score != "" {
		if !api.IsNumberLiteral(string(l.Score)) {
			return dst, false
		}
		dst = append(dst, `"score":`...)
		dst = append(dst, l.Score...)
		dst = append(dst, ',')
	}
	if valid {
		if j := labelTypeJSON(l.Type); j != "" {
			return append(dst, j...), true
		}
	}
	dst = append(dst, `"type":`...)
	dst = appendInt(dst, int64(l.Type))
	return append(dst, '}'), true
}

// labelTypeJSON is the end of a label of type t, from its type on (`"type":100}`), for the
// types the validator passes; "" for others.
func labelTypeJSON(t api.LabelType) string {
	switch t {
	case api.LabelImageClassification:
		return `"type":0}`
	case api.LabelObjectDetection:
		return `"type":1}`
	case api.LabelImageSegmentation:
		return `"type":3}`
	case api.LabelTextClassification:
		return `"type":100}`
	case api.LabelNamedEntity:
		return `"type":101}`
	}
	return ""
}

// jsonStrings keeps the JSON of strings that JSON writes as they are, between quotes (label
// names: a run has few, and most are Chinese, whose UTF-8 appendString checks a character
// at a time), in a small table: two slots for each hash of a string's length and three of
// its bytes, filled while empty (the first strings of a run keep them: names that collide
// are not written in turn over each other). A string found there (by comparing its bytes:
// the table holds its own copies) is written by one copy. A table is used by one goroutine
// at a time.
type jsonStrings struct {
	slots  [256]string // a string's JSON: the string between quotes; "" is empty
	labels [128]classLabel
}

const maxJSONString = 64 // longer strings are not kept

// classLabel is the JSON of a label of a name and a type and nothing else (a text or image
// class: every CSV label), `{"name":"天气","type":100}`; name is its name, within json.
type classLabel struct {
	json, name string
	typ        api.LabelType
}

// appendClassLabel writes the rest of a valid label of name (1 to maxJSONString bytes) and
// type t (whose end labelTypeJSON gives as j) and nothing else, after the '{' appendLabel
// wrote: from the table when it is there (one copy of the whole label, its '{' written over
// appendLabel's), else as appendLabel writes it, and then keeps it while its slot is empty
// and its name is written as it is.
func (c *jsonStrings) appendClassLabel(dst []byte, name string, t api.LabelType, j string) []byte {
	n := len(name)
	start := len(dst) - 1 // the '{'
	x := uint32(n) | uint32(name[0])<<8 | uint32(name[n-1])<<16 | uint32(name[max(n-2, 0)])<<24 ^ uint32(t)*0x85EBCA6B
	e := &c.labels[(x*0x9E3779B1)>>25]
	if e.typ == t && len(e.name) == n && e.name == name {
		return append(dst[:start], e.json...)
	}
	dst = c.append(append(dst, `"name":`...), name)
	dst = append(append(dst, ','), j...)
	// The label is `{"name":"`, its name as it is, `",` and j when the name's JSON is as
	// long as the name and its quotes (see append).
	if e.json == "" && len(dst)-start == len(`{"name":"",`)+n+len(j) {
		e.json = string(dst[start:])
		e.name = e.json[len(`{"name":"`) : len(`{"name":"`)+n]
		e.typ = t
	}
	return dst
}

// append writes s's JSON, as appendString does.
func (c *jsonStrings) append(dst []byte, s string) []byte {
	n := len(s)
	if n == 0 || n > maxJSONString {
		return appendString(dst, s)
	}
	x := uint32(n) | uint32(s[0])<<8 | uint32(s[n-1])<<16 | uint32(s[max(n-2, 0)])<<24
	pair := (*[2]string)(c.slots[(x*0x9E3779B1)>>25*2:])
	for k := range pair {
		e := pair[k]
		if e == "" {
			start := len(dst)
			dst = appendString(dst, s)
			// Every escape is longer than what it replaces: JSON as long as s and its
			// quotes is s between quotes.
			if len(dst)-start == n+2 {
				pair[k] = string(dst[start:])
			}
			return dst
		}
		if len(e) == n+2 && e[1:n+1] == s {
			return append(dst, e...)
		}
	}
	return appendString(dst, s)
}

func appendDataSource(dst []byte, ds *api.DataSource) []byte {
	dst = append(dst, '{')
	if ds.DataPath != "" {
		dst = append(dst, `"data_path":`...)
		dst = appendString(dst, ds.DataPath)
		dst = append(dst, ',')
	}
	dst = append(dst, `"data_type":`...)
	dst = appendInt(dst, int64(ds.DataType))
	if len(ds.SchemaMaps) > 0 {
		dst = append(dst, `,"schema_maps":[`...)
		for i, m := range ds.SchemaMaps {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFields(dst, "dest_name", m.DestName, "src_name", m.SrcName)
		}
		dst = append(dst, ']')
	}
	if si := ds.SourceInfo; si != nil {
		dst = append(dst, `,"source_info":`...)
		dst = appendFields(dst,
			"cluster_id", si.ClusterID, "cluster_mode", si.ClusterMode, "cluster_name", si.ClusterName,
			"database_name", si.DatabaseName, "input", si.Input, "ip", si.IP, "port", si.Port,
			"queue_name", si.QueueName, "subnet_id", si.SubnetID, "table_name", si.TableName,
			"user_name", si.UserName, "user_password", si.UserPassword, "vpc_id", si.VpcID)
	}
	if ds.WithColumnHeader != nil {
		dst = append(dst, `,"with_column_header":`...)
		dst = strconv.AppendBool(dst, *ds.WithColumnHeader)
	}
	return append(dst, '}')
}

// appendFields writes an object of omitempty string fields, given as key, value pairs.
func appendFields(dst []byte, kv ...string) []byte {
	dst = append(dst, '{')
	first := true
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, '"')
		dst = append(dst, kv[i]...)
		dst = append(dst, `":`...)
		dst = appendString(dst, kv[i+1])
	}
	return append(dst, '}')
}

// maxValueDepth bounds the nesting the hand encoder follows; deeper values (which no
// importer makes) go through encoding/json.
const maxValueDepth = 64

// mapEntry is one key and value of a map being written.
type mapEntry struct {
	key   string
	value any
}

// sortedEntries returns m's entries sorted by key, in buf when they fit (properties and
// metadata seldom have more than 16 keys: no allocation). A few entries, the common case,
// are sorted by insertion, without SortFunc's calls through a function value.
func sortedEntries(m map[string]any, buf *[16]mapEntry) []mapEntry {
	if len(m) == 2 {
		// The two-key maps nearly every label has (a named entity's span, a shape and its
		// feature) are looked up, sorted already: ranging over a map costs more.
		for _, pair := range knownPairs {
			if v0, ok := m[pair[0]]; ok {
				if v1, ok := m[pair[1]]; ok {
					buf[0], buf[1] = mapEntry{pair[0], v0}, mapEntry{pair[1], v1}
					return buf[:2]
				}
			}
		}
	}
	if len(m) == 3 {
		// The same for the usual three keys (a COCO label: its shape, its feature and its
		// annotation's id): three lookups instead of ranging over the map and sorting.
		for _, keys := range knownTriples {
			if v0, ok := m[keys[0]]; ok {
				if v1, ok := m[keys[1]]; ok {
					if v2, ok := m[keys[2]]; ok {
						buf[0], buf[1], buf[2] = mapEntry{keys[0], v0}, mapEntry{keys[1], v1}, mapEntry{keys[2], v2}
						return buf[:3]
					}
				}
			}
		}
	}
	entries := buf[:0]
	for k, v := range m {
		entries = append(entries, mapEntry{k, v})
	}
	if len(entries) > 8 {
		slices.SortFunc(entries, func(a, b mapEntry) int { return strings.Compare(a.key, b.key) })
		return entries
	}
	for i := 1; i < len(entries); i++ {
		for j := i; j > 0 && entries[j].key < entries[j-1].key; j-- {
			entries[j], entries[j-1] = entries[j-1], entries[j]
		}
	}
	return entries
}

// knownPairs are the keys of the usual two-key properties, each pair in sorted order.
var knownPairs = [...][2]string{{api.PropEndIndex, api.PropStartIndex}, {api.PropFeature, api.PropShape}}

// knownTriples are the keys of the usual three-key properties, each in sorted order
// (TestKnownKeysSorted): a COCO label's shape, feature and annotation id.
var knownTriples = [...][3]string{{api.PropFeature, api.PropShape, "annotation_id"}}

// appendMap writes a map with its keys sorted, as encoding/json does.
func appendMap(dst []byte, m map[string]any, depth int) (out []byte, ok bool) {
	if m == nil {
		return append(dst, "null"...), true
	}
	var buf [16]mapEntry
	entries := sortedEntries(m, &buf)
	dst = append(dst, '{')
	for i := range entries {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, entries[i].key)
		dst = append(dst, ':')
		if dst, ok = appendValue(dst, entries[i].value, depth+1); !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

// appendProperty is appendMap for the property of a label of a valid sample (see
// appendValidSample): its feature's numbers are written as they are.
func appendProperty(dst []byte, p api.Property, check bool) (out []byte, ok bool) {
	if len(p) == 2 {
		// The usual two keys (see sortedEntries), written from their JSON made once.
		for i, pair := range knownPairs {
			if v0, ok := p[pair[0]]; ok {
				if v1, ok := p[pair[1]]; ok {
					dst = append(dst, knownPairKeys[i][0]...)
					if dst, ok = appendPropertyValue(dst, pair[0], v0, check); !ok {
						return dst, false
					}
					dst = append(dst, knownPairKeys[i][1]...)
					if dst, ok = appendPropertyValue(dst, pair[1], v1, check); !ok {
						return dst, false
					}
					return append(dst, '}'), true
				}
			}
		}
	}
	if len(p) == 3 {
		// The usual three keys, the same way.
		for i, keys := range knownTriples {
			if v0, ok := p[keys[0]]; ok {
				if v1, ok := p[keys[1]]; ok {
					if v2, ok := p[keys[2]]; ok {
						for k, v := range [3]any{v0, v1, v2} {
							dst = append(dst, knownTripleKeys[i][k]...)
							if dst, ok = appendPropertyValue(dst, keys[k], v, check); !ok {
								return dst, false
							}
						}
						return append(dst, '}'), true
					}
				}
			}
		}
	}
	var buf [16]mapEntry
	entries := sortedEntries(p, &buf)
	dst = append(dst, '{')
	for i := range entries {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, entries[i].key)
		dst = append(dst, ':')
		if dst, ok = appendPropertyValue(dst, entries[i].key, entries[i].value, check); !ok {
			return dst, false
		}
	}
	return append(dst, '}'), true
}

// appendPropertyValue writes the value of key in a valid sample's label property.
// With check, a feature's rows are checked as they are written (see appendValidSample).
func appendPropertyValue(dst []byte, key string, v any, check bool) ([]byte, bool) {
	if key == api.PropShape {
		// The validator passed it: one of the API's shapes (a string), whose JSON is
		// made once (TestShapeJSON).
		if shape, ok := v.(string); ok {
			if j := shapeJSON(api.Shape(shape)); j != "" {
				return append(dst, j...), true
			}
		}
	}
	if key == api.PropFeature {
		switch f := v.(type) {
		case api.Feature:
			if check {
				return appendCheckedRows(dst, f)
			}
			return appendLiteralRows(dst, f), true
		case [][]json.Number:
			if check {
				return appendCheckedRows(dst, f)
			}
			return appendLiteralRows(dst, f), true
		}
	}
	return appendValue(dst, v, 1)
}

// shapeJSON is the JSON of the shapes the validator passes, "" for others.
func shapeJSON(s api.Shape) string {
	switch s {
	case api.ShapeBndbox:
		return `"bndbox"`
	case api.ShapePolygon:
		return `"polygon"`
	case api.ShapeCircle:
		return `"circle"`
	case api.ShapeLine:
		return `"line"`
	case api.ShapeDashed:
		return `"dashed"`
	case api.ShapePoint:
		return `"point"`
	case api.ShapePolyline:
		return `"polyline"`
	}
	return ""
}

// knownPairKeys are the JSON of knownPairs' keys as appendProperty writes them: `{"k0":` and
// `,"k1":`.
var knownPairKeys = func() (keys [len(knownPairs)][2]string) {
	for i, pair := range knownPairs {
		keys[i][0] = string(append(appendString([]byte("{"), pair[0]), ':'))
		keys[i][1] = string(append(appendString([]byte(","), pair[1]), ':'))
	}
	return keys
}()

// knownTripleKeys are the JSON of knownTriples' keys as appendProperty writes them: `{"k0":`,
// `,"k1":` and `,"k2":`.
var knownTripleKeys = func() (keys [len(knownTriples)][3]string) {
	for i, triple := range knownTriples {
		for k, key := range triple {
			start := ","
			if k == 0 {
				start = "{"
			}
			keys[i][k] = string(append(appendString([]byte(start), key), ':'))
		}
	}
	return keys
}()

// appendLiteralRows writes rows of numbers known to be number literals (never "", which
// encoding/json would write as 0). Points after the first (rows of two numbers of 1 to 8
// bytes: most of a COCO polygon's bytes) are written by putPoints, in the room dst has.
func appendLiteralRows[F ~[][]json.Number](dst []byte, f F) []byte {
	if f == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	rows := [][]json.Number(f)
	for i := 0; i < len(rows); i++ {
		if i > 0 {
			for {
				n, k, full, _ := putPoints(dst[len(dst):cap(dst)], rows[i:], false)
				dst = dst[:len(dst)+n]
				if i += k; !full {
					break
				}
				// More room, as append makes it (only when needed: a body is
				// made with room for the batch it holds).
				dst = slices.Grow(dst, maxPoint*(len(rows)-i))
			}
			if i == len(rows) {
				break
			}
			dst = append(dst, ',')
		}
		row := rows[i]
		if row == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, '[')
		for j, n := range row {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, n...)
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// maxPoint is the most bytes putPoints writes for a point: `,[12345678,12345678]`.
const maxPoint = 20

// putPoints writes the leading rows that are points of numbers of 1 to 8 bytes, each after a
// comma, into b while it has room for maxPoint bytes more, and returns the bytes written,
// the points, and whether it stopped for room (full) rather than at a row of another kind.
// With check, it stops at a point whose numbers are not both ones api.PlainCoordinate takes
// (plain false; what it wrote is then of no use), found by the validator's check of such a
// word (plainWord in package api), written out here (TestPlainWordMatchesValidator). Each
// number is gathered into a little-endian word and stored as one, the bytes past it
// overwritten by what follows or left past the end (there is room): 4 to 8 bytes (a COCO
// coordinate, "398.46") from two overlapping 4-byte loads, 1 to 3 (an outline traced from a
// mask, "640") from its first, middle and last bytes. A copy call per number cost more than
// writing the point, and a loop with no call in it keeps its values in registers.
func putPoints(b []byte, rows [][]json.Number, check bool) (n, k int, full, plain bool) {
	for ; k < len(rows); k++ {
		row := rows[k]
		if len(row) != 2 {
			return n, k, false, true
		}
		x, y := string(row[0]), string(row[1])
		nx, ny := len(x), len(y)
		if uint(nx-1) >= 8 || uint(ny-1) >= 8 {
			return n, k, false, true
		}
		if n+maxPoint > len(b) {
			return n, k, true, true
		}
		// x's and y's words (a function for them is not inlined).
		var wx, wy uint64
		if nx >= 4 {
			wx = uint64(word4(x)) | uint64(word4(x[nx-4:]))<<(8*(nx-4))
		} else {
			wx = uint64(x[0]) | uint64(x[nx/2])<<(8*(nx/2)) | uint64(x[nx-1])<<(8*(nx-1))
		}
		if ny >= 4 {
			wy = uint64(word4(y)) | uint64(word4(y[ny-4:]))<<(8*(ny-4))
		} else {
			wy = uint64(y[0]) | uint64(y[ny/2])<<(8*(ny/2)) | uint64(y[ny-1])<<(8*(ny-1))
		}
		if check {
			// Both words checked side by side: only digits and at most one dot, not
			// first or last, no leading zero but for "0" and "0.x".
			const ones, high = 0x0101010101010101, 0x8080808080808080
			inx, iny := uint64(high)>>(64-8*nx), uint64(high)>>(64-8*ny)
			dx := (wx + (0x80-'0')*ones) &^ (wx + (0x7f-'9')*ones)
			dy := (wy + (0x80-'0')*ones) &^ (wy + (0x7f-'9')*ones)
			tx, ty := wx^'.'*ones, wy^'.'*ones
			px := ^((tx + 0x7f*ones) | tx) & inx
			py := ^((ty + 0x7f*ones) | ty) & iny
			ex := uint64(0x80) | uint64(0x80)<<(8*(nx-1))
			ey := uint64(0x80) | uint64(0x80)<<(8*(ny-1))
			if (wx|wy)&high != 0 || (dx|px)&inx != inx || (dy|py)&iny != iny ||
				px&(px-1)|py&(py-1)|px&ex|py&ey != 0 ||
				wx&0xff == '0' && nx > 1 && wx>>8&0xff != '.' || wy&0xff == '0' && ny > 1 && wy>>8&0xff != '.' {
				return n, k, false, false
			}
		}
		q := b[n : n+maxPoint]
		q[0], q[1] = ',', '['
		binary.LittleEndian.PutUint64(q[2:], wx)
		q[2+nx] = ','
		binary.LittleEndian.PutUint64(q[3+nx:], wy)
		q[3+nx+ny] = ']'
		n += nx + ny + 4
	}
	return n, k, false, true
}

// appendCheckedRows is appendLiteralRows for a feature whose points the validator left
// unchecked (see appendValidSample): ok is false unless every row is two numbers
// api.PlainCoordinate takes. The points after the first, of numbers of 1 to 8 bytes, are
// checked by putPoints as it writes them, from the words it writes (one pass over their
// bytes, where the validator's check and the copy made two).
func appendCheckedRows[F ~[][]json.Number](dst []byte, f F) (out []byte, ok bool) {
	if f == nil {
		return dst, false // not a list of points
	}
	dst = append(dst, '[')
	rows := [][]json.Number(f)
	for i := 0; i < len(rows); i++ {
		if i > 0 {
			for {
				n, k, full, plain := putPoints(dst[len(dst):cap(dst)], rows[i:], true)
				if !plain {
					return dst, false
				}
				dst = dst[:len(dst)+n]
				if i += k; !full {
					break
				}
				dst = slices.Grow(dst, maxPoint*(len(rows)-i))
			}
			if i == len(rows) {
				break
			}
			dst = append(dst, ',')
		}
		row := rows[i]
		if len(row) != 2 || !api.PlainCoordinate(string(row[0])) || !api.PlainCoordinate(string(row[1])) {
			return dst, false
		}
		dst = append(dst, '[')
		dst = append(dst, row[0]...)
		dst = append(dst, ',')
		dst = append(dst, row[1]...)
		dst = append(dst, ']')
	}
	return append(dst, ']'), true
}

// word4 is s's first four bytes, little-endian (one load).
func word4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// appendValue writes one value of a property or metadata map: the types the model and the
// importers use. Nil slices and maps are null, as encoding/json writes them.
func appendValue(dst []byte, v any, depth int) (out []byte, ok bool) {
	if depth > maxValueDepth {
		return dst, false
	}
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), true
	case string:
		return appendString(dst, x), true
	case json.Number:
		return appendNumber(dst, x)
	case bool:
		return strconv.AppendBool(dst, x), true
	case int:
		return appendInt(dst, int64(x)), true
	case int64:
		return appendInt(dst, x), true
	case int32:
		return appendInt(dst, int64(x)), true
	case uint64:
		return strconv.AppendUint(dst, x, 10), true
	case float64:
		return appendFloat(dst, x)
	case api.HardReason:
		return strconv.AppendInt(dst, int64(x), 10), true
	case map[string]any:
		return appendMap(dst, x, depth)
	case api.Property:
		return appendMap(dst, x, depth)
	case api.Metadata:
		return appendMap(dst, x, depth)
	case []any:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, ok = appendValue(dst, e, depth+1); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	case []int:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, n := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendInt(dst, int64(n))
		}
		return append(dst, ']'), true
	case []api.HardReason:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, n := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendInt(dst, int64(n))
		}
		return append(dst, ']'), true
	case []string:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, s)
		}
		return append(dst, ']'), true
	case []json.Number:
		return appendNumbers(dst, x)
	case api.Feature:
		return appendRows(dst, x)
	case [][]json.Number:
		return appendRows(dst, x)
	case api.Point:
		return appendNumbers(dst, x[:])
	case []api.Point:
		if x == nil {
			return append(dst, "null"...), true
		}
		dst = append(dst, '[')
		for i := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			if dst, ok = appendNumbers(dst, x[i][:]); !ok {
				return dst, false
			}
		}
		return append(dst, ']'), true
	}
	return dst, false
}

func appendRows[F ~[][]json.Number](dst []byte, f F) (out []byte, ok bool) {
	if f == nil {
		return append(dst, "null"...), true
	}
	dst = append(dst, '[')
	for i, row := range f {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendNumbers(dst, row); !ok {
			return dst, false
		}
	}
	return append(dst, ']'), true
}

// appendNumbers writes a list of numbers; a nil slice is null (a Point, an array, never is:
// callers pass it as a slice of its array).
func appendNumbers(dst []byte, ns []json.Number) (out []byte, ok bool) {
	if ns == nil {
		return append(dst, "null"...), true
	}
	dst = append(dst, '[')
	for i, n := range ns {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, ok = appendNumber(dst, n); !ok {
			return dst, false
		}
	}
	return append(dst, ']'), true
}

// appendNumber writes a json.Number as encoding/json does: "" as 0, anything that is not a
// number literal refused.
func appendNumber(dst []byte, n json.Number) ([]byte, bool) {
	if n == "" {
		return append(dst, '0'), true
	}
	if !api.IsNumberLiteral(string(n)) {
		return dst, false
	}
	return append(dst, n...), true
}

// appendFloat writes a float64 as encoding/json does (ES6 number form; exponents from 1e21 and
// below 1e-6, without a padded exponent).
func appendFloat(dst []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return dst, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, true
}

// appendInt is strconv.AppendInt in base 10, with the small numbers most of a sample's
// integers are (its type, its labels' types, a named entity's span) written without the
// general conversion, which was 3-4% of a CSV run's instructions.
func appendInt(dst []byte, n int64) []byte {
	if uint64(n) < 10 {
		return append(dst, byte('0'+n))
	}
	return appendIntSlow(dst, n)
}

func appendIntSlow(dst []byte, n int64) []byte {
	switch {
	case n < 0 || n >= 10000:
		return strconv.AppendInt(dst, n, 10)
	case n < 10:
		return append(dst, byte('0'+n))
	case n < 100:
		return append(dst, byte('0'+n/10), byte('0'+n%10))
	case n < 1000:
		return append(dst, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
	}
	return append(dst, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

const hexDigits = "0123456789abcdef"

// appendString writes s quoted as encoding/json does without HTML escaping: '"' and '\\'
// escaped, control characters as \b \f \n \r \t or \u00XX, invalid UTF-8 as \ufffd, U+2028
// and U+2029 escaped. Plain ASCII (all of a base64 data string) is skipped eight bytes at a
// time.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			if i += plainPrefix(s[i:]); i >= len(s) {
				break
			}
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		// Most three-byte sequences (Chinese text) are passed here, any other sequence that
		// needs no escaping by plainRune, the rest by utf8.
		if 0xE1 <= b && b <= 0xEF && b != 0xED && b != 0xE2 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			i += 3
			continue
		}
		if size := plainRune(s[i:]); size > 0 {
			i += size
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// plainRune returns the length of the UTF-8 sequence of two or three bytes s begins with
// (s[0] >= 0x80) when it is valid and needs no escaping (not U+2028 or U+2029), else 0 (four
// bytes, or invalid: utf8.DecodeRuneInString decides). Chinese text is three-byte
// sequences: decoding each through utf8's slow path was a tenth of appendString's work.
func plainRune(s string) int {
	b := s[0]
	switch {
	case 0xC2 <= b && b <= 0xDF:
		if len(s) >= 2 && s[1]&0xC0 == 0x80 {
			return 2
		}
	case 0xE0 <= b && b <= 0xEF:
		if len(s) < 3 || s[1]&0xC0 != 0x80 || s[2]&0xC0 != 0x80 {
			return 0
		}
		switch {
		case b == 0xE0 && s[1] < 0xA0: // overlong
			return 0
		case b == 0xED && s[1] >= 0xA0: // a surrogate
			return 0
		case b == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9): // U+2028, U+2029
			return 0
		}
		return 3
	}
	return 0
}

// plainPrefix returns how many leading bytes of s need no escaping and no UTF-8 check
// (printable ASCII other than '"' and '\\'), looking at eight bytes at a time.
func plainPrefix(s string) int {
	if n := len(s); n < 8 && n > 0 {
		// A short string (a shape, an id, a tag) as one word: its first and last four bytes
		// (overlapping), or its first, middle and last bytes and plain filler; each of its
		// bytes is in the word, so a plain word is a plain string. Else the loop below finds
		// the first byte that is not plain.
		var w uint64
		if n >= 4 {
			h := s[n-4:]
			w = uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
				(uint64(h[0])|uint64(h[1])<<8|uint64(h[2])<<16|uint64(h[3])<<24)<<32
		} else {
			w = uint64(s[0]) | uint64(s[n/2])<<8 | uint64(s[n-1])<<16 | 0x6161616161<<24 // 'a' five times
		}
		if !specialBytes(w) {
			return n
		}
	}
	i := 0
	for ; i+8 <= len(s); i += 8 {
		t := s[i : i+8]
		if specialBytes(uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56) {
			break
		}
	}
	// The last bytes, when the words were plain: as one word ending at the end (it overlaps
	// the last one read), not one byte at a time. Names and property keys are short.
	if i < len(s) && i+8 > len(s) && len(s) >= 8 {
		t := s[len(s)-8:]
		if !specialBytes(uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
			uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56) {
			return len(s)
		}
	}
	for ; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b >= utf8.RuneSelf || b == '"' || b == '\\' {
			return i
		}
	}
	return i
}

// specialBytes reports whether a byte of the eight of w (little-endian) needs escaping or a
// UTF-8 check. For bytes below 0x80, w-n*ones has a byte's high bit set (with ^w's) only
// where a byte is below n, and a byte equal to c is zero in w^(c*ones).
func specialBytes(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	quote := w ^ ('"' * ones)
	backslash := w ^ ('\\' * ones)
	return ((w-0x20*ones)&^w|(quote-ones)&^quote|(backslash-ones)&^backslash|w)&high != 0
}

// encodeSampleReflect is the encoding/json path: the fallback of appendSample, and the
// reference it is tested against.
func encodeSampleReflect(b *bytes.Buffer, s *api.Sample) error {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}
