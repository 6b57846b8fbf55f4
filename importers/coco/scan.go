package coco

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// checkEvery is how many array elements are read between two looks at the context.
const checkEvery = 1024

// Where a spilled record came from.
const (
	fromAnnotations = 0
	fromResults     = 1
)

// imageState is all that is kept of an images[] entry.
type imageState struct {
	id     int64
	rel    string // file_name, confined to the images folder
	w, h   int32
	off    int64  // byte offset of the entry
	bad    string // why the image is rejected; "" when it is fine
	hasID  bool
	dupeOf int32 // for a repeated id, the index of the first image with it
}

// category is a categories[] entry.
type category struct {
	name      string
	keypoints []string
	rejected  string // why the category's annotations are rejected ("" for a good one)
}

// chain links one image_id's records: the last one and how many there are (each record's
// predecessor is in converter.links), and a lower bound of the size of their labels. Once
// that passes the per-sample limit the image's sample is certainly refused: its later records
// are only counted (over), never stored, so that no image holds more than a sample's worth.
type chain struct {
	last   int32
	n      int32 // records of the image_id
	stored int32 // of them, stored and linked
	group  int32 // 1 + the run of images of the image_id, once looked up for the store; 0 before
	size   int64
	over   bool
}

type converter struct {
	name string
	opts Options
	warn importers.WarnFunc

	images   []imageState
	imageIdx map[int64]int32
	cats     map[int64]*category

	store *spill
	links []recLink // record i's place in the store and its image_id's record before it
	// Offsets past 4 GiB: record baseFrom[k] on counts its offset from baseOff[k] (none for
	// a store under 4 GiB, the usual case).
	baseFrom []int32
	baseOff  []int64
	chains   map[int64]*chain

	results     int // results read
	filtered    int // results below MinScore
	resultsName string

	boxOnly      int                // -shape polygon: annotations converted from their bbox
	boxOnlyFirst importers.Position // the first of them

	names map[string]int32 // cleaned file_name → images[] index

	rec []byte // the record being chained

	// reused while emitting
	recs   []record
	slab   slab
	groups []group

	// the records of the run being built (see prefetch), and those of them in the store's
	// file, read at once
	runIdx []int32
	runEnd []int32
	runCur []int32 // runChains' scratch
	runAt  []int32
	pre    []fileRecord
	preAt  int // the next one to take
	preBuf []byte
}

func newConverter(name string, opts Options) *converter {
	mem := opts.SpillMemory
	if mem == 0 {
		mem = DefaultSpillMemory
	}
	return &converter{
		name:     name,
		opts:     opts,
		warn:     opts.Warn,
		imageIdx: map[int64]int32{},
		cats:     map[int64]*category{},
		chains:   map[int64]*chain{},
		names:    map[string]int32{},
		store:    &spill{limit: mem, dir: opts.TempDir},
	}
}

func (c *converter) close() { c.store.close() }

// dropReadBuffers lets go of the buffers reused while reading, which one large element may
// have grown, and of the indexes only reading uses (images by id and by file name), before
// the samples are built (the parse workers' own went with them).
func (c *converter) dropReadBuffers() {
	c.rec = nil
	c.imageIdx, c.names = nil, nil
}

// jsonReader walks one JSON document with a Decoder and turns its errors into fatal
// importers.Errors with byte offsets.
type jsonReader struct {
	dec  *json.Decoder
	tee  *window
	file string
	base int64 // the file's offset of the Decoder's offset 0
}

func newJSONReader(r io.Reader, file string) *jsonReader {
	br := bufio.NewReaderSize(r, 256<<10)
	tee := &window{r: br, element: -1}
	if head, _ := br.Peek(3); string(head) == "\uFEFF" {
		// A UTF-8 byte order mark, which some Windows tools write: it is read as three
		// spaces, so that every byte offset stays the file's own.
		br.Discard(3)
		tee.r = io.MultiReader(strings.NewReader("   "), br)
	}
	dec := json.NewDecoder(tee)
	dec.UseNumber()
	return &jsonReader{dec: dec, tee: tee, file: file}
}

// window keeps the bytes the Decoder has read, from the start of the element being read on,
// so that an element's bytes can be had by their offsets (InputOffset before and after
// Decode) without a second scan.
type window struct {
	r    io.Reader
	buf  []byte
	base int64 // offset of buf[0] in the document

	// element is the offset of the array element being decoded, -1 between elements. The
	// Decoder holds an element whole, and so does the window: past maxElement bytes the
	// reading stops (a fatal error). Only the Decoder-based walker of the tests
	// (refwalker_test.go) sets it; the walker (walk.go) passes over such an element instead
	// and rejects it alone.
	element int64
}

// maxElement bounds the bytes of one array element of a COCO file that are held. Real
// elements are kilobytes; 32 MiB holds a polygon of several million coordinates, more than
// one sample may hold, even pretty-printed. A larger element is passed over without being
// held and rejected (docReader.skipElement). A variable so that tests can lower it.
var maxElement int64 = 32 << 20

// elementTooLargeError is returned by the window's Read, and so by the Decoder, for an
// element past maxElement bytes (the Decoder-based walker's rule: the file is refused).
type elementTooLargeError struct{ Limit int64 }

func (e *elementTooLargeError) Error() string {
	return fmt.Sprintf("the element is larger than %d MiB, more than any sample may hold; the file is not converted", e.Limit>>20)
}

func (w *window) Read(p []byte) (int, error) {
	if w.element >= 0 {
		left := maxElement - (w.base + int64(len(w.buf)) - w.element)
		if left < 0 {
			return 0, &elementTooLargeError{Limit: maxElement}
		}
		if int64(len(p)) > left+1 {
			p = p[:left+1]
		}
	}
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	return n, err
}

// slice returns the document's bytes start..end, or nil when they are not held.
func (w *window) slice(start, end int64) []byte {
	if start < w.base || end > w.base+int64(len(w.buf)) || start > end {
		return nil
	}
	return w.buf[start-w.base : end-w.base]
}

// discard lets go of the bytes before off.
func (w *window) discard(off int64) {
	k := int(off - w.base)
	if k <= 0 || k > len(w.buf) {
		return
	}
	if k < len(w.buf)/2 && k < 1<<20 {
		return // slide later, in bigger steps
	}
	if cap(w.buf) > 16<<20 && len(w.buf)-k < 4<<20 {
		// Grown by one large element: let go of it.
		w.buf = append(make([]byte, 0, 1<<20), w.buf[k:]...)
		w.base = off
		return
	}
	n := copy(w.buf, w.buf[k:])
	w.buf = w.buf[:n]
	w.base = off
}

func (j *jsonReader) pos(off int64, element string) importers.Position {
	return importers.Position{File: j.file, Offset: j.base + off, Element: element}
}

// fatal turns a decoding error into an *importers.Error with the byte offset where the
// document went wrong.
func (j *jsonReader) fatal(err error, element string) error {
	start := j.dec.InputOffset()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// An error between tokens has the exact offset of the bad byte. An error inside a
		// value counts only the bytes the Decoder scanned as values, so find the bad byte by
		// scanning what is buffered from the start of the failing value.
		off := start
		if se.Offset != start {
			buffered, _ := io.ReadAll(j.dec.Buffered())
			var raw json.RawMessage
			if e2 := json.Unmarshal(buffered, &raw); e2 != nil {
				var se2 *json.SyntaxError
				if errors.As(e2, &se2) && se2.Offset > 0 && se2.Offset <= int64(len(buffered)) {
					off = start + se2.Offset - 1
				}
			}
		}
		return &importers.Error{Pos: j.pos(off, element), Err: fmt.Errorf("malformed JSON: %s", se.Error())}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		buffered, _ := io.ReadAll(j.dec.Buffered())
		return &importers.Error{Pos: j.pos(start+int64(len(buffered)), element), Err: errors.New("malformed JSON: unexpected end of file")}
	}
	return &importers.Error{Pos: j.pos(start, element), Err: err}
}

// next returns the offset of the next value: past the spaces (and, with comma, the comma that
// More stopped at) that the Decoder has not consumed yet.
func (j *jsonReader) next(comma bool) int64 {
	off := j.dec.InputOffset()
	for _, c := range j.tee.slice(off, j.tee.base+int64(len(j.tee.buf))) {
		switch c {
		case ' ', '\t', '\n', '\r':
		case ',':
			if !comma {
				return off
			}
			comma = false
		default:
			return off
		}
		off++
	}
	return off
}

// delim reads the next token and checks that it is the delimiter want.
func (j *jsonReader) delim(want json.Delim, what string) error {
	off := j.next(false)
	tok, err := j.dec.Token()
	if err != nil {
		return j.fatal(err, what)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return &importers.Error{Pos: j.pos(off, what), Err: fmt.Errorf("%s must be %s, not %s", what, describeDelim(want), describeToken(tok))}
	}
	return nil
}

func describeDelim(d json.Delim) string {
	if d == '[' {
		return "an array"
	}
	return "an object"
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		if v == '{' {
			return "an object"
		}
		return strconv.Quote(v.String())
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}

// skip reads one value, whatever it is, holding at most one scalar at a time.
func (j *jsonReader) skip(what string) error {
	depth := 0
	for {
		j.tee.discard(j.dec.InputOffset())
		tok, err := j.dec.Token()
		if err != nil {
			return j.fatal(err, what)
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// Kinds of array elements the walker hands over.
const (
	kindImage = iota
	kindCategory
	kindAnnotation
	kindResult
)

// element is one array element in a chunk: buf[start:end] is its JSON, or, for an element
// of more than maxElement bytes (tooLarge), nothing: it was passed over, and is rejected.
type element struct {
	kind       byte
	tooLarge   bool
	index      int
	off        int64
	start, end int
}

// chunk is a batch of elements passed from the walker to the converter; err, when set, ends
// the document.
type chunk struct {
	buf   []byte
	elems []element
	err   error
}

// Chunk limits: a chunk is handed over when it holds this many elements or bytes.
const (
	chunkElements = 512
	chunkBytes    = 256 << 10
)

// walker runs on its own goroutine: it walks the document (walk.go) and hands the
// elements' bytes to the converter in chunks, so that scanning and converting use two cores.
type walker struct {
	ctx     context.Context
	d       *docReader
	out     chan *chunk
	free    chan *chunk
	done    <-chan struct{}
	cur     *chunk
	results bool   // the instances' annotations are not needed
	stack   []byte // the scanner's
}

func newWalker(ctx context.Context, r io.Reader, name string, done <-chan struct{}) *walker {
	return &walker{ctx: ctx, d: newDocReader(r, name), out: make(chan *chunk, 2), free: make(chan *chunk, 8), done: done}
}

// send hands the current chunk over; it reports false when the converter has stopped.
func (w *walker) send() bool {
	if w.cur == nil {
		return true
	}
	select {
	case w.out <- w.cur:
		w.cur = nil
		return true
	case <-w.done:
		return false
	}
}

func (w *walker) chunk() *chunk {
	if w.cur == nil {
		select {
		case w.cur = <-w.free:
			w.cur.buf, w.cur.elems, w.cur.err = w.cur.buf[:0], w.cur.elems[:0], nil
		default:
			w.cur = &chunk{buf: make([]byte, 0, chunkBytes+chunkBytes/4)}
		}
	}
	return w.cur
}

var errStopped = errors.New("stopped")

// walkDoc walks one document; a variable so that tests can put the Decoder-based walker
// it replaced in its place.
var walkDoc = func(w *walker, r io.Reader, name string, results bool) error {
	if results {
		return w.walkResults()
	}
	return w.walkInstances()
}

// parsed is a chunk whose annotations a parse worker has reduced to records: results[k] is
// what its k-th element gave (annotations and results only), recs the records one after
// the other. ready receives when the worker is done with it.
type parsed struct {
	ch      *chunk
	recs    []byte
	results []annResult
	images  []imageFields // the chunk's images[] entries, in order
	ready   chan struct{}
}

// parseChunk parses the chunk's annotations, results and images.
func (p *annParser) parseChunk(pc *parsed, file string) {
	pc.recs, pc.results = pc.recs[:0], pc.results[:0]
	clear(pc.images) // let go of the last chunk's file names
	pc.images = pc.images[:0]
	for _, e := range pc.ch.elems {
		var r annResult
		if !e.tooLarge && e.kind == kindImage {
			pc.images = append(pc.images, imageFields{})
			prepareImage(pc.ch.buf[e.start:e.end], e.off, &pc.images[len(pc.images)-1])
		}
		if !e.tooLarge && (e.kind == kindAnnotation || e.kind == kindResult) {
			from := byte(fromAnnotations)
			if e.kind == kindResult {
				from = fromResults
			}
			pc.recs, r = p.parse(pc.recs, file, from, pc.ch.buf[e.start:e.end], e.index, e.off)
		}
		r.end = len(pc.recs)
		pc.results = append(pc.results, r)
	}
}

// parseWorkers is how many goroutines parse annotations while the document is read.
func parseWorkers() int { return max(1, min(runtime.GOMAXPROCS(0), 4)) }

// read walks one document on a second goroutine, parses its annotations and images on
// parse workers (whole chunks at a time, any number in parallel) and, on this goroutine,
// takes the chunks in document order: it checks each image against the ones before it,
// reads the categories, and chains the records and reports the rejections of the
// annotations, so that the store, the warnings and their order are those of a reading on
// one goroutine.
func (c *converter) read(ctx context.Context, r io.Reader, name string, results bool) error {
	done := make(chan struct{})
	w := newWalker(ctx, r, name, done)
	w.results = c.opts.Results != nil
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(w.out)
		err := walkDoc(w, r, name, results)
		if err == errStopped {
			return
		}
		if err != nil {
			w.chunk().err = err
		}
		w.send()
	}()

	workers := parseWorkers()
	jobs := make(chan *parsed, workers)
	order := make(chan *parsed, workers+2)
	free := make(chan *parsed, 2*workers+4)
	var wg sync.WaitGroup
	wg.Go(func() { // hands the chunks to the workers, and to this goroutine in order
		defer close(order)
		defer close(jobs)
		for ch := range w.out {
			var pc *parsed
			select {
			case pc = <-free:
			default:
				pc = &parsed{ready: make(chan struct{}, 1)}
			}
			pc.ch = ch
			select {
			case order <- pc:
			case <-done:
				return
			}
			select {
			case jobs <- pc:
			case <-done:
				return
			}
		}
	})
	for range workers {
		wg.Go(func() {
			p := &annParser{opts: &c.opts}
			for pc := range jobs {
				p.parseChunk(pc, name)
				pc.ready <- struct{}{}
			}
		})
	}
	defer func() {
		close(done)
		wg.Wait()
		<-finished
	}()
	for pc := range order {
		<-pc.ready
		ch := pc.ch
		from, image := 0, 0
		for k, e := range ch.elems {
			res := &pc.results[k]
			rec := pc.recs[from:res.end]
			from = res.end
			var err error
			if e.tooLarge {
				c.rejectTooLarge(name, e)
				continue
			}
			switch e.kind {
			case kindImage:
				c.addImage(&pc.images[image], e.index, e.off)
				image++
			case kindCategory:
				c.readCategory(name, ch.buf[e.start:e.end], e.index, e.off)
			case kindAnnotation:
				err = c.commit(name, res, rec, e.off)
			case kindResult:
				c.results++
				err = c.commit(name, res, rec, e.off)
			}
			if err != nil {
				return err
			}
		}
		if ch.err != nil {
			return ch.err
		}
		pc.ch = nil
		if cap(pc.recs) <= 4*chunkBytes {
			select {
			case free <- pc:
			default:
			}
		}
		if cap(ch.buf) > 4*chunkBytes {
			continue // grown by one large element: not kept for reuse
		}
		select {
		case w.free <- ch:
		default:
		}
	}
	return nil
}

// commit takes what parsing an annotation gave, in document order: it chains the record
// (rec) to its image_id, or reports the rejection, or counts the result left out.
func (c *converter) commit(file string, res *annResult, rec []byte, off int64) error {
	switch {
	case res.err != nil:
		return res.err
	case res.reject:
		c.warn.Warn(res.warn)
		return nil
	case res.filtered:
		c.filtered++
		return nil
	}
	c.rec = rec
	return c.chain(file, res.imageID, off, res.est)
}

// rejectTooLarge rejects an element the walker passed over for its size. An image is kept as
// a rejected entry (without an id, so that its annotations are rejected as not among the
// images, and the images' indexes stay the file's); a category is not known, so that its
// annotations are rejected for an unknown category_id.
func (c *converter) rejectTooLarge(file string, e element) {
	reason := fmt.Sprintf("an element of more than %d bytes: larger than any sample may be", maxElement)
	if e.kind == kindImage {
		c.images = append(c.images, imageState{off: e.off, dupeOf: -1, bad: reason})
		return
	}
	element := ""
	switch e.kind {
	case kindCategory:
		element = fmt.Sprintf("categories[%d]", e.index)
	case kindAnnotation:
		element = elementName(fromAnnotations, e.index, "")
	case kindResult:
		c.results++
		element = elementName(fromResults, e.index, "")
	}
	c.warn.Warn(importers.Warning{Pos: importers.Position{File: file, Offset: e.off, Element: element}, Rejected: true, Reason: reason})
}

// readInstances reads the annotation file.
func (c *converter) readInstances(ctx context.Context, r io.Reader) error {
	return c.read(ctx, r, c.name, false)
}

// readResultsFile reads a detection results file.
func (c *converter) readResultsFile(ctx context.Context, f *File) error {
	name := f.Name
	if name == "" {
		name = f.Path
	}
	c.resultsName = name
	pos := importers.Position{File: name}
	if err := importers.Check(ctx, pos); err != nil {
		return err
	}
	file, err := f.FS.Open(f.Path)
	if err != nil {
		return &importers.Error{Pos: pos, Err: err}
	}
	defer file.Close()
	if err := c.read(ctx, file, name, true); err != nil {
		return err
	}
	if c.filtered > 0 {
		c.warn.Warn(importers.Warning{Pos: pos, Reason: fmt.Sprintf("%d of %d results scored below option MinScore %s and were left out", c.filtered, c.results, strconv.FormatFloat(c.opts.MinScore, 'f', -1, 64))})
	}
	return nil
}

// rawImage is what is read of an images[] entry: spans of its bytes, nil when absent.
type rawImage struct {
	ID, Width, Height []byte
	FileName          *string
}

// parseImage reads an images[] entry (well-formed JSON, checked by the walker's Decoder)
// that starts at byte off of the file.
func parseImage(b []byte, off int64, raw *rawImage) (reason string) {
	return members(b, func(key, v []byte, at int) (why string) {
		switch string(key) {
		case "id":
			raw.ID, why = numberMember("id", v)
		case "width":
			raw.Width, why = numberMember("width", v)
		case "height":
			raw.Height, why = numberMember("height", v)
		case "file_name":
			raw.FileName, why = stringMember("file_name", v, off+int64(at))
		}
		return why
	})
}

// imageFields is what an images[] entry says, read on a parse worker (prepareImage): all of
// it but the checks against the entries before it (a repeated id or file_name), which
// addImage makes in document order. Its spans are the chunk's bytes.
type imageFields struct {
	raw    rawImage
	reason string // why parseImage refused the entry
	id     int64
	idOK   bool // id is an integer
	size   [2]int64
	sizeOK [2]bool // width, height are sizes in pixels
	rel    string  // file_name confined to the images folder
	relErr error
	relWhy string // why api.CheckName refuses rel
}

// prepareImage reads the images[] entry b, which starts at byte off of the file, into f.
func prepareImage(b []byte, off int64, f *imageFields) {
	*f = imageFields{}
	f.reason = parseImage(b, off, &f.raw)
	if f.raw.ID != nil {
		f.id, f.idOK = intOf(f.raw.ID)
	}
	for k, n := range [2][]byte{f.raw.Width, f.raw.Height} {
		if n != nil {
			v, ok := intOf(n)
			f.size[k], f.sizeOK[k] = v, ok && v >= 0 && v <= 1<<30
		}
	}
	if f.raw.FileName != nil {
		f.rel, f.relErr = imagefile.Confine(*f.raw.FileName)
		if f.relErr == nil {
			f.relWhy = api.CheckName(f.rel)
		}
	}
}

// addImage adds image i, read by prepareImage, checking it against the images before it.
func (c *converter) addImage(f *imageFields, i int, off int64) {
	raw := &f.raw
	im := imageState{off: off, dupeOf: -1}
	fail := func(format string, args ...any) {
		if im.bad == "" {
			im.bad = fmt.Sprintf(format, args...)
		}
	}
	if f.reason != "" {
		fail("%s", f.reason)
	}
	if raw.ID == nil {
		fail("has no id")
	} else if !f.idOK {
		fail("id %s is not an integer", raw.ID)
	} else {
		id := f.id
		im.id, im.hasID = id, true
		if first, dup := c.imageIdx[id]; dup {
			im.dupeOf = first
			fail("id %d repeats the id of images[%d]", id, first)
		} else {
			c.imageIdx[id] = int32(len(c.images))
		}
	}
	for k, d := range [2]struct {
		n    []byte
		dst  *int32
		name string
	}{{raw.Width, &im.w, "width"}, {raw.Height, &im.h, "height"}} {
		if d.n == nil {
			continue // read from the image file if there is one
		}
		if !f.sizeOK[k] {
			fail("%s %s is not a size in pixels", d.name, d.n)
			continue
		}
		*d.dst = int32(f.size[k])
	}
	switch {
	case raw.FileName == nil:
		fail("has no file_name")
	default:
		rel := f.rel
		if f.relErr != nil {
			fail("file_name %v", f.relErr)
		} else if f.relWhy != "" {
			fail("file_name %q %s", rel, f.relWhy)
		} else if first, dup := c.names[rel]; dup {
			// "./a.jpg", "x/../a.jpg" and "a.jpg/" are all a.jpg: one image, one sample.
			fail("file_name %q names the same image as images[%d] (%q)", *raw.FileName, first, rel)
		} else if im.bad == "" {
			c.names[rel] = int32(len(c.images))
		}
		im.rel = rel
	}
	c.images = append(c.images, im)
}

// rawCategory is a categories[] entry.
type rawCategory struct {
	ID        []byte
	Name      *string
	Keypoints []string
}

// parseCategory reads a categories[] entry that starts at byte off of the file.
func parseCategory(b []byte, off int64, raw *rawCategory) (reason string) {
	return members(b, func(key, v []byte, at int) (why string) {
		switch string(key) {
		case "id":
			raw.ID, why = numberMember("id", v)
		case "name":
			raw.Name, why = stringMember("name", v, off+int64(at))
		case "keypoints":
			raw.Keypoints = nil
			switch {
			case string(v) == "null":
			case v[0] != '[':
				why = fmt.Sprintf("keypoints is a JSON %s, not an array of strings", jsonlex.Kind(v[0]))
			default:
				if why = checkText(v, off+int64(at)); why != "" {
					return "keypoints " + why
				}
				if err := json.Unmarshal(v, &raw.Keypoints); err != nil {
					why = "keypoints is not an array of strings"
				}
			}
		}
		return why
	})
}

func (c *converter) readCategory(file string, b []byte, i int, off int64) {
	var raw rawCategory
	reason := parseCategory(b, off, &raw)
	pos := importers.Position{File: file, Offset: off, Element: fmt.Sprintf("categories[%d]", i)}
	id, ok := intOf(raw.ID)
	if strings.HasPrefix(reason, "has the key") || strings.Contains(reason, "UTF") {
		// The category cannot be read faithfully: it is rejected, and so are its
		// annotations, naming it.
		c.warn.Warn(importers.Warning{Pos: pos, Rejected: true, Reason: reason})
		if ok {
			if _, dup := c.cats[id]; !dup {
				c.cats[id] = &category{rejected: fmt.Sprintf("its category (categories[%d]) is rejected: %s", i, reason)}
			}
		}
		return
	}
	switch {
	case reason != "":
	case raw.ID == nil:
		reason = "has no id"
	case !ok:
		reason = fmt.Sprintf("id %s is not an integer", raw.ID)
	case raw.Name == nil || *raw.Name == "":
		reason = "has no name"
	}
	if reason != "" {
		// Its annotations are rejected for an unknown category_id.
		c.warn.Warn(importers.Warning{Pos: pos, Reason: "category ignored: " + reason})
		return
	}
	if _, dup := c.cats[id]; dup {
		c.warn.Warn(importers.Warning{Pos: pos, Reason: fmt.Sprintf("category id %d repeats an earlier category's; the first one names its labels", id)})
		return
	}
	c.cats[id] = &category{name: *raw.Name, keypoints: raw.Keypoints}
}

func elementName(from byte, i int, id string) string {
	if from == fromResults {
		return fmt.Sprintf("results[%d]", i)
	}
	if id == "" {
		return fmt.Sprintf("annotations[%d]", i)
	}
	return fmt.Sprintf("annotations[%d] (id %s)", i, id)
}

// sampleLimit is the most one sample may hold (the service's limit, ModelArts.4656); a
// variable so that tests can lower it.
var sampleLimit int64 = api.MaxSampleBytes

// recLink is a record's offset in the store (less its base's, see converter.baseFrom) and
// the previous record of its image_id (or -1): 8 bytes per record, one cache line for the
// two (a builder walks an image's records back from the last, scattered over the file).
type recLink struct {
	off  uint32
	prev int32
}

// recBaseSpan is how far past its base a record's offset may be (a variable so that tests
// can exercise bases).
var recBaseSpan int64 = 1 << 32

// recOff returns where record r starts in the store.
func (c *converter) recOff(r int32) int64 {
	off := int64(c.links[r].off)
	for k := len(c.baseFrom) - 1; k >= 0; k-- {
		if r >= c.baseFrom[k] {
			return c.baseOff[k] + off
		}
	}
	return off
}

// chain appends the record in c.rec to the store and links it to imageID's chain; est is
// a lower bound of its labels' encoded size.
func (c *converter) chain(file string, imageID int64, off int64, est int64) error {
	ch := c.chains[imageID] // one lookup: the chain is updated in place
	if ch == nil {
		ch = &chain{last: -1}
		c.chains[imageID] = ch
	}
	ch.n++
	if ch.over || ch.size+est > sampleLimit {
		ch.over = true
		return nil
	}
	n := len(c.links)
	if n >= 1<<31-1 {
		return &importers.Error{Pos: importers.Position{File: file, Offset: off}, Err: errors.New("too many annotations")}
	}
	at := c.store.size()
	group := noGroup // the run of images the record is read back with, if known yet
	if c.store.toFile(len(c.rec)) {
		if ch.group == 0 {
			if i, ok := c.imageIdx[imageID]; ok {
				ch.group = 1 + i/runImages
			}
		}
		group = int(ch.group) - 1
	}
	if err := c.store.append(c.rec, group); err != nil {
		return &importers.Error{Pos: importers.Position{File: file, Offset: off}, Err: fmt.Errorf("spilling annotations: %w", err)}
	}
	base := int64(0)
	if k := len(c.baseOff); k > 0 {
		base = c.baseOff[k-1]
	}
	if at-base >= recBaseSpan {
		c.baseFrom, c.baseOff = append(c.baseFrom, int32(n)), append(c.baseOff, at)
		base = at
	}
	c.links = append(c.links, recLink{off: uint32(at - base), prev: ch.last})
	ch.last, ch.stored, ch.size = int32(n), ch.stored+1, ch.size+est
	return nil
}

// intOf reads an integer id or size; integral floats ("5.0") are accepted.
func intOf[S ~string | ~[]byte](n S) (int64, bool) {
	if v, ok := smallInt(n); ok {
		return v, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != float64(int64(f)) || f > 1<<53 || f < -(1<<53) {
		return 0, false
	}
	return int64(f), true
}

// smallInt reads a plain decimal integer of up to 18 digits without allocating.
func smallInt[S ~string | ~[]byte](n S) (int64, bool) {
	i, neg := 0, false
	if len(n) > 0 && n[0] == '-' {
		i, neg = 1, true
	}
	if len(n) == i || len(n)-i > 18 {
		return 0, false
	}
	var v int64
	for ; i < len(n); i++ {
		c := n[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}
