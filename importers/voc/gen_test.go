package voc_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// objectsPerFile cycles through counts whose mean is 2.4, VOC2012's objects per image.
var objectsPerFile = []int{1, 2, 3, 2, 4, 2, 3, 1, 2, 4}

var classes = []string{"person", "dog", "car", "chair", "bird", "cat", "bottle", "aeroplane", "sofa", "tvmonitor"}

// vocXML is a VOC2012-shaped annotation file: source, size, segmented, and objects with
// pose, truncated, difficult, occluded and a bndbox (some with float coordinates, as in the
// official set), the odd one with a part.
func vocXML(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<annotation>
	<folder>VOC2012</folder>
	<filename>2012_%06d.jpg</filename>
	<source>
		<database>The VOC2012 Database</database>
		<annotation>PASCAL VOC2012</annotation>
		<image>flickr</image>
	</source>
	<size>
		<width>500</width>
		<height>375</height>
		<depth>3</depth>
	</size>
	<segmented>%d</segmented>
`, i, i%3/2)
	for o := range objectsPerFile[i%len(objectsPerFile)] {
		x, y := 10+(i*7+o*31)%300, 5+(i*11+o*17)%200
		ymin := fmt.Sprint(y)
		if (i+o)%9 == 0 {
			ymin = fmt.Sprintf("%d.70000076293945", y)
		}
		fmt.Fprintf(&b, `	<object>
		<name>%s</name>
		<pose>Unspecified</pose>
		<truncated>%d</truncated>
		<occluded>0</occluded>
		<difficult>%d</difficult>
		<bndbox>
			<xmin>%d</xmin>
			<ymin>%s</ymin>
			<xmax>%d</xmax>
			<ymax>%d</ymax>
		</bndbox>
`, classes[(i+o)%len(classes)], (i+o)%2, (i*o)%5/4, x, ymin, x+20+o*13, y+30+o*9)
		if (i+o)%25 == 0 {
			fmt.Fprintf(&b, `		<part>
			<name>head</name>
			<bndbox>
				<xmin>%d</xmin>
				<ymin>%d</ymin>
				<xmax>%d</xmax>
				<ymax>%d</ymax>
			</bndbox>
		</part>
`, x+2, y+2, x+10, y+10)
		}
		b.WriteString("\t</object>\n")
	}
	b.WriteString("</annotation>\n")
	return []byte(b.String())
}

// generate builds a VOC root of n annotation files in memory; every 50th file is malformed.
func generate(t testing.TB, n int) fs.FS {
	t.Helper()
	fsys := fstest.MapFS{}
	for i := range n {
		data := vocXML(i)
		if i%50 == 49 {
			data = data[:len(data)/2]
		}
		fsys[fmt.Sprintf("Annotations/2012_%06d.xml", i)] = &fstest.MapFile{Data: data}
	}
	return fsys
}

// generateDir writes a VOC root of n well-formed annotation files under dir.
func generateDir(t testing.TB, dir string, n int) {
	t.Helper()
	ann := filepath.Join(dir, "Annotations")
	require.NoError(t, os.MkdirAll(ann, 0o755))
	for i := range n {
		require.NoError(t, os.WriteFile(filepath.Join(ann, fmt.Sprintf("2012_%06d.xml", i)), vocXML(i), 0o644))
	}
}
