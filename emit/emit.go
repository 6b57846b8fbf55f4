// Package emit turns a stream of samples into request bodies for the Adding Samples in
// Batches call: it validates each sample, batches them by count and by encoded size, and
// either hands the bodies on (Batches, used by package upload) or writes them into a folder
// (OpenDir and Dir.Write, or WriteDir), one complete request body per *.json file, one run
// per folder at a time.
//
// Memory holds one batch at a time (and Dir.Write's queue: two more while the writers write,
// or up to 34 whose bodies add up to 4 MB at most; it keeps up to 72 written ones, 4 MB
// of bodies at most, to fill again), up to eight chunks of 256 small samples (2 MB of
// samples at most) on their way to the encoding goroutine with the batches they completed
// (see Batches), plus the set of the names taken (to catch names that repeat across
// batches, which the service would refuse as ModelArts.4422): a bit per name that ends in a
// number, as the importers name samples (about 0.1 MB per million names in order), an
// 8-byte hash per other name (8.7 MB per million); see names. Output is
// deterministic: the same stream gives the same batches, byte for byte. Samples are encoded
// by hand (see appendSample), exactly as encoding/json would.
package emit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Defaults for Options.
const (
	DefaultBatchSize = 100
	// DefaultMaxBody leaves 2 MB of headroom under the service's 12 MB body limit.
	DefaultMaxBody = 10_000_000
)

// OptionError is a setting of Options that cannot work; Field names it.
type OptionError struct {
	Field string // "BatchSize", "MaxBody"
	Msg   string
}

// Error names the field as "option MaxBody", so that a command can show its flag instead.
func (e *OptionError) Error() string { return "option " + e.Field + " " + e.Msg }

// Check reports settings no request can be built with: a negative BatchSize or MaxBody, or
// a MaxBody at or over the service's limit (api.MaxRequestBytes). Zero values
// mean the defaults. Batches and Dir.Write check it themselves.
func (o Options) Check() error {
	switch {
	case o.BatchSize < 0:
		return &OptionError{Field: "BatchSize", Msg: "must be at least 1"}
	case o.MaxBody < 0:
		return &OptionError{Field: "MaxBody", Msg: "must be positive"}
	case o.MaxBody >= api.MaxRequestBytes:
		return &OptionError{Field: "MaxBody", Msg: fmt.Sprintf("must stay under the service's %d-byte body limit", api.MaxRequestBytes)}
	}
	return nil
}

// Options are the request-level settings and the batching limits.
type Options struct {
	BatchSize       int              // samples per request; 0 means DefaultBatchSize
	MaxBody         int              // bytes per request body; 0 means DefaultMaxBody
	FinalAnnotation *bool            // request-level final_annotation; nil leaves it out (the service defaults to true)
	LabelFormat     *api.LabelFormat // request-level label_format, for text datasets
	// Reject receives each sample that cannot be sent, with the reason. The stream goes on.
	Reject func(sample *api.Sample, reason string)
}

// Batch is one request body.
type Batch struct {
	Seq     int      // 1-based position of the batch in the run
	Body    []byte   // the complete JSON request body
	Names   []string // the samples' names, in order
	Labels  map[api.LabelType]int
	Samples int
}

// Stats counts what a run produced.
type Stats struct {
	Samples  int
	Labels   map[api.LabelType]int
	Rejected int
	Batches  int
	Bytes    int64
}

// String says what the batches held, for a run's summary: "3 samples, 5 labels (4 object
// detection, 1 image classification)", label types in their numeric order.
func (s Stats) String() string {
	var b strings.Builder
	b.WriteString(count(s.Samples, "sample", "samples"))
	total := 0
	types := make([]int, 0, len(s.Labels))
	for t, n := range s.Labels {
		total += n
		types = append(types, int(t))
	}
	sort.Ints(types)
	fmt.Fprintf(&b, ", %s", count(total, "label", "labels"))
	for i, t := range types {
		sep := ", "
		if i == 0 {
			sep = " ("
		}
		fmt.Fprintf(&b, "%s%d %s", sep, s.Labels[api.LabelType(t)], api.LabelType(t))
	}
	if len(types) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Add counts a batch that was written or sent.
func (s *Stats) Add(b *Batch) {
	if s.Labels == nil {
		s.Labels = map[api.LabelType]int{}
	}
	s.Samples += b.Samples
	s.Batches++
	s.Bytes += int64(len(b.Body))
	for t, n := range b.Labels {
		s.Labels[t] += n
	}
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	return o
}

// prefix returns the body's opening up to and including `"samples":[`.
func (o Options) prefix() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if o.FinalAnnotation != nil {
		fmt.Fprintf(&b, `"final_annotation":%t,`, *o.FinalAnnotation)
	}
	if o.LabelFormat != nil {
		lf, err := json.Marshal(o.LabelFormat)
		if err != nil {
			return nil, err
		}
		b.WriteString(`"label_format":`)
		b.Write(lf)
		b.WriteByte(',')
	}
	b.WriteString(`"samples":[`)
	return b.Bytes(), nil
}

const suffix = "]}\n"

// useReflection makes EncodeSample use encoding/json only (set by tests that compare the two).
var useReflection = false

// EncodeSample returns a sample's JSON as it appears in a request body (no HTML escaping, no
// trailing newline).
func EncodeSample(s *api.Sample) ([]byte, error) {
	if !useReflection {
		if out, ok := appendSample(make([]byte, 0, sizeHint(s)), s); ok {
			return out, nil
		}
	}
	var b bytes.Buffer
	if err := encodeSampleReflect(&b, s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// sizeHint is a guess at a sample's encoded size, so that encoding it seldom grows the buffer.
func sizeHint(s *api.Sample) int {
	return 64 + len(s.Name) + len(s.Data) + 160*len(s.Labels)
}

// heldHint is a guess at the memory a sample holds until its chunk comes back, for the
// chunks' bounds: its encoded size, and what its labels' property maps and shapes hold
// beyond it (a COCO box label is a map of four entries and a feature of two points; counted
// at its encoded size alone, eight chunks of such samples held 20 MB more than two did).
func heldHint(s *api.Sample) int {
	n := sizeHint(s)
	for i := range s.Labels {
		l := &s.Labels[i]
		if len(l.Property) == 0 {
			continue
		}
		n += 96 * len(l.Property)
		// Only image labels have shapes: a text label's lookup was 3% of a CoNLL run.
		if l.Type < api.LabelTextClassification {
			if f, ok := l.Property[api.PropFeature].(api.Feature); ok {
				n += 96 * len(f)
			}
		}
	}
	return n
}

// Batches reads samples and yields request bodies. A sample that fails api.ValidateSample,
// repeats an earlier sample's name, or cannot fit in MaxBody on its own goes to
// Options.Reject. An error from the sample stream (or ctx) is yielded once as (nil, err),
// after the batch in progress has been yielded, so nothing already read is lost. The
// returned sequence is single-use.
//
// Samples are validated, encoded, checked for repeated names and put into bodies on a second
// goroutine, in chunks (see chunk), in stream order, while the stream goes on reading the
// next ones: on two cores the importer and the encoder overlap, and the stream's goroutine
// (the importer's, often the busier) does little more than hand samples over. Reject and
// yield happen on the caller's goroutine, in stream order (a chunk's rejections and completed
// batches are reported as one goroutine would have met them), so the bodies are the same as
// one goroutine would make and Reject is never called concurrently with the stream's own
// callbacks. A rejection or a completed batch is reported when its chunk comes back, at most
// eight chunks (8 x 256 samples) after the stream produced the sample; the points where that
// happens depend only on the stream, so a run's diagnostics come in the same order every
// time. A sample over 1 MB is checked on the caller's goroutine once the chunks before it are
// done, so that memory holds one such sample at a time, as the importers' limits assume.
// The stream must not change a sample after yielding it: the encoder may still be reading it
// (up to eight chunks later, and for a moment after an early stop).
func Batches(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts Options) iter.Seq2[*Batch, error] {
	return batches(ctx, samples, opts, nil)
}

// batches is Batches; when spare is not nil, a batch starts in a Batch received from it when
// one is there (its Body's array, Names and Labels reused): Dir.Write hands back the batches
// it has written, so that a run does not allocate (and collect) a body per file.
func batches(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts Options, spare <-chan *Batch) iter.Seq2[*Batch, error] {
	opts = opts.withDefaults()
	return func(yield func(*Batch, error) bool) {
		if err := opts.Check(); err != nil {
			yield(nil, err)
			return
		}
		prefix, err := opts.prefix()
		if err != nil {
			yield(nil, fmt.Errorf("emit: label_format: %w", err))
			return
		}
		reject := func(s *api.Sample, reason string) {
			if opts.Reject != nil {
				opts.Reject(s, reason)
			}
		}
		v := &verdict{overall: len(prefix) + len(suffix), maxBody: opts.MaxBody}
		bt := &batcher{opts: opts, prefix: prefix, spare: spare}
		var scratch []byte // one large sample's JSON, reused

		p := pipeline{verdict: v, batcher: bt}
		defer p.stop()
		// wait takes the oldest chunk back from the encoder and reports what it did, in
		// stream order: each sample's rejection, or the batch it completed.
		wait := func() bool {
			c := p.receive()
			for i, s := range c.samples {
				if c.reasons[i] != "" {
					reject(s, c.reasons[i])
				} else if b := c.completed[i]; b != nil && !yield(b, nil) {
					return false
				}
			}
			p.recycle(c)
			return true
		}
		// send hands the chunk being filled to the encoder, first waiting for the oldest
		// when enough are on their way.
		send := func() bool {
			if p.filling == nil {
				return true
			}
			for p.flying > 0 && (p.flying == chunksInFlight || p.flyingHint+p.filling.hint > flightBytes) {
				if !wait() {
					return false
				}
			}
			p.send()
			return true
		}
		drain := func() bool {
			if !send() {
				return false
			}
			for p.flying > 0 {
				if !wait() {
					return false
				}
			}
			return true
		}
		// flush yields the batch in progress; only once every chunk is back.
		flush := func() bool {
			if b := bt.complete(); b != nil {
				return yield(b, nil)
			}
			return true
		}
		for s, err := range samples {
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				if drain() && flush() {
					yield(nil, err)
				}
				return
			}
			if hint := heldHint(s); hint > chunkBytes {
				if !drain() {
					return
				}
				// The encoder is idle (drain took every chunk back): its verdict and
				// batcher are this goroutine's until the next chunk is sent.
				one, reason := checkAppendStrings(s, scratch[:0], &bt.strs)
				scratch = one[:0]
				if reason = v.judge(s, v.seen.prepare(s.Name), one, reason); reason != "" {
					reject(s, reason)
				} else if b := bt.add(s, one); b != nil && !yield(b, nil) {
					return
				}
				continue
			} else if p.fill(s, hint) && !send() {
				return
			}
		}
		if drain() {
			flush()
		}
	}
}

// batcher puts checked samples into bodies, in stream order. Like verdict, it is used by
// one goroutine at a time: the encoder, or Batches while no chunk is on its way.
type batcher struct {
	opts   Options
	prefix []byte
	spare  <-chan *Batch // written batches to fill again (see batches)
	body   []byte        // the batch in progress's body (empty when there is none)
	moved  []byte        // a batch's first sample, moved behind the prefix (see checkAdd)
	cur    *Batch
	next   *Batch // a spare batch for the next one to start in
	seq    int
	// counts are the batch in progress's labels by type, moved into its Labels map when it
	// is complete: a map update per label was a tenth of the batcher's time (a COCO image
	// has seven labels). Types past the eighth go to the map at once.
	counts  [8]labelCount
	nCounts int
	strs    jsonStrings // label names' JSON
}

type labelCount struct {
	t api.LabelType
	n int
}

// count adds one label of type t to the batch in progress.
func (bt *batcher) count(t api.LabelType) {
	for i := range bt.nCounts {
		if bt.counts[i].t == t {
			bt.counts[i].n++
			return
		}
	}
	if bt.nCounts < len(bt.counts) {
		bt.counts[bt.nCounts] = labelCount{t, 1}
		bt.nCounts++
		return
	}
	bt.cur.Labels[t]++
}

// add puts s, encoded as one, into the batch in progress, first completing that batch when s
// does not fit in it; it returns the batch so completed, or nil.
func (bt *batcher) add(s *api.Sample, one []byte) (completed *Batch) {
	if bt.cur != nil && !bt.fits(len(bt.body), one) {
		completed = bt.complete()
	}
	if bt.cur == nil {
		bt.start()
	} else {
		bt.body = append(bt.body, ',')
	}
	bt.body = append(bt.body, one...)
	bt.took(s)
	return completed
}

// fits says whether one goes into the batch in progress, whose body is base bytes long.
func (bt *batcher) fits(base int, one []byte) bool {
	return bt.cur.Samples < bt.opts.BatchSize && base+1+len(one)+len(suffix) <= bt.opts.MaxBody
}

// took counts s, just written into the batch in progress.
func (bt *batcher) took(s *api.Sample) {
	bt.cur.Samples++
	bt.cur.Names = append(bt.cur.Names, s.Name)
	for i := range s.Labels {
		bt.count(s.Labels[i].Type)
	}
}

// checkAdd is checkAppend, v.judge (r is v.seen.prepare(s.Name)) and add in one: s is
// encoded where it goes, at the end of the body in progress, rather than encoded aside and
// copied there (a copy of every byte of the output). Only the first sample of a batch is
// moved, behind the new body's prefix. It returns why s cannot be sent, or the batch s
// completed.
func (bt *batcher) checkAdd(s *api.Sample, v *verdict, r nameRef) (reason string, completed *Batch) {
	base := len(bt.body)
	dst := bt.body
	if bt.cur != nil {
		dst = append(dst, ',')
	}
	at := len(dst)
	out, reason := checkAppendStrings(s, dst, &bt.strs)
	bt.body = out[:base]
	one := out[at:]
	if reason = v.judge(s, r, one, reason); reason != "" {
		return reason, nil
	}
	if bt.cur != nil && bt.fits(base, one) {
		bt.body = out
		bt.took(s)
		return "", nil
	}
	// add completes the batch in progress into the bytes one lies in: move it first.
	bt.moved = append(bt.moved[:0], one...)
	return "", bt.add(s, bt.moved)
}

func (bt *batcher) start() {
	bt.seq++
	if bt.cur, bt.next = bt.next, nil; bt.cur != nil {
		*bt.cur = Batch{Seq: bt.seq, Names: bt.cur.Names[:0], Labels: bt.cur.Labels}
		clear(bt.cur.Labels)
	} else {
		bt.cur = &Batch{Seq: bt.seq, Names: make([]string, 0, min(bt.opts.BatchSize, 1024)), Labels: map[api.LabelType]int{}}
	}
	bt.body = append(bt.body[:0], bt.prefix...)
}

// complete ends the batch in progress and returns it (nil when there is none).
func (bt *batcher) complete() *Batch {
	b := bt.cur
	if b == nil || b.Samples == 0 {
		return nil
	}
	bt.cur = nil
	for _, c := range bt.counts[:bt.nCounts] {
		b.Labels[c.t] += c.n
	}
	bt.nCounts = 0
	bt.body = append(bt.body, suffix...)
	// The batch takes the buffer (no copy); the next one starts in a spare batch's body
	// when it has room for a body as large as this one, else in a new one with an eighth
	// more. (Asking a spare for the eighth more too turned away nearly half of them, made
	// by the same rule for bodies a little shorter than this one.)
	b.Body = bt.body
	hint := min(len(b.Body)+len(b.Body)/8, bt.opts.MaxBody)
	bt.body = nil
	select {
	case bt.next = <-bt.spare: // never ready when spare is nil
		if cap(bt.next.Body) >= len(b.Body) {
			bt.body = bt.next.Body[:0]
		}
		bt.next.Body = nil
	default:
	}
	if bt.body == nil {
		bt.body = slices.Grow(bt.body, hint) // the whole size class
	}
	return b
}

// verdict decides, in stream order, which checked samples go into the bodies: it holds the
// names taken so far. Only one goroutine uses it at a time (the encoder, or Batches for a
// large sample once every chunk is back), so the decisions are those of one goroutine.
type verdict struct {
	seen             names
	overall, maxBody int // the body's framing; Options.MaxBody
}

// judge returns why s, encoded as one, cannot be sent (reason, when the check found one
// already), or "" when it goes into a body and its name is now taken; r is
// v.seen.prepare(s.Name).
func (v *verdict) judge(s *api.Sample, r nameRef, one []byte, reason string) string {
	if reason != "" {
		return reason
	}
	// A repeated name is the reason given first; a sample too large for any body does not
	// take its name (a later sample of that name is not a repeat).
	if v.overall+len(one) > v.maxBody {
		if s.Name != "" && v.seen.has(s.Name, r) {
			return RepeatReason(s.Name)
		}
		return fmt.Sprintf("encodes to %d bytes; with the request's framing that is over the %d-byte body limit", len(one), v.maxBody)
	}
	if s.Name != "" && !v.seen.insert(s.Name, r) {
		return RepeatReason(s.Name)
	}
	return ""
}

// Chunks: samples go to the encoding goroutine 256 at a time (or fewer, up to 1 MB of held
// hints: heldHint), so a hand-off costs little per sample (64 at a time, each goroutine blocked and
// woke four times as often, and a CSV run took 3-5% more CPU). Up to eight chunks are on
// their way, as long as their held hints add up to 2 MB at most (or there is one): with
// only two, the importer's goroutine and the encoder waited on each other whenever one of
// them was briefly slower (a collection, a batch to yield), and the command kept 1.2-1.7
// of two cores busy; the bytes bound keeps the memory held for large samples what it was
// with two.
const (
	chunkSamples   = 256
	chunkBytes     = 1 << 20
	chunksInFlight = 8
	flightBytes    = 2 << 20
)

// chunk is a run of samples the encoding goroutine checks, encodes and puts into bodies
// together: reasons[i] says why sample i cannot be sent, or completed[i] is the batch that
// was completed (to be yielded) when it went into the next one.
type chunk struct {
	samples   []*api.Sample
	reasons   []string
	completed []*Batch
	refs      []nameRef // the samples' names, prepared for the name set
	hint      int       // the samples' held hints, summed
	touched   uint64    // see nameSet.touch
}

func (c *chunk) encode(v *verdict, bt *batcher) {
	c.reasons, c.completed, c.refs = c.reasons[:0], c.completed[:0], c.refs[:0]
	for _, s := range c.samples {
		r := v.seen.prepare(s.Name)
		c.refs = append(c.refs, r)
		c.touched += v.seen.touch(r)
	}
	for i, s := range c.samples {
		reason, completed := bt.checkAdd(s, v, c.refs[i])
		c.reasons = append(c.reasons, reason)
		c.completed = append(c.completed, completed)
	}
}

// pipeline is Batches' hand-off to its encoding goroutine, which starts with the first chunk.
type pipeline struct {
	todo, done chan *chunk
	verdict    *verdict // used by the encoding goroutine, or by Batches while none is on its way
	batcher    *batcher // the same
	filling    *chunk   // the chunk being filled
	free       []*chunk // chunks back from the encoder, to fill again
	flying     int      // chunks sent and not received yet
	flyingHint int      // their held hints, summed
}

// fill adds s to the chunk being filled and says whether the chunk is full.
func (p *pipeline) fill(s *api.Sample, hint int) bool {
	c := p.filling
	if c == nil {
		if n := len(p.free); n > 0 {
			c, p.free = p.free[n-1], p.free[:n-1]
		} else {
			c = &chunk{samples: make([]*api.Sample, 0, chunkSamples)}
		}
		p.filling = c
	}
	c.samples = append(c.samples, s)
	c.hint += hint
	return len(c.samples) == chunkSamples || c.hint >= chunkBytes
}

func (p *pipeline) send() {
	if p.todo == nil {
		p.todo = make(chan *chunk, chunksInFlight)
		p.done = make(chan *chunk, chunksInFlight)
		go func(todo <-chan *chunk, done chan<- *chunk, v *verdict, bt *batcher) {
			for c := range todo {
				c.encode(v, bt)
				done <- c // never blocks: at most chunksInFlight are on their way
			}
		}(p.todo, p.done, p.verdict, p.batcher)
	}
	p.flyingHint += p.filling.hint
	p.todo <- p.filling
	p.filling = nil
	p.flying++
}

func (p *pipeline) receive() *chunk {
	c := <-p.done
	p.flying--
	p.flyingHint -= c.hint
	return c
}

func (p *pipeline) recycle(c *chunk) {
	clear(c.samples)   // let the samples go
	clear(c.completed) // and the batches
	c.samples, c.hint = c.samples[:0], 0
	p.free = append(p.free, c)
}

// stop ends the encoding goroutine (it finishes the chunks on their way, which nobody reads).
func (p *pipeline) stop() {
	if p.todo != nil {
		close(p.todo)
	}
}
