package emit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"sync"

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
	d := &Dir{path: path, lock: lock, createTemp: createTempFile, created: errors.Is(statErr, fs.ErrNotExist)}
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
	d.earlier = parts
	return nil
}

// removeEarlier removes the earlier run's request files.
func (d *Dir) removeEarlier() error {
	for len(d.earlier) > 0 {
		err := os.Remove(filepath.Join(d.path, d.earlier[0]))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("emit: removing the earlier run's request file: %w", err)
		}
		d.earlier = d.earlier[1:]
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
// leaves a truncated *.json. onBatch, when not nil, is called after each file is in place.
//
// The returned Stats count what reached the disk: when a write fails (a full disk), the run
// stops and Stats cover exactly the files in place, with the error. Rejected counts every
// sample Options.Reject received.
//
// Files are written by a second goroutine while the next batches are being built, so the
// sync of one file overlaps the encoding of the next; the writer holds two batches (one
// written, one waiting), or up to 34 small ones whose bodies add up to 4 MB at most
// (32 queued, one written, one on its way; see writerBatches), besides the one being
// built and those Batches completed in chunks on their way (see Batches), plus, when
// onBatch is nil, up to 72 written batches (4 MB of bodies at most, none over 1 MB) that
// are filled again rather than allocated anew.
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

	type result struct {
		st  Stats
		err error
	}
	pending := make(chan *Batch, writerBatches)
	written := make(chan result, 1)
	stop := make(chan struct{}) // closed when a write failed: stop converting
	var q writerQueue
	q.cond.L = &q.mu
	// Written batches go back to the batcher to be filled again (see batches), unless
	// onBatch may keep them, or their bodies are large. Up to spareBatches are kept, 4 MB
	// of bodies at most: when the writer is the slower, the batcher starts batches while
	// none has come back yet (as many as the writer's queue and the chunks on their way
	// hold), and those come back later all the same, in a burst when the writer catches up.
	spare := make(chan *Batch, spareBatches)
	go func() {
		var r result
		var kept spareKeeper
		for b := range pending {
			size := len(b.Body)
			if r.err != nil {
				q.done(size)
				continue // drain, so the producer never blocks
			}
			path := filepath.Join(d.path, FileName(b.Seq))
			if r.err = d.writeAtomic(path, b.Body); r.err != nil {
				close(stop)
				q.done(size)
				continue
			}
			q.done(size)
			r.st.Add(b)
			if onBatch != nil {
				onBatch(b, path)
			} else if c := cap(b.Body); kept.room(c, len(spare)) {
				select {
				case spare <- b:
					kept.sent(c)
				default:
				}
			}
		}
		written <- r
	}()

	var streamErr error
	var r result
	func() {
		// However the loop ends (a panic in the stream or in Reject too), the writer is told
		// that no more batches come and waited for: it never outlives Write.
		defer func() {
			close(pending)
			r = <-written
		}()
		for b, err := range batches(ctx, samples, opts, spare) {
			if err != nil {
				streamErr = err
				break
			}
			q.reserve(len(b.Body), stop)
			select {
			case pending <- b:
			case <-stop:
			}
			if stopped(stop) {
				break
			}
		}
	}()
	r.st.Rejected = rejectedCount
	if r.err != nil {
		return r.st, r.err
	}
	return r.st, streamErr
}

// The writer's queue: a batch joins it at once while fewer than two are queued or being
// written; beyond that (up to writerBatches queued), only while the bodies queued or being
// written, with its own, add up to writerBytes at most. Files come out in bursts (a file's
// sync, the batcher's run of small samples), and a queue of one batch kept the batcher
// waiting on the writer; large bodies (inline images) are held two at a time, as before.
// With eight small batches (a CSV run's bodies are about 24 KB), a trace of `convert csv`
// showed the stream's goroutine blocked on a full queue 844 times in a 50 MB run, and the
// encoder and the scanner starved meanwhile while the writer ran alone; with 32 (the
// bytes bound unchanged), 87 times, and the run 3-8% shorter (median wall) on two cores.
const (
	writerBatches = 32
	writerBytes   = 4 << 20
)

// writerQueue counts the batches Dir.Write handed to its writer and not written yet, and
// their bytes.
type writerQueue struct {
	mu    sync.Mutex
	cond  sync.Cond
	n     int
	bytes int
}

// reserve waits until a body of size bytes may join the queue (or stop is closed: the
// writer then drains the queue without writing), and counts it.
func (q *writerQueue) reserve(size int, stop <-chan struct{}) {
	q.mu.Lock()
	for q.n >= 2 && q.bytes+size > writerBytes && !stopped(stop) {
		q.cond.Wait()
	}
	q.n++
	q.bytes += size
	q.mu.Unlock()
}

// done takes a batch of size bytes off the count (written, or drained after a failure).
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
// 14 MB). Only the writer sends and only the batcher receives, in the order sent, so the
// bodies still in the channel are the last len(spare) sent.
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
	tmp, err := d.createTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("emit: writing %s: %w", path, err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		// CreateTemp makes the file 0600; request files are 0644 whatever the umask. Set on
		// the open file (fchmod), not by its path.
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = renameFile(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("emit: writing %s: %w", path, err)
	}
	return nil
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
