package voc

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// The fast path of build. encoding/xml's tokenizer, which build (and etree) read through,
// allocates a boxed token and a name string per start and end tag and reads the file byte by
// byte through an interface; it was about half of a VOC file's CPU. scan reads the plain XML
// that VOC files are, in one pass over the file's bytes (compacting as it goes), into the
// same etree tree build
// makes (the same elements, attributes, text, comments and processing instructions, in the
// same order), with names and text taken as substrings of the file's one string. Whatever it
// does not handle itself, it refuses (ok false) and build reads the file through encoding/xml
// as before: entity and character references, CDATA, DOCTYPE and other directives, carriage
// returns (which encoding/xml turns into line feeds), names with a colon or with non-ASCII
// characters other than CJK ideographs, an XML declaration naming an encoding other than UTF-8, and every kind of
// malformed input. So a file scan takes gives exactly build's tree, and every other file is
// read (and its error reported) as before: TestScanMatchesBuild and FuzzScan check it over
// every XML file of the tests and arbitrary bytes.

// maxScanAttrs is the most attributes scan handles on one element (a repeated one is looked
// for among the earlier ones); an element with more is left to build.
const maxScanAttrs = 32

// scan parses data (src is string(data)) into a document in a, the document build makes of
// compact(data), or returns ok false (with a's nodes as they were) when data is not in the
// subset it reads. It leaves out the white space compact drops as it goes, and refuses a
// comment or processing instruction holding '<' or '>' (whose content compact may change,
// or whose "<![CDATA[" would make compact leave the whole file as it is).
func scan(a *arena, data []byte, src string) (doc *etree.Document, ok bool) {
	ne, nc := a.ne, a.nc
	defer func() {
		if !ok {
			a.rollback(ne, nc)
		}
	}()
	// The arena's document, as etree.NewDocument makes one.
	child := a.doc.Child[:0]
	clear(a.doc.Child)
	a.doc = etree.Document{Element: etree.Element{Child: child}}
	doc = &a.doc
	stack := make([]*etree.Element, 1, 16)
	stack[0] = &doc.Element
	i, n := 0, len(data)
	for i < n {
		top := stack[len(stack)-1]
		if data[i] != '<' {
			// Text, up to the next '<' or the end. White space after a '>' and before a '<'
			// (the indentation) is left out, as compact leaves it out.
			j := i + bytes.IndexByte(data[i:], '<')
			if j < i {
				j = n
			}
			k := j
			if j < n {
				for k > i && isSpace(data[k-1]) {
					k--
				}
				if k == j || k == 0 || data[k-1] != '>' {
					k = j
				}
			}
			if k > i {
				if !plainText(data[i:k]) {
					return nil, false
				}
				top.AddChild(a.charData(src[i:k]))
			}
			i = j
			continue
		}
		i++
		if i >= n {
			return nil, false
		}
		switch data[i] {
		case '/':
			j := nameEnd(data, i+1)
			if j < 0 || j >= n {
				return nil, false
			}
			name := src[i+1 : j]
			j = skipSpace(data, j)
			if j >= n || data[j] != '>' {
				return nil, false
			}
			if len(stack) == 1 || top.Tag != name || top.Space != "" {
				return nil, false
			}
			stack = stack[:len(stack)-1]
			i = j + 1
		case '?':
			j := nameEnd(data, i+1)
			if j < 0 || j >= n {
				return nil, false
			}
			target := src[i+1 : j]
			j = skipSpace(data, j)
			k := bytes.Index(data[j:], []byte("?>"))
			if k < 0 {
				return nil, false
			}
			inst := src[j : j+k]
			if strings.ContainsAny(inst, "<>") || target == "xml" && !plainDeclaration(inst) {
				return nil, false
			}
			top.CreateProcInst(target, inst)
			i = j + k + 2
		case '!':
			if !bytes.HasPrefix(data[i:], []byte("!--")) {
				return nil, false // CDATA, a directive: build's
			}
			j := i + 3
			k := bytes.Index(data[j:], []byte("--"))
			if k < 0 || j+k+2 >= n || data[j+k+2] != '>' {
				return nil, false
			}
			if bytes.ContainsAny(data[j:j+k], "<>") {
				return nil, false // compact may have changed it
			}
			top.CreateComment(src[j : j+k])
			i = j + k + 3
		default:
			j := nameEnd(data, i)
			if j < 0 {
				return nil, false
			}
			if len(stack) > maxDepth {
				return nil, false
			}
			e := a.element("", src[i:j])
			empty := false
			for {
				j = skipSpace(data, j)
				if j >= n {
					return nil, false
				}
				if data[j] == '>' {
					j++
					break
				}
				if data[j] == '/' {
					if j+1 >= n || data[j+1] != '>' {
						return nil, false
					}
					empty = true
					j += 2
					break
				}
				k := nameEnd(data, j)
				if k < 0 {
					return nil, false
				}
				key := src[j:k]
				k = skipSpace(data, k)
				if k >= n || data[k] != '=' {
					return nil, false
				}
				k = skipSpace(data, k+1)
				if k >= n || (data[k] != '"' && data[k] != '\'') {
					return nil, false
				}
				q := data[k]
				end := bytes.IndexByte(data[k+1:], q)
				if end < 0 {
					return nil, false
				}
				end += k + 1
				v := data[k+1 : end]
				if bytes.IndexByte(v, '<') >= 0 || !plainText(v) {
					return nil, false
				}
				if !setAttr(e, key, src[k+1:end]) {
					return nil, false
				}
				j = end + 1
			}
			top.AddChild(e)
			if !empty {
				stack = append(stack, e)
			}
			i = j
		}
	}
	return doc, len(stack) == 1
}

// setAttr adds an attribute as build does: a repeated one keeps its first place and its last
// value. It returns false for an element with more attributes than scan handles.
func setAttr(e *etree.Element, key, value string) bool {
	for i := range e.Attr {
		if e.Attr[i].Key == key {
			e.Attr[i].Value = value
			return true
		}
	}
	if len(e.Attr) >= maxScanAttrs {
		return false
	}
	e.Attr = append(e.Attr, etree.Attr{Key: key, Value: value})
	return true
}

// rollback lets go of the nodes handed out since ne and nc were the counts, so that build
// starts again from there with nothing of a refused attempt left in them.
func (a *arena) rollback(ne, nc int) {
	for i := nc; i < a.nc; i++ {
		a.chars[i/chunk][i%chunk].Data = ""
	}
	for i := ne; i < a.ne; i++ {
		e := &a.elems[i/chunk][i%chunk]
		clear(e.Child)
		e.Child = e.Child[:0]
		clear(e.Attr)
		e.Attr = e.Attr[:0]
	}
	a.ne, a.nc = ne, nc
}

// nameEnd returns where the XML name starting at data[i] ends, or -1 when there is none that
// scan handles: an ASCII letter, '_' or a CJK ideograph, then those, digits, '.' or '-' (no
// ':', which makes a namespace prefix, and no other character beyond ASCII, which encoding/xml
// checks against its tables). A name that runs to the end of data is refused too.
func nameEnd(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	if c := data[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= utf8.RuneSelf) {
		return -1
	}
	for j := i; j < len(data); {
		c := data[j]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '.', c == '-':
			j++
		case c >= utf8.RuneSelf:
			// CJK ideographs, which ModelArts' property names are often written in: XML 1.0's
			// letters U+4E00..U+9FA5, first or later in a name (encoding/xml's tables).
			r, size := utf8.DecodeRune(data[j:])
			if r < 0x4E00 || r > 0x9FA5 {
				return -1
			}
			j += size
		case c == ':':
			return -1
		default:
			if j == i {
				return -1
			}
			return j
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace returns the index of the first byte at or after i that is not XML white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// plainText reports whether s is text that encoding/xml returns unchanged: valid UTF-8 of
// characters XML allows, with no reference ('&'), no carriage return (read as a line feed)
// and no "]]>" (an error outside CDATA).
func plainText(s []byte) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' || c == '&' {
				return false
			}
			if c == '>' && i >= 2 && s[i-1] == ']' && s[i-2] == ']' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 || !inCharRange(r) {
			return false
		}
		i += size
	}
	return true
}

// inCharRange is encoding/xml's isInCharacterRange, for runes beyond ASCII.
func inCharRange(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// plainDeclaration reports whether an XML declaration's content is one encoding/xml reads
// without switching the decoding: version 1.0 or none, and encoding UTF-8 or none.
func plainDeclaration(inst string) bool {
	if v := declParam("version", inst); v != "" && v != "1.0" {
		return false
	}
	enc := declParam("encoding", inst)
	return enc == "" || strings.EqualFold(enc, "utf-8")
}

// declParam is encoding/xml's procInst: the value of param="..." in a declaration.
func declParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
