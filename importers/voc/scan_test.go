package voc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/require"
)

// dumpTree renders every node of a tree with all it holds (kind, names, attributes in order,
// text byte for byte), and checks that each node's parent and index are where it sits.
func dumpTree(t *testing.T, e *etree.Element) string {
	t.Helper()
	var b strings.Builder
	var walk func(e *etree.Element, depth int)
	walk = func(e *etree.Element, depth int) {
		fmt.Fprintf(&b, "%*sE %q %q", depth, "", e.Space, e.Tag)
		for _, at := range e.Attr {
			fmt.Fprintf(&b, " %q:%q=%q", at.Space, at.Key, at.Value)
		}
		b.WriteByte('\n')
		for i, c := range e.Child {
			require.Same(t, e, c.Parent())
			require.Equal(t, i, c.Index())
			switch c := c.(type) {
			case *etree.Element:
				walk(c, depth+1)
			case *etree.CharData:
				fmt.Fprintf(&b, "%*sT %q %v\n", depth+1, "", c.Data, c.IsCData())
			case *etree.Comment:
				fmt.Fprintf(&b, "%*sC %q\n", depth+1, "", c.Data)
			case *etree.ProcInst:
				fmt.Fprintf(&b, "%*sP %q %q\n", depth+1, "", c.Target, c.Inst)
			case *etree.Directive:
				fmt.Fprintf(&b, "%*sD %q\n", depth+1, "", c.Data)
			default:
				t.Fatalf("unknown node %T", c)
			}
		}
	}
	walk(e, 0)
	return b.String()
}

// sameAsBuild checks scan against encoding/xml (buildXML) on data: when scan takes a
// document, buildXML takes it too and makes the same tree, node for node.
func sameAsBuild(t *testing.T, a *arena, data []byte) (scanned bool) {
	t.Helper()
	c := compact(data)
	a.reset()
	got, ok := scan(a, data, string(data))
	if !ok {
		require.Zero(t, a.ne, "a refused document gives its nodes back")
		require.Zero(t, a.nc)
		return false
	}
	b := new(arena)
	want, ok := buildXML(b, c, string(c))
	require.True(t, ok, "scan took a document encoding/xml refuses:\n%q", data)
	require.Equal(t, dumpTree(t, &want.Element), dumpTree(t, &got.Element), "%q", data)
	return true
}

// scanSeeds adds, to xmlSeeds, documents at the edges of what scan reads itself.
func scanSeeds(t testing.TB) [][]byte {
	seeds := xmlSeeds(t)
	for _, s := range []string{
		`<?xml version="1.0" encoding="utf-8"?><a/>`,
		`<?xml version='1.0' encoding='UTF-8' standalone='yes'?>` + "\n<a>x</a>",
		`<?xml version="1.1"?><a/>`,
		`<?xml encoding="latin1"?><a/>`,
		`<?pi?><a/>`, `<?pi ?><a><?x  y z ?></a>`, `<?pi`, `<?a:b c?><a/>`,
		`<a><!----></a>`, `<a><!-- a - b --></a>`, `<a><!-- a -- b --></a>`, `<a><!--->--></a>`, `<a><!---->`,
		`<a x="1"y='2' z = "3" x="4"/>`, `<a x=1/>`, `<a x/>`, `<a x="<"/>`, `<a x="&amp;"/>`, `<a x="]]>"/>`,
		`<a x="` + "\t\n" + `"/>`, `<a x="` + "\r" + `"/>`, `<a x="é"/>`, `<a x="` + "\xff" + `"/>`,
		`<a>]]></a>`, `<a>]] ></a>`, `<a>]></a>`, "<a>\x01</a>", "<a>\x7f</a>", "<a>\uFFFE</a>", "<a>\U0001F600</a>",
		"<a>\xed\xa0\x80</a>", `<a>中文</a>`, `<中/>`, `<a中1.-/>`, `<中:a/>`, "<\u9FA6/>", "<\u4E00\u9FA5 \u4E01='x'></\u4E00\u9FA5>", `<颜色>蓝色</颜色 >`, "<a\xe4\xb8/>", `<a:b/>`, `<a.b-c_d1/>`, `<1a/>`, `<-a/>`, `<_a/>`,
		`<a></b>`, `<a></a >`, `<a></a x>`, `</a>`, `<a/ >`, `<a / >`, `<a/`, `<a`, `<`, `<a>`, `<a></a`,
		`<a/><b/>text`, `text<a/>`, `<a><b></b></a></a>`, `<a><![CDATA[x]]></a>`, `<!DOCTYPE a><a/>`,
		"<a>  <b> x>  <c/> y> </b>\n\t</a>  \n", "  \n<a/>", "<a>\r\n <b/>\r\n</a>", "<a>x \n</a>", "<a>> </a>", "<a>>\r</a>",
		"<a><!-- x>  <y --> <b/></a>", "<a><!-- <![CDATA[ --> <b/> </a>", "<?pi a>  <b?> <a/>", "<?pi <![CDATA[ ?> <a> <b/> </a>",
		`<a x=">  <"/>`, `<a x=">  "/>`,
		`<a>&#65;</a>`, `<a>&lt;</a>`, "<a>x\r\ny</a>",
		strings.Repeat("<a>", maxDepth) + strings.Repeat("</a>", maxDepth),
		strings.Repeat("<a>", maxDepth+1) + strings.Repeat("</a>", maxDepth+1),
	} {
		seeds = append(seeds, []byte(s))
	}
	var many strings.Builder
	many.WriteString("<a")
	for i := range maxScanAttrs + 1 {
		fmt.Fprintf(&many, ` k%d="%d"`, i, i)
	}
	many.WriteString("/>")
	seeds = append(seeds, []byte(many.String()), []byte(strings.Replace(many.String(), " k1=", " k0=", 1)))
	return seeds
}

// TestScanMatchesBuild: scan gives encoding/xml's tree for every XML file the tests have, and
// reads (rather than leaves to encoding/xml) the VOC files among them.
func TestScanMatchesBuild(t *testing.T) {
	a := new(arena)
	taken := 0
	for _, data := range scanSeeds(t) {
		p, _ := prepare(data)
		if sameAsBuild(t, a, p) {
			taken++
		}
	}
	require.Greater(t, taken, 60)
	voc := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotation>\n\t<folder>VOC2012</folder>\n" +
		"\t<filename>2008_000008.jpg</filename>\n\t<size>\n\t\t<width>500</width>\n\t\t<height>442</height>\n" +
		"\t</size>\n\t<object>\n\t\t<name>行人</name>\n\t\t<pose>Left</pose>\n\t\t<bndbox>\n" +
		"\t\t\t<xmin>53.5</xmin>\n\t\t\t<ymin>87</ymin>\n\t\t</bndbox>\n\t\t<point/>\n\t</object>\n</annotation>\n"
	require.True(t, sameAsBuild(t, a, []byte(voc)), "scan refused a VOC file")
}

// FuzzScan checks scan against encoding/xml on arbitrary bytes.
func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s)
	}
	a := new(arena)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsBuild(t, a, data)
	})
}

// BenchmarkParse parses a VOC2012-shaped file (pretty-printed, three objects) into its tree
// on one goroutine: build (scan's one pass), the encoding/xml path build takes for what scan
// refuses (compact, then buildXML), and etree's own reading.
//
//	go test ./importers/voc -run '^$' -bench Parse -benchmem
func BenchmarkParse(b *testing.B) {
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
	data := []byte(doc.String())
	b.Run("scan", func(b *testing.B) {
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
	b.Run("encoding-xml", func(b *testing.B) {
		a := new(arena)
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			a.reset()
			a.compact = compactTo(a.compact[:0], data)
			if _, ok := buildXML(a, a.compact, string(a.compact)); !ok {
				b.Fatal("refused")
			}
		}
	})
	b.Run("etree", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := etreeDoc(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
