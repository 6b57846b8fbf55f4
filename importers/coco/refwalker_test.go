package coco

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/modelarts-convert/convert/importers"
)

// The walker the scanner-based one (walk.go) replaced, kept as the reference of
// TestWalkerDifferential: a json.Decoder walks the document (Token and More for the
// structure, Decode for each array element), with a fast path (Decode(nil) plus the window)
// and a slow one (Decode into a sink). One rule differs: an element past maxElement bytes
// ends the file here (the Decoder cannot pass over a value it failed to decode), while the
// walker passes over it and rejects it alone (TestElementTooLarge); no differential input
// comes near maxElement.

type refWalker struct {
	*walker
	j    *jsonReader
	sink sink
	slow bool
}

// walkRef is walkDoc with the reference walker.
func walkRef(w *walker, r io.Reader, name string, results bool) error {
	rw := &refWalker{walker: w, j: newJSONReader(r, name), slow: !decodeNilWorks}
	rw.sink.w = rw
	if results {
		return rw.walkResults()
	}
	return rw.walkInstances()
}

// skipValue passes over a value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// sink is what the walker decodes each element into: it appends the element's bytes to the
// current chunk.
type sink struct{ w *refWalker }

func (s *sink) UnmarshalJSON(b []byte) error {
	s.w.cur.buf = append(s.w.cur.buf, b...)
	return nil
}

// decodeNilWorks says whether this Go's json.Decoder consumes a value before it returns
// InvalidUnmarshalError for a nil pointer, as the walker's fast path needs; if not, elements
// are read with Decode(&sink), which scans each twice.
var decodeNilWorks = checkDecodeNil()

func checkDecodeNil() bool {
	doc := `[ {"a": [1, 2]}, "x" ]`
	j := newJSONReader(strings.NewReader(doc), "")
	if _, err := j.dec.Token(); err != nil || !j.dec.More() {
		return false
	}
	start := j.next(false)
	var iu *json.InvalidUnmarshalError
	if err := j.dec.Decode(noValue); !errors.As(err, &iu) {
		return false
	}
	if string(j.tee.slice(start, j.dec.InputOffset())) != `{"a": [1, 2]}` || !j.dec.More() {
		return false
	}
	var x string
	return j.next(true) == int64(strings.Index(doc, `"x"`)) && j.dec.Decode(&x) == nil && x == "x"
}

// array hands over every element of the array that comes next.
func (w *refWalker) array(key string, kind byte) error {
	j := w.j
	if err := j.delim('[', key); err != nil {
		return err
	}
	for i := 0; j.dec.More(); i++ {
		off := j.next(i > 0)
		if i%checkEvery == 0 {
			if err := importers.Check(w.ctx, j.pos(off, fmt.Sprintf("%s[%d]", key, i))); err != nil {
				return err
			}
		}
		j.tee.discard(off)
		j.tee.element = off
		skip := kind == kindAnnotation && w.results // the results file supplies the labels
		c := w.chunk()
		start := len(c.buf)
		if !w.slow {
			// Decode(nil) reads and checks the value (one scan), then fails with an
			// InvalidUnmarshalError instead of unmarshalling it (which would scan it again):
			// the value's bytes are taken from the window.
			err := j.dec.Decode(noValue)
			if _, ok := err.(*json.InvalidUnmarshalError); err != nil && !ok {
				return j.fatal(err, fmt.Sprintf("%s[%d]", key, i))
			}
			raw := j.tee.slice(off, j.dec.InputOffset())
			if err == nil || len(raw) == 0 {
				// checkDecodeNil vouched for this: it cannot happen.
				return &importers.Error{Pos: j.pos(off, fmt.Sprintf("%s[%d]", key, i)), Err: errors.New("the JSON decoder did not return the element")}
			}
			if !skip {
				c.buf = append(c.buf, raw...)
			}
		} else {
			var v any = &w.sink
			if skip {
				v = &skipValue{}
			}
			if err := j.dec.Decode(v); err != nil {
				return j.fatal(err, fmt.Sprintf("%s[%d]", key, i))
			}
		}
		j.tee.element = -1
		if skip {
			continue
		}
		c.elems = append(c.elems, element{kind: kind, index: i, off: off, start: start, end: len(c.buf)})
		if len(c.elems) >= chunkElements || len(c.buf) >= chunkBytes {
			if !w.send() {
				return errStopped
			}
		}
	}
	if _, err := j.dec.Token(); err != nil {
		return j.fatal(err, key)
	}
	return nil
}

// walkInstances walks an annotation file: images, categories and annotations, in whatever
// order the keys come; other keys are passed over.
func (w *refWalker) walkInstances() error {
	j := w.j
	if err := j.delim('{', "the top level of a COCO annotation file"); err != nil {
		var ie *importers.Error
		if errors.As(err, &ie) && strings.HasSuffix(ie.Err.Error(), "not an array") {
			ie.Err = fmt.Errorf("%w; a bare array is a detection results file: give it as option Results, and the annotation file (with the images and categories) as the input", ie.Err)
		}
		return err
	}
	sawImages := false
	seen := map[string]bool{}
	for j.dec.More() {
		off := j.next(true)
		tok, err := j.dec.Token()
		if err != nil {
			return j.fatal(err, "")
		}
		key, _ := tok.(string)
		if seen[key] {
			// encoding/json would keep the last one; which one the file means is unknown.
			return &importers.Error{Pos: j.pos(off, ""), Err: fmt.Errorf("the top-level object has the key %q twice", key)}
		}
		seen[key] = true
		switch key {
		case "images":
			sawImages = true
			err = w.array(key, kindImage)
		case "categories":
			err = w.array(key, kindCategory)
		case "annotations":
			err = w.array(key, kindAnnotation)
		default:
			err = j.skip(key)
		}
		if err != nil {
			return err
		}
	}
	if _, err := j.dec.Token(); err != nil {
		return j.fatal(err, "")
	}
	if err := w.end("top-level object"); err != nil {
		return err
	}
	if !sawImages {
		return &importers.Error{Pos: importers.Position{File: j.file}, Err: errors.New(`not a COCO annotation file: it has no "images" array`)}
	}
	return nil
}

// walkResults walks a results file: a bare array of results.
func (w *refWalker) walkResults() error {
	if err := w.array("results", kindResult); err != nil {
		var ie *importers.Error
		if errors.As(err, &ie) && strings.HasSuffix(ie.Err.Error(), "not an object") {
			ie.Err = fmt.Errorf("%w (an annotation file? give that as the input, and the results as option Results)", ie.Err)
		}
		return err
	}
	return w.end("results array")
}

// end checks that nothing but spaces follows the document.
func (w *refWalker) end(what string) error {
	j := w.j
	off := j.next(false)
	tok, err := j.dec.Token()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return j.fatal(err, "")
	}
	return &importers.Error{Pos: j.pos(off, ""), Err: fmt.Errorf("malformed JSON: %s after the end of the %s", describeToken(tok), what)}
}
