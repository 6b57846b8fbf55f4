package voc

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// etreeDoc is what build stands for: etree's own reading of the compacted bytes.
func etreeDoc(data []byte) (*etree.Document, error) {
	doc := etree.NewDocument()
	doc.ReadSettings.CharsetReader = charsetReader
	return doc, doc.ReadFromBytes(compact(data))
}

// sameTree checks that build, when it takes data, gives the document etree gives (the same
// serialization, and the same trimmed text for every element), and that it takes every
// document etree takes that declares no encoding.
func sameTree(t *testing.T, a *arena, data []byte) {
	t.Helper()
	a.reset()
	got, ok := build(a, data)
	want, err := etreeDoc(data)
	if !ok {
		// A declared encoding that is decoded is left to etree.
		if err == nil && !strings.Contains(string(data), "encoding") {
			t.Fatalf("build refused a document etree reads:\n%q", data)
		}
		return
	}
	require.NoError(t, err, "build took a document etree refuses:\n%q", data)
	gs, err := got.WriteToString()
	require.NoError(t, err)
	ws, err := want.WriteToString()
	require.NoError(t, err)
	require.Equal(t, ws, gs)
	var texts func(e *etree.Element) []string
	texts = func(e *etree.Element) []string {
		out := []string{e.Tag + "=" + text(e)}
		for _, c := range e.ChildElements() {
			out = append(out, texts(c)...)
		}
		return out
	}
	require.Equal(t, texts(&want.Element), texts(&got.Element))
}

// xmlSeeds are every XML file of the package's and the repository's testdata, and a few
// documents that exercise what build handles itself.
func xmlSeeds(t testing.TB) [][]byte {
	seeds := [][]byte{
		[]byte("<a>\n  <b> x &amp; y </b>\n\t<c/>\r\n</a>\n"),
		[]byte("<a><![CDATA[ <b> ]]>  <b>1</b></a>"),
		[]byte("<a>t<!-- c -->  <?pi x?> u<b/>v</a>"),
		[]byte("<a x='1' y='2' x='3'><b/></a>"),
		[]byte("<a>&#32;<b/>&#10;</a>"),
		[]byte("  <?xml version=\"1.0\" encoding=\"GBK\"?><a>\xc4\xe3</a>"),
		[]byte("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<a>\xc4\xe3  <b/></a>"),
		[]byte("<a><b></a>"),
		[]byte("<a></a><b/>"),
		[]byte("<a>"),
		[]byte("</a>"),
		[]byte("<a>x > y  <b/></a>"),
		[]byte("> <b></b>0"), // compact's '>' need not end a tag
		[]byte(""),
	}
	for _, dir := range []string{"testdata", "../../testdata/voc", "../../../shared/peers"} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".xml") {
				data, err := os.ReadFile(p)
				require.NoError(t, err)
				seeds = append(seeds, data)
			}
			return nil
		})
	}
	return seeds
}

// TestBuildMatchesEtree: the tree build makes is etree's, over every XML file the tests have.
func TestBuildMatchesEtree(t *testing.T) {
	a := new(arena)
	seeds := xmlSeeds(t)
	require.Greater(t, len(seeds), 50)
	for _, data := range seeds {
		p, _ := prepare(data)
		sameTree(t, a, p) // one arena for all: reuse must not leak one file into the next
	}
}

// FuzzBuild checks build against etree on arbitrary bytes.
func FuzzBuild(f *testing.F) {
	for _, s := range xmlSeeds(f) {
		f.Add(s)
	}
	a := new(arena)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameTree(t, a, data)
	})
}

// BenchmarkParse parses a VOC2012-shaped file (pretty-printed, three objects) into its tree
// on one goroutine: build (encoding/xml's tokens into the arena's nodes, the compacted bytes),
// and etree's own reader on the same compacted bytes and on the file as it is.
//
//	go test ./importers/voc -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
	data := vocSample()
	b.Run("build", func(b *testing.B) {
		a := new(arena)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			a.reset()
			if _, ok := build(a, data); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("etree-compact", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := etreeDoc(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("etree", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			doc := etree.NewDocument()
			doc.ReadSettings.CharsetReader = charsetReader
			if err := doc.ReadFromBytes(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// vocSample is a VOC2012-shaped annotation file: pretty-printed, three objects.
func vocSample() []byte {
	var doc strings.Builder
	doc.WriteString("<annotation>\n\t<folder>VOC2012</folder>\n\t<filename>2008_000008.jpg</filename>\n" +
		"\t<source>\n\t\t<database>The VOC2008 Database</database>\n\t\t<annotation>PASCAL VOC2008</annotation>\n" +
		"\t\t<image>flickr</image>\n\t</source>\n\t<size>\n\t\t<width>500</width>\n\t\t<height>442</height>\n" +
		"\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>\n")
	for i := range 3 {
		fmt.Fprintf(&doc, "\t<object>\n\t\t<name>person</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>%d</truncated>\n"+
			"\t\t<occluded>0</occluded>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n\t\t\t<xmin>%d</xmin>\n\t\t\t<ymin>%d.5</ymin>\n"+
			"\t\t\t<xmax>%d</xmax>\n\t\t\t<ymax>%d</ymax>\n\t\t</bndbox>\n\t</object>\n", i%2, 10+i, 20+i, 200+i, 300+i)
	}
	doc.WriteString("</annotation>\n")
	return []byte(doc.String())
}
