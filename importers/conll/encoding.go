package conll

import (
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/textenc"
)

// A file that mixes UTF-8 lines with lines in another encoding (GBK pasted into a UTF-8
// file) is read as UTF-8 by textenc's auto detection; each record whose bytes are not UTF-8
// is rejected, and the file gets one warning naming the first line of each kind.

// warnMixed gives the decoder's warning about a mixed file, once.
func (r *reader) warnMixed() {
	if w := r.dec.MixedWarning(); w != "" {
		// At the first line that is not UTF-8 (as the CSV importer says it): a warning
		// always has a line (FuzzRead).
		_, other, _ := r.dec.Mixed()
		r.opts.Warn.Warn(importers.Warning{Pos: importers.Position{File: r.file, Line: max(other, 1)}, Reason: w})
	}
}

// checkEncoding says why the record cannot be a sample when its text or an entity type is
// not UTF-8 in a mixed file ("" when it can).
func (r *reader) checkEncoding() string {
	rec := &r.rec
	if !r.dec.Valid(rec.text) {
		return textenc.ErrNotUTF8
	}
	for _, e := range rec.ents {
		if !r.dec.Valid([]byte(e.typ)) {
			return textenc.ErrNotUTF8
		}
	}
	return ""
}
