package coco

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestIsNumberLiteral(t *testing.T) {
	for _, s := range []string{"0", "-0", "1.5", "1e5", "1E+5", "-2.5e-3", "123"} {
		assert.True(t, api.IsNumberLiteral(s), s)
	}
	for _, s := range []string{"", "-", "01", "1.", ".5", "1e", "+1", "1x", "NaN", "0x10"} {
		assert.False(t, api.IsNumberLiteral(s), s)
	}
}

// appendRecord writes r the way readAnnotation does, for the round-trip test.
func appendRecord(b []byte, r *record) []byte {
	b = appendHead(b, r.from, r.index, r.off, []byte(r.id), r.cat, []byte(r.score))
	switch {
	case r.polygons != nil:
		var seg segBuf
		for _, p := range r.polygons {
			for _, n := range p {
				seg.add([]byte(n))
			}
			seg.end(len(p))
		}
		b = appendPolygons(b, &seg)
	case r.hasBox:
		kind := byte(geomBox)
		if r.boxForPolygon {
			kind = geomBoxOnly
		}
		b = append(b, kind)
		for _, s := range r.box {
			b = appendField(b, s)
		}
	default:
		b = append(b, geomClass)
	}
	b = binary.AppendUvarint(b, uint64(len(r.keypoints)))
	for _, k := range r.keypoints {
		b = appendKeypoint(b, k.index, k.visibility, []byte(k.x), []byte(k.y))
	}
	if r.plain {
		b[flagsAt] |= flagPlain
	}
	if r.crowd {
		b[flagsAt] |= flagCrowd
	}
	if r.ignore {
		b[flagsAt] |= flagIgnore
	}
	return appendField(b, r.attrs)
}

func TestRecordRoundTrip(t *testing.T) {
	r := &record{from: fromResults, index: 7, off: 1234, id: "42", cat: -3, score: "0.5",
		polygons:  [][]json.Number{{"1", "2", "3", "4", "5", "6"}, {"0.5", "1"}},
		keypoints: []keypoint{{index: 2, visibility: 1, x: "1", y: "2.5"}},
		attrs:     `{"a":1}`, crowd: true, ignore: true, plain: true}
	var got record
	require.NoError(t, decodeRecord(string(appendRecord(nil, r)), &got))
	assert.Equal(t, *r, got)
	b := &record{hasBox: true, box: [4]json.Number{"1", "2", "3", "4"}, boxForPolygon: true, keypoints: []keypoint{}}
	require.NoError(t, decodeRecord(string(appendRecord(nil, b)), &got))
	assert.Equal(t, *b, got)
	enc := appendRecord(nil, r)
	for n := range enc {
		assert.Error(t, decodeRecord(string(enc[:n]), &got), "truncated at %d", n)
	}
}

func TestOriginMatchesImageElement(t *testing.T) {
	for _, name := range []string{"instances.json", "", strings.Repeat("long/", 40) + "a.json"} {
		c := &converter{name: name}
		for _, im := range []imageState{{}, {hasID: true, id: 42}, {hasID: true, id: -7}, {hasID: true, id: 1<<62 + 3}} {
			for _, i := range []int{0, 7, 123456} {
				if got, want := c.origin(i, &im), name+": "+imageElement(i, &im); got != want {
					t.Errorf("origin = %q, want %q", got, want)
				}
			}
		}
	}
}
