package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// DefaultConcurrency is how many requests Uploader keeps in flight when Concurrency is 0.
const DefaultConcurrency = 4

// Uploader streams batches to the endpoint with a Client, Concurrency requests at a time,
// and records every answer in a Journal. Memory holds the request bodies in flight (at
// most Concurrency+2), emit.Batches' 8 bytes per sample name and the journal's 16 bytes per
// sample acknowledged by earlier runs.
//
// Per batch: a 413 / ModelArts.4104 splits the batch and sends the halves (down to single
// samples); an HTTP 200 with per-sample success:false records each failed sample (name,
// error_code, error_msg), and a rerun retries exactly those. A sample counts as stored only
// when a result with exactly its name says so; a sample the answer does not mention (or an
// answer that is not a response body, or larger than 16 MiB) has an unknown outcome: it is
// reported in Unknown and stays pending, so a rerun sends it again. ModelArts.4422 ("already
// exists") counts as done only for a sample that may have landed earlier (this journal sent
// it in an earlier run without learning its fate, or an earlier attempt of this run timed out
// or failed in transit), or for every sample with SkipExisting; otherwise it is a conflict
// (another sample of that name is in the dataset), recorded as a failure. Another 4xx fails
// the batch's samples and the run goes on. A redirect (never followed), a 401, 403 or 404,
// a dataset that does not exist or is being published, retries exhausted or a journal that
// cannot be written stop the run: no new batch is taken, the answers of those in flight are
// recorded.
type Uploader struct {
	Client      *Client
	Journal     *Journal // nil: nothing is recorded and nothing skipped
	Concurrency int      // requests in flight; 0 means DefaultConcurrency
	// DryRun builds and signs every request (the batches are validated by emit.Batches) but
	// sends nothing and records nothing.
	DryRun bool
	// SkipExisting counts ModelArts.4422 ("already exists") as done for every sample, as if
	// the dataset's sample of that name were this one (-existing skip).
	SkipExisting bool
	// OnBatch, when set, receives each batch's outcome, in batch order, from one goroutine
	// at a time.
	OnBatch func(*BatchResult)
}

// SampleError is a sample the service refused.
type SampleError struct {
	Name    string `json:"name"`
	Code    string `json:"error_code,omitempty"`
	Message string `json:"error_msg,omitempty"`
}

func (e SampleError) String() string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	}
	return e.Message
}

// BatchResult is what became of one batch. Samples are named by their journal key (see
// SampleKey).
type BatchResult struct {
	Seq      int
	Created  []string      // acknowledged as added
	Existing []string      // ModelArts.4422 for a sample sent before (or SkipExisting): counted as done
	Failed   []SampleError // refused (ModelArts.4422 conflicts among them); recorded, retried by a rerun
	// Unknown are samples the answer says nothing certain about: recorded as pending, sent
	// again by a rerun.
	Unknown []SampleError
	// Unacknowledged counts samples whose fate is unknown because the run stopped (Err).
	Unacknowledged int
	Requests       int // HTTP attempts the batch took (retries and split halves included)
	Err            error
}

// Stats counts a run: the batches and samples taken from the stream (emit.Stats), the
// requests made and what the endpoint said about the samples.
type Stats struct {
	emit.Stats
	Requests       int
	Created        int
	Existing       int
	Failed         int
	Unknown        int // answered, but the answer does not say what became of them
	Unacknowledged int // taken but not answered: the run stopped or was interrupted
	Skipped        int // left out because the journal knew them as done
}

// UploadSamples batches samples with emit.Batches (opts) after leaving out those the journal
// knows as done, and uploads the batches.
func (u *Uploader) UploadSamples(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts emit.Options) (Stats, error) {
	return u.Upload(ctx, emit.Batches(ctx, u.Journal.Skip(samples), opts))
}

// Upload sends the batches and returns what became of them. It stops taking batches when
// ctx ends, when the stream yields an error or when the run must stop (see Uploader); the
// error then says why. When every batch was answered but some samples failed, the error
// wraps ErrSamplesFailed.
func (u *Uploader) Upload(ctx context.Context, batches iter.Seq2[*emit.Batch, error]) (Stats, error) {
	var st Stats
	if u.Client == nil {
		return st, errors.New("upload: no client")
	}
	if err := u.Client.check(); err != nil {
		return st, err
	}
	n := u.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	stop, abort := context.WithCancelCause(ctx)
	defer abort(nil)

	// Each slot is a sender and a recorder. The dispatcher (this goroutine) prepares every
	// batch before a sender takes it: its samples' keys, its body's hash for the signature
	// and its journal "sending" line, while the requests in flight wait for their answers.
	// A sender writes that line (one write, already encoded) and sends the batch at once,
	// then hands the answer to its recorder and takes the next batch: sorting the answer's
	// results by name, its journal line, its fsync and its counting are not on any
	// request's path. (At concurrency 1, sorting the answer, encoding and writing its line
	// with the next "sending" line, hashing and checking the next batch took 0.1-1 ms of
	// every 50 ms request, between the answer and the next request.) What stops the run (a
	// refusal of the whole batch, an error) is still known before the sender takes another
	// batch. The recorder writes the answer's line at once, without waiting for any fsync;
	// the journal fsyncs in the background, one fsync for the lines of every goroutine
	// written meanwhile (group commit), and the collector counts an answer, and gives it to
	// OnBatch in batch order, once its line, and its batch's "sending" line, are fsynced.
	// An answer not yet written when the process dies is sent again by a rerun (and its
	// samples' ModelArts.4422 then count as done: their "sending" line was written). A
	// "sending" line is in the operating system's
	// cache before its request leaves, so a killed run (kill -9) has it; only a crash of
	// the machine within the fsync can lose a "sending" line whose request went out: a
	// rerun then takes the service's ModelArts.4422 for those samples as a conflict
	// (reported, exit 1), never a sample that was not sent as done.
	jobs := make(chan *job)
	results := make(chan done, n)
	var workers sync.WaitGroup
	for range n {
		workers.Go(func() {
			answers := make(chan answer, 1)
			var recorder sync.WaitGroup
			recorder.Go(func() {
				for a := range answers {
					if a.resp != nil {
						u.classify(a.p, a.resp, a.r)
					}
					// The answer's line is written after its "sending" line, so that one
					// fsync covering it covers both; the collector waits for that fsync.
					written, err := u.Journal.appendLines(u.answerLines(a.r))
					if err != nil {
						unrecorded(a.r, err, abort)
					} else {
						a.durable = max(written, a.sent)
					}
					results <- a.done
				}
			})
			defer func() {
				close(answers)
				recorder.Wait()
			}()
			for j := range jobs {
				r := &BatchResult{Seq: j.b.Seq}
				if j.err != nil {
					r.Unacknowledged, r.Err = len(j.b.Names), j.err
				}
				var sent uint64
				if r.Err == nil && ctx.Err() == nil && stop.Err() == nil {
					// Recorded before the request leaves, so that a rerun after a crash
					// knows these samples may have landed (and takes ModelArts.4422 for
					// them as done).
					var err error
					if sent, err = u.Journal.appendLines(j.sending); err != nil {
						r.Unacknowledged, r.Err = len(j.p.keys), err
					}
					if sent != 0 && testHookSent != nil {
						testHookSent(j.b.Seq)
					}
				}
				a := answer{done: done{i: j.i, r: r}, sent: sent}
				switch {
				case r.Err != nil:
				case sent == 0 && stop.Err() != nil && ctx.Err() == nil:
					// The run stopped: no new batch is sent. A batch whose "sending" line is
					// written is sent all the same (it is in flight): a rerun takes the
					// service's ModelArts.4422 for its samples as done, so they must have
					// left.
					r.Unacknowledged = len(j.p.keys)
				default:
					// The answer is classified by the recorder (the samples' keys and
					// whether the part was resent are all it needs; not the body).
					if a.resp = u.post(ctx, j.p, r); a.resp != nil {
						a.p = &part{keys: j.p.keys, resent: j.p.resent}
					}
				}
				if r.Err != nil {
					abort(r.Err)
				}
				answers <- a
			}
		})
	}

	var answered Stats
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		pending := map[int]done{}
		next := 0
		for d := range results {
			pending[d.i] = d
			for d, ok := pending[next]; ok; d, ok = pending[next] {
				delete(pending, next)
				next++
				r := d.r
				if err := u.Journal.waitDurable(d.durable); err != nil {
					unrecorded(r, err, abort)
				}
				answered.Requests += r.Requests
				answered.Created += len(r.Created)
				answered.Existing += len(r.Existing)
				answered.Failed += len(r.Failed)
				answered.Unknown += len(r.Unknown)
				answered.Unacknowledged += r.Unacknowledged
				if u.OnBatch != nil {
					u.OnBatch(r)
				}
			}
		}
	}()

	// Once the batches end (or their iterator panics and a caller recovers), the senders
	// finish the batches they hold, the recorders their answers and the collector its count:
	// no goroutine of the run outlives Upload.
	shutdown := sync.OnceFunc(func() {
		close(jobs)
		workers.Wait()
		close(results)
		<-collected
	})
	defer shutdown()

	var streamErr error
	i := 0
dispatch:
	for b, err := range batches {
		if err != nil {
			streamErr = err
			break
		}
		j := u.prepare(i, b)
		if stop.Err() != nil {
			break // checked after preparing: the run may have stopped meanwhile
		}
		select {
		case jobs <- j:
			i++
			st.Add(b)
		case <-stop.Done():
			break dispatch
		}
	}
	shutdown()

	st.Requests = answered.Requests
	st.Created, st.Existing, st.Failed = answered.Created, answered.Existing, answered.Failed
	st.Unknown = answered.Unknown
	st.Unacknowledged = answered.Unacknowledged
	st.Skipped = u.Journal.Skipped()

	cause := context.Cause(stop)
	switch {
	case ctx.Err() != nil:
		return st, fmt.Errorf("interrupted: %w", ctx.Err())
	case cause != nil && !errors.Is(cause, context.Canceled):
		return st, fmt.Errorf("stopped: %w", cause)
	case streamErr != nil:
		return st, streamErr
	case st.Failed > 0 && st.Unknown > 0:
		return st, fmt.Errorf("%d of %d samples failed (%w) and %d have an unknown outcome (%w)",
			st.Failed, st.Samples, ErrSamplesFailed, st.Unknown, ErrOutcomeUnknown)
	case st.Failed > 0:
		return st, fmt.Errorf("%d of %d samples failed: %w", st.Failed, st.Samples, ErrSamplesFailed)
	case st.Unknown > 0:
		return st, fmt.Errorf("%d of %d samples have an unknown outcome: %w", st.Unknown, st.Samples, ErrOutcomeUnknown)
	}
	return st, nil
}

// testHookSent, when set (by tests), is called once a batch's "sending" line is written.
var testHookSent func(seq int)

// job is the i-th batch taken, prepared for its sender.
type job struct {
	i       int
	b       *emit.Batch
	p       *part  // the body, its hash and its samples' keys
	sending []byte // the journal's line for the samples about to be sent
	err     error  // the keys could not be resolved: nothing is sent
}

// prepare readies the i-th batch taken for a sender: its samples' keys (a sample without a
// name needs its body parsed), its body's hash and its "sending" line.
func (u *Uploader) prepare(i int, b *emit.Batch) *job {
	j := &job{i: i, b: b, p: &part{body: b.Body, keys: b.Names}}
	if j.err = j.p.resolveKeys(); j.err != nil {
		return j
	}
	j.p.hash = BodyHash(b.Body)
	if u.Journal != nil && !u.DryRun {
		// Encoding strings cannot fail.
		j.sending, _ = appendSending(nil, b.Seq, j.p.keys)
	}
	return j
}

// answer is a batch's outcome on its way to the recorder: resp, when set, is to be
// classified into r for p's samples; sent is the journal write of the batch's "sending"
// line (0: none).
type answer struct {
	done
	p    *part
	resp *api.Response
	sent uint64
}

// answerLines are the journal lines of an answered batch's outcome. Encoding them cannot
// fail: what they hold are strings.
func (u *Uploader) answerLines(r *BatchResult) []byte {
	if u.Journal == nil || u.DryRun {
		return nil
	}
	buf, _ := appendAnswers(nil, r)
	return buf
}

// unrecorded turns an answer whose journal line could not be written or fsynced (err) into
// samples of unknown fate: it is not counted (its samples are unacknowledged; a rerun sends
// them again), and the run stops.
func unrecorded(r *BatchResult, err error, abort context.CancelCauseFunc) {
	r.Unacknowledged += len(r.Created) + len(r.Existing) + len(r.Failed) + len(r.Unknown)
	r.Created, r.Existing, r.Failed, r.Unknown = nil, nil, nil, nil
	r.Err = err
	abort(err)
}

// exists sorts a sample the endpoint says already exists: done when it may have landed
// before (or SkipExisting), else a conflict.
func (u *Uploader) exists(p *part, k string, r *BatchResult) {
	if u.SkipExisting || p.resent || u.Journal.maybeSent(k) {
		r.Existing = append(r.Existing, k)
		return
	}
	r.Failed = append(r.Failed, SampleError{Name: k, Code: CodeExists, Message: MsgConflict})
}

// MsgConflict is the message of a ModelArts.4422 conflict: the endpoint says a sample of
// this name exists, and this journal never sent it.
const MsgConflict = "the dataset already holds a sample of this name"

// MsgUnmentioned is the message of a sample a response does not mention.
const MsgUnmentioned = "the endpoint's answer does not mention it"

// send posts one part of a batch and classifies the answer into r.
func (u *Uploader) send(ctx context.Context, p *part, r *BatchResult) {
	if resp := u.post(ctx, p, r); resp != nil {
		u.classify(p, resp, r)
	}
}

// post posts one part of a batch. It returns the answer when it names the part's samples
// (an HTTP 200 that is not a batch-level refusal), to be classified into r; every other
// outcome, the halves of a split part included, it puts into r itself and returns nil.
// Everything that stops the run (r.Err) is known when it returns.
func (u *Uploader) post(ctx context.Context, p *part, r *BatchResult) *api.Response {
	if err := ctx.Err(); err != nil {
		r.Unacknowledged += len(p.keys)
		return nil
	}
	if p.hash == "" {
		p.hash = BodyHash(p.body)
	}
	if u.DryRun {
		if _, err := u.Client.newRequest(ctx, p.body, p.hash); err != nil {
			r.Unacknowledged += len(p.keys)
			r.Err = err
		}
		return nil
	}
	resp, attempts, err := u.Client.sendHashed(ctx, p.body, p.hash)
	r.Requests += attempts
	if attempts > 1 {
		p.resent = true // an earlier attempt failed in transit or timed out: it may have landed
	}
	if err == nil && !resp.Success && len(resp.Results) == 0 && (resp.ErrorCode != "" || resp.ErrorMsg != "") {
		// A batch-level refusal in an HTTP 200.
		err = &Error{StatusCode: 200, Code: resp.ErrorCode, Message: resp.ErrorMsg}
	}
	if err != nil {
		var oe *OutcomeError
		switch {
		case errors.As(err, &oe):
			for _, k := range p.keys {
				r.Unknown = append(r.Unknown, SampleError{Name: k, Message: oe.Reason})
			}
		case ctx.Err() != nil && Retryable(err):
			r.Unacknowledged += len(p.keys)
		case (errors.Is(err, ErrTooLarge) || errors.Is(err, ErrExists)) && len(p.keys) > 1:
			left, right, serr := p.split()
			if serr != nil {
				r.Unacknowledged += len(p.keys)
				r.Err = serr
				return nil
			}
			u.send(ctx, left, r)
			u.send(ctx, right, r)
		case errors.Is(err, ErrExists):
			u.exists(p, p.keys[0], r)
		case sampleLevel(err):
			var e *Error
			errors.As(err, &e)
			for _, k := range p.keys {
				r.Failed = append(r.Failed, SampleError{Name: k, Code: e.Code, Message: fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Message)})
			}
		default:
			r.Unacknowledged += len(p.keys)
			r.Err = err
		}
		return nil
	}
	return resp
}

// classify sorts the samples of an answered request by their results, matched by exact
// name only: no position and no suffix says which sample a result is about. A sample no
// result names, or that several results name with different outcomes, has an unknown
// outcome.
func (u *Uploader) classify(p *part, resp *api.Response, r *BatchResult) {
	type outcome struct {
		res       *api.UploadSampleResp
		ambiguous bool
	}
	byName := make(map[string]*outcome, len(resp.Results))
	for i := range resp.Results {
		res := &resp.Results[i]
		if o, ok := byName[res.Name]; ok {
			if o.res.Success != res.Success || o.res.ErrorCode != res.ErrorCode {
				o.ambiguous = true
			}
			continue
		}
		byName[res.Name] = &outcome{res: res}
	}
	for _, k := range p.keys {
		o := byName[k]
		switch {
		case o == nil:
			r.Unknown = append(r.Unknown, SampleError{Name: k, Message: MsgUnmentioned})
		case o.ambiguous:
			r.Unknown = append(r.Unknown, SampleError{Name: k, Message: "the endpoint's answer names it more than once, with different outcomes"})
		case o.res.Success:
			r.Created = append(r.Created, k)
		case o.res.ErrorCode == CodeExists:
			u.exists(p, k, r)
		default:
			r.Failed = append(r.Failed, SampleError{Name: k, Code: o.res.ErrorCode, Message: o.res.ErrorMsg})
		}
	}
}

// done is the answer of the i-th batch taken.
type done struct {
	i       int
	r       *BatchResult
	durable uint64 // the journal write whose fsync makes its lines durable (0: none)
}

// part is a batch or a piece of one: its body and its samples' keys; the body's framing and
// samples are parsed only when needed (splitting, or samples without names).
type part struct {
	body    []byte
	hash    string // BodyHash(body), or "" until sent
	keys    []string
	head    []byte            // `{...,"samples":[`
	samples []json.RawMessage // nil until parsed
	resent  bool              // a request holding these samples may have landed before
}

func (p *part) parse() error {
	if p.samples != nil {
		return nil
	}
	var m struct {
		FinalAnnotation json.RawMessage   `json:"final_annotation"`
		LabelFormat     json.RawMessage   `json:"label_format"`
		Samples         []json.RawMessage `json:"samples"`
	}
	if err := json.Unmarshal(p.body, &m); err != nil {
		return fmt.Errorf("upload: a request body does not parse: %w", err)
	}
	if len(m.Samples) != len(p.keys) {
		return fmt.Errorf("upload: a request body holds %d samples but its batch names %d", len(m.Samples), len(p.keys))
	}
	var h bytes.Buffer
	h.WriteByte('{')
	if m.FinalAnnotation != nil {
		h.WriteString(`"final_annotation":`)
		h.Write(m.FinalAnnotation)
		h.WriteByte(',')
	}
	if m.LabelFormat != nil {
		h.WriteString(`"label_format":`)
		h.Write(m.LabelFormat)
		h.WriteByte(',')
	}
	h.WriteString(`"samples":[`)
	p.head, p.samples = h.Bytes(), m.Samples
	return nil
}

// resolveKeys gives samples without a name their "<sha256:...>" key.
func (p *part) resolveKeys() error {
	if !slices.Contains(p.keys, "") {
		return nil
	}
	if err := p.parse(); err != nil {
		return err
	}
	keys := append([]string(nil), p.keys...)
	for i, k := range keys {
		if k == "" {
			keys[i] = rawKey(p.samples[i])
		}
	}
	p.keys = keys
	return nil
}

// split halves the part.
func (p *part) split() (*part, *part, error) {
	if err := p.parse(); err != nil {
		return nil, nil, err
	}
	m := len(p.samples) / 2
	mk := func(samples []json.RawMessage, keys []string) *part {
		var b bytes.Buffer
		b.Write(p.head)
		for i, s := range samples {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(s)
		}
		b.WriteString("]}\n")
		return &part{body: b.Bytes(), keys: keys, head: p.head, samples: samples, resent: p.resent}
	}
	return mk(p.samples[:m], p.keys[:m]), mk(p.samples[m:], p.keys[m:]), nil
}
