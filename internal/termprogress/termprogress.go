// Package termprogress draws a one-line progress bar on a terminal for a conversion: an
// importers.Progress that also counts the samples passing through a stream.
package termprogress

import (
	"fmt"
	"io"
	"iter"
	"os"
	"sync"
	"time"

	"github.com/modelarts-convert/convert/api"
)

// Bar draws a one-line progress bar on a terminal: records/s and, when the importer
// said how much there is, a percentage and the ETA, from the input bytes read when it knows
// them (a better measure than records, whose sizes vary), else from the records. On
// anything that is not a terminal it draws nothing. A nil *Bar is a valid, silent one.
// It is the importers.Progress of the run.
type Bar struct {
	mu         sync.Mutex // the uploader prints (and so clears) from its own goroutines; importers report from theirs
	w          io.Writer
	total, n   int
	totalBytes int64
	readBytes  int64
	start      time.Time
	last       time.Time
	drawn      bool
}

// New returns a Bar drawing on w, or nil when w is not a terminal.
func New(w io.Writer) *Bar {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	now := time.Now()
	return &Bar{w: w, start: now, last: now}
}

// AddRecords raises the number of records expected. Safe on a nil progress.
func (p *Bar) AddRecords(n int) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

// AddBytes raises the number of input bytes expected.
func (p *Bar) AddBytes(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.totalBytes += n
	p.mu.Unlock()
}

// ReadBytes counts input bytes read.
func (p *Bar) ReadBytes(n int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.readBytes += n
	p.mu.Unlock()
}

// CountRejected counts a record an importer rejected, so the count reaches the total.
func (p *Bar) CountRejected() {
	if p != nil {
		p.mu.Lock()
		p.n++
		p.mu.Unlock()
	}
}

// Count passes the stream through, counting records.
func (p *Bar) Count(seq iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	if p == nil {
		return seq
	}
	return func(yield func(*api.Sample, error) bool) {
		for s, err := range seq {
			p.mu.Lock()
			p.n++
			if now := time.Now(); now.Sub(p.last) >= 200*time.Millisecond {
				p.last = now
				p.draw(now)
			}
			p.mu.Unlock()
			if !yield(s, err) {
				return
			}
		}
	}
}

// draw writes the bar; p.mu is held.
func (p *Bar) draw(now time.Time) {
	fmt.Fprintf(p.w, "\r\033[K%s", p.line(now))
	p.drawn = true
}

// line is the bar's text.
func (p *Bar) line(now time.Time) string {
	elapsed := max(now.Sub(p.start).Seconds(), 1e-9)
	rate := float64(p.n) / elapsed
	var done float64 // the fraction done, when known
	switch {
	case p.totalBytes > 0 && p.readBytes > 0:
		done = min(float64(p.readBytes)/float64(p.totalBytes), 1)
	case p.total > 0 && p.n > 0:
		done = min(float64(p.n)/float64(p.total), 1)
	default:
		return fmt.Sprintf("%d records, %.0f/s", p.n, rate)
	}
	left := time.Duration(elapsed * (1 - done) / done * float64(time.Second))
	count := fmt.Sprintf("%d records", p.n)
	if p.total > 0 {
		count = fmt.Sprintf("%d/%d records", p.n, p.total)
	}
	return fmt.Sprintf("%s (%.0f%%), %.0f/s, ETA %s", count, 100*done, rate, left.Round(time.Second))
}

// Clear removes the bar so a diagnostic line can be printed.
func (p *Bar) Clear() {
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

// ClearingWriter clears the progress bar before each write, so lines printed by others do
// not land on the bar's line.
type ClearingWriter struct {
	W   io.Writer
	Bar *Bar
}

func (c *ClearingWriter) Write(b []byte) (int, error) {
	c.Bar.Clear()
	return c.W.Write(b)
}
