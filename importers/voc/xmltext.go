package voc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/modelarts-convert/convert/importers/textenc"
)

// charsetReader decodes the encodings an XML prolog may declare besides UTF-8. GBK, GB2312
// and GB18030 are all read with the GB18030 decoder: it is their superset, and files labelled
// GB2312 often hold GBK characters.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "utf-16", "utf-16le", "utf-16be", "unicode":
		// prepare has decoded a UTF-16 file (it starts with a BOM) to UTF-8 already.
		return in, nil
	case "gbk", "gb2312", "gb18030", "cp936", "x-gbk", "windows-936", "euc-cn", "csgb2312", "gb_2312-80", "chinese":
		return transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder()), nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
		return transform.NewReader(in, charmap.ISO8859_1.NewDecoder()), nil
	case "windows-1252", "cp1252":
		return transform.NewReader(in, charmap.Windows1252.NewDecoder()), nil
	}
	return nil, fmt.Errorf("the XML declares encoding %q, which is not supported (UTF-8, GBK, GB2312, GB18030, ISO-8859-1 or windows-1252)", label)
}

// declaresEncoding reports whether data starts with an XML declaration naming an encoding.
func declaresEncoding(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return false
	}
	end := bytes.Index(data, []byte("?>"))
	return end > 0 && bytes.Contains(data[:end], []byte("encoding"))
}

// prepare returns the bytes to parse: UTF-16 (with a BOM) decoded to UTF-8; UTF-8 without its
// BOM; and a file that is not valid UTF-8 and declares no encoding (Chinese Windows tools
// write such files) decoded from GB18030, with recoded true. The charset detection is
// textenc.Detect's; the policy is XML's: a document is decoded as one, so a single line that
// is not UTF-8 makes the whole file GB18030 (where a line-based text importer would reject
// that line's record alone).
func prepare(data []byte) (out []byte, recoded bool) {
	// Valid UTF-8 (with or without its BOM) is read as it is: Detect would say so too (no
	// line that is not UTF-8), after a pass that classifies every line.
	if _, n := textenc.BOM(data); n == 0 || n == 3 {
		if utf8.Valid(data[n:]) {
			return data[n:], false
		}
	}
	det := textenc.Detect(data)
	switch det.Encoding {
	case textenc.UTF16LE, textenc.UTF16BE:
		// UTF-16 with a BOM, as some Windows tools write XML.
		dec, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err == nil {
			return dec, false
		}
	default:
		data = data[det.BOMLen:]
		if det.OtherLine == 0 || declaresEncoding(data) {
			return data, false
		}
	}
	dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return data, false
	}
	return dec, true
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	d.Strict = true
	return d
}

// etreeReader makes parse read every file with etree's own reader
// (etree.Document.ReadFromBytes) instead of build, which builds the same tree from
// encoding/xml's tokens in reused nodes (tree.go). BenchmarkVOC2012 and BenchmarkParse
// measure both; the tests can run with either (VOC_ETREE_READER=1, see export_test.go).
var etreeReader = false

// parse reads data into an etree document. On failure it returns the line and column of
// the problem, found by a second, strict pass of encoding/xml (etree's own errors do not
// always say where).
//
// The document is built in a (nil: a fresh arena) by build; a file build does not take is
// read by etree itself, for its document or its error.
func parse(a *arena, data []byte) (*etree.Document, int, int, error) {
	if a == nil {
		a = new(arena)
	}
	if !etreeReader {
		if doc, ok := build(a, data); ok {
			return doc, 0, 0, nil
		}
	}
	doc := etree.NewDocument()
	doc.ReadSettings.CharsetReader = charsetReader
	a.compact = compactTo(a.compact[:0], data)
	err := doc.ReadFromBytes(a.compact)
	if err == nil {
		return doc, 0, 0, nil
	}
	line, col, msg := syntaxError(data)
	if msg == "" {
		msg = strings.TrimPrefix(err.Error(), "etree: ")
	}
	if _, rest, ok := strings.Cut(msg, "opening charset "); ok {
		// "xml: opening charset "X": <charsetReader's reason>"
		if _, reason, ok := strings.Cut(rest, ": "); ok {
			return nil, line, col, &charsetError{reason}
		}
	}
	return nil, line, col, errors.New("malformed XML: " + strings.TrimPrefix(msg, "xml: "))
}

// charsetError is an encoding the XML declares but this importer cannot decode.
type charsetError struct{ reason string }

func (e *charsetError) Error() string { return e.reason }

// compact drops the whitespace between a '>' and the next '<' (the indentation of a
// pretty-printed file), which would otherwise become a text node per line and about half of
// the parsing work. Element order is unchanged, so positions are still looked up in the
// original bytes. '>', '<' and whitespace are single bytes that never occur inside a
// multi-byte character of UTF-8, GBK or GB18030. Files with CDATA sections are left alone.
func compact(data []byte) []byte { return compactTo(make([]byte, 0, len(data)), data) }

// compactTo appends the compacted data to out.
func compactTo(out, data []byte) []byte {
	if bytes.Contains(data, []byte("<![CDATA[")) {
		return append(out, data...)
	}
	for {
		i := bytes.IndexByte(data, '>')
		if i < 0 {
			return append(out, data...)
		}
		out = append(out, data[:i+1]...)
		data = data[i+1:]
		j := 0
		for j < len(data) && (data[j] == ' ' || data[j] == '\t' || data[j] == '\n' || data[j] == '\r') {
			j++
		}
		if j > 0 && j < len(data) && data[j] == '<' {
			data = data[j:]
		}
	}
}

// syntaxError finds where data stops being well-formed XML.
func syntaxError(data []byte) (line, col int, msg string) {
	d := newDecoder(data)
	for {
		line, col = d.InputPos() // where the token that fails starts
		_, err := d.Token()
		if err == nil {
			continue
		}
		if err == io.EOF {
			return line, col, ""
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return line, col, se.Msg
		}
		if strings.Contains(err.Error(), "opening charset") {
			return 1, 1, err.Error() // the declaration is at the start
		}
		return line, col, err.Error()
	}
}

// locate returns the line and column where each of elems starts in data (the bytes the
// document was parsed from). It is called only when a file is rejected.
func locate(data []byte, doc *etree.Document, elems []*etree.Element) map[*etree.Element][2]int {
	want := make(map[int]*etree.Element, len(elems)) // preorder index → element
	targets := make(map[*etree.Element]bool, len(elems))
	for _, e := range elems {
		if e != nil {
			targets[e] = true
		}
	}
	n := 0
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, t := range e.Child {
			ce, ok := t.(*etree.Element)
			if !ok {
				continue
			}
			if targets[ce] {
				want[n] = ce
			}
			n++
			walk(ce)
		}
	}
	walk(&doc.Element)
	out := make(map[*etree.Element][2]int, len(want))
	if len(want) == 0 {
		return out
	}
	d := newDecoder(data)
	i := 0
	for {
		line, col := d.InputPos()
		t, err := d.RawToken()
		if err != nil {
			return out
		}
		if _, ok := t.(xml.StartElement); !ok {
			continue
		}
		if e, ok := want[i]; ok {
			out[e] = [2]int{line, col}
			if len(out) == len(want) {
				return out
			}
		}
		i++
	}
}

// text is an element's own text, trimmed.
func text(e *etree.Element) string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.Text())
}

// tag is an element's name in lower case (VOC tags are lower case; a few tools capitalize).
func tag(e *etree.Element) string {
	t := e.Tag
	for i := 0; i < len(t); i++ {
		if c := t[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(t)
		}
	}
	return t
}

// child returns e's first child element with the given (lower-case) tag.
func child(e *etree.Element, name string) *etree.Element {
	for _, t := range e.Child {
		if ce, ok := t.(*etree.Element); ok && tag(ce) == name {
			return ce
		}
	}
	return nil
}

// hasElements reports whether e has child elements.
func hasElements(e *etree.Element) bool {
	for _, t := range e.Child {
		if _, ok := t.(*etree.Element); ok {
			return true
		}
	}
	return false
}
