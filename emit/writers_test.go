package emit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// Helpers are called only while the files' syncs average slowSync or more: a few slow ones
// call them, and a run of fast ones stops the calls again.
func TestSyncsWait(t *testing.T) {
	var w fileWriter
	assert.False(t, w.syncsWait(), "no file synced yet")
	for range 20 {
		w.noteSync(2 * time.Microsecond) // tmpfs
	}
	assert.False(t, w.syncsWait())
	for range 3 {
		w.noteSync(time.Millisecond) // a disk
	}
	assert.True(t, w.syncsWait(), "average %v", time.Duration(w.syncAvg.Load()))
	for range 40 {
		w.noteSync(2 * time.Microsecond)
	}
	assert.False(t, w.syncsWait(), "average %v", time.Duration(w.syncAvg.Load()))
}

// With syncs that wait for a device (here each takes at least 200 µs), the helpers write the
// batches that wait while the first writer is held.
func TestHelpersCalledOnSlowSyncs(t *testing.T) {
	defer func(old int) { fixedWriters = old }(fixedWriters)
	fixedWriters = maxWriters
	require.True(t, helpOnSlowSync)
	dir := t.TempDir()
	d, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	defer d.Close()
	f := &faults{before: chans(5), closed: chans(4, 6, 7, 8, 9), syncTakes: 200 * time.Microsecond}
	d.createTemp = f.createTemp
	w := newFileWriter(d, nil, make(chan *Batch, spareBatches))
	put := func(from, to int) {
		for i := from; i <= to; i++ {
			w.put(&Batch{Seq: i, Body: []byte("{}\n"), Samples: 1})
		}
	}
	put(1, 4)
	<-f.closed[4] // four slow syncs: the average is over slowSync
	put(5, 10)
	for i := 6; i <= 9; i++ {
		<-f.closed[i] // by the helpers: whoever took batch 5 is held
	}
	close(f.before[5])
	w.close()
	require.NoError(t, w.err)
	assert.Equal(t, partFiles(10), listDir(t, dir))
}

// writerCounts are the writer goroutines' counts the tests run with: one (as before issue 17's
// fifth round), two (a helper) and four (maxWriters).
var writerCounts = []int{1, 2, maxWriters}

// withWriters runs f with each of writerCounts writer goroutines.
func withWriters(t *testing.T, f func(t *testing.T, writers int)) {
	for _, n := range writerCounts {
		t.Run(fmt.Sprintf("writers=%d", n), func(t *testing.T) {
			defer func(old int, slow bool) { fixedWriters, helpOnSlowSync = old, slow }(fixedWriters, helpOnSlowSync)
			// Helpers are called whenever batches wait, whatever the folder's syncs take.
			fixedWriters, helpOnSlowSync = n, false
			f(t, n)
		})
	}
}

// While a writer is held on a batch (the first writer or a helper, whichever took it), the
// others write the batches that wait, and their files wait, written, for the held one to be
// renamed first. (The last batch handed over may wait for the first writer: helpers are
// called only while two or more batches wait.)
func TestHelpersWriteWhileFirstWaits(t *testing.T) {
	withWriters(t, func(t *testing.T, writers int) {
		if writers == 1 {
			t.Skip("no helpers")
		}
		dir := t.TempDir()
		d, err := OpenDir(dir, DirOptions{})
		require.NoError(t, err)
		defer d.Close()
		f := &faults{before: chans(1), closed: chans(2, 3, 4, 5, 6, 7, 8, 9)}
		d.createTemp = f.createTemp
		w := newFileWriter(d, nil, make(chan *Batch, spareBatches))
		for i := 1; i <= 10; i++ {
			w.put(&Batch{Seq: i, Body: []byte("{}\n"), Samples: 1})
		}
		for i := 2; i <= 9; i++ {
			<-f.closed[i]
		}
		for _, n := range listDir(t, dir) {
			assert.Regexp(t, tempName, n, "nothing is in place before batch 1")
		}
		close(f.before[1])
		w.close()
		require.NoError(t, w.err)
		assert.Equal(t, partFiles(10), listDir(t, dir))
	})
}

// faults makes chosen batches' temporary files fail or wait, through Dir.createTemp: a batch
// is known by the number in its temporary file's name.
type faults struct {
	create, write, sync map[int]error // the batch's step fails with this error
	// before[n] is closed by the test (or a fault) before batch n's write goes on: it then
	// waits for other batches, whichever writer takes it.
	before map[int]chan struct{}
	// closed[n] is closed once batch n's temporary file is written and closed; failed[n],
	// once batch n's write has failed.
	closed, failed map[int]chan struct{}
	syncTakes      time.Duration // each sync takes at least this long (a device's)
	once           sync.Map
}

var tempSeq = regexp.MustCompile(`^\.part-([0-9]+)\.json\.`)

func (f *faults) signal(m map[int]chan struct{}, seq int) {
	if c := m[seq]; c != nil {
		if _, done := f.once.LoadOrStore(fmt.Sprintf("%p/%d", m, seq), true); !done {
			close(c)
		}
	}
}

func (f *faults) createTemp(dir, pattern string) (tempFile, error) {
	seq, _ := strconv.Atoi(tempSeq.FindStringSubmatch(pattern)[1])
	if err := f.create[seq]; err != nil {
		f.signal(f.failed, seq)
		return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: err}
	}
	tf, err := createTempFile(dir, pattern)
	if err != nil {
		return nil, err
	}
	return &faultFile{tempFile: tf, f: f, seq: seq}, nil
}

type faultFile struct {
	tempFile
	f   *faults
	seq int
}

func (ff *faultFile) Write(p []byte) (int, error) {
	if c := ff.f.before[ff.seq]; c != nil {
		<-c
	}
	if err := ff.f.write[ff.seq]; err != nil {
		n, _ := ff.tempFile.Write(p[:len(p)/2]) // a full disk takes part of it
		ff.f.signal(ff.f.failed, ff.seq)
		return n, &os.PathError{Op: "write", Path: ff.Name(), Err: err}
	}
	return ff.tempFile.Write(p)
}

func (ff *faultFile) Sync() error {
	if err := ff.f.sync[ff.seq]; err != nil {
		ff.f.signal(ff.f.failed, ff.seq)
		return &os.PathError{Op: "sync", Path: ff.Name(), Err: err}
	}
	if ff.f.syncTakes > 0 {
		time.Sleep(ff.f.syncTakes) // a device's latency, not a wait for other work
	}
	return ff.tempFile.Sync()
}

func (ff *faultFile) Close() error {
	err := ff.tempFile.Close()
	ff.f.signal(ff.f.closed, ff.seq)
	return err
}

func chans(seqs ...int) map[int]chan struct{} {
	m := map[int]chan struct{}{}
	for _, s := range seqs {
		m[s] = make(chan struct{})
	}
	return m
}

// partFiles are the names part-000001.json to part-N.json.
func partFiles(n int) []string {
	var names []string
	for i := 1; i <= n; i++ {
		names = append(names, FileName(i))
	}
	return names
}

// Whatever fails, and in whatever order the writers finish, the folder holds exactly the
// request files of the batches before the first failed one (in batch order), at every moment
// a prefix part-000001.json to part-N.json, never a gap and no temporary file; files of other
// names are left; the error is the first failed batch's; Stats count exactly the files in
// place; onBatch sees each file in place, in batch order; and no writer goroutine is left.
func TestWriteFailuresLeaveAPrefix(t *testing.T) {
	const samples, per = 400, 10 // 40 batches
	tests := []struct {
		name       string
		faults     func() *faults
		inTheWay   int // a folder named as this batch's file: its rename fails
		minWriters int // the case waits for another writer's batch
		files      int // request files in place at the end
		cause      error
		failed     int // the batch the error names
	}{
		{name: "no failure", faults: func() *faults { return &faults{} }, files: 40},
		{name: "create fails", faults: func() *faults {
			return &faults{create: map[int]error{15: syscall.EACCES}}
		}, files: 14, cause: syscall.EACCES, failed: 15},
		{name: "disk full", faults: func() *faults {
			return &faults{write: map[int]error{15: syscall.ENOSPC}}
		}, files: 14, cause: syscall.ENOSPC, failed: 15},
		{name: "sync fails", faults: func() *faults {
			return &faults{sync: map[int]error{15: syscall.EIO}}
		}, files: 14, cause: syscall.EIO, failed: 15},
		{name: "first batch fails", faults: func() *faults {
			return &faults{write: map[int]error{1: syscall.ENOSPC}}
		}, files: 0, cause: syscall.ENOSPC, failed: 1},
		{name: "last batch fails", faults: func() *faults {
			return &faults{write: map[int]error{40: syscall.ENOSPC}}
		}, files: 39, cause: syscall.ENOSPC, failed: 40},
		{name: "rename fails", inTheWay: 5, faults: func() *faults { return &faults{} }, files: 4, cause: syscall.EISDIR, failed: 5},
		{
			// Batches 9 and 10 are written (their temporary files closed) before batch 8
			// fails: they are never put in place, and their temporary files go.
			name: "later batches written before an earlier one fails", minWriters: 2,
			faults: func() *faults {
				f := &faults{write: map[int]error{8: syscall.ENOSPC}, closed: chans(9, 10)}
				f.before = map[int]chan struct{}{8: make(chan struct{})}
				go func() { <-f.closed[9]; <-f.closed[10]; close(f.before[8]) }()
				return f
			},
			files: 7, cause: syscall.ENOSPC, failed: 8,
		},
		{
			// Batch 9 fails first; batch 7, held until then, fails after it: the error is
			// batch 7's, the first in batch order, and nothing after it is in place.
			name: "two failures, the later one first", minWriters: 2,
			faults: func() *faults {
				f := &faults{write: map[int]error{7: syscall.EIO, 9: syscall.ENOSPC}, failed: chans(9)}
				f.before = map[int]chan struct{}{7: f.failed[9]}
				return f
			},
			files: 6, cause: syscall.EIO, failed: 7,
		},
		{
			// Batch 8 is written after batch 9 failed: the batches before the failed one are
			// all written, as one writer would have.
			name: "earlier batch written after a later one failed", minWriters: 2,
			faults: func() *faults {
				f := &faults{write: map[int]error{9: syscall.ENOSPC}, failed: chans(9)}
				f.before = map[int]chan struct{}{8: f.failed[9]}
				return f
			},
			files: 8, cause: syscall.ENOSPC, failed: 9,
		},
		{
			// The rename of batch 5 fails while batches 6 and 7 wait, written.
			name: "rename fails with later batches written", inTheWay: 5, minWriters: 2,
			faults: func() *faults {
				f := &faults{closed: chans(6, 7)}
				f.before = map[int]chan struct{}{5: make(chan struct{})}
				go func() { <-f.closed[6]; <-f.closed[7]; close(f.before[5]) }()
				return f
			},
			files: 4, cause: syscall.EISDIR, failed: 5,
		},
	}
	want, err := collect(t, Batches(context.Background(), stream(many(samples), nil), Options{BatchSize: per}))
	require.NoError(t, err)
	require.Len(t, want, 40)
	withWriters(t, func(t *testing.T, writers int) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if writers < tt.minWriters {
					t.Skipf("needs %d writers", tt.minWriters)
				}
				dir := t.TempDir()
				writeFiles(t, dir, "notes.txt")
				others := []string{"notes.txt"}
				if tt.inTheWay > 0 {
					require.NoError(t, os.MkdirAll(filepath.Join(dir, FileName(tt.inTheWay), "x"), 0o755))
					others = append(others, FileName(tt.inTheWay))
				}
				d, err := OpenDir(dir, DirOptions{})
				require.NoError(t, err)
				defer d.Close()
				d.createTemp = tt.faults().createTemp
				var seen []int
				var gaps []string
				st, err := d.Write(context.Background(), stream(many(samples), nil), Options{BatchSize: per}, func(b *Batch, path string) {
					seen = append(seen, b.Seq)
					assert.Equal(t, filepath.Join(dir, FileName(b.Seq)), path)
					// At every moment the folder holds a prefix of the batches.
					var parts []string
					for _, n := range listDir(t, dir) {
						if partFile.MatchString(n) && !slices.Contains(others, n) {
							parts = append(parts, n)
						}
					}
					if !slices.Equal(parts, partFiles(b.Seq)) {
						gaps = append(gaps, fmt.Sprintf("at batch %d: %v", b.Seq, parts))
					}
				})
				if tt.cause == nil {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, tt.cause)
					assert.Contains(t, err.Error(), "emit: writing "+filepath.Join(dir, FileName(tt.failed))+":")
				}
				assert.Empty(t, gaps, "a request file was in place before an earlier one")
				wantNames := append(slices.Clone(others), partFiles(tt.files)...)
				slices.Sort(wantNames)
				assert.Equal(t, wantNames, listDir(t, dir), "exactly the files before the failed batch, no temporary file")
				var wantStats Stats
				for _, b := range want[:tt.files] {
					wantStats.Add(b)
					got, err := os.ReadFile(filepath.Join(dir, FileName(b.Seq)))
					require.NoError(t, err)
					require.Equal(t, string(b.Body), string(got), FileName(b.Seq))
				}
				if tt.files == 0 {
					wantStats.Labels = nil
				}
				assert.Equal(t, wantStats, st, "Stats count exactly the files in place")
				assert.Equal(t, partSeqs(tt.files), seen, "onBatch in batch order, once per file in place")
				noWriterLeft(t)
			})
		}
	})
}

func partSeqs(n int) []int {
	var s []int
	for i := 1; i <= n; i++ {
		s = append(s, i)
	}
	return s
}

// noWriterLeft waits until no writer goroutine of Dir.Write is left (Write waited for them,
// so they are at most returning), and fails if one is blocked.
func noWriterLeft(t *testing.T) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		var writers []string
		for g := range strings.SplitSeq(stacks, "\n\n") {
			if strings.Contains(g, "emit.(*fileWriter)") || strings.Contains(g, "emit.newFileWriter") {
				writers = append(writers, g)
			}
		}
		if len(writers) == 0 {
			return
		}
		for _, g := range writers {
			// Once the queue is closed a writer never waits to receive, nor a helper for a
			// call: one that does waits for what never comes.
			if strings.Contains(g, "[chan receive") || strings.Contains(g, "[select") {
				t.Fatalf("a writer goroutine outlives Write:\n%s", g)
			}
		}
		runtime.Gosched()
	}
}

// The writer holds at most writerBatches batches (queued, being written, or written and
// waiting for an earlier one), and beyond two only while their bodies add up to writerBytes:
// with the first batch's write held back, the other writers write the next ones, which wait,
// and the batches handed over stop at the bound.
func TestWriterQueueBound(t *testing.T) {
	for _, tt := range []struct {
		name string
		body int // bytes per body
		want int // batches in the writer when the queue is full
	}{
		{"small", 1000, writerBatches},
		{"1 MB", 1 << 20, 4},
		{"1.5 MB", 3 << 19, 2},
	} {
		withWriters(t, func(t *testing.T, writers int) {
			t.Run(tt.name, func(t *testing.T) {
				dir := t.TempDir()
				d, err := OpenDir(dir, DirOptions{})
				require.NoError(t, err)
				defer d.Close()
				f := &faults{before: chans(1)}
				d.createTemp = f.createTemp
				w := newFileWriter(d, nil, make(chan *Batch, spareBatches))
				total := tt.want + 3
				put := make(chan int, total)
				finished := make(chan struct{})
				go func() {
					defer close(finished)
					defer w.close()
					for i := 1; i <= total; i++ {
						w.put(&Batch{Seq: i, Body: []byte(strings.Repeat("x", tt.body)), Samples: 1})
						put <- i
					}
				}()
				// Wait until the putter is held in reserve, then count what it handed over.
				for i := 1; i <= tt.want; i++ {
					require.Equal(t, i, <-put)
				}
				waitForStack(t, "(*writerQueue).reserve")
				w.q.mu.Lock()
				n, bytes := w.q.n, w.q.bytes
				w.q.mu.Unlock()
				assert.Len(t, put, 0, "a batch past the bound was handed over")
				assert.Equal(t, tt.want, n)
				assert.Equal(t, tt.want*tt.body, bytes)
				close(f.before[1])
				for i := tt.want + 1; i <= total; i++ {
					require.Equal(t, i, <-put)
				}
				<-finished
				require.NoError(t, w.err)
				assert.Equal(t, total, w.st.Batches)
				assert.Equal(t, partFiles(total), listDir(t, dir))
				noWriterLeft(t)
			})
		})
	}
}

// waitForStack waits until some goroutine's stack holds fn.
func waitForStack(t *testing.T, fn string) {
	t.Helper()
	buf := make([]byte, 1<<20)
	for !strings.Contains(string(buf[:runtime.Stack(buf, true)]), fn) {
		runtime.Gosched()
	}
}

// Cancelling the run writes every batch made so far, in order, whatever the writers' count.
func TestWriteDirInterruptedWriters(t *testing.T) {
	withWriters(t, func(t *testing.T, _ int) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		n := 0
		seq := func(yield func(*api.Sample, error) bool) {
			for _, s := range many(1000) {
				if n++; n == 735 {
					cancel()
				}
				if !yield(s, nil) {
					return
				}
			}
		}
		st, err := WriteDir(ctx, dir, seq, Options{BatchSize: 10}, nil)
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 74, st.Batches, "73 full batches and the flushed partial one")
		assert.Equal(t, 734, st.Samples, "the sample read when the run was cancelled is not")
		assert.Equal(t, partFiles(74), listDir(t, dir))
		noWriterLeft(t)
	})
}
