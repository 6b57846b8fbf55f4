package conll

import (
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file holds a second, deliberately naive reader of chunks, written line by line from
// conlleval's endOfChunk/startOfChunk (as its Python port and seqeval's get_entities extend
// them with S): tags are split with conlleval's own regular expression, prefixes compared as
// strings, and the sequence padded with a final "O". The importer's reader is checked
// against it.

// refSplit splits a tag as conlleval does: /^([^-]*)-(.*)$/, else the whole tag with no type.
var refSplitRE = regexp.MustCompile(`^([^-]*)-(.*)$`)

// refNormalize maps the letters conlleval does not know to the ones it does (BILOU's U and
// L, BMES's M) and reads a bare type tag as I-<type>: the importer's documented reading.
func refNormalize(tag string) (prefix, typ string) {
	if tag == "O" {
		return "O", ""
	}
	if m := refSplitRE.FindStringSubmatch(tag); m != nil {
		switch m[1] {
		case "B", "I", "E", "S":
			return m[1], m[2]
		case "U":
			return "S", m[2]
		case "L":
			return "E", m[2]
		case "M":
			return "I", m[2]
		}
	}
	switch tag {
	case "B", "I", "E", "S":
		return tag, ""
	case "U":
		return "S", ""
	case "L":
		return "E", ""
	case "M":
		return "I", ""
	}
	return "I", tag
}

func refEndOfChunk(prevTag, tag, prevType, typ string) bool {
	chunkEnd := false
	if prevTag == "E" {
		chunkEnd = true
	}
	if prevTag == "S" {
		chunkEnd = true
	}
	if prevTag == "B" && tag == "B" {
		chunkEnd = true
	}
	if prevTag == "B" && tag == "S" {
		chunkEnd = true
	}
	if prevTag == "B" && tag == "O" {
		chunkEnd = true
	}
	if prevTag == "I" && tag == "B" {
		chunkEnd = true
	}
	if prevTag == "I" && tag == "S" {
		chunkEnd = true
	}
	if prevTag == "I" && tag == "O" {
		chunkEnd = true
	}
	if prevTag != "O" && prevTag != "." && prevType != typ {
		chunkEnd = true
	}
	return chunkEnd
}

func refStartOfChunk(prevTag, tag, prevType, typ string) bool {
	chunkStart := false
	if tag == "B" {
		chunkStart = true
	}
	if tag == "S" {
		chunkStart = true
	}
	if prevTag == "E" && tag == "E" {
		chunkStart = true
	}
	if prevTag == "E" && tag == "I" {
		chunkStart = true
	}
	if prevTag == "S" && tag == "E" {
		chunkStart = true
	}
	if prevTag == "S" && tag == "I" {
		chunkStart = true
	}
	if prevTag == "O" && tag == "E" {
		chunkStart = true
	}
	if prevTag == "O" && tag == "I" {
		chunkStart = true
	}
	if tag != "O" && tag != "." && prevType != typ {
		chunkStart = true
	}
	return chunkStart
}

// refChunks is seqeval's get_entities: walk the tags plus a final "O".
func refChunks(tags []string) []Chunk {
	var out []Chunk
	prevTag, prevType, begin := "O", "", 0
	for i, t := range append(append([]string(nil), tags...), "O") {
		tag, typ := refNormalize(t)
		if refEndOfChunk(prevTag, tag, prevType, typ) {
			out = append(out, Chunk{Type: prevType, Start: begin, End: i}) // End exclusive
		}
		if refStartOfChunk(prevTag, tag, prevType, typ) {
			begin = i
		}
		prevTag, prevType = tag, typ
	}
	return out
}

// TestChunksMatchReference compares Chunks with the reference on random tag sequences over
// every prefix letter, bare types and untyped tags.
func TestChunksMatchReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"O", "O", "O", "B-PER", "I-PER", "E-PER", "S-PER", "U-PER", "L-PER", "M-PER",
		"B-LOC", "I-LOC", "E-LOC", "S-LOC", "PER", "LOC", "B-PER-X", "I-PER-X", "B", "I", "E", "S", "I-"}
	for n := 0; n < 20000; n++ {
		tags := make([]string, rng.IntN(12))
		for i := range tags {
			tags[i] = alphabet[rng.IntN(len(alphabet))]
		}
		require.Equal(t, refChunks(tags), Chunks(tags), "tags %q", tags)
	}
}
