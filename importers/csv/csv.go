// Package csv reads text-classification datasets — CSV, TSV and plain-text files in UTF-8 or
// the GBK family — into text samples (sample_type 1) with text-classification labels (type
// 100), one sample per row.
//
// # Layouts
//
//   - [LayoutCSV] (the default): delimited rows with quoting (RFC 4180), a header line unless
//     Options.NoHeader, a text column and a label column chosen by name or 1-based number.
//   - [LayoutCombine]: the platform's "combine" layout (label_type "1"), text<Tab>label1,label2
//     per line and no header. It is LayoutCSV with a Tab delimiter and no header.
//   - [LayoutSeparate]: the platform's "separate" layout (label_type "0"): X.txt holds one text
//     per line and X_result.txt that line's labels. Lines are paired by number; an unpaired
//     line is rejected.
//
// With Options.WholeFile the rows are not split here: each input file becomes one sample
// carrying the file's bytes, named after the file, with its detected encoding, and
// [Options.LabelFormat] gives the request-level label_format that tells the service how to
// split them. Each line is checked the way the service will split it (text, one delimiter,
// labels; no quoting, no header, one encoding), and a file with a line that would split
// wrongly is rejected, naming that line. A UTF-8 BOM is left out (the service would read it
// as part of the first text); GB18030 text that GBK cannot hold, and UTF-16, are sent as
// UTF-8. For LayoutSeparate a read yields two samples, X.txt and then X_result.txt (the
// service pairs them by that suffix; a difference in their line counts is a warning). The service splits lines on its own: it
// knows no quoting and no header, so LayoutCSV files must be NoHeader, and the delimiter and
// the label separator must differ. A file over the service's per-sample limit is rejected.
//
// # Rows
//
// Lines end at "\n", "\r\n" or a lone "\r" (classic Mac files), mixed in one file too. A
// field that starts with '"' is quoted: it may hold the delimiter, line breaks ("\r\n" reads
// as "\n") and doubled quotes, and its closing quote must be followed by the delimiter or a
// line end; a quote inside an unquoted field is kept as a character. A row's text,
// exactly as read, becomes the sample's data, in UTF-8 unless Options.KeepEncoding; its label
// field is split at Options.LabelSeparator, each label trimmed of white space; empty labels
// ("a,,b") are dropped and repeated ones kept once. An empty label field gives an unlabeled
// sample. With Options.SharedLabels, rows whose label fields are the same bytes share one
// Labels array. Empty lines and rows whose fields are all blank (Excel's ",,") are skipped and are
// no rejection. A row is rejected — reported to Options.Warn with its file and line, the
// other rows going on — when a quote is broken, when it has fewer fields than the text or
// label column needs, when it has more fields than the header (or, with no header, than the
// first row): an unquoted delimiter in the text would otherwise shift the columns, or when its
// text is blank or longer than one sample may be.
//
// A record is rejected as soon as its bytes pass the per-sample limit, without being held
// whole, so memory does not grow with one huge record. A quoted field that long is one
// rejection for its whole record (its lines are not rows); a quote that never closes is a
// stray one when the lines after it read as rows of the file (only its line is rejected),
// else the rest of the file is its field, rejected once.
//
// Encodings are decoded by package textenc. A file that mixes UTF-8 lines with lines that are
// not UTF-8 is read as UTF-8 with Encoding Auto: each record that is not UTF-8 is rejected with
// its line, after one warning naming the first line of each kind.
//
// Samples are named after the file and the line their row starts on, "train.csv-000012.txt"
// for line 12 of train.csv (six digits or more; see Options.Name), as the conll importer
// names its samples; their Origin is "train.csv:12". The service stores a sample as a file
// under its name in the dataset's folder (its response gives "name" back as that path), so a
// name holds no path separator, no ':' (not a file-name character on Windows, where
// datasets get downloaded), no control character (NUL, a line end, ...) and ends in .txt
// like the text files the service takes: [NameStem] replaces each such character of the
// file name with '_' (importers.SafeName, the rule every importer shares). A whole-file
// sample keeps the file's own name, made safe the same way.
//
// # Why not encoding/csv or gocsv
//
// Rows are split by this package's own scanner, not by encoding/csv (which gocsv reads
// through): encoding/csv cannot go on after a broken quote — an unclosed quote swallows the
// rest of the file, and its Reader cannot be restarted at the next line — while this
// importer must reject that one row with its line and convert the others. The scanner keeps
// the record's lines in its buffer and resynchronizes at the line after the broken record's
// first. It also hands out fields as slices of one buffer, which the throughput target (150
// MB/s of input) needs. gocsv's strengths, unmarshalling rows into tagged structs, do not fit
// columns that are chosen at run time, and its row numbers are not line numbers once a field
// spans lines. gocsv serves in this package's tests: it writes the benchmark's CSV and the
// random rows that, read back through gocsv's CSVReader hook with the scanner behind it, must
// come out as gocsv reads them with encoding/csv; a fuzz target checks the scanner against
// encoding/csv on every input encoding/csv accepts.
package csv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"path"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// Layout says how the input holds texts and labels.
type Layout string

// Layouts.
const (
	LayoutCSV      Layout = "csv"      // delimited rows, header by default
	LayoutCombine  Layout = "combine"  // the platform's text<Tab>labels lines, label_type "1"
	LayoutSeparate Layout = "separate" // the platform's X.txt + X_result.txt, label_type "0"
)

// ParseLayout reads a -layout flag value.
func ParseLayout(s string) (Layout, error) {
	switch l := Layout(strings.ToLower(strings.TrimSpace(s))); l {
	case "", LayoutCSV:
		return LayoutCSV, nil
	case LayoutCombine, LayoutSeparate:
		return l, nil
	}
	return "", fmt.Errorf("unknown layout %q (want csv, combine or separate)", s)
}

// Options configure a read. The zero value reads a comma-separated file with a header line
// and columns named text and label, in any supported encoding.
type Options struct {
	Layout Layout // "" is LayoutCSV

	// Delimiter separates fields: 0 means ',' (Tab for LayoutCombine). It must pass the API's
	// separator rule (a letter, a digit, Tab or one of !@#$%^&*_=|?/':.;,), since -whole-file
	// sends it as text_sample_separator; see ParseSeparator.
	Delimiter rune
	// NoHeader says the first row is data (LayoutCSV only; LayoutCombine never has a header).
	NoHeader bool
	// TextColumn and LabelColumn pick the columns: a header name (matched ignoring case and
	// surrounding spaces) or a 1-based number. "" means "text" and "label" with a header, 1
	// and 2 without. A header name that is also a number wins over the number.
	TextColumn, LabelColumn string
	// LabelSeparator separates several labels in one field: 0 means ','.
	LabelSeparator rune

	Encoding textenc.Encoding // "" is textenc.Auto
	// KeepEncoding sends each text in its source encoding (GBK or GB2312) rather than UTF-8.
	KeepEncoding bool

	// WholeFile makes one sample per input file holding the file's bytes, for the service to
	// split with the label_format from LabelFormat. For LayoutSeparate a read yields X.txt and
	// X_result.txt. The service reads every line as a sample and knows no quoting, so a
	// LayoutCSV file must be NoHeader; the column options must be left empty.
	WholeFile bool

	// Name is the sample-name stem: "" means NameStem of the input's path. Rows are named
	// Name-NNNNNN.txt (the row's first line); a whole-file sample is named Name (and, for
	// LayoutSeparate, its labels file ResultPath(Name)).
	Name string
	// SharedLabels lets rows whose label fields are the same bytes share one Labels array
	// (capped at its length, so appending to a sample's labels copies them), to be treated
	// as read-only: one labels array per row was most of the importer's allocations. Set it
	// only when nothing changes the samples' labels in place afterwards; the convert command,
	// which only validates and encodes them, does.
	SharedLabels bool

	Warn importers.WarnFunc
}

// ParseSeparator reads a -delimiter or -label-separator value: one character that the API's
// separator rule allows (`\t`, "tab" and a Tab character all mean Tab).
func ParseSeparator(s string) (rune, error) {
	switch strings.ToLower(s) {
	case `\t`, "tab":
		s = "\t"
	}
	if s == "" {
		return 0, errors.New("is empty; must be one character")
	}
	if err := checkSeparator(s); err != nil {
		return 0, err
	}
	return rune(s[0]), nil
}

// checkSeparator applies api.Validate's separator rule to s.
func checkSeparator(s string) error {
	vs := api.Validate(&api.Request{LabelFormat: &api.LabelFormat{TextSampleSeparator: s}})
	if len(vs) > 0 {
		return errors.New(vs[0].Reason)
	}
	return nil
}

// settings are Options with the defaults filled in and checked.
type settings struct {
	Options
	delim, labelSep byte
	header          bool
}

// Check reports options that cannot work together, before any input is read.
func (o Options) Check() error {
	_, err := o.settings()
	return err
}

func (o Options) settings() (*settings, error) {
	s := &settings{Options: o}
	if s.Layout == "" {
		s.Layout = LayoutCSV
	}
	if _, err := ParseLayout(string(s.Layout)); err != nil {
		return nil, err
	}
	if s.Encoding == "" {
		s.Encoding = textenc.Auto
	}
	if _, err := textenc.Parse(string(s.Encoding)); err != nil {
		return nil, err
	}
	if s.Delimiter == 0 {
		s.Delimiter = ','
		if s.Layout == LayoutCombine {
			s.Delimiter = '\t'
		}
	}
	if s.LabelSeparator == 0 {
		s.LabelSeparator = ','
	}
	for _, sep := range []struct {
		what string
		r    rune
	}{{"delimiter", s.Delimiter}, {"label separator", s.LabelSeparator}} {
		if err := checkSeparator(string(sep.r)); err != nil {
			return nil, fmt.Errorf("the %s %s", sep.what, err)
		}
	}
	s.delim, s.labelSep = byte(s.Delimiter), byte(s.LabelSeparator)
	s.header = s.Layout == LayoutCSV && !s.NoHeader
	if s.Layout == LayoutSeparate && (s.TextColumn != "" || s.LabelColumn != "") {
		return nil, errors.New("the separate layout has no columns: each line of X.txt is a text, each line of X_result.txt its labels")
	}
	if s.WholeFile {
		if s.header {
			return nil, errors.New("with whole files the service reads every line as a sample and cannot skip a header line: the file must have none (NoHeader)")
		}
		if s.TextColumn != "" || s.LabelColumn != "" {
			return nil, errors.New("with whole files the service reads text<delimiter>labels lines: columns cannot be chosen")
		}
		if s.Layout != LayoutSeparate && s.delim == s.labelSep {
			return nil, fmt.Errorf("with whole files the delimiter and the label separator must differ (both are %q): the service splits lines with no quoting", s.Delimiter)
		}
	} else if s.Layout != LayoutSeparate {
		t, err := s.column(s.TextColumn, "text", 1, nil)
		if err != nil {
			return nil, err
		}
		l, err := s.column(s.LabelColumn, "label", 2, nil)
		if err != nil {
			return nil, err
		}
		if !s.header && t == l {
			return nil, fmt.Errorf("the text and the label are the same column (%d)", t+1)
		}
	}
	if s.Name != "" {
		if reason := api.CheckName(s.Name + nameSuffix); reason != "" {
			return nil, fmt.Errorf("sample names from %q: %s", s.Name, reason)
		}
		if strings.ContainsAny(s.Name, `/\`) {
			return nil, fmt.Errorf("sample-name stem %q holds a path separator; the service would read it as a folder", s.Name)
		}
		if importers.SafeName(s.Name, 0) != s.Name {
			return nil, fmt.Errorf("sample-name stem %q holds ':' or a control character, which names may not hold (NameStem makes a stem safe)", s.Name)
		}
	}
	return s, nil
}

// column resolves a column option to a 0-based index. With header nil (not read yet, or no
// header) only the no-header rules are checked.
func (s *settings) column(spec, name string, number int, header []string) (int, error) {
	if !s.header {
		if spec == "" {
			return number - 1, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(spec))
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%s column %q: without a header, columns are numbered from 1", name, spec)
		}
		return n - 1, nil
	}
	if header == nil {
		return -1, nil
	}
	if spec == "" {
		spec = name
	}
	want := strings.TrimSpace(spec)
	for i, h := range header {
		if strings.TrimSpace(h) == want {
			return i, nil
		}
	}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), want) {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(want); err == nil && n >= 1 {
		return n - 1, nil
	}
	quoted := make([]string, len(header))
	for i, h := range header {
		quoted[i] = strconv.Quote(h)
	}
	return 0, fmt.Errorf("the header has no %s column %q (its columns: %s); pick one with -%s-column NAME or a 1-based number",
		name, spec, strings.Join(quoted, ", "), name)
}

// LabelFormat returns the request-level label_format for whole-file samples (nil otherwise):
// label_type "1" with the delimiter as text_sample_separator and the label separator as
// text_label_separator, or label_type "0" with the label separator for LayoutSeparate.
func (o Options) LabelFormat() *api.LabelFormat {
	s, err := o.settings()
	if err != nil || !s.WholeFile {
		return nil
	}
	if s.Layout == LayoutSeparate {
		return &api.LabelFormat{LabelType: api.LabelFormatSeparate, TextLabelSeparator: string(rune(s.labelSep))}
	}
	return &api.LabelFormat{
		LabelType:           api.LabelFormatCombined,
		TextSampleSeparator: string(rune(s.delim)),
		TextLabelSeparator:  string(rune(s.labelSep)),
	}
}

// ResultPath returns the labels file the separate layout pairs with a text file: X.txt gives
// X_result.txt (the suffix goes before the extension).
func ResultPath(textPath string) string {
	ext := path.Ext(textPath)
	if strings.ContainsAny(ext, `/\`) {
		ext = ""
	}
	return strings.TrimSuffix(textPath, ext) + "_result" + ext
}

// nameSuffix is the longest suffix a row's name adds to the stem, for checking stems.
const nameSuffix = "-0000000000.txt"

// maxStem leaves room for nameSuffix within api.MaxNameLength.
const maxStem = api.MaxNameLength - len(nameSuffix)

// NameStem returns the default sample-name stem for an input path: its base name made safe
// by importers.SafeName (the characters the API forbids in names, ':', control characters
// and invalid UTF-8 become '_'), cut to leave room for a row's number.
func NameStem(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	return importers.SafeName(p, maxStem)
}

// Read converts the file at path in fsys. For LayoutSeparate path is the text file X.txt,
// and X_result.txt is read beside it. The returned stream is single-use.
func Read(ctx context.Context, fsys fs.FS, path string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		s, err := start(ctx, path, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		switch {
		case s.WholeFile:
			readWhole(ctx, fsys, path, s, yield)
		case s.Layout == LayoutSeparate:
			readSeparate(ctx, fsys, path, s, yield)
		default:
			f, err := fsys.Open(path)
			if err != nil {
				yield(nil, &importers.Error{Pos: importers.Position{File: path}, Err: err})
				return
			}
			defer f.Close()
			readRows(ctx, f, path, s, yield)
		}
	}
}

// ReadFrom converts one file read from r (standard input, say), named file in positions and,
// unless Options.Name is set, in sample names. LayoutSeparate needs two files and is not
// available here. The returned stream is single-use.
func ReadFrom(ctx context.Context, r io.Reader, file string, opts Options) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		s, err := start(ctx, file, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		switch {
		case s.Layout == LayoutSeparate:
			yield(nil, &importers.Error{Pos: importers.Position{File: file}, Err: errors.New("the separate layout reads X.txt and X_result.txt from files, not from a stream")})
		case s.WholeFile:
			b, err := io.ReadAll(io.LimitReader(r, api.MaxSampleBytes+4))
			if err != nil {
				yield(nil, &importers.Error{Pos: importers.Position{File: file}, Err: err})
				return
			}
			if smp, _ := wholeSample(b, file, s.Name, s); smp != nil {
				yield(smp, nil)
			}
		default:
			readRows(ctx, r, file, s, yield)
		}
	}
}

// start checks ctx and the options.
func start(ctx context.Context, file string, opts Options) (*settings, error) {
	pos := importers.Position{File: file}
	if err := importers.Check(ctx, pos); err != nil {
		return nil, err
	}
	s, err := opts.settings()
	if err != nil {
		return nil, &importers.Error{Pos: pos, Err: err}
	}
	if s.Name == "" {
		s.Name = NameStem(file)
		if s.Name == "" {
			s.Name = "text"
		}
		if reason := api.CheckName(s.Name + nameSuffix); reason != "" {
			return nil, &importers.Error{Pos: pos, Err: fmt.Errorf("sample names from the file name: %s", reason)}
		}
	}
	return s, nil
}
