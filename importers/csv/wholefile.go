package csv

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
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
// returns nil; n counts the file's lines up to the last one that is not blank. The bytes are
// sent as they are, less a UTF-8 BOM (which the service would read as part of the first
// text), with their encoding; a GB18030 file that GBK cannot hold and UTF-16 are sent as
// UTF-8. Unless the file is the labels file of the separate layout, its lines are checked
// the way the service will split them (see checkLines).
func wholeSample(b []byte, file, name string, s *settings) (smp *api.Sample, n int) {
	reject := func(pos importers.Position, reason string) (*api.Sample, int) {
		s.Warn.Warn(importers.Warning{Pos: pos, Rejected: true, Reason: reason})
		return nil, 0
	}
	pos := importers.Position{File: file}
	dec, err := textenc.NewDecoder(bytes.NewReader(b), s.Encoding)
	var raw []byte
	if err == nil {
		raw, err = io.ReadAll(dec)
	}
	if err != nil {
		var de *textenc.DecodeError
		if errors.As(err, &de) {
			pos.Offset = de.Offset
		}
		return reject(pos, err.Error())
	}
	if u, o, mixed := dec.Mixed(); mixed {
		pos.Line = o
		return reject(pos, fmt.Sprintf("the file mixes encodings: line %d is UTF-8, line %d is not (GBK?); a whole file is one sample in one encoding (give option Encoding, or convert it row by row)", u, o))
	}
	text := string(raw)
	if strings.TrimSpace(text) == "" {
		return reject(pos, "the file holds no text")
	}
	if s.Layout != LayoutSeparate {
		if line, reason := checkLines(text, s.delim, s.labelSep); reason != "" {
			pos.Line = line
			return reject(pos, reason+"; the service splits each line at the delimiter and knows no quoting and no header, so the file is not sent (convert it row by row instead, without option WholeFile)")
		}
	}
	data, apiEnc := textenc.Encode(text, dec.Encoding(), true)
	if len(data) > api.MaxSampleBytes {
		return reject(pos, fmt.Sprintf("the file is %d bytes or more; one sample may hold at most %d (convert it row by row instead)", len(data), api.MaxSampleBytes))
	}
	return &api.Sample{
		Origin:     file,
		Name:       name,
		SampleType: api.SampleText,
		Data:       base64.StdEncoding.EncodeToString(data),
		Encoding:   apiEnc,
	}, countTextLines(text)
}

// Header names: a first line whose text field is one of headerText and whose labels field is
// one of headerLabel (ignoring case and surrounding spaces) is a header line.
var (
	headerText  = []string{"text", "texts", "sentence", "content", "review", "comment", "document", "txt", "文本", "内容", "句子", "评论", "正文"}
	headerLabel = []string{"label", "labels", "category", "categories", "class", "tag", "tags", "标签", "类别", "分类", "类别标签"}
)

// checkLines checks each line of a whole file the way the service splits it: at the
// delimiter, with no quoting and no header. It returns the first line that would split
// wrongly and why: a line with no delimiter or several, a field that starts with a quote
// (CSV quoting, which the service would keep as text), or a header line. Blank lines pass.
func checkLines(text string, delim, labelSep byte) (int, string) {
	line, first := 0, true
	for rest := text; len(rest) > 0; {
		line++
		var l string
		l, rest = cutLine(rest)
		if strings.TrimSpace(l) == "" {
			continue
		}
		fields := strings.Split(l, string(rune(delim)))
		switch {
		case len(fields) == 1:
			return line, fmt.Sprintf("the line has no %q between the text and its labels", rune(delim))
		case len(fields) > 2:
			return line, fmt.Sprintf("the line holds %d %q delimiters where a line (text, delimiter, labels) has one: the service would not split it as meant (a delimiter inside the text, or a quoted field?)", len(fields)-1, rune(delim))
		}
		for _, f := range fields {
			if strings.HasPrefix(strings.TrimSpace(f), `"`) {
				return line, "a field starts with a quote (CSV quoting): the service would keep the quotes as text"
			}
		}
		if first && isHeader(fields[0], headerText) && isHeader(strings.Split(fields[1], string(rune(labelSep)))[0], headerLabel) {
			return line, fmt.Sprintf("the line looks like a header (%q): the service would read it as a sample", l)
		}
		first = false
	}
	return 0, ""
}

func isHeader(field string, names []string) bool {
	field = strings.TrimSpace(field)
	for _, n := range names {
		if strings.EqualFold(field, n) {
			return true
		}
	}
	return false
}

// countTextLines counts lines ("\n", "\r\n" or a lone "\r" ends one) up to the last one
// that is not blank.
func countTextLines(b string) int {
	n, last := 0, 0
	for len(b) > 0 {
		var line string
		line, b = cutLine(b)
		n++
		if len(strings.TrimSpace(line)) > 0 {
			last = n
		}
	}
	return last
}

// cutLine returns s's first line without its line end ("\n", "\r\n" or a lone "\r"),
// and the rest.
func cutLine(s string) (line, rest string) {
	i := strings.IndexAny(s, "\r\n")
	if i < 0 {
		return s, ""
	}
	if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
		return s[:i], s[i+2:]
	}
	return s[:i], s[i+1:]
}
