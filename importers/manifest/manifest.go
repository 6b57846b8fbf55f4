// Package manifest reads ModelArts manifest files — the JSON Lines format a published
// dataset version is exported in (../shared/spec/manifest-format.rst) — so that a dataset
// can move between regions and accounts: one sample per line, in order, with the line's
// annotations mapped onto the API's label types, object-detection and segmentation labels
// read from their PASCAL VOC annotation-loc files by package voc's own code, and sources
// rewritten by Mappings (to another bucket, or to a downloaded copy on disk whose files are
// then inlined).
//
// A line that cannot become a valid sample (not JSON, no source, an unknown annotation type,
// an annotation-loc in OBS with no mapping to disk, ...) is reported to Options.Warn as a
// rejected Warning with its line number, and the rest still converts. Fields the API has no
// place for (usage, id, inference-loc and unknown keys) are dropped, counted, and reported
// once each at the end of the stream.
//
// Lines are parsed with package api's JSON value parser (numbers kept as written, about
// twice as fast as encoding/json into maps), one at a time: memory does not grow with the
// manifest.
package manifest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/voc"
)

// MaxLineBytes is the longest line read; a longer one is rejected (its content:// text could
// not be one sample anyway).
const MaxLineBytes = 16 << 20

// Options control a read. The zero value converts content:// text inline and s3:// or
// obs:// sources as OBS paths, and reads relative annotation-loc files beside the manifest.
type Options struct {
	// Mappings rewrite the prefixes of source and annotation-loc values; the longest
	// matching From wins. See Mapping.
	Mappings []Mapping

	// Round and OneBased apply to the coordinates of annotation-loc VOC files, as in
	// package voc.
	Round    bool
	OneBased bool

	// Base is put before file names in positions and Sample.Origin (see
	// importers.JoinBase): a folder ("data"), or an archive and a colon ("export.zip:").
	Base string

	// Workers is how many lines are converted at once; 0 means GOMAXPROCS. Samples are
	// yielded in the manifest's order whatever the number.
	Workers int

	Warn importers.WarnFunc
}

// Mapping rewrites a prefix of source and annotation-loc values: to another OBS location
// (OBS set, "obs://new-bucket/ds/"), or to a folder on disk (Dir set), whose files are then
// inlined (sources) or read (annotation-loc files). From is matched after s3://, s3a://,
// s3n:// and obs:// are all read as obs://, so "s3://b/ds/" also matches "obs://b/ds/x.jpg".
type Mapping struct {
	From string
	OBS  string
	Dir  fs.FS
	// DirName names Dir in messages ("./download/").
	DirName string
}

// ParseMapping reads a -map-source value, FROM=TO. A TO of the form obs://bucket/dir/ (or
// s3://...) maps to OBS; anything else is a folder on disk, opened with os.Root so that
// nothing outside it (links included) is read.
func ParseMapping(spec string) (Mapping, error) {
	from, to, ok := strings.Cut(spec, "=")
	if !ok || from == "" || to == "" {
		return Mapping{}, fmt.Errorf("%q: expected FROM=TO (s3://old-bucket/ds/=obs://new-bucket/ds/ or s3://old-bucket/ds/=./download/)", spec)
	}
	m := Mapping{From: from}
	if canon, isOBS := obsForm(to); isOBS {
		bucket, _, _ := strings.Cut(strings.TrimPrefix(canon, "obs://"), "/")
		if bucket == "" {
			return Mapping{}, fmt.Errorf("%q: %s names no bucket", spec, to)
		}
		m.OBS = canon
		return m, nil
	}
	if strings.Contains(to, "://") {
		return Mapping{}, fmt.Errorf("%q: %s is neither obs://, s3:// nor a folder on disk", spec, to)
	}
	root, err := os.OpenRoot(to)
	if err != nil {
		return Mapping{}, fmt.Errorf("%q: %w", spec, err)
	}
	m.Dir, m.DirName = root.FS(), to
	return m, nil
}

// obsForm rewrites s3://, s3a://, s3n:// and obs:// (any case) as obs://; isOBS reports
// whether s had one of those schemes.
func obsForm(s string) (string, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s, false
	}
	switch strings.ToLower(scheme) {
	case "s3", "s3a", "s3n", "obs":
		return "obs://" + rest, true
	}
	return s, false
}

// Read converts the manifest at name in fsys. Relative annotation-loc paths are read from
// fsys, against the manifest's folder. The stream is single-use; a fatal problem (an
// unreadable file, ctx cancelled) is yielded once as (nil, *importers.Error) and ends it.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		r := newReader(fsys, path.Dir(name), name, opts)
		f, err := importers.OpenFile(ctx, fsys, name, r.pos(0))
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.Close()
		r.run(ctx, f, yield)
	}
}

// ReadFrom converts a manifest read from in (standard input, say); name is used in
// positions. Relative annotation-loc paths are read from fsys's root (nil: they are
// rejected).
func ReadFrom(ctx context.Context, in io.Reader, name string, fsys fs.FS, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		r := newReader(fsys, ".", name, opts)
		if err := importers.Check(ctx, r.pos(0)); err != nil {
			yield(nil, err)
			return
		}
		r.run(ctx, in, yield)
	}
}

// reader is one read of one manifest.
type reader struct {
	fsys    fs.FS
	dir     string // the manifest's folder in fsys
	name    string // the manifest's display name
	opts    Options
	dropped map[string]int // "usage" -> samples that had it
	order   []string       // dropped keys, in order of first appearance
	// stem names content:// samples: "<manifest>-<line>.txt".
	stem string
}

func newReader(fsys fs.FS, dir, name string, opts Options) *reader {
	display := name
	display = importers.JoinBase(opts.Base, name)
	stem := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "-" || name == "" {
		stem = "stdin"
	}
	return &reader{fsys: fsys, dir: dir, name: display, opts: opts, dropped: map[string]int{}, stem: stem}
}

func (r *reader) pos(line int) importers.Position {
	return importers.Position{File: r.name, Line: line}
}

func (r *reader) drop(key string) {
	if _, ok := r.dropped[key]; !ok {
		r.order = append(r.order, key)
	}
	r.dropped[key]++
}

// line is one line handed to a worker, and what converting it gave.
type line struct {
	no      int
	text    []byte // nil for a line over MaxLineBytes
	sample  *api.Sample
	notes   []importers.Warning
	dropped []string
}

// batch is a run of lines converted by one worker; batches are yielded in order. Once the
// consumer is through with a batch it goes back to the reader (free) to carry more lines:
// its line slice and text buffer are reused, so that reading allocates nothing per line.
type batch struct {
	lines []line
	buf   []byte // the lines' text
	err   error  // a read error after the lines
	done  chan struct{}
}

const (
	batchLines = 256     // lines per batch
	batchBytes = 1 << 20 // or bytes per batch
)

// run reads lines and yields their samples in order. One goroutine reads batches of lines,
// the workers convert them, and the consuming goroutine (the caller's) reports warnings and
// yields samples; a bounded window of batches in flight keeps memory flat. At the end it
// reports the dropped fields. When the consumer stops or ctx is done, the goroutines are
// stopped and waited for before run returns.
func (r *reader) run(ctx context.Context, in io.Reader, yield func(*api.Sample, error) bool) {
	workers := r.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	stop := make(chan struct{})
	order := make(chan *batch, 2*workers)
	work := make(chan *batch, 2*workers)
	free := make(chan *batch, 4*workers+2) // batches the consumer is through with
	var wg sync.WaitGroup
	wg.Add(1 + workers)
	go func() { // reader
		defer wg.Done()
		defer close(order)
		defer close(work)
		r.readBatches(in, free, func(b *batch) bool {
			select {
			case order <- b:
			case <-stop:
				return false
			}
			select {
			case work <- b:
				return true
			case <-stop:
				return false
			}
		})
	}()
	for range workers {
		go func() {
			defer wg.Done()
			sc := &scratch{}
			for b := range work {
				for i := range b.lines {
					select {
					case <-stop:
						close(b.done)
						return
					default:
					}
					l := &b.lines[i]
					if l.text == nil {
						l.notes = []importers.Warning{{Pos: r.pos(l.no), Rejected: true, Reason: fmt.Sprintf("the line is longer than %d bytes", MaxLineBytes)}}
						continue
					}
					l.sample, l.notes, l.dropped = r.convert(l.no, l.text, sc)
				}
				close(b.done)
			}
		}()
	}
	defer func() {
		close(stop)
		for range order { // let the reader finish
		}
		wg.Wait()
	}()
	last := 0
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			yield(nil, importers.Check(ctx, r.pos(last+1)))
			return
		}
		for i := range b.lines {
			l := &b.lines[i]
			last = l.no
			if err := importers.Check(ctx, r.pos(l.no)); err != nil {
				yield(nil, err)
				return
			}
			for _, w := range l.notes {
				r.opts.Warn.Warn(w)
			}
			for _, k := range l.dropped {
				r.drop(k)
			}
			if l.sample != nil && !yield(l.sample, nil) {
				return
			}
		}
		if b.err != nil {
			yield(nil, &importers.Error{Pos: r.pos(last + 1), Err: b.err})
			return
		}
		clear(b.lines) // the samples and notes are the caller's now
		select {
		case free <- b:
		default:
		}
	}
	if err := importers.Check(ctx, r.pos(last)); err != nil {
		yield(nil, err)
		return
	}
	r.reportDropped()
}

// readBatches splits the input into batches of lines and hands each to send, until the
// input ends, a read error, or send returns false. Batches come from free when it has one.
func (r *reader) readBatches(in io.Reader, free <-chan *batch, send func(*batch) bool) {
	br := bufio.NewReaderSize(in, 256<<10)
	var arena []byte // the current batch's lines
	newBatch := func() *batch {
		select {
		case b := <-free:
			b.lines, b.err, b.done = b.lines[:0], nil, make(chan struct{})
			arena = b.buf[:0]
			return b
		default:
			return &batch{lines: make([]line, 0, batchLines), done: make(chan struct{})}
		}
	}
	b, size := newBatch(), 0
	var long []byte // a line longer than the buffer, assembled
	arenaSize := 64 << 10
	for lineNo := 1; ; lineNo++ {
		text, err := br.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], text...)
			for errors.Is(err, bufio.ErrBufferFull) {
				text, err = br.ReadSlice('\n')
				if len(long) <= MaxLineBytes {
					long = append(long, text...)
				}
			}
			tooLong = len(long) > MaxLineBytes
			text = long
		}
		if len(text) > 0 || err == nil {
			l := line{no: lineNo}
			if !tooLong {
				// The batch's lines share one buffer (a fresh one when it is full, so that
				// earlier lines never move).
				if cap(arena)-len(arena) < len(text) {
					arena = make([]byte, 0, max(arenaSize, len(text)))
					if cap(arena) > cap(b.buf) && cap(arena) <= batchBytes+batchBytes/8 {
						b.buf = arena // kept with the batch for its next use
					}
				}
				start := len(arena)
				arena = append(arena, text...)
				l.text = arena[start:len(arena):len(arena)]
			}
			b.lines = append(b.lines, l)
			size += len(text)
		}
		if err != nil && err != io.EOF {
			b.err = err
		}
		if err != nil || len(b.lines) == batchLines || size >= batchBytes {
			if len(b.lines) > 0 || b.err != nil {
				if !send(b) {
					return
				}
			}
			// The next batch's buffer fits a batch like this one, with room to spare.
			arena, arenaSize = nil, min(max(size+size/8, 4<<10), batchBytes+batchBytes/8)
			b, size = newBatch(), 0
		}
		if err != nil {
			return
		}
	}
}

// reportDropped says once per field how many samples lost it.
func (r *reader) reportDropped() {
	for _, key := range r.order {
		n := r.dropped[key]
		noun := "samples"
		if n == 1 {
			noun = "sample"
		}
		why := "the API has no field for it"
		if !knownDropped[key] {
			why = "not a manifest field this importer knows"
		}
		r.opts.Warn.Warn(importers.Warning{Pos: r.pos(0), Reason: fmt.Sprintf("%s of %s %s is dropped: %s", key, thousands(n), noun, why)})
	}
}

// knownDropped are the manifest's own fields the API has no place for.
var knownDropped = map[string]bool{"usage": true, "id": true, "inference-loc": true}

// thousands writes n with commas: 1204 -> "1,204".
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// readLoc reads an annotation-loc VOC file and converts it with package voc.
func (r *reader) readLoc(fsys fs.FS, name, display string) (*voc.Document, []importers.Warning, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	doc, ws := voc.ReadDocument(display, data, voc.Options{Round: r.opts.Round, OneBased: r.opts.OneBased})
	return doc, ws, nil
}
