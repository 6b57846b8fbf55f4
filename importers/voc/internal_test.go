package voc

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestAdjust(t *testing.T) {
	tests := []struct {
		in           string
		shift, round bool
		want         string
		clamped      bool
	}{
		{"48", false, false, "48", false},
		{"12.5", false, false, "12.5", false},
		{"12.5", false, true, "13", false},
		{"-12.5", false, true, "-13", false}, // halves away from zero
		{"45.70000076293945", true, false, "44.70000076293945", false},
		{"45.70000076293945", false, true, "46", false},
		{"45.70000076293945", true, true, "45", false},
		{"1", true, false, "0", false},
		{"0.5", true, false, "0", true},
		{"0", true, false, "0", true},
		{"2.0", true, false, "1", false},
		{"2.50", true, false, "1.5", false},
		{"2.5E2", true, false, "249", false},
		{"1.25e1", true, false, "11.5", false},
		{"5e-3", false, true, "0", false},
		{"1e-300", true, false, "0", true},                            // float fallback for huge exponents
		{"1e300", false, true, "1" + strings.Repeat("0", 300), false}, // float fallback (api.Float)
	}
	for _, tt := range tests {
		got, clamped := adjust(json.Number(tt.in), tt.shift, tt.round)
		assert.Equal(t, tt.want, string(got), "%s shift=%v round=%v", tt.in, tt.shift, tt.round)
		assert.Equal(t, tt.clamped, clamped, tt.in)
	}
}

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<a>\n  <b> x </b>\n\t<c/>\r\n</a>\n", "<a><b> x </b><c/></a>\n"},
		{"<?xml version=\"1.0\"?>\n<a>  </a>", "<?xml version=\"1.0\"?><a></a>"},
		{"<a>text <b/> more</a>", "<a>text <b/> more</a>"},
		{"<a><![CDATA[x>  <y]]>  </a>", "<a><![CDATA[x>  <y]]>  </a>"}, // left alone
		{"<a>", "<a>"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(compact([]byte(tt.in))), "%q", tt.in)
	}
	// GBK text keeps its bytes: no byte of a double-byte character is '<', '>' or a space.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("<name>  猫 > 狗  </name>\n<x/>")
	assert.NoError(t, err)
	want, _ := simplifiedchinese.GBK.NewEncoder().String("<name>  猫 > 狗  </name><x/>")
	assert.Equal(t, want, string(compact([]byte(gbk))))
}

func TestPlannedCountsRecords(t *testing.T) {
	fsys := fstest.MapFS{
		"Annotations/a.xml": {Data: []byte(`<annotation><filename>a.jpg</filename><size><width>4</width><height>4</height></size></annotation>`)},
		"Annotations/b.xml": {Data: []byte(`<annotation><filename>b.jpg</filename><size><width>4</width><height>4</height></size></annotation>`)},
		"Annotations/c.xml": {Data: []byte(`not xml`)},
	}
	planned := -1
	opts := Options{OBSPrefix: "obs://b/", Planned: func(n int) { planned = n }}
	for range Read(context.Background(), fsys, ".", opts) {
	}
	assert.Equal(t, 3, planned, "every XML file is a record: a sample or a rejection")
}

func TestBudget(t *testing.T) {
	done := make(chan struct{})
	close(done) // take returns false instead of waiting
	b := newBudget(10)
	assert.True(t, b.take(1, 6, done), "fits")
	assert.False(t, b.take(2, 6, done), "does not fit, and job 2 is not the head: waits")
	assert.True(t, b.take(0, 100, done), "the head goes ahead whatever it needs")
	b.give(100) // job 0's result taken: job 1 is the head
	assert.False(t, b.take(2, 5, done), "4 free")
	assert.True(t, b.take(1, 50, done), "the head")
	b.give(56) // job 1 gave back its 6 and 50
	assert.True(t, b.take(2, 10, done), "all free again")
}

func TestCountElements(t *testing.T) {
	for in, want := range map[string]int{
		"": 0, "<a/>": 1, "<a><b>x</b></a>": 2, `<?xml version="1.0"?><!-- <c> --><a/>`: 2, "<": 0, "x<": 0,
	} {
		assert.Equal(t, want, countElements([]byte(in), 100), in)
	}
	assert.Equal(t, 3, countElements([]byte("<a/><a/><a/><a/><a/>"), 2), "stops past the limit")
}
