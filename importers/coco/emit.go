package coco

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// group is the labels one record made: labels[from:to].
type group struct {
	rec      *record
	from, to int
}

// item is one step of the emission: a sample (or nil for a rejected image), the warnings
// that came before it, or the fatal error that ends the stream.
type item struct {
	sample *api.Sample
	warns  []importers.Warning
	err    error
}

// runImages is how many images one builder builds at a time (a run).
const runImages = 32

// builders, when positive, is how many goroutines build samples in OBS mode (tests set it;
// 0 means one per core, at most 4).
var builders = 0

// imageRun is images[from:to], built by one builder into items. done is closed when items,
// boxOnly and boxOnlyFirst are final.
type imageRun struct {
	from, to int
	chains   []runChain // per image of the run
	items    []item
	boxOnly  int
	first    importers.Position // the first boxOnly annotation's
	done     chan struct{}
}

// runChain is what the dispatcher found of an image's records: none, a chain to read back,
// or a chain over the sample limit (not read back).
type runChain struct {
	ch   chain
	kind uint8
}

const (
	chainNone uint8 = iota
	chainRead
	chainOver
)

// emit yields one sample per image, in images[] order, then rejects the records whose
// image_id matched no image. The samples are built by builder goroutines, a run of
// runImages images each, ahead of the consumer (which validates, encodes and writes them)
// by at most one run per builder (and the one the dispatcher holds); the runs are taken
// back in images[] order, and each run's warnings are reported from the consumer's
// goroutine in the order a single builder would make them. One goroutine (the dispatcher) takes each image's chain of records out of
// c.chains in order, so that the chains left at the end are those of no image. With the
// images inline (read from Options.Images.FS, which need not be safe for concurrent use)
// one builder builds them all.
func (c *converter) emit(ctx context.Context, yield func(*api.Sample, error) bool) {
	n := 1
	if c.opts.Images.OBSPrefix != "" {
		n = builders
		if n <= 0 {
			n = min(runtime.GOMAXPROCS(0), 4)
		}
	}
	// One run held per builder: with two builders, four held (as eight batches of 32 before)
	// gave the same times with 3-6 MiB more peak RSS.
	order := make(chan *imageRun, n)
	jobs := make(chan *imageRun, n)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1 + n)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		c.dispatch(order, jobs, done)
	}()
	for range n {
		b := c.builder()
		go func() {
			defer wg.Done()
			for r := range jobs {
				b.build(ctx, r, done)
				close(r.done)
			}
		}()
	}
	defer func() {
		close(done)
		wg.Wait()
	}()
	deliver := func(it item) bool {
		for _, w := range it.warns {
			c.opts.Warn.Warn(w)
		}
		if it.err == nil && ctx.Err() != nil {
			it.err = importers.Check(ctx, importers.Position{File: c.name})
		}
		if it.err != nil {
			yield(nil, it.err)
			return false
		}
		return it.sample == nil || yield(it.sample, nil)
	}
	for r := range order {
		<-r.done
		if r.boxOnly > 0 {
			if c.boxOnly == 0 {
				c.boxOnlyFirst = r.first
			}
			c.boxOnly += r.boxOnly
		}
		for _, it := range r.items {
			if !deliver(it) {
				return
			}
		}
	}
	// The dispatcher has taken every image's chain: those left are of no image.
	var pending []importers.Warning
	c.warn = func(w importers.Warning) { pending = append(pending, w) }
	c.rejectOrphans()
	if c.boxOnly > 0 {
		reason := "has no segmentation; its bbox is converted as a bndbox"
		if c.boxOnly > 1 {
			reason += fmt.Sprintf(" (so are the bboxes of %d more without a segmentation)", c.boxOnly-1)
		}
		c.warn.Warn(importers.Warning{Pos: c.boxOnlyFirst, Reason: reason})
	}
	if len(pending) > 0 {
		deliver(item{warns: pending})
	}
}

// dispatch cuts images[] into runs, takes each image's chain of records out of c.chains,
// and hands the runs to the builders (jobs) and, in order, to the consumer (order); it
// stops when done is closed.
func (c *converter) dispatch(order, jobs chan<- *imageRun, done <-chan struct{}) {
	for from := 0; from < len(c.images); from += runImages {
		r := &imageRun{from: from, to: min(from+runImages, len(c.images)), done: make(chan struct{})}
		r.chains = make([]runChain, r.to-r.from)
		for i := r.from; i < r.to; i++ {
			im := &c.images[i]
			if !im.hasID || im.dupeOf >= 0 {
				continue
			}
			ch, ok := c.chains[im.id]
			if !ok {
				continue
			}
			delete(c.chains, im.id)
			kind := chainRead
			if ch.over {
				kind = chainOver
			}
			r.chains[i-r.from] = runChain{ch: *ch, kind: kind}
		}
		select {
		case order <- r:
		case <-done:
			return
		}
		select {
		case jobs <- r:
		case <-done:
			return
		}
	}
}

// builder returns a converter for one builder goroutine: c's read-only state shared, its
// scratch (records, slab, groups, the store's read buffers, the run's prefetched records)
// and its warnings its own.
func (c *converter) builder() *converter {
	b := *c
	store := *c.store
	store.scratch, store.placed = nil, nil
	b.store = &store
	b.recs, b.slab, b.groups = nil, slab{}, nil
	b.pre, b.preAt, b.preBuf, b.runIdx, b.runEnd, b.runCur, b.runAt = nil, 0, nil, nil, nil, nil, nil
	b.boxOnly, b.boxOnlyFirst = 0, importers.Position{}
	return &b
}

// build builds the samples of a run into r.items: one item per sample, and per rejected
// image that has warnings, each item with the warnings that came before it; a cancelled
// ctx or a read error ends the run with an item of the error.
func (b *converter) build(ctx context.Context, r *imageRun, done <-chan struct{}) {
	var pending []importers.Warning
	b.warn = func(w importers.Warning) { pending = append(pending, w) }
	b.boxOnly, b.boxOnlyFirst = 0, importers.Position{}
	defer func() { r.boxOnly, r.first = b.boxOnly, b.boxOnlyFirst }()
	add := func(it item) {
		it.warns, pending = pending, nil
		r.items = append(r.items, it)
	}
	b.prefetch(r)
	defer func() { b.pre, b.preAt = b.pre[:0], 0 }()
	for i := r.from; i < r.to; i++ {
		im := &b.images[i]
		select {
		case <-done:
			return
		default:
		}
		if ctx.Err() != nil {
			add(item{err: importers.Check(ctx, importers.Position{File: b.name, Offset: im.off, Element: imageElement(i, im)})})
			return
		}
		var recs []record
		switch rc := r.chains[i-r.from]; rc.kind {
		case chainOver:
			// Its records are not read back: the sample could not be sent anyway.
			reason := im.bad
			if reason == "" {
				reason = fmt.Sprintf("its annotations would make a sample of more than %d bytes, the most one sample may hold", sampleLimit)
			}
			b.rejectImage(i, im, int(rc.ch.n), reason)
			add(item{})
			continue
		case chainRead:
			k, from := i-r.from, int32(0)
			if k > 0 {
				from = b.runEnd[k-1]
			}
			idxs := b.runIdx[from:b.runEnd[k]]
			var err error
			if recs, err = b.readRecords(idxs); err != nil {
				add(item{err: &importers.Error{Pos: importers.Position{File: b.name}, Err: err}})
				return
			}
		}
		s := b.sample(i, im, recs)
		if s == nil && len(pending) == 0 {
			continue
		}
		add(item{sample: s})
	}
}

// origin is a sample's Origin, c.name + ": " + imageElement(i, im), made with one allocation.
func (c *converter) origin(i int, im *imageState) string {
	var buf [128]byte
	b := append(buf[:0], c.name...)
	b = append(b, ": images["...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, ']')
	if im.hasID {
		b = append(b, " (id "...)
		b = strconv.AppendInt(b, im.id, 10)
		b = append(b, ')')
	}
	return string(b)
}

func imageElement(i int, im *imageState) string {
	if im.hasID {
		return "images[" + strconv.Itoa(i) + "] (id " + strconv.FormatInt(im.id, 10) + ")"
	}
	return "images[" + strconv.Itoa(i) + "]"
}

// chainIndexes appends the indexes of a chain's records to out, in file order.
func (c *converter) chainIndexes(ch chain, out []int32) []int32 {
	from := len(out)
	for r := ch.last; r >= 0; r = c.links[r].prev {
		out = append(out, r)
	}
	slices.Reverse(out[from:])
	return out
}

// prefetchBytes bounds the bytes of a run's records that prefetch reads at once; the rest
// are read one by one.
const prefetchBytes = 1 << 20

// prefetch finds the records of each image of run r (runIdx, image k's ending at
// runEnd[k]) and reads those that lie in the store's file, a few reads for all of them (the
// store keeps a run's records together), for readRecords to take in order. It reads nothing
// when none are in the file, and leaves them to readRecords on an error, so that the error
// comes where it would without prefetch.
func (b *converter) prefetch(r *imageRun) {
	b.pre, b.preAt = b.pre[:0], 0
	b.runChains(r)
	if b.store.f == nil {
		return
	}
	total := int64(0)
	for _, x := range b.runIdx {
		if off := b.recOff(x); !b.store.inMemory(off) {
			n := b.recEnd(x) - off
			if total+n > prefetchBytes {
				continue
			}
			total += n
			b.pre = append(b.pre, fileRecord{rec: x, off: off, n: n})
		}
	}
	if len(b.pre) == 0 {
		return
	}
	var err error
	if b.preBuf, err = b.store.readFile(b.pre, b.preBuf); err != nil {
		b.pre = b.pre[:0]
	}
}

// runChains sets runIdx and runEnd to the records of each image of run r, in file order:
// image k's end at runEnd[k]. The images' chains are walked together, one link of each in
// turn, so that the loads of the links (scattered over the file's records: each one a cache
// miss) are independent and overlap, where one chain after the other waits for each in turn
// (TestRunChains compares the two).
func (b *converter) runChains(r *imageRun) {
	b.runIdx, b.runEnd = b.runIdx[:0], b.runEnd[:0]
	n := int32(0)
	for _, rc := range r.chains {
		if rc.kind == chainRead {
			n += rc.ch.stored
		}
		b.runEnd = append(b.runEnd, n)
	}
	b.runIdx = slices.Grow(b.runIdx, int(n))[:n]
	cur, at := b.runCur[:0], b.runAt[:0]
	for k, rc := range r.chains {
		last := int32(-1)
		if rc.kind == chainRead {
			last = rc.ch.last
		}
		cur, at = append(cur, last), append(at, b.runEnd[k])
	}
	b.runCur, b.runAt = cur, at
	for more := true; more; {
		more = false
		for k, x := range cur {
			if x < 0 {
				continue
			}
			from := int32(0)
			if k > 0 {
				from = b.runEnd[k-1]
			}
			if at[k] == from { // more records than the chain counts: cannot be; walk it alone
				b.runChainsOneByOne(r)
				return
			}
			at[k]--
			b.runIdx[at[k]] = x
			cur[k] = b.links[x].prev
			more = true
		}
	}
	for k := range at {
		if k > 0 && at[k] != b.runEnd[k-1] || k == 0 && at[0] != 0 { // fewer: likewise
			b.runChainsOneByOne(r)
			return
		}
	}
}

// runChainsOneByOne is runChains walking one chain after the other.
func (b *converter) runChainsOneByOne(r *imageRun) {
	b.runIdx, b.runEnd = b.runIdx[:0], b.runEnd[:0]
	for _, rc := range r.chains {
		if rc.kind == chainRead {
			b.runIdx = b.chainIndexes(rc.ch, b.runIdx)
		}
		b.runEnd = append(b.runEnd, int32(len(b.runIdx)))
	}
}

// recEnd returns where record r ends in the store.
func (c *converter) recEnd(r int32) int64 {
	if int(r)+1 < len(c.links) {
		return c.recOff(r + 1)
	}
	return c.store.size()
}

// readRecords reads records by index, those prefetch has read from it. The records' strings
// share one allocation, written once (no intermediate buffer); the records are valid until
// the next call.
func (c *converter) readRecords(idxs []int32) ([]record, error) {
	if cap(c.recs) < len(idxs) {
		c.recs = make([]record, len(idxs), len(idxs)+len(idxs)/2)
	}
	recs := c.recs[:len(idxs)]
	total := int64(0)
	for _, r := range idxs {
		total += c.recEnd(r) - c.recOff(r)
	}
	var all strings.Builder
	all.Grow(int(total))
	for _, r := range idxs {
		if c.preAt < len(c.pre) && c.pre[c.preAt].rec == r {
			all.Write(c.pre[c.preAt].bytes)
			c.preAt++
			continue
		}
		start := c.recOff(r)
		buf, err := c.store.read(r, start, c.recEnd(r)-start)
		if err != nil {
			return nil, err
		}
		all.Write(buf)
	}
	s := all.String()
	at := int64(0)
	for q, r := range idxs {
		n := c.recEnd(r) - c.recOff(r)
		if err := decodeRecordSlab(s[at:at+n], &recs[q], &c.slab); err != nil {
			return nil, err
		}
		at += n
	}
	return recs, nil
}

func (c *converter) recordPos(rec *record) importers.Position {
	file := c.name
	if rec.from == fromResults {
		file = c.resultsName
	}
	return importers.Position{File: file, Offset: rec.off, Element: elementName(rec.from, rec.index, rec.id)}
}

func (c *converter) rejectRecord(rec *record, format string, args ...any) {
	c.warn.Warn(importers.Warning{Pos: c.recordPos(rec), Rejected: true, Reason: fmt.Sprintf(format, args...)})
}

func (c *converter) rejectImage(i int, im *imageState, nrecs int, reason string) {
	if nrecs > 0 {
		what := "annotations"
		if c.opts.Results != nil {
			what = "results"
		}
		reason += fmt.Sprintf(" (its %d %s are not converted)", nrecs, what)
	}
	c.warn.Warn(importers.Warning{Pos: importers.Position{File: c.name, Offset: im.off, Element: imageElement(i, im)}, Rejected: true, Reason: reason})
}

// sample builds image i's sample, or rejects it and returns nil.
func (c *converter) sample(i int, im *imageState, recs []record) *api.Sample {
	if im.bad != "" {
		c.rejectImage(i, im, len(recs), im.bad)
		return nil
	}
	s := &api.Sample{
		Origin:     c.origin(i, im),
		Name:       im.rel,
		SampleType: api.SampleImage,
		Metadata:   api.Metadata{},
	}
	if err := c.opts.Images.Attach(s, im.rel); err != nil {
		c.rejectImage(i, im, len(recs), err.Error())
		return nil
	}
	w, h, depth := int(im.w), int(im.h), 0
	if c.opts.Images.OBSPrefix == "" && c.opts.Images.FS != nil {
		// The file is at hand: its header gives the depth, and the size when COCO has none.
		if sz, err := c.opts.Images.ReadSize(im.rel); err == nil {
			depth = sz.Depth
			if w == 0 || h == 0 {
				w, h = sz.Width, sz.Height
			} else if sz.Width != w || sz.Height != h {
				c.warn.Warn(importers.Warning{Pos: importers.Position{File: c.name, Offset: im.off, Element: imageElement(i, im)},
					Reason: fmt.Sprintf("the image file is %d×%d but the annotation file says %d×%d; the annotation file's size is kept", sz.Width, sz.Height, w, h)})
			}
		}
	}
	if w > 0 && h > 0 {
		s.Metadata.SetSize(w, h, depth)
	}

	groups := c.groups[:0] // scratch: the sample keeps none of it
	defer func() { c.groups = groups[:0] }()
	n := 0
	for k := range recs {
		n += max(1, len(recs[k].polygons)) + len(recs[k].keypoints)
	}
	s.Labels = make([]api.SampleLabel, 0, n)
	for k := range recs {
		rec := &recs[k]
		cat, ok := c.cats[rec.cat]
		if !ok {
			c.rejectRecord(rec, "category_id %d is not among the categories", rec.cat)
			continue
		}
		if cat.rejected != "" {
			c.rejectRecord(rec, "%s", cat.rejected)
			continue
		}
		from := len(s.Labels)
		labels, why := c.labels(rec, cat, s.Labels)
		if why != "" {
			s.Labels = s.Labels[:from]
			c.rejectRecord(rec, "%s", why)
			continue
		}
		s.Labels = labels
		groups = append(groups, group{rec: rec, from: from, to: len(s.Labels)})
	}
	if len(s.Labels) == 0 {
		s.Labels = nil
	}
	plain := true
	for _, g := range groups {
		plain = plain && g.rec.plain
	}
	if plain && plainSample(s) {
		return s
	}
	return c.check(i, im, s, groups)
}

// check validates the sample. A label that breaks a rule rejects its annotation (with the
// validator's reason) and the rest stays; a sample-level violation rejects the image.
func (c *converter) check(i int, im *imageState, s *api.Sample, groups []group) *api.Sample {
	for range 2 {
		vs := api.ValidateSample("sample", s)
		if len(vs) == 0 {
			return s
		}
		bad := map[int]string{} // group → reason
		sampleLevel := ""
		for _, v := range vs {
			k, ok := labelIndex(v.Path)
			if !ok {
				if sampleLevel == "" {
					sampleLevel = strings.TrimPrefix(strings.TrimPrefix(v.Path, "sample"), ".") + " " + v.Reason
					sampleLevel = strings.TrimSpace(sampleLevel)
				}
				continue
			}
			for g := range groups {
				if k >= groups[g].from && k < groups[g].to {
					if _, seen := bad[g]; !seen {
						bad[g] = v.Reason
					}
				}
			}
		}
		if len(bad) == 0 {
			c.rejectImage(i, im, len(groups), sampleLevel)
			return nil
		}
		var labels []api.SampleLabel
		var kept []group
		for g, gr := range groups {
			if reason, ok := bad[g]; ok {
				c.rejectRecord(gr.rec, "%s", reason)
				continue
			}
			from := len(labels)
			labels = append(labels, s.Labels[gr.from:gr.to]...)
			kept = append(kept, group{rec: gr.rec, from: from, to: len(labels)})
		}
		s.Labels, groups = labels, kept
	}
	if vs := api.ValidateSample("sample", s); len(vs) > 0 {
		c.rejectImage(i, im, len(groups), vs[0].Reason)
		return nil
	}
	return s
}

// labelIndex reads k from a violation path "sample.labels[k]...".
func labelIndex(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, "sample.labels[")
	if !ok {
		return 0, false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, false
	}
	k, err := strconv.Atoi(rest[:end])
	return k, err == nil
}

// Label property keys that the annotation itself sets.
const (
	propAnnotationID = "annotation_id"
	propIsCrowd      = "iscrowd"
	propIgnore       = "ignore"
	propVisibility   = "visibility"
)

// visibilities are the keypoint visibilities as property values.
var visibilities = [3]string{"0", "1", "2"}

// recordLabels makes the labels of one record: what every label of it carries. (Plain
// values and methods, not closures: a closure capturing attrs or the label slice would move
// them to the heap, one allocation per record.)
type recordLabels struct {
	attrs map[string]any
	id    any // the annotation's id, boxed once for all the record's labels; nil when none
	rec   *record
	name  string
}

// own sets the keys every label of the record carries: the annotation's id, so that the
// labels of one annotation (polygon parts, keypoints) stay linked, and its crowd and ignore
// flags.
func (r *recordLabels) own(p api.Property) {
	if r.id != nil {
		p[propAnnotationID] = r.id
	}
	if r.rec.crowd {
		p[propIsCrowd] = "1"
	}
	if r.rec.ignore {
		p[propIgnore] = "1"
	}
}

// object appends the record's object label: its attributes, own keys, and shape.
// shape is an interface holding one of the constant shape names (nil for none), so that
// storing it in the property allocates nothing.
func (r *recordLabels) object(labels []api.SampleLabel, typ api.LabelType, shape any, f api.Feature) []api.SampleLabel {
	p := make(api.Property, len(r.attrs)+5)
	for k, v := range r.attrs {
		if k == api.PropShape || k == api.PropFeature {
			continue
		}
		p[k] = v
	}
	r.own(p)
	if shape != nil {
		p[api.PropShape] = shape
		p[api.PropFeature] = f
	}
	return append(labels, api.SampleLabel{Name: r.name, Type: typ, Property: p, Score: json.Number(r.rec.score)})
}

// labels appends the labels of one record.
func (c *converter) labels(rec *record, cat *category, labels []api.SampleLabel) ([]api.SampleLabel, string) {
	r := recordLabels{rec: rec, name: cat.name}
	if rec.id != "" {
		r.id = rec.id
	}
	if len(rec.attrs) > 0 {
		var attrs map[string]any
		dec := json.NewDecoder(strings.NewReader(rec.attrs))
		dec.UseNumber()
		if err := dec.Decode(&attrs); err != nil {
			return labels, fmt.Sprintf("attributes: %v", err)
		}
		r.attrs = attrs
	}
	if len(r.attrs) > 0 {
		for _, k := range [...]string{api.PropShape, api.PropFeature, propAnnotationID, propIsCrowd, propIgnore} {
			sets := k == api.PropShape || k == api.PropFeature || k == propAnnotationID && rec.id != "" ||
				k == propIsCrowd && rec.crowd || k == propIgnore && rec.ignore
			if _, ok := r.attrs[k]; ok && sets {
				c.warn.Warn(importers.Warning{Pos: c.recordPos(rec), Reason: fmt.Sprintf("attribute %q is left out: the annotation's own %s sets it", k, ownSource(k))})
			}
		}
	}
	switch {
	case rec.polygons != nil:
		for _, p := range rec.polygons {
			labels = r.object(labels, api.LabelObjectDetection, string(api.ShapePolygon), c.slab.points(p))
		}
	case rec.hasBox:
		if rec.boxForPolygon {
			// Reported once, at the end, with the first one's position: a results file of
			// boxes would otherwise give a warning per result.
			if c.boxOnly == 0 {
				c.boxOnlyFirst = c.recordPos(rec)
			}
			c.boxOnly++
		}
		box := c.slab.numbers(4) // a copy: the record is reused
		copy(box, rec.box[:])
		labels = r.object(labels, api.LabelObjectDetection, string(api.ShapeBndbox), c.slab.points(box))
	default:
		// No geometry, or only keypoints: a point-only object is not a box, so the object
		// is an image-classification label (type 0) of its category.
		labels = r.object(labels, api.LabelImageClassification, nil, nil)
	}
	for _, k := range rec.keypoints {
		name := strconv.Itoa(k.index + 1)
		if k.index < len(cat.keypoints) && cat.keypoints[k.index] != "" {
			name = cat.keypoints[k.index]
		}
		xy := c.slab.numbers(2)
		xy[0], xy[1] = k.x, k.y
		p := api.Property{api.PropShape: string(api.ShapePoint), api.PropFeature: c.slab.points(xy)}
		r.own(p)
		if int(k.visibility) < len(visibilities) {
			p[propVisibility] = visibilities[k.visibility]
		}
		labels = append(labels, api.SampleLabel{Name: name, Type: api.LabelObjectDetection, Property: p, Score: json.Number(rec.score)})
	}
	return labels, ""
}

// ownSource names what sets an own property key, for the warning about an attribute of the
// same name.
func ownSource(key string) string {
	switch key {
	case propAnnotationID:
		return "id"
	case propIsCrowd, propIgnore:
		return key
	}
	return "shape"
}

// points turns flat x, y numbers into a feature whose points share flat's array.
func (s *slab) points(flat []json.Number) api.Feature {
	f := api.Feature(s.lists(len(flat) / 2))
	for k := range f {
		f[k] = flat[2*k : 2*k+2 : 2*k+2]
	}
	return f
}

// rejectOrphans rejects, in file order, the records whose image_id is no image's.
func (c *converter) rejectOrphans() {
	type orphan struct {
		idx     int32
		imageID int64
	}
	var all []orphan
	var idxs []int32
	var unstored []int64 // image_ids with records that were only counted
	for id, ch := range c.chains {
		idxs = c.chainIndexes(*ch, idxs[:0])
		for _, r := range idxs {
			all = append(all, orphan{r, id})
		}
		if ch.n > ch.stored {
			unstored = append(unstored, id)
		}
	}
	slices.SortFunc(all, func(a, b orphan) int { return int(a.idx) - int(b.idx) })
	for _, o := range all {
		recs, err := c.readRecords([]int32{o.idx})
		if err != nil {
			c.warn.Warn(importers.Warning{Pos: importers.Position{File: c.name}, Rejected: true, Reason: fmt.Sprintf("an annotation of image_id %d could not be read back: %v", o.imageID, err)})
			continue
		}
		c.rejectRecord(&recs[0], "image_id %d is not among the images", o.imageID)
	}
	slices.Sort(unstored)
	for _, id := range unstored {
		ch := c.chains[id]
		c.warn.Warn(importers.Warning{Pos: importers.Position{File: c.name}, Rejected: true,
			Reason: fmt.Sprintf("%d more annotations of image_id %d, which is not among the images (past a sample's worth of labels they were counted, not kept)", ch.n-ch.stored, id)})
	}
}

// plainSample is a fast check of the sample-level rules, for the common case: true means the
// sample certainly passes api.ValidateSample, given labels whose records are all plain (their
// geometry, scores and attributes were checked as they were read). When it says false (inline
// data, whose base64 and size the validator checks; a missing size), the validator itself
// is run, for its reasons.
func plainSample(s *api.Sample) bool {
	if s.Data != "" || s.DataSource == nil || s.DataSource.DataPath == "" || api.CheckName(s.Name) != "" {
		return false
	}
	size, hasSize := s.Metadata.Size()
	if len(s.Metadata) > 1 || hasSize && (len(size) < 2 || size[0] <= 0 || size[1] <= 0 || len(size) == 3 && size[2] <= 0) {
		return false
	}
	return len(s.Labels) == 0 || hasSize
}
