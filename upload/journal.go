package upload

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// Destination names the dataset a journal belongs to. A journal refuses to serve another.
type Destination struct {
	Endpoint  string `json:"endpoint"`
	ProjectID string `json:"project_id"`
	DatasetID string `json:"dataset_id"`
}

// Destination is where the client posts to.
func (c *Client) Destination() Destination {
	return Destination{Endpoint: strings.TrimRight(c.Endpoint, "/"), ProjectID: c.ProjectID, DatasetID: c.DatasetID}
}

// JournalName is the journal's default file name for a dataset: upload-<dataset>.journal
// (never *.json, so that it is not read as a request body).
func JournalName(datasetID string) string {
	var b strings.Builder
	for _, r := range datasetID {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return "upload-" + b.String() + ".journal"
}

// Journal records which samples the endpoint acknowledged, so that a rerun sends only the
// rest. It is a text file of JSON lines: a header naming the Destination, then for each
// batch a "sending" record listing its samples, written before the request leaves (and
// fsynced while it is in flight), and a record of the answer listing the samples created,
// the samples that already existed (counted as done), the samples that failed (name,
// error_code, error_msg) and the samples whose outcome the answer left unknown. Each answer
// is written and fsynced, and so is its batch's "sending" record, before the batch is
// counted, so a run killed at any moment (kill -9 included) loses at most the answers it
// had not recorded yet; those samples are sent again, and because the journal shows they
// were sent, the service's ModelArts.4422 for any it had stored counts as done. (Only a
// crash of the machine during the few milliseconds of a "sending" record's fsync can lose
// it after its request left: a rerun then reports the 4422 of such a sample as a conflict,
// never the other way round.) A torn last line is ignored and cut off.
//
// Samples are known by name; a sample without a name by "<sha256:HEX>" of its JSON (the
// angle brackets cannot occur in a name). In memory the journal keeps 16 bytes per sample
// acknowledged by earlier runs (what Skip leaves out) and 16 bytes per sample sent without a
// known outcome, nothing per sample of this run. It holds names, codes and messages (from
// which the client has removed any echoed secret): never credentials.
type Journal struct {
	path     string
	dest     Destination
	readOnly bool

	mu     sync.Mutex
	f      *os.File
	broken error // a write or sync failed: nothing more is recorded
	// Lines are written at once (appendLines) and fsynced by one goroutine, syncLoop, while
	// their writers go on (a sender: with its request): every fsync covers all the lines
	// written before it started (group commit).
	written uint64     // appendLines calls that wrote their lines
	synced  uint64     // the lines of the first synced calls are fsynced
	syncing bool       // syncLoop runs
	closing bool       // Close was called: nothing more is written
	changed *sync.Cond // on mu: an fsync ended, or syncLoop did
	done    map[[2]uint64]struct{}
	sent    map[[2]uint64]struct{} // sent, and no definite answer since: may have landed
	failed  map[string]SampleError // failures not acknowledged since
	skipped atomic.Int64
}

// journalHeader is the journal's first line.
type journalHeader struct {
	Journal string `json:"journal"`
	Version int    `json:"version"`
	Destination
}

const journalMagic = "convert upload"

// journalRecord is one answered batch.
type journalRecord struct {
	Batch    int           `json:"batch"`
	Sending  []string      `json:"sending,omitempty"` // about to be sent
	Created  []string      `json:"created,omitempty"`
	Existing []string      `json:"existing,omitempty"`
	Failed   []SampleError `json:"failed,omitempty"`
	Unknown  []SampleError `json:"unknown,omitempty"` // answered without a known outcome
}

// OpenJournal opens (or, unless readOnly, creates) the journal at path for dest. It fails
// when the journal belongs to another destination or is damaged other than by a torn last
// line. A read-only journal (for dry runs) is never created or written.
func OpenJournal(path string, dest Destination, readOnly bool) (*Journal, error) {
	dest.Endpoint = strings.TrimRight(dest.Endpoint, "/")
	j := &Journal{path: path, dest: dest, readOnly: readOnly, done: map[[2]uint64]struct{}{},
		sent: map[[2]uint64]struct{}{}, failed: map[string]SampleError{}}
	j.changed = sync.NewCond(&j.mu)
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	switch {
	case errors.Is(err, os.ErrNotExist) && readOnly:
		return j, nil
	case errors.Is(err, os.ErrNotExist):
		return j, j.create()
	case err != nil:
		return nil, fmt.Errorf("journal: %w", err)
	}
	if !readOnly {
		if err := lockFile(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("journal %s: %w", path, err)
		}
	}
	good, err := j.load(f)
	if err == nil && !readOnly {
		// Cut a torn last line off, so the next record starts on a line of its own.
		if err = f.Truncate(good); err == nil {
			_, err = f.Seek(good, io.SeekStart)
		}
	}
	if err != nil || readOnly {
		f.Close()
		if err != nil {
			return nil, err
		}
		return j, nil
	}
	j.f = f
	return j, nil
}

func (j *Journal) create() error {
	f, err := os.OpenFile(j.path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return fmt.Errorf("journal %s: %w", j.path, err)
	}
	line, _ := json.Marshal(journalHeader{Journal: journalMagic, Version: 1, Destination: j.dest})
	if _, err = f.Write(append(line, '\n')); err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = syncDir(filepath.Dir(j.path))
	}
	if err != nil {
		f.Close()
		os.Remove(j.path)
		return fmt.Errorf("journal: creating %s: %w", j.path, err)
	}
	j.f = f
	return nil
}

// load reads the journal and returns the length of its complete lines.
func (j *Journal) load(f *os.File) (int64, error) {
	r := bufio.NewReaderSize(f, 64<<10)
	var off int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			if n == 1 && len(line) == 0 {
				return 0, fmt.Errorf("journal %s is empty; remove it or choose another journal file", j.path)
			}
			return off, nil // a torn last line (len(line) > 0) is ignored
		}
		if err != nil {
			return 0, fmt.Errorf("journal: %w", err)
		}
		off += int64(len(line))
		if n == 1 {
			var h journalHeader
			if json.Unmarshal(line, &h) != nil || h.Journal != journalMagic {
				return 0, fmt.Errorf("%s is not an upload journal", j.path)
			}
			h.Endpoint = strings.TrimRight(h.Endpoint, "/")
			if h.Destination != j.dest {
				return 0, fmt.Errorf("journal %s belongs to dataset %s of project %s at %s, not to dataset %s of project %s at %s; choose another journal file",
					j.path, h.DatasetID, h.ProjectID, h.Endpoint, j.dest.DatasetID, j.dest.ProjectID, j.dest.Endpoint)
			}
			continue
		}
		var rec journalRecord
		if err := json.Unmarshal(bytes.TrimSpace(line), &rec); err != nil {
			return 0, fmt.Errorf("journal %s, line %d: damaged (%v); remove the line or choose another journal file", j.path, n, err)
		}
		j.apply(&rec)
	}
}

func (j *Journal) apply(rec *journalRecord) {
	for _, k := range rec.Sending {
		j.sent[keyHash(k)] = struct{}{}
	}
	for _, lists := range [][]string{rec.Created, rec.Existing} {
		for _, k := range lists {
			h := keyHash(k)
			j.done[h] = struct{}{}
			delete(j.sent, h)
			delete(j.failed, k)
		}
	}
	for _, f := range rec.Failed {
		// A definite refusal: the request did not store it.
		j.failed[f.Name] = f
		delete(j.sent, keyHash(f.Name))
	}
	// Unknown outcomes stay in sent: they may have landed.
}

// sending records, durably, that the samples known by keys are about to be sent in batch
// seq.
func (j *Journal) sending(seq int, keys []string) error {
	if j == nil || j.readOnly || len(keys) == 0 {
		return nil
	}
	line, err := appendSending(nil, seq, keys)
	if err != nil {
		return err
	}
	return j.commit(line)
}

// appendSending appends the line that says the samples known by keys are about to be sent
// in batch seq.
func appendSending(buf []byte, seq int, keys []string) ([]byte, error) {
	if len(keys) == 0 {
		return buf, nil
	}
	line, err := json.Marshal(journalRecord{Batch: seq, Sending: keys})
	if err != nil {
		return buf, err
	}
	return append(append(buf, line...), '\n'), nil
}

// maybeSent reports whether, by the time the journal was opened, the sample known by key
// had been sent without a definite answer since: a request that may have stored it.
func (j *Journal) maybeSent(key string) bool {
	if j == nil {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.sent[keyHash(key)]
	return ok
}

// record appends the outcomes of answered batches durably, one line each: it returns once
// the lines are written and fsynced (one fsync for all of them).
func (j *Journal) record(rs ...*BatchResult) error {
	if j == nil || j.readOnly {
		return nil
	}
	buf, err := appendAnswers(nil, rs...)
	if err != nil {
		return err
	}
	return j.commit(buf)
}

// appendAnswers appends the lines that record the outcomes of answered batches.
func appendAnswers(buf []byte, rs ...*BatchResult) ([]byte, error) {
	for _, r := range rs {
		if len(r.Created)+len(r.Existing)+len(r.Failed)+len(r.Unknown) == 0 {
			continue
		}
		line, err := json.Marshal(journalRecord{Batch: r.Seq, Created: r.Created, Existing: r.Existing, Failed: r.Failed, Unknown: r.Unknown})
		if err != nil {
			return buf, err
		}
		buf = append(append(buf, line...), '\n')
	}
	return buf, nil
}

// commit writes complete lines durably: it returns once they are written and fsynced;
// nothing for a nil or read-only journal or no lines.
func (j *Journal) commit(lines []byte) error {
	n, err := j.appendLines(lines)
	if err != nil {
		return err
	}
	return j.waitDurable(n)
}

// appendLines writes complete lines to the journal file at once, and has them fsynced in
// the background; waitDurable(n) waits for that. Once it returns, the lines are in the
// operating system's cache: they survive the process being killed (kill -9 included), and
// only a crash of the machine (power loss) before the fsync ends can lose them. n is 0,
// and nothing happens, for a nil or read-only journal or no lines. A failed write or fsync
// breaks the journal: every later call and every wait for lines it had not made durable
// gets the error.
func (j *Journal) appendLines(lines []byte) (n uint64, err error) {
	if j == nil || j.readOnly || len(lines) == 0 {
		return 0, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.broken != nil:
		return 0, j.broken
	case j.f == nil || j.closing:
		return 0, errors.New("journal: closed")
	}
	if _, err := j.f.Write(lines); err != nil {
		j.broken = fmt.Errorf("journal: writing %s: %w", j.path, err) // the file may end in a partial line
		j.changed.Broadcast()
		return 0, j.broken
	}
	j.written++
	if !j.syncing {
		j.syncing = true
		go j.syncLoop(j.f)
	}
	return j.written, nil
}

// waitDurable waits until the lines of appendLines' call n are fsynced.
func (j *Journal) waitDurable(n uint64) error {
	if j == nil || n == 0 {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.synced < n && j.broken == nil {
		j.changed.Wait()
	}
	if j.synced >= n {
		return nil
	}
	return j.broken
}

// syncDelay is how long syncLoop lets lines gather before an fsync (group commit). A
// sender's "sending" line starts the loop just before its request leaves; an fsync at once
// would run while the request and the endpoint's reading of it need the cores (an fsync
// holds its thread, and the Go scheduler's processor with it, for its whole length; at
// concurrency 1 the time from an answer to the next request's arrival was 0.1-0.3 ms longer
// in the median with the fsync at once, on the shared disk). Lines still count only once
// fsynced; the delay only postpones that, off every request's path.
const syncDelay = 2 * time.Millisecond

// syncLoop fsyncs the journal file until every line written is fsynced, then ends
// (appendLines starts it again); it also ends when the journal breaks. It waits syncDelay
// before each fsync (not once Close was called). Lines written during the wait or an fsync
// go out with the next one: fsyncs never queue up one per batch, and the writers never wait
// for one to write their lines. (Before, a sender wrote and fsynced the "sending" line of its
// next batch before the request left: one fsync, more under load, on every request's path.)
func (j *Journal) syncLoop(f *os.File) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for j.broken == nil && j.synced < j.written {
		if !j.closing {
			j.mu.Unlock()
			time.Sleep(syncDelay)
			j.mu.Lock()
		}
		target := j.written
		j.mu.Unlock()
		err := f.Sync()
		j.mu.Lock()
		if err != nil {
			j.broken = fmt.Errorf("journal: syncing %s: %w", j.path, err)
		} else {
			j.synced = target
		}
		j.changed.Broadcast()
	}
	j.syncing = false
	j.changed.Broadcast()
	// The in-memory sets keep what the journal held when it was opened (what Skip leaves
	// out): within a run every sample is sent once anyway, so memory stays flat.
}

// Path is the journal's file.
func (j *Journal) Path() string { return j.path }

// Done reports whether the sample known by key (see SampleKey) was acknowledged by the
// time the journal was opened.
func (j *Journal) Done(key string) bool {
	if j == nil {
		return false
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.done[keyHash(key)]
	return ok
}

// Acknowledged is how many samples were acknowledged by the time the journal was opened.
func (j *Journal) Acknowledged() int {
	if j == nil {
		return 0
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.done)
}

// Failed lists the samples whose last answer was a failure by the time the journal was
// opened, by name.
func (j *Journal) Failed() []SampleError {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]SampleError, 0, len(j.failed))
	for _, f := range j.failed {
		out = append(out, f)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Skip passes samples through, leaving out those the journal knows as done; Skipped counts
// them. A nil journal skips nothing.
func (j *Journal) Skip(samples iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	if j == nil {
		return samples
	}
	return func(yield func(*api.Sample, error) bool) {
		for s, err := range samples {
			if err == nil && s != nil && j.Done(SampleKey(s)) {
				j.skipped.Add(1)
				continue
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// Skipped is how many samples Skip left out.
func (j *Journal) Skipped() int {
	if j == nil {
		return 0
	}
	return int(j.skipped.Load())
}

// Close closes the journal file.
func (j *Journal) Close() error {
	if j == nil {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	j.closing = true
	for j.syncing {
		j.changed.Wait() // the lines written are fsynced first
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// SampleKey is how the journal knows a sample: its name, or for a sample without one
// "<sha256:HEX>" of its JSON as it appears in a request body.
func SampleKey(s *api.Sample) string {
	if s.Name != "" {
		return s.Name
	}
	raw, err := emit.EncodeSample(s)
	if err != nil {
		return ""
	}
	return rawKey(raw)
}

func rawKey(raw []byte) string { return "<sha256:" + BodyHash(raw) + ">" }

// keySeeds seed keyHash. The set is rebuilt from the names in every process, so the hash
// need not be stable across processes: 128 bits of seeded hash make collisions negligible.
var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyHash(key string) [2]uint64 {
	return [2]uint64{maphash.String(keySeeds[0], key), maphash.String(keySeeds[1], key)}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
