package coco

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/bench/coco/cocogen"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
)

// transcriptWith converts doc (with results, when not nil) with the given walker and
// returns the whole output: samples, warnings, error. oneByte reads the input a byte at a
// time.
func transcriptWith(t testing.TB, walk func(*walker, io.Reader, string, bool) error, doc, results []byte, shape Shape, oneByte bool) string {
	t.Helper()
	defer func(v func(*walker, io.Reader, string, bool) error) { walkDoc = v }(walkDoc)
	walkDoc = walk
	var r importertest.Result
	opts := Options{Shape: shape, Images: obs(), SpillMemory: 4096, Warn: func(w importers.Warning) { r.Warnings = append(r.Warnings, w) }}
	if results != nil {
		opts.Results = &File{FS: fstest.MapFS{"r.json": {Data: results}}, Path: "r.json"}
	}
	var in io.Reader = bytes.NewReader(doc)
	if oneByte {
		in = iotest.OneByteReader(in)
	}
	for s, err := range ReadFrom(context.Background(), in, "in.json", opts) {
		if err != nil {
			r.Err = err
			continue
		}
		r.Samples = append(r.Samples, s)
	}
	return string(importertest.Transcript(r))
}

// differentialInputs are the testdata files, the layouts' files, a generated file, and
// their damaged copies: cut short, and with bytes replaced, inserted or deleted.
func differentialInputs(t *testing.T) map[string][]byte {
	inputs := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && strings.HasSuffix(path, ".json") && !strings.Contains(path, "golden") {
			inputs[path], err = os.ReadFile(path)
		}
		return err
	})
	require.NoError(t, err)
	var gen bytes.Buffer
	require.NoError(t, cocogen.Write(&gen, 40, 1))
	inputs["cocogen"] = gen.Bytes()
	for _, doc := range []string{
		"", "   ", "\uFEFF", "\uFEFF{\"images\":[]}", "{}", "[]", "x", "5", `"s"`, "null", "{", "[", `{"images"`, `{"images":`,
		`{"images":[]`, `{"images":[],`, `{"images":[],}`, `{"images":[] "annotations":[]}`, `{"images":{}}`, `{"images":5}`,
		`{"images":"x"}`, `{"images":[1,]}`, `{"images":[,1]}`, `{"images":[1 2]}`, `{"images":[}`, `{"images":[1}`,
		`{"images":[01]}`, `{"images":[truee5]}`, `{"images":[-]}`, `{"images":[1.]}`, `{"images":[1e]}`, `{"images":[1e+]}`,
		`{"images":[{"a" 1}]}`, `{"images":[{"a":1,}]}`, `{"images":[{1:2}]}`, `{"images":["\x"]}`, `{"images":["\u12G4"]}`,
		"{\"images\":[\"a\tb\"]}", "{\"images\":[\"\xff\"]}", `{"images":[]}{}`, `{"images":[]} x`, `{"images":[]} "a`,
		`{"info":{"a":[1,2,{"b":null}]},"images":[]}`, `{"info":{"a":[1,2,{"b":nul}]},"images":[]}`, `{"info":[1,2`, `{"info":x}`,
		`{"images":[],"images":[]}`, "{\"\xff\":1,\"\xfe\":2,\"images\":[]}", `{"a\u0041":1,"aA":2}`, `{"images" : [ ] , "categories" : [ ] }`,
		`{"images":[` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `]}`,
		`{"images":[` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `]}`,
	} {
		inputs["doc:"+doc] = []byte(doc)
	}
	rng := rand.New(rand.NewPCG(17, 17))
	const damaged = 12
	for name, data := range maps(inputs) {
		if len(data) < 2 || strings.HasPrefix(name, "doc:") {
			continue
		}
		for k := range damaged {
			b := bytes.Clone(data)
			p := rng.IntN(len(b))
			switch k % 4 {
			case 0:
				b = b[:p]
			case 1:
				b[p] = "{}[]\",:0-.e x\\\x00"[rng.IntN(15)]
			case 2:
				b = append(b[:p:p], append([]byte{"{}[]\",:0 "[rng.IntN(9)]}, data[p:]...)...)
			case 3:
				b = append(b[:p:p], data[p+1:]...)
			}
			inputs[name+":"+string(rune('a'+k))] = b
		}
	}
	return inputs
}

func maps(m map[string][]byte) map[string][]byte {
	c := make(map[string][]byte, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// The scanner-based walker gives the same output, warnings and errors (message and byte
// offset) as the json.Decoder-based walker it replaced, on good and damaged files, read
// whole or a byte at a time, with a window of a few bytes or of the usual size.
func TestWalkerDifferential(t *testing.T) {
	defer func(v int) { readChunk = v }(readChunk)
	inputs := differentialInputs(t)
	resultsInst, err := os.ReadFile("testdata/results_instances.json")
	require.NoError(t, err)
	n := 0
	for name, doc := range inputs {
		for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
			want := elementFaultOffset.ReplaceAllString(transcriptWith(t, walkRef, doc, nil, shape, false), "$1")
			for _, chunk := range []int{256 << 10, 16} {
				readChunk = chunk
				got := topOffsetAsBefore(transcriptWith(t, walkDoc, doc, nil, shape, false), doc)
				if !assert.Equal(t, want, got, "%s, %s, window %d", name, shape, chunk) {
					return
				}
				n++
			}
		}
		// As a results file (the instances supplying the images).
		if strings.Contains(name, "results") || strings.HasPrefix(name, "doc:") {
			want := elementFaultOffset.ReplaceAllString(transcriptWith(t, walkRef, resultsInst, doc, ShapeBBox, false), "$1")
			got := transcriptWith(t, walkDoc, resultsInst, doc, ShapeBBox, true)
			got = topOffsetAsBefore(got, doc)
			if !assert.Equal(t, want, got, "results %s", name) {
				return
			}
		}
	}
	readChunk = 8
	for _, name := range []string{"testdata/instances.json", "testdata/rejections.json", "cocogen"} {
		want := elementFaultOffset.ReplaceAllString(transcriptWith(t, walkRef, inputs[name], nil, ShapePolygon, false), "$1")
		assert.Equal(t, want, transcriptWith(t, walkDoc, inputs[name], nil, ShapePolygon, true), name)
	}
	t.Logf("%d inputs, %d comparisons", len(inputs), n)
}

// topOffsetAsBefore undoes the one place where the new walker's positions differ: a file that
// is not an object (or, for results, an array) after leading spaces or a BOM was said to
// be so at byte 0 (the Decoder-based walker counted no bytes before its first token); it
// is now said at the first byte that is not a space.
//
// Nor are the offsets of faults inside an element compared: the Decoder-based walker said
// the bad byte's offset or, by chance, the element's start (TestElementFaultOffsets checks
// the new ones).
func topOffsetAsBefore(got string, doc []byte) string {
	got = elementFaultOffset.ReplaceAllString(got, "$1")
	k := len(doc) - len(bytes.TrimLeft(bytes.TrimPrefix(doc, []byte("\uFEFF")), " \t\r\n"))
	if k == 0 {
		return got
	}
	for _, what := range []string{"the top level of a COCO annotation file: the top level of a COCO annotation file must be", "results: results must be"} {
		got = strings.Replace(got, fmt.Sprintf("byte %d: %s", k, what), what, 1)
	}
	return got
}

// elementFaultOffset matches the position of a syntax error inside a value, which the
// Decoder-based walker said at the bad byte or, by chance, at the value's start (the new
// walker says the bad byte: TestFaultOffsets), and of a member that is not an array (the
// Decoder-based walker said the byte after the key, the new one the value).
var elementFaultOffset = regexp.MustCompile(`byte \d+: ((?:[^\n]*?: )?malformed JSON: (?:invalid character|exceeded)|(?:images|categories|annotations): \w+ must be an array)`)

// Faults inside a value are said at the bad byte (or at the end of the file).
func TestFaultOffsets(t *testing.T) {
	for _, tt := range []struct {
		doc string
		off int64
		msg string
	}{
		{`{"images":[1e]}`, 13, "invalid character ']' in exponent of numeric literal"},
		{`{"images":[-]}`, 12, "invalid character ']' in numeric literal"},
		{`{"images":[{"a":"\x"}]}`, 18, "invalid character 'x' in string escape code"},
		{"{\"images\":[{}, \"a\tb\"]}", 17, "invalid character '\\t' in string literal"},
		{`{"images":[{"a":[1,2`, 20, "unexpected end of file"},
		{`{"":t00}`, 5, "invalid character '0' in literal true (expecting 'r')"},
		{"{\"000\": \"\n\"}", 9, `invalid character '\n' in string literal`},
		{"{\"\":{\"\":\"\"},\"0\n\":1}", 14, `invalid character '\n' in string literal`},
	} {
		r := readDoc(t, tt.doc, Options{Images: obs()})
		var ie *importers.Error
		require.ErrorAs(t, r.err, &ie, tt.doc)
		assert.Equal(t, tt.off, ie.Pos.Offset, "%s: %v", tt.doc, r.err)
		assert.Contains(t, r.err.Error(), tt.msg, tt.doc)
	}
}

// FuzzWalkerDifferential compares the two walkers on arbitrary files.
func FuzzWalkerDifferential(f *testing.F) {
	for _, name := range []string{"instances.json", "rejections.json", "keypoints.json", "results.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	f.Add([]byte(`{"images":[1 2]}`), true)
	f.Fuzz(func(t *testing.T, doc []byte, small bool) {
		defer func(v int) { readChunk = v }(readChunk)
		if small {
			readChunk = 8
		}
		want := elementFaultOffset.ReplaceAllString(transcriptWith(t, walkRef, doc, nil, ShapePolygon, false), "$1")
		if got := topOffsetAsBefore(transcriptWith(t, walkDoc, doc, nil, ShapePolygon, false), doc); got != want {
			t.Fatalf("walkers differ on %q:\nDecoder: %s\nscanner: %s", doc, want, got)
		}
	})
}
