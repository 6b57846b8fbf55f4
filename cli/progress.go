package main

import (
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"time"

	"github.com/modelarts-convert/convert/api"
)

// progress draws a one-line progress bar on a terminal: records/s and, when the total is
// known, the ETA. On anything that is not a terminal it draws nothing. A nil *progress is a
// valid, silent one.
type progress struct {
	mu    sync.Mutex // the uploader prints (and so clears) from its own goroutines
	w     io.Writer
	total int
	n     int
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	now := time.Now()
	return &progress{w: w, total: total, start: now, last: now}
}

// addTotal raises the number of records expected (for the ETA). Safe on a nil progress.
func (p *progress) addTotal(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

// countRejected counts a record an importer rejected, so the count reaches the total.
func (p *progress) countRejected() {
	if p != nil {
		p.n++
	}
}

// count passes the stream through, counting records.
func (p *progress) count(seq iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	if p == nil {
		return seq
	}
	return func(yield func(*api.Sample, error) bool) {
		for s, err := range seq {
			p.n++
			if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
				p.last = now
				p.mu.Lock()
				p.draw(now)
				p.mu.Unlock()
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

func (p *progress) draw(now time.Time) {
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(p.n) / max(elapsed, 1e-9)
	line := fmt.Sprintf("%d records, %.0f/s", p.n, rate)
	if p.total > 0 && rate > 0 {
		left := time.Duration(float64(p.total-p.n)/rate) * time.Second
		line = fmt.Sprintf("%d/%d records (%.0f%%), %.0f/s, ETA %s", p.n, p.total, 100*float64(p.n)/float64(p.total), rate, left.Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.drawn = true
}

// clear removes the bar so a diagnostic line can be printed.
func (p *progress) clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.drawn {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
	p.drawn = false
}

// clearingWriter clears the progress bar before each write, so lines printed by others do
// not land on the bar's line.
type clearingWriter struct {
	w io.Writer
	p *progress
}

func (c *clearingWriter) Write(b []byte) (int, error) {
	c.p.clear()
	return c.w.Write(b)
}
