// Package base64pairs appends standard base64 (padded) six input bytes per step, with one
// table look-up per two output characters and one 8-byte store, where encoding/base64 does
// four look-ups and four stores per three bytes. A sample's data is the largest thing the
// text importers (CoNLL, CSV) write: the encoding was about a tenth of their instructions.
// TestAppendStd and FuzzAppendStd hold AppendStd equal to base64.StdEncoding.AppendEncode.
package base64pairs

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
)

// pairs maps 12 bits to their two base64 characters (standard alphabet), the first in the
// low byte.
var pairs = func() *[4096]uint16 {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var t [4096]uint16
	for v := range t {
		t[v] = uint16(alphabet[v>>6]) | uint16(alphabet[v&63])<<8
	}
	return &t
}()

// AppendStd appends the standard base64 encoding of src to dst, as
// base64.StdEncoding.AppendEncode does. dst and src must not overlap.
func AppendStd(dst, src []byte) []byte {
	n := base64.StdEncoding.EncodedLen(len(src))
	dst = slices.Grow(dst, n)
	out := dst[len(dst) : len(dst)+n]
	t := pairs // in a register, not loaded again at each step
	// Eight bytes are read for six. The slices are cut as the steps go rather than indexed,
	// so that the compiler proves the accesses in bounds (an index checked at each step, and
	// the table's address loaded again, made the loop a third longer).
	for len(src) >= 14 && len(out) >= 16 { // two steps a turn
		v := binary.BigEndian.Uint64(src)
		w := binary.BigEndian.Uint64(src[6:])
		binary.LittleEndian.PutUint64(out, uint64(t[v>>52])|
			uint64(t[v>>40&0xFFF])<<16|
			uint64(t[v>>28&0xFFF])<<32|
			uint64(t[v>>16&0xFFF])<<48)
		binary.LittleEndian.PutUint64(out[8:], uint64(t[w>>52])|
			uint64(t[w>>40&0xFFF])<<16|
			uint64(t[w>>28&0xFFF])<<32|
			uint64(t[w>>16&0xFFF])<<48)
		src, out = src[12:], out[16:]
	}
	for len(src) >= 8 && len(out) >= 8 {
		v := binary.BigEndian.Uint64(src) // the six bytes are its top 48 bits
		binary.LittleEndian.PutUint64(out, uint64(t[v>>52])|
			uint64(t[v>>40&0xFFF])<<16|
			uint64(t[v>>28&0xFFF])<<32|
			uint64(t[v>>16&0xFFF])<<48)
		src, out = src[6:], out[8:]
	}
	// The tail, three bytes (two pairs) a step, then the padding (encoding/base64's own
	// Encode here took about a tenth of the time of a 100-byte text).
	for len(src) >= 3 && len(out) >= 4 {
		v := uint(src[0])<<16 | uint(src[1])<<8 | uint(src[2])
		binary.LittleEndian.PutUint32(out, uint32(t[v>>12])|uint32(t[v&0xFFF])<<16)
		src, out = src[3:], out[4:]
	}
	if len(out) >= 4 {
		switch len(src) {
		case 1:
			binary.LittleEndian.PutUint16(out, t[uint(src[0])<<4])
			out[2], out[3] = '=', '='
		case 2:
			v := uint(src[0])<<8 | uint(src[1])
			binary.LittleEndian.PutUint16(out, t[v>>4])
			out[2], out[3] = byte(t[v<<2&0xFFF]>>8), '='
		}
	}
	return dst[:len(dst)+n]
}
