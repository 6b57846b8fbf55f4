package classfolder

import (
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/importers/textenc"
)

// Label is one label of a label file, with its 1-based line.
type Label struct {
	Name string
	Line int
}

// Note is a warning about a label file's line (0: the whole file).
type Note struct {
	Line   int
	Reason string
}

// ParseLabels reads a sidecar label file: one label per line ("Rabbit\nPanda\n" gives two
// labels). Lines end at "\n", "\r\n" or "\r"; spaces around a name are trimmed; blank lines
// are skipped; a BOM is dropped; a name given twice is kept once, with a note. Text that is
// not UTF-8 is read as GB18030 (GBK), with a note.
func ParseLabels(data []byte) ([]Label, []Note) {
	var notes []Note
	text, enc, err := textenc.Decode(data, textenc.Auto)
	if err != nil {
		// Auto decoding falls back to GB18030, which decodes any bytes; keep what it gave.
		notes = append(notes, Note{Reason: fmt.Sprintf("the label file cannot be decoded cleanly: %v", err)})
	} else if enc != textenc.UTF8 {
		notes = append(notes, Note{Reason: fmt.Sprintf("the label file is not UTF-8; read as %s", enc)})
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var out []Label
	first := map[string]int{}
	for i, line := range strings.Split(text, "\n") {
		name := strings.TrimSpace(line)
		if name == "" {
			continue
		}
		if at, dup := first[name]; dup {
			notes = append(notes, Note{Line: i + 1, Reason: fmt.Sprintf("the label %q is given again (first on line %d); kept once", name, at)})
			continue
		}
		first[name] = i + 1
		out = append(out, Label{Name: name, Line: i + 1})
	}
	return out, notes
}
