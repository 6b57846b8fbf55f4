package textenc

import (
	"encoding/binary"
	"unicode/utf8"
)

// validUTF8 is utf8.Valid for the text this package reads: mostly ASCII and CJK, switching
// between the two every few bytes (a row's number, its text, its labels), where a loop that
// branches on each character's kind mispredicts at every switch. It runs a DFA instead, with
// no branch per byte: each byte's row of dfaRows packs the next state for every state in six
// bits, so a step is a table load and a shift. The text is cut in four at character
// boundaries and the quarters are run side by side, so that four chains of steps overlap;
// 64-byte blocks that are ASCII in all four, met between characters, are skipped eight
// bytes a load.
func validUTF8(p []byte) bool {
	p = p[asciiPrefix(p):]
	if len(p) < 256 {
		return dfaRun(stAccept, p) == stAccept
	}
	// Cut at the first byte from each quarter that is not a continuation byte: the parts
	// are all valid exactly when p is (a character starts there). No such byte among four in
	// a row: p is not UTF-8 (a character has at most three continuation bytes).
	q := len(p) / 4
	k1, k2, k3 := charStart(p, q), charStart(p, 2*q), charStart(p, 3*q)
	if k1 < 0 || k2 < 0 || k3 < 0 {
		return false
	}
	a, b, c, d := p[:k1], p[k1:k2], p[k2:k3], p[k3:]
	// States: stAccept between characters. Inside a block only a state's low six bits are
	// kept up to date: a shift uses only those (the compiler emits a bare SHR), so the bits
	// above, the rest of the row, are left in place instead of masked off after each byte,
	// and masked once a block (with the steps unrolled four times, 6.3 instructions a byte
	// instead of 9.5; 15-18% less CPU).
	var s1, s2, s3, s4 uint64
	j := 0
	for m := min(len(a), len(b), len(c), len(d)); j+64 <= m; j += 64 {
		w, x, y, z := a[j:j+64], b[j:j+64], c[j:j+64], d[j:j+64]
		if s1|s2|s3|s4 == stAccept && ascii64(w) && ascii64(x) && ascii64(y) && ascii64(z) {
			continue
		}
		for n := 0; n < len(w); n += 4 {
			s1 = dfaRows[w[n]] >> (s1 & 63)
			s2 = dfaRows[x[n]] >> (s2 & 63)
			s3 = dfaRows[y[n]] >> (s3 & 63)
			s4 = dfaRows[z[n]] >> (s4 & 63)
			s1 = dfaRows[w[n+1]] >> (s1 & 63)
			s2 = dfaRows[x[n+1]] >> (s2 & 63)
			s3 = dfaRows[y[n+1]] >> (s3 & 63)
			s4 = dfaRows[z[n+1]] >> (s4 & 63)
			s1 = dfaRows[w[n+2]] >> (s1 & 63)
			s2 = dfaRows[x[n+2]] >> (s2 & 63)
			s3 = dfaRows[y[n+2]] >> (s3 & 63)
			s4 = dfaRows[z[n+2]] >> (s4 & 63)
			s1 = dfaRows[w[n+3]] >> (s1 & 63)
			s2 = dfaRows[x[n+3]] >> (s2 & 63)
			s3 = dfaRows[y[n+3]] >> (s3 & 63)
			s4 = dfaRows[z[n+3]] >> (s4 & 63)
		}
		s1, s2, s3, s4 = s1&63, s2&63, s3&63, s4&63
		if s1 == stError || s2 == stError || s3 == stError || s4 == stError {
			return false
		}
	}
	return dfaRun(s1, a[j:]) == stAccept && dfaRun(s2, b[j:]) == stAccept &&
		dfaRun(s3, c[j:]) == stAccept && dfaRun(s4, d[j:]) == stAccept
}

// charStart returns the first place from i in p (i < len(p)) that is not a continuation
// byte, or -1 when the four bytes from i all are.
func charStart(p []byte, i int) int {
	for k := i; k < len(p) && k < i+utf8.UTFMax; k++ {
		if p[k]&0xC0 != 0x80 {
			return k
		}
	}
	if i+utf8.UTFMax > len(p) {
		return len(p)
	}
	return -1
}

// dfaRun runs the DFA over b from state s.
func dfaRun(s uint64, b []byte) uint64 {
	for _, c := range b {
		s = dfaRows[c] >> (s & 63) // the low six bits are the state (see validUTF8)
	}
	return s & 63
}

// ascii64 reports whether the 64 bytes of b are ASCII.
func ascii64(b []byte) bool {
	_ = b[63]
	w := binary.LittleEndian.Uint64(b) | binary.LittleEndian.Uint64(b[8:]) |
		binary.LittleEndian.Uint64(b[16:]) | binary.LittleEndian.Uint64(b[24:]) |
		binary.LittleEndian.Uint64(b[32:]) | binary.LittleEndian.Uint64(b[40:]) |
		binary.LittleEndian.Uint64(b[48:]) | binary.LittleEndian.Uint64(b[56:])
	return w&0x8080808080808080 == 0
}

// The DFA's states, each a bit offset into a row of dfaRows (six bits per state).
const (
	stAccept = 6 * iota // between characters
	stError             // not UTF-8, whatever follows
	stNeed1             // one continuation byte to come
	stNeed2             // two
	stE0                // after E0: A0-BF, then one more (no overlong forms)
	stED                // after ED: 80-9F, then one more (no surrogates)
	stNeed3             // three continuation bytes to come
	stF0                // after F0: 90-BF, then two more (no overlong forms)
	stF4                // after F4: 80-8F, then two more (nothing past U+10FFFF)
)

// dfaRows holds, for each byte, the next state from every state: bits s to s+5 of
// dfaRows[c] are the state after c from state s. Made from the UTF-8 rules (RFC 3629) by
// dfaNext; TestValidUTF8 and FuzzValidUTF8 hold the result equal to utf8.Valid.
var dfaRows = func() (rows [256]uint64) {
	for c := range rows {
		for s := stAccept; s <= stF4; s += 6 {
			rows[c] |= uint64(dfaNext(s, byte(c))) << s
		}
	}
	return rows
}()

// dfaNext is the DFA's step from state s on byte c.
func dfaNext(s int, c byte) int {
	inRange := func(lo, hi byte) bool { return lo <= c && c <= hi }
	switch s {
	case stAccept:
		switch {
		case c < utf8.RuneSelf:
			return stAccept
		case inRange(0xC2, 0xDF):
			return stNeed1
		case c == 0xE0:
			return stE0
		case c == 0xED:
			return stED
		case inRange(0xE1, 0xEF):
			return stNeed2
		case c == 0xF0:
			return stF0
		case inRange(0xF1, 0xF3):
			return stNeed3
		case c == 0xF4:
			return stF4
		}
	case stNeed1:
		if inRange(0x80, 0xBF) {
			return stAccept
		}
	case stNeed2:
		if inRange(0x80, 0xBF) {
			return stNeed1
		}
	case stE0:
		if inRange(0xA0, 0xBF) {
			return stNeed1
		}
	case stED:
		if inRange(0x80, 0x9F) {
			return stNeed1
		}
	case stNeed3:
		if inRange(0x80, 0xBF) {
			return stNeed2
		}
	case stF0:
		if inRange(0x90, 0xBF) {
			return stNeed2
		}
	case stF4:
		if inRange(0x80, 0x8F) {
			return stNeed2
		}
	}
	return stError
}
