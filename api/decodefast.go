package api

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// decodeFast is DecodeRequest's one pass over a body that is well formed: it checks the
// syntax, finds repeated and unknown keys and reads the values in one walk, and copies each
// string (a sample's data can be megabytes) once. The strict path it stands in front of
// (decodeStrict) ran json.Valid, DuplicateKeys and a json.Decoder (which copies the body
// again) one after the other. Each string is copied once, into a string of its own (not a
// part of one copy of the whole body, which was no faster measurably and would let a caller
// that keeps one name, as package stats does, keep the whole body alive); a label name the
// body repeats is one string, and common keys and shapes are constants. Samples and labels
// are read into pooled scratch slices and copied out once, into one slice of samples and
// one array for all the labels, so a body of many short samples (NER sentences) costs
// little more than its property maps and strings (issue 18).
//
// It only ever answers "this is the request" (ok): for anything it does not read exactly as
// the strict path would (an error of any kind, but also a key spelled in another case, a
// null, a string where a number belongs, deep nesting) it gives up, and the strict path
// reads the body again and says what is wrong, with the same positions and messages as
// before. TestDecodeFastMatchesStrict and FuzzDecodeRequestMatchesStrict hold the two equal.
func decodeFast(data []byte) (req *Request, ok bool) {
	d := fastDecoder{b: data, scratch: scratchPool.Get().(*fastScratch)}
	defer d.scratch.release()
	d.space()
	req = &Request{}
	if !d.request(req) {
		return nil, false
	}
	d.space()
	return req, d.i == len(d.b)
}

// fastMaxDepth is how deep decodeFast follows nesting; deeper bodies go to the strict path
// (encoding/json's own limit is 10,000).
const fastMaxDepth = 200

type fastDecoder struct {
	b     []byte
	i     int
	depth int

	scratch *fastScratch

	names    [8]string // label names read last (see labelName)
	nextName int
}

func (d *fastDecoder) space() {
	for d.i < len(d.b) && d.b[d.i] <= ' ' { // most often false at once: bodies are compact
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// object reads an object of the API's, calling field for each key (spelled without escapes
// and in plain ASCII; any other gives up) with d.i at its value. field returns false to give
// up. seen is a bit per field index, so a repeated key gives up too. (label, the hottest,
// runs the same loop without a callback.)
func (d *fastDecoder) object(field func(key []byte) bool) bool {
	more, ok := d.enter('{', '}')
	for ok && more {
		var key []byte
		if key, ok = d.fieldKey(); !ok || !field(key) {
			return false
		}
		more, ok = d.next('}')
	}
	return ok
}

// array reads an array, calling elem with d.i at each element.
func (d *fastDecoder) array(elem func() bool) bool {
	more, ok := d.enter('[', ']')
	for ok && more {
		if !elem() {
			return false
		}
		more, ok = d.next(']')
	}
	return ok
}

// enter moves past the open byte of an object or array and the space after it; more is
// false when the close byte follows at once (and is passed too).
func (d *fastDecoder) enter(open, close byte) (more, ok bool) {
	if d.peek() != open {
		return false, false
	}
	d.i++
	if d.depth++; d.depth > fastMaxDepth {
		return false, false
	}
	d.space()
	if d.peek() == close {
		d.i++
		d.depth--
		return false, true
	}
	return true, true
}

// fieldKey reads a key (see key), the colon after it and the space after that (enter and
// next have passed the space before it).
func (d *fastDecoder) fieldKey() ([]byte, bool) {
	key, ok := d.key()
	if !ok {
		return nil, false
	}
	d.space()
	if d.peek() != ':' {
		return nil, false
	}
	d.i++
	d.space()
	return key, true
}

// next moves past what follows a member or element: a comma and space (more), or the close
// byte.
func (d *fastDecoder) next(close byte) (more, ok bool) {
	d.space()
	switch d.peek() {
	case ',':
		d.i++
		d.space()
		return true, true
	case close:
		d.i++
		d.depth--
		return false, true
	}
	return false, false
}

// fastScratch is where decodeFast reads a request's samples and all their labels before
// copying each into one slice of its exact length: appending to the slices it returns
// allocated and copied about twice what they hold, and a slice for every sample's labels.
// A body's labels share one array (each sample's slice has its own length as capacity, so
// an append to it cannot reach the next sample's). Scratch space is pooled.
type fastScratch struct {
	samples []Sample
	labels  []SampleLabel
	spans   []labelSpan // one per sample: where its labels are in labels
}

// labelSpan is where a sample's labels are in fastScratch.labels; start is -1 when the
// sample has no "labels" key (Labels stays nil, as encoding/json leaves it).
type labelSpan struct{ start, end int }

var scratchPool = sync.Pool{New: func() any { return new(fastScratch) }}

// Scratch slices longer than these are let go rather than pooled.
const maxScratchSamples, maxScratchLabels = 4096, 16384

// keep returns the samples read, in slices of their own.
func (sc *fastScratch) keep() []Sample {
	samples := make([]Sample, len(sc.samples))
	copy(samples, sc.samples)
	labels := make([]SampleLabel, len(sc.labels))
	copy(labels, sc.labels)
	for i, sp := range sc.spans {
		if sp.start >= 0 {
			samples[i].Labels = labels[sp.start:sp.end:sp.end]
		}
	}
	return samples
}

// release empties sc (letting go of what its slices point at) and pools it.
func (sc *fastScratch) release() {
	clear(sc.samples)
	clear(sc.labels)
	if cap(sc.samples) > maxScratchSamples || cap(sc.labels) > maxScratchLabels {
		return
	}
	sc.samples, sc.labels, sc.spans = sc.samples[:0], sc.labels[:0], sc.spans[:0]
	scratchPool.Put(sc)
}

// once marks field bit n as seen; false when it was already (a repeated key).
func once(seen *uint32, n uint) bool {
	if *seen&(1<<n) != 0 {
		return false
	}
	*seen |= 1 << n
	return true
}

// key reads a key made of printable ASCII without escapes, without copying it. Keys are
// short: a byte at a time, looked up in plainByte, beats plainPrefix's eight.
func (d *fastDecoder) key() ([]byte, bool) {
	if d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	i := start
	for i < len(d.b) && plainByte[d.b[i]] {
		i++
	}
	if i >= len(d.b) || d.b[i] != '"' {
		return nil, false
	}
	d.i = i + 1
	return d.b[start:i], true
}

// plainByte is true for the bytes plainPrefix passes over.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads a string value: plain strings (nearly all, base64 data among them) are scanned
// eight bytes at a time and copied once; strings with escapes or bytes that are not valid
// UTF-8 are read by valueParser.str, which decodes them as encoding/json does.
func (d *fastDecoder) str() (string, bool) {
	if raw, ok := d.plainStr(); ok {
		return string(raw), true
	}
	return d.careful()
}

// plainStr returns the text of the string at d.i, without copying it, and moves past it when
// it holds no escape and is valid UTF-8; otherwise ok is false and d.i stays.
func (d *fastDecoder) plainStr() (raw []byte, ok bool) {
	if d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	i, high := start, false
	for {
		i += plainPrefix(d.b[i:])
		if i >= len(d.b) {
			return nil, false
		}
		c := d.b[i]
		if c == '"' {
			break
		}
		if c < utf8.RuneSelf { // a backslash or a control character
			return nil, false
		}
		high = true
		i++
	}
	raw = d.b[start:i]
	if high && !utf8.Valid(raw) {
		return nil, false
	}
	d.i = i + 1
	return raw, true
}

// labelName reads a label's name as str does, but returns the same string for a name the
// body repeats (a few names carry most labels), from the last few distinct names read.
func (d *fastDecoder) labelName() (string, bool) {
	raw, ok := d.plainStr()
	if !ok {
		return d.careful()
	}
	for _, n := range &d.names {
		if n == string(raw) {
			return n, true
		}
	}
	s := string(raw)
	d.names[d.nextName%len(d.names)] = s
	d.nextName++
	return s, true
}

// careful reads the string at d.i with valueParser.str.
func (d *fastDecoder) careful() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	p := valueParser{Lexer: jsonlex.Lexer{B: d.b, I: d.i}}
	s, err := p.str()
	if err != nil {
		return "", false
	}
	d.i = p.I
	return s, true
}

// number returns the number literal at d.i.
func (d *fastDecoder) number() ([]byte, bool) {
	start := d.i
	for d.i < len(d.b) {
		c := d.b[d.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	n := d.b[start:d.i]
	return n, IsNumberLiteral(n)
}

// integer reads a number written as an integer that fits an int, as encoding/json reads
// one into an int field (a fraction or an exponent gives up: the strict path reports it).
func (d *fastDecoder) integer() (int, bool) {
	n, ok := d.number()
	if !ok {
		return 0, false
	}
	if v, ok := smallInt(n); ok { // types and most numbers: what ParseInt would say
		return v, true
	}
	v, err := strconv.ParseInt(string(n), 10, strconv.IntSize)
	return int(v), err == nil
}

func (d *fastDecoder) boolean() (bool, bool) {
	rest := d.b[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		d.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		d.i += 5
		return false, true
	}
	return false, false
}

// freeMap reads a property or metadata object into the map valueParser builds, as their
// UnmarshalJSON does. Labels hold few keys with small integers and short strings (entity
// offsets, shapes), so it reads those itself (plain keys interned, integers 0..999 boxed
// once, as valueParser does) and hands valueParser only the other values; a key with an
// escape or a byte past ASCII sends the whole object to valueParser.
func (d *fastDecoder) freeMap() (map[string]any, bool) {
	if d.peek() != '{' {
		return nil, false
	}
	start, depth := d.i, d.depth
	if m, ok := d.plainMap(); ok {
		return m, true
	}
	d.i, d.depth = start, depth
	p := valueParser{Lexer: jsonlex.Lexer{B: d.b, I: d.i}, depth: d.depth, maxDepth: fastMaxDepth}
	v, err := p.value()
	if err != nil {
		return nil, false
	}
	d.i = p.I
	m, ok := v.(map[string]any)
	return m, ok
}

// plainMap is freeMap's reader of objects whose keys are plain ASCII (nearly all). On false
// the caller puts d.i and d.depth back.
func (d *fastDecoder) plainMap() (map[string]any, bool) {
	d.i++ // '{'
	if d.depth++; d.depth > fastMaxDepth {
		return nil, false
	}
	m := make(map[string]any)
	d.space()
	if d.peek() == '}' {
		d.i++
		d.depth--
		return m, true
	}
	for {
		d.space()
		key, ok := d.modelartsKey()
		if !ok {
			var raw []byte
			if raw, ok = d.key(); !ok {
				return nil, false
			}
			key = internString(raw)
		}
		d.space()
		if d.peek() != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.freeValue()
		if !ok {
			return nil, false
		}
		n := len(m)
		m[key] = v
		if len(m) == n {
			return nil, false // a repeated key: the strict path says which
		}
		d.space()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			d.depth--
			return m, true
		default:
			return nil, false
		}
	}
}

// modelartsKeys are the property keys nearly every label holds.
var modelartsKeys = [...]string{PropStartIndex, PropEndIndex, PropShape, PropFeature}

// modelartsKey moves past the key at d.i when it is one of modelartsKeys, spelled plainly,
// and returns it: one comparison of the whole key instead of reading it a byte at a time.
func (d *fastDecoder) modelartsKey() (string, bool) {
	rest := d.b[d.i:]
	if len(rest) < 2 || rest[0] != '"' || rest[1] != '@' {
		return "", false
	}
	rest = rest[1:]
	for _, k := range modelartsKeys {
		if len(rest) > len(k) && rest[len(k)] == '"' && string(rest[:len(k)]) == k {
			d.i += len(k) + 2
			return k, true
		}
	}
	return "", false
}

// freeValue reads one value of a property or metadata object as valueParser.value would,
// itself for integers 0..999 and plain strings, with valueParser for the rest.
func (d *fastDecoder) freeValue() (any, bool) {
	switch c := d.peek(); {
	case c == '"':
		start := d.i + 1
		end := start + plainPrefix(d.b[start:])
		if end < len(d.b) && d.b[end] == '"' {
			d.i = end + 1
			switch raw := d.b[start:end]; string(raw) {
			case string(ShapeBndbox):
				return boxedBndbox, true
			case string(ShapePolygon):
				return boxedPolygon, true
			default:
				return internString(raw), true
			}
		}
		s, ok := d.str()
		return s, ok
	case c >= '0' && c <= '9':
		end := d.i
		for end < len(d.b) && jsonlex.IsNumberByte(d.b[end]) {
			end++
		}
		if v, ok := smallInt(d.b[d.i:end]); ok {
			d.i = end
			return boxedInts[v], true
		}
	}
	p := valueParser{Lexer: jsonlex.Lexer{B: d.b, I: d.i}, depth: d.depth, maxDepth: fastMaxDepth}
	v, err := p.value()
	if err != nil {
		return nil, false
	}
	d.i = p.I
	return v, true
}

func (d *fastDecoder) request(r *Request) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "final_annotation":
			b, ok := d.boolean()
			r.FinalAnnotation = &b
			return ok && once(&seen, 0)
		case "label_format":
			r.LabelFormat = &LabelFormat{}
			return once(&seen, 1) && d.labelFormat(r.LabelFormat)
		case "samples":
			if !once(&seen, 2) {
				return false
			}
			sc := d.scratch
			if !d.array(func() bool {
				sc.samples = append(sc.samples, Sample{})
				sc.spans = append(sc.spans, labelSpan{-1, -1})
				return d.sample(&sc.samples[len(sc.samples)-1], &sc.spans[len(sc.spans)-1])
			}) {
				return false
			}
			r.Samples = sc.keep()
			return true
		}
		return false
	})
}

func (d *fastDecoder) labelFormat(lf *LabelFormat) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "label_type":
			lf.LabelType, ok = d.str()
			return ok && once(&seen, 0)
		case "text_label_separator":
			lf.TextLabelSeparator, ok = d.str()
			return ok && once(&seen, 1)
		case "text_sample_separator":
			lf.TextSampleSeparator, ok = d.str()
			return ok && once(&seen, 2)
		}
		return false
	})
}

// sample reads a sample; its labels go to d.scratch.labels, at span.
func (d *fastDecoder) sample(s *Sample, span *labelSpan) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "name":
			s.Name, ok = d.str()
			return ok && once(&seen, 0)
		case "sample_type":
			var n int
			n, ok = d.integer()
			s.SampleType = SampleType(n)
			return ok && once(&seen, 1)
		case "data":
			s.Data, ok = d.str()
			return ok && once(&seen, 2)
		case "data_source":
			s.DataSource = &DataSource{}
			return once(&seen, 3) && d.dataSource(s.DataSource)
		case "encoding":
			s.Encoding, ok = d.str()
			return ok && once(&seen, 4)
		case "labels":
			if !once(&seen, 5) {
				return false
			}
			sc := d.scratch
			span.start = len(sc.labels)
			more, ok := d.enter('[', ']')
			for ok && more {
				sc.labels = append(sc.labels, SampleLabel{})
				if !d.label(&sc.labels[len(sc.labels)-1]) {
					return false
				}
				more, ok = d.next(']')
			}
			span.end = len(sc.labels)
			return ok
		case "metadata":
			s.Metadata, ok = d.freeMap()
			return ok && once(&seen, 6)
		}
		return false
	})
}

func (d *fastDecoder) label(l *SampleLabel) bool {
	var seen uint32
	more, ok := d.enter('{', '}')
	for ok && more {
		var key []byte
		if key, ok = d.fieldKey(); !ok {
			return false
		}
		var field uint
		switch string(key) {
		case "annotated_by":
			l.AnnotatedBy, ok = d.str()
			field = 0
		case "id":
			l.ID, ok = d.str()
			field = 1
		case "name":
			l.Name, ok = d.labelName()
			field = 2
		case "property":
			l.Property, ok = d.freeMap()
			field = 3
		case "score":
			start := d.i
			_, ok = d.number()
			l.Score = json.Number(d.b[start:d.i])
			field = 4
		case "type":
			var n int
			n, ok = d.integer()
			l.Type = LabelType(n)
			field = 5
		default:
			return false
		}
		if !ok || !once(&seen, field) {
			return false
		}
		more, ok = d.next('}')
	}
	return ok
}

func (d *fastDecoder) dataSource(ds *DataSource) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "data_path":
			ds.DataPath, ok = d.str()
			return ok && once(&seen, 0)
		case "data_type":
			var n int
			n, ok = d.integer()
			ds.DataType = DataType(n)
			return ok && once(&seen, 1)
		case "schema_maps":
			ds.SchemaMaps = []SchemaMap{}
			return once(&seen, 2) && d.array(func() bool {
				ds.SchemaMaps = append(ds.SchemaMaps, SchemaMap{})
				return d.schemaMap(&ds.SchemaMaps[len(ds.SchemaMaps)-1])
			})
		case "source_info":
			ds.SourceInfo = &SourceInfo{}
			return once(&seen, 3) && d.sourceInfo(ds.SourceInfo)
		case "with_column_header":
			var b bool
			b, ok = d.boolean()
			ds.WithColumnHeader = &b
			return ok && once(&seen, 4)
		}
		return false
	})
}

func (d *fastDecoder) schemaMap(m *SchemaMap) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "dest_name":
			m.DestName, ok = d.str()
			return ok && once(&seen, 0)
		case "src_name":
			m.SrcName, ok = d.str()
			return ok && once(&seen, 1)
		}
		return false
	})
}

func (d *fastDecoder) sourceInfo(si *SourceInfo) bool {
	var seen uint32
	return d.object(func(key []byte) bool {
		var dst *string
		var n uint
		switch string(key) {
		case "cluster_id":
			dst, n = &si.ClusterID, 0
		case "cluster_mode":
			dst, n = &si.ClusterMode, 1
		case "cluster_name":
			dst, n = &si.ClusterName, 2
		case "database_name":
			dst, n = &si.DatabaseName, 3
		case "input":
			dst, n = &si.Input, 4
		case "ip":
			dst, n = &si.IP, 5
		case "port":
			dst, n = &si.Port, 6
		case "queue_name":
			dst, n = &si.QueueName, 7
		case "subnet_id":
			dst, n = &si.SubnetID, 8
		case "table_name":
			dst, n = &si.TableName, 9
		case "user_name":
			dst, n = &si.UserName, 10
		case "user_password":
			dst, n = &si.UserPassword, 11
		case "vpc_id":
			dst, n = &si.VpcID, 12
		default:
			return false
		}
		var ok bool
		*dst, ok = d.str()
		return ok && once(&seen, n)
	})
}

// plainPrefix returns how many leading bytes of b are printable ASCII other than '"' and
// '\\' (bytes a JSON string holds as they are), looking at eight bytes at a time: for bytes
// below 0x80, w-n*ones has a byte's high bit set (with ^w's) only where a byte is below n,
// and a byte equal to c is zero in w^(c*ones).
func plainPrefix(b []byte) int {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		quote := w ^ ('"' * ones)
		backslash := w ^ ('\\' * ones)
		if ((w-0x20*ones)&^w|(quote-ones)&^quote|(backslash-ones)&^backslash|w)&high != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			return i
		}
	}
	return i
}
