package conll

import (
	"fmt"
	"strings"
)

// Canonical prefixes: every tagging scheme's prefix letters are read as one of these five,
// the letters conlleval (and seqeval, its Python port) reason with.
const (
	pO byte = iota // outside
	pB             // begin (B)
	pI             // inside (I, BMES's M, bare type tags)
	pE             // end (E, BILOU's L)
	pS             // single (S, BILOU's U)
)

// tagInfo is one tag read: its prefix letter as written ('B', 'I', 'E', 'S', 'U', 'L', 'M',
// 'O'; 0 for a bare type tag such as "PER"), the canonical prefix and the entity type.
type tagInfo struct {
	raw    string // the tag as written
	letter byte
	canon  byte
	typ    string
}

// parseTag reads a tag: "O" is outside; "X-TYPE" with X one of B I E S U L M is a prefixed
// tag (the type may itself contain hyphens: "B-PER-NAME" is of type "PER-NAME"); any other tag
// is a bare type tag (IO scheme) and reads as I-<tag>. A lone prefix letter ("B") or an empty
// type ("B-") gives an empty type, which the reader rejects.
func parseTag(tag string) tagInfo {
	if tag == "O" {
		return tagInfo{raw: tag, letter: 'O', canon: pO}
	}
	if len(tag) == 1 || len(tag) >= 2 && tag[1] == '-' {
		if c := canonical(tag[0]); c != pO {
			if len(tag) == 1 {
				return tagInfo{raw: tag, letter: tag[0], canon: c}
			}
			return tagInfo{raw: tag, letter: tag[0], canon: c, typ: tag[2:]}
		}
	}
	return tagInfo{raw: tag, letter: 0, canon: pI, typ: tag}
}

// canonical maps a prefix letter to its canonical prefix; pO means "not a prefix letter".
func canonical(letter byte) byte {
	switch letter {
	case 'B':
		return pB
	case 'I', 'M':
		return pI
	case 'E', 'L':
		return pE
	case 'S', 'U':
		return pS
	}
	return pO
}

// transition is conlleval's endOfChunk and startOfChunk (with the S/U and E/L extensions of
// its Python port) for one step from the previous tag (p, pt) to the current one (c, t):
// end says the open chunk ends before the current token, start that a chunk starts at it.
//
// A chunk ends after E or S, before B, S or O, and wherever the type changes. A chunk
// starts at B or S, at I or E after O, E or S, and at any non-O tag whose type differs
// from the previous tag's.
func transition(p byte, pt string, c byte, t string) (end, start bool) {
	if p != pO {
		end = p == pE || p == pS || c == pB || c == pS || c == pO || pt != t
	}
	if c != pO {
		start = c == pB || c == pS || p == pE || p == pS || p == pO || pt != t
	}
	return end, start
}

// Chunk is one entity read from a tag sequence: its type and its tokens, Start inclusive,
// End exclusive.
type Chunk struct {
	Type       string
	Start, End int
}

// Chunks reads the entities of one sentence's tags the way conlleval does, which reads
// IOB1, IOB2 (BIO), IOE1, IOE2, BIOES (IOBES), BILOU, BMES and bare type tags (IO) alike,
// and ill-formed sequences too: "O I-PER I-PER" is one PER, "B-PER I-LOC" a PER then a LOC,
// "B-PER E-PER B-PER E-PER" two PERs, "S-PER S-PER" two. A tag without an entity type ("B",
// "I-") gives a chunk whose Type is "".
func Chunks(tags []string) []Chunk {
	var out []Chunk
	prev, prevType, start := pO, "", 0
	for i, tag := range tags {
		ti := parseTag(tag)
		end, begin := transition(prev, prevType, ti.canon, ti.typ)
		if end {
			out = append(out, Chunk{Type: prevType, Start: start, End: i})
		}
		if begin {
			start = i
		}
		prev, prevType = ti.canon, ti.typ
	}
	if prev != pO {
		out = append(out, Chunk{Type: prevType, Start: start, End: len(tags)})
	}
	return out
}

// Scheme names a tagging scheme that -scheme checks tags against.
type Scheme string

// Schemes. SchemeNone (the default) checks nothing: tags are read the conlleval way whatever
// scheme they follow.
const (
	SchemeNone  Scheme = ""
	SchemeIOB1  Scheme = "iob1"
	SchemeIOB2  Scheme = "iob2"
	SchemeIOE1  Scheme = "ioe1"
	SchemeIOE2  Scheme = "ioe2"
	SchemeBIOES Scheme = "bioes"
	SchemeBILOU Scheme = "bilou"
	SchemeBMES  Scheme = "bmes"
	SchemeIO    Scheme = "io"
)

// SchemeNames lists the values ParseScheme accepts, for flag help.
const SchemeNames = "iob1|iob2|bio|ioe1|ioe2|bioes|iobes|bilou|bmes|io"

// ParseScheme reads a -scheme value (case-insensitive; "bio" is iob2, "iobes" is bioes, "ioe"
// is ioe2; "" and "none" check nothing).
func ParseScheme(s string) (Scheme, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return SchemeNone, nil
	case "iob1":
		return SchemeIOB1, nil
	case "iob2", "bio", "iob":
		return SchemeIOB2, nil
	case "ioe1":
		return SchemeIOE1, nil
	case "ioe2", "ioe":
		return SchemeIOE2, nil
	case "bioes", "iobes":
		return SchemeBIOES, nil
	case "bilou":
		return SchemeBILOU, nil
	case "bmes":
		return SchemeBMES, nil
	case "io":
		return SchemeIO, nil
	}
	return "", fmt.Errorf("unknown tagging scheme %q (want %s)", s, SchemeNames)
}

// schemeRules is what strict checking knows of a scheme.
type schemeRules struct {
	name    string
	letters string // prefix letters the scheme uses besides O
	bare    bool   // bare type tags are allowed (IO)
	// the scheme's own letters for the canonical begin, inside, end and single prefixes
	b, i, e, s byte
	// continueOnly: a canonical I or E must continue a chunk of its type begun by B or I
	// (IOB2 and the BIOES family).
	continueOnly bool
	// mustContinue: a canonical B or I must be followed by I or E of its type (the BIOES
	// family and IOE2, where every chunk ends with E).
	mustContinue bool
	// separatorB: B only separates two adjacent chunks of one type (IOB1).
	separatorB bool
	// separatorE: E only separates two adjacent chunks of one type (IOE1).
	separatorE bool
}

var schemes = map[Scheme]*schemeRules{
	SchemeIOB1:  {name: "IOB1", letters: "BI", b: 'B', i: 'I', separatorB: true},
	SchemeIOB2:  {name: "IOB2", letters: "BI", b: 'B', i: 'I', continueOnly: true},
	SchemeIOE1:  {name: "IOE1", letters: "IE", i: 'I', e: 'E', separatorE: true},
	SchemeIOE2:  {name: "IOE2", letters: "IE", i: 'I', e: 'E', mustContinue: true},
	SchemeBIOES: {name: "BIOES", letters: "BIES", b: 'B', i: 'I', e: 'E', s: 'S', continueOnly: true, mustContinue: true},
	SchemeBILOU: {name: "BILOU", letters: "BILU", b: 'B', i: 'I', e: 'L', s: 'U', continueOnly: true, mustContinue: true},
	SchemeBMES:  {name: "BMES", letters: "BMES", b: 'B', i: 'M', e: 'E', s: 'S', continueOnly: true, mustContinue: true},
	SchemeIO:    {name: "IO", letters: "I", i: 'I', bare: true},
}

// show renders a tag for a message.
func show(ti tagInfo) string {
	switch {
	case ti.letter == 'O':
		return "O"
	case ti.letter == 0:
		return ti.typ
	}
	return string(ti.letter) + "-" + ti.typ
}

// prefixed returns letter-typ, or the bare type when the scheme has no such letter.
func prefixed(letter byte, typ string) string {
	if letter == 0 {
		return typ
	}
	return string(letter) + "-" + typ
}

// checkTag returns why the tag cur breaks the scheme given the previous tag (prev.letter is
// 'O' at the start of a sentence), or "". It is only called with a scheme set, so its
// messages are off the hot path.
func (r *schemeRules) checkTag(prev, cur tagInfo, first bool) string {
	if cur.letter == 'O' {
		return ""
	}
	if cur.letter == 0 {
		if !r.bare {
			return fmt.Sprintf("option Scheme %s: %q has no prefix (%s); read as a bare type tag", strings.ToLower(r.name), cur.typ, r.prefixList())
		}
		return ""
	}
	if strings.IndexByte(r.letters, cur.letter) < 0 {
		return fmt.Sprintf("option Scheme %s: %s uses a prefix %s does not have (%s)", strings.ToLower(r.name), show(cur), r.name, r.prefixList())
	}
	where := "at the start of the sentence"
	if !first {
		where = fmt.Sprintf("after %s", show(prev))
	}
	sameChunk := prev.typ == cur.typ && (prev.canon == pB || prev.canon == pI)
	if r.continueOnly && (cur.canon == pI || cur.canon == pE) && !sameChunk {
		return fmt.Sprintf("option Scheme %s: %s %s does not continue a chunk begun by %s; read as the start of a %s chunk",
			strings.ToLower(r.name), show(cur), where, prefixed(r.b, cur.typ), cur.typ)
	}
	if r.separatorB && cur.canon == pB && !(prev.typ == cur.typ && (prev.canon == pB || prev.canon == pI)) {
		return fmt.Sprintf("option Scheme %s: %s %s; in %s a B- tag only separates two adjacent chunks of one type",
			strings.ToLower(r.name), show(cur), where, r.name)
	}
	return ""
}

// checkNext returns why the tag prev breaks the scheme given the tag that follows it (next
// has letter 'O' at the end of a sentence), or "".
func (r *schemeRules) checkNext(prev, next tagInfo, last bool) string {
	if prev.letter == 'O' || prev.letter == 0 || strings.IndexByte(r.letters, prev.letter) < 0 {
		return ""
	}
	where := "at the end of the sentence"
	if !last {
		where = fmt.Sprintf("before %s", show(next))
	}
	continues := next.typ == prev.typ && (next.canon == pI || next.canon == pE)
	if r.mustContinue && (prev.canon == pB || prev.canon == pI) && !continues {
		return fmt.Sprintf("option Scheme %s: %s %s is not followed by %s or %s; read as the end of its chunk",
			strings.ToLower(r.name), show(prev), where, prefixed(r.i, prev.typ), prefixed(r.e, prev.typ))
	}
	if r.separatorE && prev.canon == pE && !continues {
		return fmt.Sprintf("option Scheme %s: %s %s; in %s an E- tag only separates two adjacent chunks of one type",
			strings.ToLower(r.name), show(prev), where, r.name)
	}
	return ""
}

func (r *schemeRules) prefixList() string {
	var b strings.Builder
	for i := 0; i < len(r.letters); i++ {
		b.WriteByte(r.letters[i])
		b.WriteString("-, ")
	}
	b.WriteString("O")
	if r.bare {
		b.WriteString(" or bare types")
	}
	return b.String()
}

// severalTags tells a tag that holds several tags joined by "," or "|" ("B-corporation,B-person",
// as some tweet sets write an entity of two types): each part is "O" or a prefixed tag. It
// returns the parts, quoted, or "" for an ordinary tag.
func severalTags(tag string) string {
	sep := strings.IndexAny(tag, ",|")
	if sep < 0 {
		return ""
	}
	parts := strings.Split(tag, tag[sep:sep+1])
	for _, p := range parts {
		if p == "O" {
			continue
		}
		if len(p) < 3 || p[1] != '-' || canonical(p[0]) == pO {
			return ""
		}
	}
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = fmt.Sprintf("%q", p)
	}
	return strings.Join(quoted, ", ")
}
