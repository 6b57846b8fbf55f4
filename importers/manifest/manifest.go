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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

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

	// Base is put before file names in positions and Sample.Origin.
	Base string

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
		if err := importers.Check(ctx, r.pos(0)); err != nil {
			yield(nil, err)
			return
		}
		f, err := fsys.Open(name)
		if err != nil {
			yield(nil, &importers.Error{Pos: r.pos(0), Err: err})
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
	if opts.Base != "" {
		display = strings.TrimSuffix(opts.Base, "/") + "/" + name
	}
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

// run reads lines and yields their samples; at the end it reports the dropped fields.
func (r *reader) run(ctx context.Context, in io.Reader, yield func(*api.Sample, error) bool) {
	br := bufio.NewReaderSize(in, 256<<10)
	var long []byte // a line longer than the buffer, assembled
	for lineNo := 1; ; lineNo++ {
		if err := importers.Check(ctx, r.pos(lineNo)); err != nil {
			yield(nil, err)
			return
		}
		line, err := br.ReadSlice('\n')
		tooLong := false
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				if len(long) <= MaxLineBytes {
					long = append(long, line...)
				}
			}
			tooLong = len(long) > MaxLineBytes
			line = long
		}
		if err != nil && err != io.EOF {
			yield(nil, &importers.Error{Pos: r.pos(lineNo), Err: err})
			return
		}
		if tooLong {
			r.opts.Warn.Warn(importers.Warning{Pos: r.pos(lineNo), Rejected: true, Reason: fmt.Sprintf("the line is longer than %d bytes", MaxLineBytes)})
		} else {
			s, ws := r.convert(lineNo, line)
			for _, w := range ws {
				r.opts.Warn.Warn(w)
			}
			if s != nil && !yield(s, nil) {
				return
			}
		}
		if err == io.EOF {
			break
		}
	}
	r.reportDropped()
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

// ParseLine parses one manifest line into its JSON object (numbers as json.Number). It
// returns nil, nil for a blank line.
func ParseLine(line []byte) (map[string]any, error) {
	line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\ufeff")))
	if len(line) == 0 {
		return nil, nil
	}
	var m api.Metadata
	if err := m.UnmarshalJSON(line); err != nil {
		if err.Error() == "not a JSON object" {
			return nil, errors.New("not a JSON object (each line of a manifest is one object)")
		}
		return nil, fmt.Errorf("not valid JSON: %v", err)
	}
	if m == nil {
		return nil, errors.New("not a JSON object (each line of a manifest is one object): null")
	}
	return m, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
