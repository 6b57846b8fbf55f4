package preview

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// sampleText decodes an inline text sample's data as its encoding says.
func sampleText(s *api.Sample) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(s.Data)
	if err != nil {
		return "", fmt.Errorf("data is not base64: %v", err)
	}
	switch s.Encoding {
	case api.EncodingGBK, api.EncodingGB2312:
		b, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
		if err != nil {
			return "", fmt.Errorf("data is not valid %s: %v", s.Encoding, err)
		}
		return string(b), nil
	}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		return "", errors.New("data is not valid UTF-8")
	}
	return string(raw), nil
}

// Entity is a span of a text sample's characters with the label that marks it.
type Entity struct {
	Label      int // index of the label in the sample
	Name       string
	Start, End int // in code points, start inclusive, end exclusive
}

// Segment is a run of text covered by the same entities (none for plain text).
type Segment struct {
	Text     string
	Entities []int // indexes into the entity list
}

// Segments cuts text (as code points) at every entity boundary. Entities may overlap or
// nest; a segment lists every entity covering it. Entities outside the text are ignored.
func Segments(text []rune, entities []Entity) []Segment {
	cuts := []int{0, len(text)}
	for _, e := range entities {
		if e.Start >= 0 && e.End <= len(text) && e.Start < e.End {
			cuts = append(cuts, e.Start, e.End)
		}
	}
	sort.Ints(cuts)
	var segs []Segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if a == b {
			continue
		}
		seg := Segment{Text: string(text[a:b])}
		for k, e := range entities {
			if e.Start <= a && b <= e.End && e.End <= len(text) && e.Start < e.End {
				seg.Entities = append(seg.Entities, k)
			}
		}
		segs = append(segs, seg)
	}
	return segs
}

// utf16ToRunes converts a span counted in UTF-16 units into code points. ok is false when an
// end falls inside a surrogate pair or past the text.
func utf16ToRunes(text []rune, start, end int) (int, int, bool) {
	rs, re := -1, -1
	unit := 0
	for i, r := range text {
		if unit == start {
			rs = i
		}
		if unit == end {
			re = i
		}
		unit += utf16.RuneLen(r)
	}
	if unit == start {
		rs = len(text)
	}
	if unit == end {
		re = len(text)
	}
	return rs, re, rs >= 0 && re >= 0
}

// runesToUTF16 converts a code-point span into UTF-16 units.
func runesToUTF16(text []rune, start, end int) (int, int) {
	s, e, unit := 0, 0, 0
	for i := 0; i <= len(text); i++ {
		if i == start {
			s = unit
		}
		if i == end {
			e = unit
		}
		if i < len(text) {
			unit += utf16.RuneLen(text[i])
		}
	}
	return s, e
}

func pastBMP(text []rune) int {
	n := 0
	for _, r := range text {
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
