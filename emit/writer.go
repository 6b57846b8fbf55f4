package emit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/flock"
)

// FileName returns the name of the seq-th request file: part-000001.json and so on. Names
// sort in batch order up to a million files.
func FileName(seq int) string { return fmt.Sprintf("part-%06d.json", seq) }

var (
	partFile = regexp.MustCompile(`^part-[0-9]{6,}\.json$`)
	// tempName matches the temporary files writeAtomic creates (".part-000001.json.123.tmp").
	tempName = regexp.MustCompile(`^\.part-[0-9]{6,}\.json\..*\.tmp$`)
)

// DirOptions say how OpenDir treats a folder that is not empty.
type DirOptions struct {
	// Overwrite lets the run replace the request files (part-N.json) of an earlier run: Write
	// removes them all before it writes anything, so the folder never mixes two runs. Without
	// it a folder holding request files is refused with *ExistingRequestsError.
	Overwrite bool
	// Inputs are the paths the run reads. A request file of the folder that is one of them is
	// never removed or overwritten: OpenDir refuses the folder with *InputConflictError.
	Inputs []string
}

// DirBusyError means another run holds the folder's lock.
type DirBusyError struct{ Dir string }

func (e *DirBusyError) Error() string {
	return e.Dir + " is being written by another convert run"
}

// ExistingRequestsError means the folder holds request files of an earlier run and
// DirOptions.Overwrite was not given.
type ExistingRequestsError struct {
	Dir   string
	Files int
}

func (e *ExistingRequestsError) Error() string {
	return fmt.Sprintf("%s already holds %d request files of an earlier run", e.Dir, e.Files)
}

// InputConflictError means a request file in the folder is one of the run's inputs.
type InputConflictError struct {
	Dir   string
	Input string // the input as given
	File  string // the request file's name in Dir
}

func (e *InputConflictError) Error() string {
	return fmt.Sprintf("%s is the request file %s of the output folder %s, and this run reads it; write to another folder", e.Input, e.File, e.Dir)
}

// Dir is an output folder opened for one run: locked and cleaned of temporary files a killed
// run left. Close releases the lock.
type Dir struct {
	path string
	lock *os.File
	// earlier are the request files of an earlier run that Write removes (DirOptions.Overwrite).
	earlier []string
	// Removed is how many request files of an earlier run Write removed.
	Removed int
	// createTemp creates the temporary file for one request body; tests replace it to make
	// writes fail.
	createTemp func(dir, pattern string) (tempFile, error)
	// remove removes an earlier run's request file; tests replace it to stop part way.
	remove func(name string) error
	// created says that OpenDir made the folder, and used that Write was called: a folder
	// this run made and never wrote to (the command stopped at a usage error) goes at Close.
	created, used bool
}

// tempFile is the part of *os.File that writeAtomic uses.
type tempFile interface {
	io.Writer
	Chmod(mode os.FileMode) error
	Sync() error
	Close() error
	Name() string
}

func osCreateTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// OpenDir prepares path (created if needed) for a run's request files. It takes an exclusive
// lock on the folder (on systems with flock; another run gets *DirBusyError at once), removes
// the temporary files of a killed run (under the lock nobody else is writing them), refuses
// a request file that is one of opts.Inputs (*InputConflictError) and refuses a folder that
// already holds request files (*ExistingRequestsError) unless opts.Overwrite is given; those
// files are then removed by Write, so a run that fails before it starts writing (a bad input)
// leaves them in place. Files of other names are never touched.
func OpenDir(path string, opts DirOptions) (*Dir, error) {
	_, statErr := os.Stat(path)
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	lock, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if err := flock.TryLock(lock); err != nil {
		lock.Close()
		if errors.Is(err, flock.ErrLocked) {
			return nil, &DirBusyError{Dir: path}
		}
		return nil, fmt.Errorf("emit: locking %s: %w", path, err)
	}
	d := &Dir{path: path, lock: lock, createTemp: createTempFile, remove: os.Remove, created: errors.Is(statErr, fs.ErrNotExist)}
	if err := d.prepare(opts); err != nil {
		lock.Close()
		return nil, err
	}
	return d, nil
}

func (d *Dir) prepare(opts DirOptions) error {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return err
	}
	var parts []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.Type().IsRegular() && tempName.MatchString(name):
			if err := os.Remove(filepath.Join(d.path, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		case !e.IsDir() && partFile.MatchString(name):
			parts = append(parts, name)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	if err := d.checkInputs(parts, opts.Inputs); err != nil {
		return err
	}
	if !opts.Overwrite {
		return &ExistingRequestsError{Dir: d.path, Files: len(parts)}
	}
	// By number, so that removeEarlier can take the last first (a name sorts before a
	// smaller number's once numbers pass six digits: part-1000000 < part-999999).
	sort.Slice(parts, func(i, j int) bool { return partBefore(parts[i], parts[j]) })
	d.earlier = parts
	return nil
}

// partBefore says whether request file a comes before b by number (then by name, for
// spellings with extra leading zeros).
func partBefore(a, b string) bool {
	na := strings.TrimLeft(strings.TrimSuffix(strings.TrimPrefix(a, "part-"), ".json"), "0")
	nb := strings.TrimLeft(strings.TrimSuffix(strings.TrimPrefix(b, "part-"), ".json"), "0")
	if len(na) != len(nb) {
		return len(na) < len(nb)
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

// removeEarlier removes the earlier run's request files, the last first: a run killed while
// it removes them leaves a prefix of the earlier run (part-000001 to part-N), never a gap.
func (d *Dir) removeEarlier() error {
	for len(d.earlier) > 0 {
		last := d.earlier[len(d.earlier)-1]
		err := d.remove(filepath.Join(d.path, last))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("emit: removing the earlier run's request file: %w", err)
		}
		d.earlier = d.earlier[:len(d.earlier)-1]
		d.Removed++
	}
	return nil
}

// checkInputs refuses the folder when one of its request files is an input: the same file
// by identity (device and inode), so links and other spellings of the path are caught too.
func (d *Dir) checkInputs(parts, inputs []string) error {
	var ins []os.FileInfo
	var names []string
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		fi, err := os.Stat(in)
		if err != nil || !fi.Mode().IsRegular() {
			continue // folders are read by name; the writer touches only its own names in them
		}
		ins = append(ins, fi)
		names = append(names, in)
	}
	if len(ins) == 0 {
		return nil
	}
	sort.Strings(parts)
	for _, p := range parts {
		fi, err := os.Stat(filepath.Join(d.path, p))
		if err != nil {
			continue
		}
		for i, in := range ins {
			if os.SameFile(fi, in) {
				return &InputConflictError{Dir: d.path, Input: names[i], File: p}
			}
		}
	}
	return nil
}

// Path is the folder's path as given to OpenDir.
func (d *Dir) Path() string { return d.path }

// Close releases the folder's lock.
func (d *Dir) Close() error {
	err := d.lock.Close()
	if d.created && !d.used {
		os.Remove(d.path) // only when empty: nothing but what this run made is ever removed
	}
	return err
}

// WriteDir writes the stream's batches into dir with OpenDir's default options: the folder
// must hold no request files yet. See Dir.Write.
func WriteDir(ctx context.Context, dir string, samples iter.Seq2[*api.Sample, error], opts Options, onBatch func(*Batch, string)) (Stats, error) {
	d, err := OpenDir(dir, DirOptions{})
	if err != nil {
		return Stats{}, err
	}
	defer d.Close()
	return d.Write(ctx, samples, opts, onBatch)
}

// Write first removes the earlier run's request files (DirOptions.Overwrite), then writes
// the stream's batches into the folder, one request body per file, each
// written to a temporary file, synced and renamed into place so that an interrupted run never
// leaves a truncated *.json. onBatch, when not nil, is called after each file is in place, in
// batch order, never for two batches at once (from the writer's goroutines, not the caller's).
//
// The returned Stats count what reached the disk: when a write fails (a full disk), the run
// stops and Stats cover exactly the files in place, with the error. Rejected counts every
// sample Options.Reject received.
//
// Files are written by a writer goroutine, joined by up to three helpers while batches wait
// and the files' syncs wait for a device (see maxWriters), while the next batches are being
// built, so the writing of one file overlaps the encoding of the next and, on a disk, the
// syncs of files overlap. Files are renamed into place in batch order only: the folder holds part-000001.json
// to part-N.json at every moment, never a gap, whatever order the temporary files were
// finished in. After a failure the batches before the failed one are still written and put in
// place, and those after it are not: the temporary files already written for them are removed
// (they are this run's own), so the folder holds exactly the files before the failed one, as
// when one goroutine wrote them in turn, and the error returned is the one of the first batch
// that failed in batch order.
//
// The writer holds two batches (being written, or written and waiting for an earlier one to
// be renamed), or up to 34 small ones whose bodies add up to 4 MB at most (queued, being
// written, or waiting; see writerBatches), besides the one being built and those Batches
// completed in chunks on their way (see Batches), plus, when onBatch is nil, up to 72
// written batches (4 MB of bodies at most, none over 1 MB) that are filled again rather than
// allocated anew.
func (d *Dir) Write(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts Options, onBatch func(*Batch, string)) (Stats, error) {
	d.used = true
	if err := opts.Check(); err != nil {
		return Stats{}, err
	}
	if err := d.removeEarlier(); err != nil {
		return Stats{}, err
	}
	rejectedCount := 0
	rejected := opts.Reject
	opts.Reject = func(s *api.Sample, reason string) {
		rejectedCount++
		if rejected != nil {
			rejected(s, reason)
		}
	}

	// Written batches go back to the batcher to be filled again (see batches), unless
	// onBatch may keep them, or their bodies are large. Up to spareBatches are kept, 4 MB
	// of bodies at most: when the writer is the slower, the batcher starts batches while
	// none has come back yet (as many as the writer's queue and the chunks on their way
	// hold), and those come back later all the same, in a burst when the writer catches up.
	spare := make(chan *Batch, spareBatches)
	w := newFileWriter(d, onBatch, spare)

	var streamErr error
	func() {
		// However the loop ends (a panic in the stream or in Reject too), the writers are
		// told that no more batches come and waited for: none outlives Write.
		defer w.close()
		for b, err := range batches(ctx, samples, opts, spare) {
			if err != nil {
				streamErr = err
				break
			}
			if !w.put(b) {
				break
			}
		}
	}()
	st, err := w.st, w.err
	st.Rejected = rejectedCount
	if err != nil {
		return st, err
	}
	return st, streamErr
}

// The writer's queue: a batch joins it at once while fewer than two are in the writer (queued,
// being written, or written and waiting for an earlier one to be renamed); beyond that, up to
// writerBatches, only while the bodies in the writer, with its own, add up to writerBytes at
// most. Files come out in bursts (a file's sync, the batcher's run of small samples), and a
// queue of one batch kept the batcher waiting on the writer; large bodies (inline images) are
// held two at a time, as before. With eight small batches queued (a CSV run's bodies are
// about 24 KB), a trace of `convert csv` showed the stream's goroutine blocked on a full
// queue 844 times in a 50 MB run, and the encoder and the scanner starved meanwhile while the
// writer ran alone; with 32 queued (the bytes bound unchanged), 87 times, and the run 3-8%
// shorter (median wall) on two cores. writerBatches is those 32, the one being written and
// the one on its way of the single writer of that time.
const (
	writerBatches = 34
	writerBytes   = 4 << 20
)

// maxWriters is how many goroutines may write request files at once: one, the first writer,
// takes every batch while it keeps up, and the others, helpers, join it while batches wait in
// its queue (helpAt or more) and the files' syncs wait for a device (see slowSync and
// fileWriter.put). On a disk a file's fsync waits for the device, and files synced side by
// side wait together (the journal commits them at once): `convert conll` and `convert csv` of
// 50 MB into a folder on this machine's ext4 disk took 0.6x the time of one writer (issue
// 17's fifth round, see the README). Helpers never wait on the queue itself: two writers both
// waiting on it took turns at every batch, and cost about 3% more CPU than one on tmpfs.
const maxWriters = 4

// helpAt is the length of the writer's queue (batches not yet taken) at which the helpers
// are called.
const helpAt = 2

// slowSync is the files' average sync time from which helpers are called: a sync that waits
// for a device (a disk's takes 100 µs and more) rather than returning at once (tmpfs has
// nothing to sync: a few µs). On tmpfs every cost of a file is CPU on two cores the rest of
// the run needs as well, and files written side by side in one folder contend in the kernel
// (the folder's lock, the page cache's): on an idle machine, `convert csv` of 50 MB into
// /dev/shm took 3-5% longer with helpers called whenever two batches waited (76 alternated
// runs each: median 0.28-0.29 s against 0.27 s, 2% more CPU), and as long as with one
// writer when helpers wait for slow syncs.
const slowSync = 50 * time.Microsecond

// helpOnSlowSync makes helpers wait for slow syncs (tests that need helpers on tmpfs turn
// it off).
var helpOnSlowSync = true

// writerCount is maxWriters, or fixedWriters when set.
func writerCount() int {
	if fixedWriters > 0 {
		return fixedWriters
	}
	return maxWriters
}

// fixedWriters, when positive, is the writer goroutines' count (set by tests and benchmarks).
var fixedWriters = 0

// readyRing is the size of fileWriter.ready: a power of two over writerBatches (the batches in
// the writer at once, whose numbers therefore lie within writerBatches of fileWriter.next).
const readyRing = 64

// fileWriter is Dir.Write's writer: writerCount goroutines (the first writer and its helpers)
// take batches from one queue in batch order and each writes its batch to a temporary file
// (created, written, synced, closed), then hands it to the commit step, which renames the
// files into place in batch order. Whichever goroutine finds the next batch ready does the
// committing (and goes on while the batches after it are ready), so that no goroutine is
// woken just to rename.
type fileWriter struct {
	d       *Dir
	onBatch func(*Batch, string)
	spare   chan<- *Batch
	pending chan *Batch
	help    chan struct{} // a call to the helpers (see helpOut); nil without helpers
	syncAvg atomic.Int64  // the files' sync times, a moving average in ns (see syncsWait)
	closed  chan struct{} // closed with pending: the helpers end
	q       writerQueue
	wg      sync.WaitGroup
	// stop is closed at the first failure: the batcher stops converting. failed is the lowest
	// batch number that failed so far: batches after it are not written (those before it
	// are, as one writer would have).
	stop     chan struct{}
	stopOnce sync.Once
	failed   atomic.Int64

	mu         sync.Mutex
	ready      [readyRing]prepared // batches whose temporary file is done, by Seq % readyRing
	next       int                 // the number of the next batch to rename into place
	committing bool                // a goroutine is committing: it takes what is ready

	// Used by the committing goroutine only (one at a time, handed over under mu).
	kept spareKeeper
	st   Stats
	err  error // the first error, in batch order
}

// prepared is a batch whose temporary file is written (tmp), or whose writing failed (err)
// or was left out (after an earlier batch failed; neither set).
type prepared struct {
	b    *Batch
	path string // where b's file goes
	tmp  string
	err  error
}

func newFileWriter(d *Dir, onBatch func(*Batch, string), spare chan<- *Batch) *fileWriter {
	w := &fileWriter{d: d, onBatch: onBatch, spare: spare, pending: make(chan *Batch, writerBatches), stop: make(chan struct{}), next: 1}
	w.q.cond.L = &w.q.mu
	w.failed.Store(math.MaxInt64)
	n := writerCount()
	w.wg.Add(n)
	go w.run()
	if n > 1 {
		w.help, w.closed = make(chan struct{}, 1), make(chan struct{})
		for range n - 1 {
			go w.helpOut()
		}
	}
	return w
}

// put hands b to the writers, first waiting for room in the queue; false means that a write
// failed: stop converting (b is dropped).
func (w *fileWriter) put(b *Batch) bool {
	w.q.reserve(len(b.Body), w.stop)
	if stopped(w.stop) {
		return false
	}
	w.pending <- b // never blocks: reserve keeps the batches in the writer within its capacity
	if w.help != nil && len(w.pending) >= helpAt && w.syncsWait() {
		select {
		case w.help <- struct{}{}: // one helper wakes; it calls the next while batches wait
		default: // a call is pending already
		}
	}
	return !stopped(w.stop)
}

// close tells the writers that no more batches come and waits until every batch handed over
// is in place or dropped, and every writer goroutine has ended.
func (w *fileWriter) close() {
	close(w.pending)
	if w.closed != nil {
		close(w.closed) // not help: a helper may be passing a call on; this one it cannot
	}
	w.wg.Wait()
}

// noteSync adds a file's sync time to the moving average (weight 1/8).
func (w *fileWriter) noteSync(d time.Duration) {
	for {
		old := w.syncAvg.Load()
		if w.syncAvg.CompareAndSwap(old, old+(int64(d)-old)/8) {
			return
		}
	}
}

// syncsWait says whether the files' syncs wait for a device (they average slowSync or more),
// so that helpers are worth calling.
func (w *fileWriter) syncsWait() bool {
	return !helpOnSlowSync || time.Duration(w.syncAvg.Load()) >= slowSync
}

// run is the first writer: it takes batches as they come, until the queue is closed and
// empty.
func (w *fileWriter) run() {
	defer w.wg.Done()
	for b := range w.pending {
		w.write(b)
	}
}

// helpOut is a helper: called when batches wait in the queue, it writes them until the queue
// is empty (passing the call on while they still wait, so that helpers join one by one as
// the queue stays long), then waits for the next call; once the queue is closed, it helps
// write what is left and ends. It never waits on the queue itself, so it is not woken for a
// batch the first writer would have taken at once.
func (w *fileWriter) helpOut() {
	defer w.wg.Done()
	for {
		select {
		case <-w.help:
			w.drain()
		case <-w.closed:
			if w.syncsWait() {
				w.drain()
			}
			return
		}
	}
}

// drain writes the batches in the queue until it is empty.
func (w *fileWriter) drain() {
	for {
		var b *Batch
		select {
		case b = <-w.pending: // nil once closed and empty
		default:
		}
		if b == nil {
			return
		}
		if len(w.pending) >= helpAt && w.syncsWait() {
			select {
			case w.help <- struct{}{}:
			default: // a call is pending already
			}
		}
		w.write(b)
	}
}

// write writes b's temporary file (unless an earlier batch failed) and hands it to the commit
// step.
func (w *fileWriter) write(b *Batch) {
	p := prepared{b: b, path: filepath.Join(w.d.path, FileName(b.Seq))}
	if int64(b.Seq) < w.failed.Load() {
		var synced time.Duration
		p.tmp, synced, p.err = w.d.writeTemp(p.path, b.Body)
		if p.err != nil {
			w.fail(b.Seq)
		} else {
			w.noteSync(synced)
		}
	}
	w.finish(p)
}

// fail records that batch seq failed: later batches are not written, and the batcher stops.
func (w *fileWriter) fail(seq int) {
	for {
		f := w.failed.Load()
		if int64(seq) >= f || w.failed.CompareAndSwap(f, int64(seq)) {
			break
		}
	}
	w.stopOnce.Do(func() { close(w.stop) })
}

// finish hands p to the commit step, and commits what is ready unless another goroutine is
// committing (it then takes p in turn).
func (w *fileWriter) finish(p prepared) {
	w.mu.Lock()
	w.ready[p.b.Seq%readyRing] = p
	if w.committing {
		w.mu.Unlock()
		return
	}
	w.committing = true
	for {
		slot := &w.ready[w.next%readyRing]
		if slot.b == nil || slot.b.Seq != w.next {
			break
		}
		p := *slot
		*slot = prepared{}
		w.next++
		w.mu.Unlock()
		w.commit(p)
		w.mu.Lock()
	}
	w.committing = false
	w.mu.Unlock()
}

// commit puts p's file in place (every batch before it is), or, after a failure, removes its
// temporary file; then takes the batch off the queue's count.
func (w *fileWriter) commit(p prepared) {
	size := len(p.b.Body)
	defer w.q.done(size)
	if w.err == nil && p.err == nil && p.tmp == "" {
		// Left out while no earlier batch failed: cannot happen (a batch is left out only
		// after a batch before it failed, and that failure is committed first).
		p.err = fmt.Errorf("emit: writing %s: left out", p.path)
	}
	if w.err != nil || p.err != nil {
		if p.tmp != "" {
			removeFile(p.tmp) // this run's own temporary file, never put in place
		}
		if w.err == nil {
			w.err = p.err
			w.fail(p.b.Seq)
		}
		return
	}
	if err := renameFile(p.tmp, p.path); err != nil {
		removeFile(p.tmp)
		w.err = fmt.Errorf("emit: writing %s: %w", p.path, err)
		w.fail(p.b.Seq)
		return
	}
	w.st.Add(p.b)
	if w.onBatch != nil {
		w.onBatch(p.b, p.path)
	} else if c := cap(p.b.Body); w.kept.room(c, len(w.spare)) {
		select {
		case w.spare <- p.b:
			w.kept.sent(c)
		default:
		}
	}
}

// writerQueue counts the batches Dir.Write handed to its writers and not yet in place (or
// dropped), and their bytes.
type writerQueue struct {
	mu    sync.Mutex
	cond  sync.Cond
	n     int
	bytes int
}

// reserve waits until a body of size bytes may join the queue (or stop is closed: the
// writers then drop what is queued after the failed batch), and counts it.
func (q *writerQueue) reserve(size int, stop <-chan struct{}) {
	q.mu.Lock()
	for (q.n >= writerBatches || q.n >= 2 && q.bytes+size > writerBytes) && !stopped(stop) {
		q.cond.Wait()
	}
	q.n++
	q.bytes += size
	q.mu.Unlock()
}

// done takes a batch of size bytes off the count (in place, or dropped after a failure).
func (q *writerQueue) done(size int) {
	q.mu.Lock()
	q.n--
	q.bytes -= size
	q.mu.Unlock()
	q.cond.Signal()
}

// spareBodyBytes bounds the bodies Dir.Write reuses: batches of small samples, whose bodies
// are many and small; a body of large samples (inline images, up to MaxBody) is left to the
// collector, so that memory holds no more of them than before.
// spareBytes bounds the bodies kept: four of 1 MB, spareBatches of small batches.
// spareBatches is about as many as Batches and the writer hold at once (eight chunks of 256
// samples complete up to twenty batches of 100 before they are handed over, and the writer
// queues up to 32): with room for ten, a CSV run dropped a third of its written batches when
// the writer caught up and allocated as many (a third of its bodies, 50 MB, fresh memory
// for the collector to take back) when the next burst came.
const (
	spareBodyBytes = 1 << 20
	spareBytes     = 4 << 20
	spareBatches   = 72
)

// spareKeeper counts the bodies in Dir.Write's spare channel, so that their capacities add
// up to spareBytes at most whatever their sizes ((len(spare)+1)*c, the rule before, held
// only for bodies of one size: 1 MB bodies, then smaller and smaller ones, kept up to
// 14 MB). Only the committing writer sends (one at a time, see fileWriter) and only the
// batcher receives, in the order sent, so the bodies still in the channel are the last
// len(spare) sent.
type spareKeeper struct {
	caps  []int // the capacities of the bodies sent, oldest first, not yet known to be taken
	bytes int   // their sum
}

// room reports whether a body of capacity c may go into spare, which holds queued batches:
// those taken since the last call no longer count.
func (k *spareKeeper) room(c, queued int) bool {
	for len(k.caps) > queued {
		k.bytes -= k.caps[0]
		k.caps = k.caps[1:]
	}
	return c <= spareBodyBytes && k.bytes+c <= spareBytes
}

// sent records a body of capacity c sent into spare.
func (k *spareKeeper) sent(c int) {
	k.caps = append(k.caps, c)
	k.bytes += c
}

func stopped(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// writeAtomic writes data to a temporary file beside path (not named *.json), syncs it and
// renames it over path.
func (d *Dir) writeAtomic(path string, data []byte) error {
	name, _, err := d.writeTemp(path, data)
	if err != nil {
		return err
	}
	if err := renameFile(name, path); err != nil {
		removeFile(name)
		return fmt.Errorf("emit: writing %s: %w", path, err)
	}
	return nil
}

// writeTemp writes data to a new temporary file beside path (not named *.json), syncs and
// closes it, and returns its name and how long the sync took; on failure nothing is left.
func (d *Dir) writeTemp(path string, data []byte) (name string, synced time.Duration, err error) {
	tmp, err := d.createTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", 0, fmt.Errorf("emit: writing %s: %w", path, err)
	}
	name = tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		// CreateTemp makes the file 0600; request files are 0644 whatever the umask. Set on
		// the open file (fchmod), not by its path.
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		start := time.Now()
		err = tmp.Sync()
		synced = time.Since(start)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		removeFile(name)
		return "", 0, fmt.Errorf("emit: writing %s: %w", path, err)
	}
	return name, synced, nil
}

// Wrote says what a run that wrote files request files left in the folder, for a run that
// stopped early: "out holds the 2 request files this run wrote (part-000001.json
// to part-000002.json)".
func (d *Dir) Wrote(files int) string {
	switch files {
	case 0:
		return fmt.Sprintf("%s holds no request files of this run", d.Path())
	case 1:
		return fmt.Sprintf("%s holds the 1 request file this run wrote (%s)", d.Path(), FileName(1))
	}
	return fmt.Sprintf("%s holds the %d request files this run wrote (%s to %s)", d.Path(), files, FileName(1), FileName(files))
}

// removeFile removes a temporary file of this run's (a failure's leftover: its error is the
// one already reported).
func removeFile(name string) { os.Remove(name) }
