package voc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/modelarts-convert/convert/api"
)

// What one annotation file may cost. etree builds the whole document before a single label
// is made, at about 150-200 bytes per element and 20-45 times the file's size in peak RSS,
// and the sample then holds about 1 KB per label: a file with a million objects (226 MB)
// took 2.97 GB. These bounds keep a run under about 165 MiB (bench/memory/voc.sh), and
// the budget keeps the parallel workers from holding several such files at once, so that no
// input makes `convert voc` pass 256 MiB. Real VOC files are a few KB; the densest public
// sets (crowds, shelves) stay under a few hundred KB and a few thousand objects.
const (
	// MaxFileBytes is the most read of one XML file (after that the file is rejected unread).
	MaxFileBytes = 16 << 20
	// MaxElements is the most elements one XML file may hold (counted before parsing).
	MaxElements = 150_000
	// budgetBytes is how many bytes of XML files may be in flight (read, parsed or waiting
	// to be taken) at once; a larger file runs alone.
	budgetBytes = 2 << 20
)

// errNotRead rejects a file over MaxFileBytes, or one that is not a regular file.
type errNotRead struct {
	size       int64
	notRegular fs.FileMode
}

func (e *errNotRead) Error() string {
	if e.notRegular != 0 {
		return fmt.Sprintf("not a regular file (%v); not read", e.notRegular)
	}
	at := "over"
	if e.size > 0 {
		at = fmt.Sprintf("%d bytes,", e.size)
	}
	return fmt.Sprintf("the file is %s more than the %d bytes one annotation file may have (to bound the memory a file takes); split its objects over several files", at, MaxFileBytes)
}

// errStopped ends a read whose worker was stopped while it waited for memory.
var errStopped = errors.New("stopped")

// readFile reads name, at most MaxFileBytes of it, whatever its stat size says. Only regular
// files are read: a FIFO or a device named *.xml would block or never end. admit, when set, is
// asked for the bytes the file will hold (its size, then whatever it turns out to hold
// beyond that) before they are read; it returns false when the read must stop. The bytes are
// read into buf when it is large enough (a worker's buffer, reused from file to file).
func readFile(fsys fs.FS, name string, admit func(n int64) bool, buf []byte) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &errNotRead{notRegular: fi.Mode().Type()}
	}
	size := fi.Size()
	if size > MaxFileBytes {
		return nil, &errNotRead{size: size}
	}
	if admit != nil && !admit(max(size, 1)) {
		return nil, errStopped
	}
	// One read of the stat size (+1 to see the end), growing only if the file was longer.
	if int64(cap(buf)) < size+1 {
		buf = make([]byte, 0, max(size, 512)+1)
	}
	buf = buf[:0]
	for {
		if admit != nil && int64(len(buf)) > size {
			if !admit(int64(len(buf)) - size) { // the stat size understated it
				return nil, errStopped
			}
			size = int64(len(buf))
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxFileBytes {
			return nil, &errNotRead{}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// countElements counts the start tags in data ('<' not followed by '/', '!' or '?'), up to
// limit+1.
func countElements(data []byte, limit int) int {
	n := 0
	for {
		i := bytes.IndexByte(data, '<')
		if i < 0 || i+1 >= len(data) {
			return n
		}
		switch data[i+1] {
		case '/', '!', '?':
		default:
			n++
			if n > limit {
				return n
			}
		}
		data = data[i+1:]
	}
}

// labelBytes is about what a label adds to its sample's JSON encoding (a slight
// overestimate of its bytes), for stopping a file whose sample passes the service's limit
// before all of it is built.
func labelBytes(l *api.SampleLabel) int {
	n := 40 + len(l.Name) + len(l.Score)
	for k, v := range l.Property {
		n += len(k) + 6
		switch v := v.(type) {
		case string:
			n += len(v)
		case api.Feature:
			for _, p := range v {
				n += 3
				for _, c := range p {
					n += len(c) + 1
				}
			}
		default:
			n += 16
		}
	}
	return n
}

// budget is a count of bytes of XML that may be in flight: read, parsed, or converted and
// waiting to be taken. A worker takes a file's share once it knows the file's size and the
// consumer gives it back when it takes the file's result, in the files' order. A worker whose
// file does not fit waits — except for the file the consumer is waiting for (the head),
// which always goes ahead, overdrawing if need be: the shares held by later files come back
// only after the head's result is taken, so waiting there would never end.
type budget struct {
	mu      sync.Mutex
	free    int64
	next    int           // the job whose result the consumer takes next
	changed chan struct{} // closed (and replaced) whenever free or next changes, if watched
	watched bool          // a worker waits on changed
}

func newBudget(n int64) *budget { return &budget{free: n, changed: make(chan struct{})} }

// take takes n bytes for job i, waiting until they are free or job i is the head; it
// returns false when done closes first.
func (b *budget) take(i int, n int64, done <-chan struct{}) bool {
	for {
		b.mu.Lock()
		if b.free >= n || b.next >= i {
			b.free -= n
			b.mu.Unlock()
			return true
		}
		ch := b.changed
		b.watched = true
		b.mu.Unlock()
		select {
		case <-ch:
		case <-done:
			return false
		}
	}
}

// give returns job next's n bytes as the consumer takes its result.
func (b *budget) give(n int64) {
	b.mu.Lock()
	b.free += n
	b.next++
	if b.watched { // else no one waits: no new channel a file
		close(b.changed)
		b.changed = make(chan struct{})
		b.watched = false
	}
	b.mu.Unlock()
}
