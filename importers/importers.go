// Package importers holds what every importer shares: positions, warnings and rejections,
// the fatal error type, and Collect. Each format lives in a subpackage (voc, coco, conll,
// csv) with the same shape:
//
//	func Read(ctx context.Context, fsys fs.FS, path string, opts Options) iter.Seq2[*api.Sample, error]
//
// The returned stream is single-use. A record that cannot become a valid sample is reported
// to Options.Warn as a [Warning] with Rejected set, and the stream goes on; a fatal problem
// (unreadable input, malformed JSON, a cancelled context) is yielded once as (nil, err) and
// ends the stream. A yielded sample belongs to the consumer: the importer never touches it
// again.
package importers

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// Position says where in the input a record or problem is. File is always set; the others
// when the format knows them (Line and Column are 1-based; Offset is a byte offset; Element
// names an XML element or JSON entry such as "object[2]" or "annotations[17] (id 42)").
type Position struct {
	File    string
	Line    int
	Column  int
	Offset  int64
	Element string
}

func (p Position) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	} else if p.Offset > 0 {
		fmt.Fprintf(&b, ": byte %d", p.Offset)
	}
	if p.Element != "" {
		fmt.Fprintf(&b, ": %s", p.Element)
	}
	return b.String()
}

// Warning is a recoverable problem. When Rejected is true a record was not converted (the
// run must then exit non-zero); otherwise the record was converted and the warning only
// informs (an ill-formed tag sequence read the conlleval way, say).
type Warning struct {
	Pos      Position
	Rejected bool
	Reason   string
}

func (w Warning) String() string {
	if w.Rejected {
		return fmt.Sprintf("%s: rejected: %s", w.Pos, w.Reason)
	}
	return fmt.Sprintf("%s: warning: %s", w.Pos, w.Reason)
}

// WarnFunc receives warnings. Importers call it from the goroutine that iterates the stream.
type WarnFunc func(Warning)

// Warn calls f when it is not nil.
func (f WarnFunc) Warn(w Warning) {
	if f != nil {
		f(w)
	}
}

// Error is a fatal problem that ended a stream, with its position.
type Error struct {
	Pos Position
	Err error
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Collect drains a stream into a slice, for tests and small inputs; it stops at the first
// error.
func Collect(seq iter.Seq2[*api.Sample, error]) ([]*api.Sample, error) {
	var out []*api.Sample
	for s, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Check returns ctx's error wrapped as a fatal Error at pos, or nil while ctx is live.
func Check(ctx context.Context, pos Position) error {
	if err := ctx.Err(); err != nil {
		return &Error{Pos: pos, Err: err}
	}
	return nil
}
