package voc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/voc"
)

// Read a VOC root and point the samples at the images' copies on OBS.
func ExampleRead() {
	fsys := fstest.MapFS{
		"Annotations/2011_003353.xml": {Data: []byte(`<annotation>
	<filename>2011_003353.jpg</filename>
	<size><width>375</width><height>500</height><depth>3</depth></size>
	<object>
		<name>person</name>
		<difficult>1</difficult>
		<bndbox><xmin>141</xmin><ymin>45.70000076293945</ymin><xmax>295</xmax><ymax>409</ymax></bndbox>
	</object>
</annotation>`)},
		"Annotations/broken.xml": {Data: []byte("<annotation><filename>b.jpg</filename>\n<object><name>x</name></annotation>")},
	}
	opts := voc.Options{
		OBSPrefix: "obs://bucket/voc/",
		Warn:      func(w importers.Warning) { fmt.Println(w) },
	}
	for s, err := range voc.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"2011_003353.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/voc/2011_003353.jpg","data_type":0},"labels":[{"name":"person","property":{"@modelarts:feature":[[141,45.70000076293945],[295,409]],"@modelarts:shape":"bndbox","difficult":"1"},"type":1}],"metadata":{"@modelarts:size":[375,500,3]}}
	// Annotations/broken.xml:2:23: rejected: malformed XML: element <object> closed by </annotation>
}
