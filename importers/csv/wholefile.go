package csv

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/textenc"
)

// readWhole yields the file at path as one sample, and for the separate layout its
// _result file as a second.
func readWhole(ctx context.Context, fsys fs.FS, path string, s *settings, yield func(*api.Sample, error) bool) {
	files := []struct{ path, name string }{{path, s.Name}}
	if s.Layout == LayoutSeparate {
		files = append(files, struct{ path, name string }{ResultPath(path), ResultPath(s.Name)})
	}
	var lines []int
	for _, f := range files {
		if err := importers.Check(ctx, importers.Position{File: f.path}); err != nil {
			yield(nil, err)
			return
		}
		b, err := readLimited(fsys, f.path)
		if err != nil {
			if f.path != path && errors.Is(err, fs.ErrNotExist) {
				err = fmt.Errorf("%w (the separate layout pairs %s with %s)", err, path, f.path)
			}
			yield(nil, &importers.Error{Pos: importers.Position{File: f.path}, Err: err})
			return
		}
		smp, n := wholeSample(b, f.path, f.name, s)
		if smp != nil {
			lines = append(lines, n)
			if !yield(smp, nil) {
				return
			}
		}
	}
	if len(lines) == 2 && lines[0] != lines[1] {
		s.Warn.Warn(importers.Warning{Pos: importers.Position{File: path},
			Reason: fmt.Sprintf("%s has %d lines but %s has %d; the service pairs them line by line", files[0].path, lines[0], files[1].path, lines[1])})
	}
}

// readLimited reads a file, or as much of it as shows that it is over the sample limit.
func readLimited(fsys fs.FS, path string) ([]byte, error) {
	f, err := fsys.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, api.MaxSampleBytes+4))
}

// wholeSample makes the sample for a whole file's bytes, or reports why it cannot and
// returns nil; n counts the file's lines up to the last one that is not blank. The bytes are sent as they are, less a UTF-8 BOM (which the service would
// read as part of the first text), with their encoding; a GB18030 file that GBK cannot hold
// and UTF-16 are sent as UTF-8.
func wholeSample(b []byte, file, name string, s *settings) (smp *api.Sample, n int) {
	reject := func(pos importers.Position, reason string) (*api.Sample, int) {
		s.Warn.Warn(importers.Warning{Pos: pos, Rejected: true, Reason: reason})
		return nil, 0
	}
	pos := importers.Position{File: file}
	text, enc, err := textenc.Decode(b, s.Encoding)
	if err != nil {
		var de *textenc.DecodeError
		if errors.As(err, &de) {
			pos.Offset = de.Offset
		}
		return reject(pos, err.Error())
	}
	if strings.TrimSpace(text) == "" {
		return reject(pos, "the file holds no text")
	}
	data, apiEnc := textenc.Encode(text, enc, true)
	if len(data) > api.MaxSampleBytes {
		return reject(pos, fmt.Sprintf("the file is %d bytes or more; one sample may hold at most %d (convert it row by row instead)", len(data), api.MaxSampleBytes))
	}
	return &api.Sample{
		Origin:     file,
		Name:       name,
		SampleType: api.SampleText,
		Data:       base64.StdEncoding.EncodeToString(data),
		Encoding:   apiEnc,
	}, countLines(text)
}

// countLines counts lines up to the last one that is not blank.
func countLines(b string) int {
	n, last := 0, 0
	for len(b) > 0 {
		line := b
		if i := strings.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = ""
		}
		n++
		if len(strings.TrimSpace(line)) > 0 {
			last = n
		}
	}
	return last
}
