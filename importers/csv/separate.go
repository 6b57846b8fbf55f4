package csv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// lineReader reads lines without their line end ("\n", "\r\n" or a lone "\r"), in any
// length up to maxRecord.
type lineReader struct {
	br   *bufio.Reader
	dec  *textenc.Decoder
	buf  []byte
	file string
	line int // lines read so far
	long bool
	lf   bool // the last line ended in '\r': a '\n' next belongs to it
}

func openLines(fsys fs.FS, file string, enc textenc.Encoding) (*lineReader, io.Closer, error) {
	f, err := fsys.Open(file)
	if err != nil {
		return nil, nil, &importers.Error{Pos: importers.Position{File: file}, Err: err}
	}
	dec, err := textenc.NewDecoder(f, enc)
	if err != nil {
		f.Close()
		return nil, nil, &importers.Error{Pos: importers.Position{File: file}, Err: err}
	}
	return &lineReader{br: bufio.NewReaderSize(dec, 64<<10), dec: dec, file: file}, f, nil
}

// next returns the next line; ok is false at the end of the input. long says the line was
// longer than maxRecord and was cut.
func (l *lineReader) next() (line []byte, ok bool, err error) {
	l.buf = l.buf[:0]
	l.long = false
	started := false
	for {
		n := l.br.Buffered()
		if n == 0 {
			n = 1
		}
		chunk, err := l.br.Peek(n)
		if len(chunk) == 0 {
			switch {
			case err == io.EOF && !started:
				return nil, false, nil
			case err == io.EOF:
				l.line++
				return l.buf, true, nil
			case err != nil:
				return nil, false, decodeErr(l.file, l.line+1, err)
			}
		}
		if l.lf {
			l.lf = false
			if chunk[0] == '\n' {
				l.br.Discard(1)
				continue
			}
		}
		started = true
		i := nextEOL(chunk, 0)
		if len(l.buf)+i <= maxRecord {
			l.buf = append(l.buf, chunk[:i]...)
		} else {
			l.long = true
		}
		if i == len(chunk) {
			l.br.Discard(i)
			continue
		}
		l.lf = chunk[i] == '\r'
		l.br.Discard(i + 1)
		l.line++
		return l.buf, true, nil
	}
}

// readSeparate pairs the lines of the text file at path with those of its _result file.
func readSeparate(ctx context.Context, fsys fs.FS, path string, s *settings, yield func(*api.Sample, error) bool) {
	resultPath := ResultPath(path)
	texts, c1, err := openLines(fsys, path, s.Encoding)
	if err != nil {
		yield(nil, err)
		return
	}
	defer c1.Close()
	labels, c2, err := openLines(fsys, resultPath, s.Encoding)
	if err != nil {
		var ie *importers.Error
		if errors.As(err, &ie) && errors.Is(err, fs.ErrNotExist) {
			ie.Err = fmt.Errorf("%w (the separate layout pairs %s with %s)", ie.Err, path, resultPath)
		}
		yield(nil, err)
		return
	}
	defer c2.Close()

	m := newMapper(s, path)
	reject := func(file string, line int, reason string) {
		s.Warn.Warn(importers.Warning{Pos: importers.Position{File: file, Line: line}, Rejected: true, Reason: reason})
	}
	// Lines up to the last non-blank one, for the count check.
	textLines, labelLines := 0, 0
	for n := 1; ; n++ {
		if n%ctxEvery == 1 {
			if err := importers.Check(ctx, importers.Position{File: path, Line: n}); err != nil {
				yield(nil, err)
				return
			}
		}
		text, tok, err := texts.next()
		if err != nil {
			yield(nil, err)
			return
		}
		labelField, lok, err := labels.next()
		if err != nil {
			yield(nil, err)
			return
		}
		mixedWarning(texts.dec, path, s.Warn)
		mixedWarning(labels.dec, resultPath, s.Warn)
		if !tok && !lok {
			break
		}
		tblank := !tok || len(bytes.TrimSpace(text)) == 0
		lblank := !lok || len(bytes.TrimSpace(labelField)) == 0
		if !tblank {
			textLines = n
		}
		if !lblank {
			labelLines = n
		}
		switch {
		case tblank && lblank:
			continue // a blank line in both, or past the end of one file
		case !tok:
			reject(resultPath, n, fmt.Sprintf("%s has no line %d for these labels", path, n))
			continue
		case !lok:
			reject(path, n, fmt.Sprintf("%s has no line %d with this text's labels", resultPath, n))
			continue
		case texts.long:
			reject(path, n, fmt.Sprintf("the line is longer than %d bytes, more than one sample may hold", maxRecord))
			continue
		case labels.long:
			reject(resultPath, n, fmt.Sprintf("the line is longer than %d bytes, more than one sample may hold", maxRecord))
			continue
		case !texts.dec.Valid(text):
			reject(path, n, textenc.ErrNotUTF8)
			continue
		case !labels.dec.Valid(labelField):
			reject(resultPath, n, textenc.ErrNotUTF8)
			continue
		}
		smp, reason := m.sample(text, labelField, n, texts.dec.Encoding())
		if smp == nil {
			reject(path, n, reason)
			continue
		}
		if !yield(smp, nil) {
			return
		}
	}
	if textLines != labelLines {
		s.Warn.Warn(importers.Warning{Pos: importers.Position{File: path},
			Reason: fmt.Sprintf("%s has %d lines but %s has %d; the unpaired lines were rejected", path, textLines, resultPath, labelLines)})
	}
}
