package csv

import (
	"encoding/base64"
	"encoding/binary"
	"slices"
)

// base64Pairs maps 12 bits to their two base64 characters (standard alphabet), the first in
// the low byte.
var base64Pairs = func() *[4096]uint16 {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var t [4096]uint16
	for v := range t {
		t[v] = uint16(alphabet[v>>6]) | uint16(alphabet[v&63])<<8
	}
	return &t
}()

// appendBase64 is base64.StdEncoding.AppendEncode, six bytes at a time: four lookups of two
// characters each and one 8-byte store, where the standard encoder does four lookups and
// four stores per three bytes (a sample's data is the largest thing the importer writes).
func appendBase64(dst, src []byte) []byte {
	n := base64.StdEncoding.EncodedLen(len(src))
	dst = slices.Grow(dst, n)
	out := dst[len(dst) : len(dst)+n]
	si, di := 0, 0
	for ; si+8 <= len(src); si, di = si+6, di+8 {
		v := binary.BigEndian.Uint64(src[si:]) // the six bytes are its top 48 bits
		binary.LittleEndian.PutUint64(out[di:], uint64(base64Pairs[v>>52])|
			uint64(base64Pairs[v>>40&0xFFF])<<16|
			uint64(base64Pairs[v>>28&0xFFF])<<32|
			uint64(base64Pairs[v>>16&0xFFF])<<48)
	}
	base64.StdEncoding.Encode(out[di:], src[si:])
	return dst[:len(dst)+n]
}
