package yolo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/yolo"
)

// Read an Ultralytics dataset (a data.yaml, images/ and labels/) and point the samples at
// the images' copies on OBS. The 640x480 image's header gives the pixels; the second row is
// a segmentation polygon; the third names a class that does not exist.
func ExampleRead() {
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 640, 480)))
	fsys := fstest.MapFS{
		"data.yaml":            {Data: []byte("path: .\ntrain: images/train\nnames: [person, car]\n")},
		"images/train/a.png":   {Data: img.Bytes()},
		"labels/train/a.txt":   {Data: []byte("0 0.5 0.5 0.25 0.5\n1 0.1 0.1 0.3 0.2 0.2 0.3\n")},
		"images/train/b.png":   {Data: img.Bytes()},
		"labels/train/b.txt":   {Data: []byte("7 0.5 0.5 0.25 0.5\n")},
		"labels/train/old.txt": {Data: []byte("0 0.5 0.5 0.25 0.5\n")},
	}
	opts := yolo.Options{
		Precision: 2,
		OBSPrefix: "obs://bucket/yolo/",
		Warn:      func(w importers.Warning) { fmt.Println(w) },
	}
	for s, err := range yolo.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"images/train/a.png","sample_type":0,"data_source":{"data_path":"obs://bucket/yolo/images/train/a.png","data_type":0},"labels":[{"name":"person","property":{"@modelarts:feature":[[240,120],[400,360]],"@modelarts:shape":"bndbox"},"type":1},{"name":"car","property":{"@modelarts:feature":[[64,48],[192,96],[128,144]],"@modelarts:shape":"polygon"},"type":1}],"metadata":{"@modelarts:size":[640,480,1]}}
	// labels/train/b.txt:1: rejected: class index outside the names: class 7, the names are 0..1; images/train/b.png is not converted
	// labels/train/old.txt: rejected: a label file with no image
}
