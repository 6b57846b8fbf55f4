package voc

import (
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
