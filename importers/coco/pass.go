package coco

import (
	"bytes"
	"encoding/binary"
)

// passValue returns where the value that starts at b[i] ends, in a checked text (one that
// encoding/json accepts, as every element the walker hands over is): it finds the end, it
// does not check the value. ok is false when b ends first. It is jsonlex.Lexer.SkipValue
// (TestPassValueMatchesLexer, FuzzPassValue) with the long runs found by bytes.IndexByte,
// which goes a vector register at a time: a string's closing quote, and the end of an
// array that holds only numbers (a polygon of a segmentation, which is most of an
// annotation's bytes and which bbox mode passes over; the Lexer went eight bytes a step).
func passValue(b []byte, i int) (end int, ok bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '{', '[':
		return passContainer(b, i)
	case '"':
		return passString(b, i)
	}
	start := i
	for i < len(b) && !scalarEnd[b[i]] {
		i++
	}
	return i, i > start
}

// scalarEnd marks the bytes a number or literal ends at: a separator, a closing bracket, space.
var scalarEnd = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\n': true, '\r': true}

// passString returns where the string that starts at b[i] ('"') ends: after the first quote
// that an even number of backslashes precede (each pair is one escaped backslash; an odd
// one escapes the quote).
func passString(b []byte, i int) (end int, ok bool) {
	for j := i + 1; ; {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return len(b), false
		}
		q := j + k
		n := 0
		for p := q - 1; b[p] == '\\'; p-- { // stops at the opening quote at the latest
			n++
		}
		if n%2 == 0 {
			return q + 1, true
		}
		j = q + 1
	}
}

// flatWindow bounds how far flatArrayEnd looks for an array's end, so that a deep nest of
// arrays costs at most this much per array.
const flatWindow = 64 << 10

// flatArrayEnd returns where the array that starts at b[i] ('[') ends when it holds no
// string, array or object (numbers, literals, commas and white space only) and ends within
// flatWindow bytes; else 0.
func flatArrayEnd(b []byte, i int) int {
	w := b[i+1 : min(len(b), i+1+flatWindow)]
	k := bytes.IndexByte(w, ']')
	if k < 0 {
		return 0
	}
	w = w[:k]
	if bytes.IndexByte(w, '[') >= 0 || bytes.IndexByte(w, '"') >= 0 || bytes.IndexByte(w, '{') >= 0 {
		return 0
	}
	return i + 1 + k + 1
}

// passContainer returns where the object or array that starts at b[i] ends, counting
// brackets outside strings; arrays of numbers are passed over whole, and between brackets
// it goes eight bytes at a time.
func passContainer(b []byte, i int) (end int, ok bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '[':
			if e := flatArrayEnd(b, i); e > 0 {
				i = e
				if depth == 0 {
					return i, true
				}
				continue
			}
			depth++
			i++
		case '{':
			depth++
			i++
		case ']', '}':
			depth--
			i++
			if depth == 0 {
				return i, true
			}
		case '"':
			e, ok := passString(b, i)
			if !ok {
				return e, false
			}
			i = e
		default:
			i++
			for i+8 <= len(b) && !anyStructural(binary.LittleEndian.Uint64(b[i:])) {
				i += 8
			}
			for i < len(b) && !structural[b[i]] {
				i++
			}
		}
	}
	return len(b), false
}

// structural marks the bytes passContainer stops at.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// anyStructural reports whether one of the eight bytes in x may be a structural byte ('"',
// '[', ']', '{', '}'); it may say so of a control character too, which the byte-by-byte
// look that follows passes over. x|0x20 turns '[' into '{' and ']' into '}' (and nothing
// else into either); a byte equal to c is a zero byte of x^c.
func anyStructural(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	x |= 0x20 * ones
	return zero(x^('{'*ones))|zero(x^('}'*ones))|zero(x^('"'*ones)) != 0
}
