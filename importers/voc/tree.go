package voc

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"sync"

	"github.com/beevik/etree"
)

// Building the etree document. etree.Document.ReadFromBytes reads through a 4 KB bufio.Reader
// (more than a typical VOC file), allocates every element and text node on its own, and
// keeps the indentation as text nodes. build reads the same tokens from the same decoder
// (encoding/xml, strict, RawToken, this package's CharsetReader) and builds the same etree
// tree with etree's own AddChild, but from slabs of elements and text nodes that a worker
// reuses from file to file (arena), from compacted bytes in a reused buffer, and with the
// file's text taken as substrings of one string when the bytes need no unescaping. Any document build does not accept is parsed again by etree itself,
// whose error (and the position syntaxError finds) is reported, so the messages are etree's.
// BenchmarkParse compares the two.

// chunk is how many nodes an arena allocates at once. Chunks never move, so the pointers
// the tree holds stay valid while the arena grows.
const chunk = 256

// keepNodes is the most nodes of each kind an arena keeps between files; the chunks of a
// larger file are let go.
const keepNodes = 16 * chunk

// arena is one worker's reusable storage for a file: the bytes read, and the tree's nodes.
// A tree built in it is valid until the arena's next reset; nothing that outlives the file
// (samples, warnings) points into it: they hold strings.
type arena struct {
	buf     []byte // the file's bytes
	compact []byte // the bytes parsed (see compact)
	elems   [][]etree.Element
	chars   [][]etree.CharData
	ne      int // elements handed out
	nc      int // text nodes handed out

	from    map[string]*etree.Element // file.propFrom
	bigFrom bool                      // from grew large: dropped at reset

	interned map[string]any // see boxed

	transcoded bool                                       // the decoder recodes the text (a declared encoding)
	charset    func(string, io.Reader) (io.Reader, error) // the decoder's CharsetReader, made once
}

var arenas = sync.Pool{New: func() any { return new(arena) }}

// reset makes the arena's nodes free for the next file, letting go of what a large one grew.
func (a *arena) reset() {
	// Nothing kept may point at the file: its text (the text nodes hold pieces of it), nor
	// the nodes past what is kept (the kept elements' child lists would hold the whole tree).
	// An element keeps its emptied child and attribute slices for the next file, unless they
	// grew large.
	for i := range a.nc {
		a.chars[i/chunk][i%chunk].Data = ""
	}
	for i := range a.ne {
		e := &a.elems[i/chunk][i%chunk]
		clear(e.Child)
		if cap(e.Child) > 256 {
			e.Child = nil
		}
		if cap(e.Attr) > 64 {
			e.Attr = nil
		}
	}
	a.ne, a.nc = 0, 0
	if a.bigFrom {
		a.from, a.bigFrom = nil, false
	}
	if len(a.elems) > keepNodes/chunk {
		clear(a.elems[keepNodes/chunk:])
		a.elems = a.elems[:keepNodes/chunk]
	}
	if len(a.chars) > keepNodes/chunk {
		clear(a.chars[keepNodes/chunk:])
		a.chars = a.chars[:keepNodes/chunk]
	}
	if cap(a.buf) > MaxFileBytes/16 {
		a.buf = nil
	}
	if cap(a.compact) > MaxFileBytes/16 {
		a.compact = nil
	}
}

func (a *arena) element(space, tag string) *etree.Element {
	if a.ne == len(a.elems)*chunk {
		a.elems = append(a.elems, make([]etree.Element, chunk))
	}
	e := &a.elems[a.ne/chunk][a.ne%chunk]
	a.ne++
	child := e.Child[:0]
	clear(e.Child) // no pointers into the previous file's tree
	attr := e.Attr[:0]
	*e = etree.Element{Space: space, Tag: tag, Attr: attr, Child: child}
	return e
}

func (a *arena) charData(s string) *etree.CharData {
	if a.nc == len(a.chars)*chunk {
		a.chars = append(a.chars, make([]etree.CharData, chunk))
	}
	c := &a.chars[a.nc/chunk][a.nc%chunk]
	a.nc++
	*c = etree.CharData{Data: s}
	return c
}

// maxDepth is etree's default depth limit (ReadSettings.MaxDepth 0).
const maxDepth = 1024

// build parses data into a document in a, as etree.Document.ReadFromBytes(compact(data))
// would with this package's ReadSettings; ok is false when data is not a document etree
// accepts (the caller then asks etree for its error).
func build(a *arena, data []byte) (doc *etree.Document, ok bool) {
	a.compact = compactTo(a.compact[:0], data)
	data = a.compact
	doc = etree.NewDocument()
	d := xml.NewDecoder(bytes.NewReader(data)) // an io.ByteReader: no bufio copy
	// A declared encoding that is decoded puts the decoder's offsets in the decoded text,
	// not in data: such a file is left to etree.
	a.transcoded = false
	if a.charset == nil {
		a.charset = func(label string, in io.Reader) (io.Reader, error) {
			r, err := charsetReader(label, in)
			a.transcoded = a.transcoded || r != in
			return r, err
		}
	}
	d.CharsetReader = a.charset
	d.Strict = true
	// Substrings of one copy of the file, for text that is the file's bytes unchanged; a
	// large file's text is copied piece by piece, so a small value does not hold it all.
	var src string
	if len(data) <= 64<<10 {
		src = string(data)
	}
	stack := make([]*etree.Element, 1, 16)
	stack[0] = &doc.Element
	var attrSeen map[xml.Name]int
	prev := int64(0) // where the current token starts
	for {
		t, err := d.RawToken()
		end := d.InputOffset()
		start := prev
		prev = end
		if err == io.EOF {
			return doc, len(stack) == 1
		}
		if err != nil || a.transcoded {
			return nil, false
		}
		top := stack[len(stack)-1]
		switch t := t.(type) {
		case xml.StartElement:
			if len(stack) > maxDepth {
				return nil, false
			}
			e := a.element(t.Name.Space, t.Name.Local)
			if len(t.Attr) < 2 {
				for _, at := range t.Attr {
					e.Attr = append(e.Attr, etree.Attr{Space: at.Name.Space, Key: at.Name.Local, Value: at.Value})
				}
			} else {
				// A repeated attribute keeps its first place and its last value, as etree does.
				if attrSeen == nil {
					attrSeen = map[xml.Name]int{}
				}
				for _, at := range t.Attr {
					if i, dup := attrSeen[at.Name]; dup {
						e.Attr[i].Value = at.Value
						continue
					}
					attrSeen[at.Name] = len(e.Attr)
					e.Attr = append(e.Attr, etree.Attr{Space: at.Name.Space, Key: at.Name.Local, Value: at.Value})
				}
				clear(attrSeen)
			}
			top.AddChild(e)
			stack = append(stack, e)
		case xml.EndElement:
			if top.Tag != t.Name.Local || top.Space != t.Name.Space || len(stack) == 1 {
				return nil, false
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			var s string
			if src != "" && bytes.Equal(data[start:end], t) {
				s = src[start:end]
			} else {
				s = string(t)
			}
			top.AddChild(a.charData(s))
		case xml.Comment:
			top.CreateComment(string(t))
		case xml.Directive:
			top.CreateDirective(string(t))
		case xml.ProcInst:
			top.CreateProcInst(t.Target, string(t.Inst))
		}
	}
}

// Attribute values that come back file after file ("0", "1", "Unspecified", "Frontal") are
// boxed once per worker: a label property is then no new interface. The table is bounded,
// and emptied when full, so memory stays flat whatever the values.
const (
	internMax  = 32   // the longest value kept
	internSize = 1024 // the most values kept
)

// boxed returns s as a property value, the same interface each time for a short s.
func (a *arena) boxed(s string) any {
	if len(s) > internMax {
		return s
	}
	if v, ok := a.interned[s]; ok {
		return v
	}
	if a.interned == nil || len(a.interned) >= internSize {
		a.interned = make(map[string]any, 64)
	}
	s = strings.Clone(s) // not a piece of the file's text, which the table would then keep
	v := any(s)
	a.interned[s] = v
	return v
}
