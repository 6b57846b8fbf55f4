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
	si, di := 0, 0
	// Eight bytes are read for six, so the last steps are left to the standard encoder.
	for ; si+8 <= len(src); si, di = si+6, di+8 {
		v := binary.BigEndian.Uint64(src[si:]) // the six bytes are its top 48 bits
		binary.LittleEndian.PutUint64(out[di:], uint64(pairs[v>>52])|
			uint64(pairs[v>>40&0xFFF])<<16|
			uint64(pairs[v>>28&0xFFF])<<32|
			uint64(pairs[v>>16&0xFFF])<<48)
	}
	base64.StdEncoding.Encode(out[di:], src[si:])
	return dst[:len(dst)+n]
}
