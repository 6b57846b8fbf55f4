package voc

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"sync"

	"github.com/modelarts-convert/convert/api"
)

// What one annotation file may cost. etree builds the whole document before a single label
// is made, at about 150-200 bytes per element and 20-45 times the file's size in peak RSS,
// and the sample then holds about 1 KB per label: a file with a million objects (226 MB)
// took 2.97 GB. These bounds keep one file under about 150 MiB (bench/memory/voc.sh), and
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

// errFileTooLarge rejects a file over MaxFileBytes.
type errFileTooLarge struct{ size int64 }

func (e *errFileTooLarge) Error() string {
	at := "over"
	if e.size > 0 {
		at = fmt.Sprintf("%d bytes,", e.size)
	}
	return fmt.Sprintf("the file is %s more than the %d bytes one annotation file may have (to bound the memory a file takes); split its objects over several files", at, MaxFileBytes)
}

// readFile reads name, at most MaxFileBytes of it, whatever its stat size says.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
		if fi.Mode().IsRegular() && size > MaxFileBytes {
			return nil, &errFileTooLarge{size}
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 512)+1, MaxFileBytes+1)))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileBytes+1)); err != nil {
		return nil, err
	}
	if buf.Len() > MaxFileBytes {
		return nil, &errFileTooLarge{}
	}
	return buf.Bytes(), nil
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

// budget is a count of bytes that may be in flight. The dispatcher takes a file's share
// before handing it out, in the files' order, and the consumer gives it back when it takes
// the file's result, so waiting never deadlocks: every earlier file completes without it.
type budget struct {
	mu    sync.Mutex
	free  int64
	freed chan struct{} // signalled when bytes are given back (one waiter: the dispatcher)
}

func newBudget(n int64) *budget { return &budget{free: n, freed: make(chan struct{}, 1)} }

// take waits until n bytes are free and takes them; it returns false when done closes.
func (b *budget) take(n int64, done <-chan struct{}) bool {
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return true
		}
		b.mu.Unlock()
		select {
		case <-b.freed:
		case <-done:
			return false
		}
	}
}

// overdraw takes n bytes without waiting (a worker's inlined image, known only once it is
// read): the dispatcher then waits longer before it hands out the next file.
func (b *budget) overdraw(n int64) {
	b.mu.Lock()
	b.free -= n
	b.mu.Unlock()
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	select {
	case b.freed <- struct{}{}:
	default:
	}
}
