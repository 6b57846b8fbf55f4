package coco_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/coco"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

func ExampleRead() {
	fsys := fstest.MapFS{"instances.json": {Data: []byte(`{
		"images": [{"id": 1, "file_name": "000001.jpg", "width": 640, "height": 480},
		           {"id": 2, "file_name": "000002.jpg", "width": 640, "height": 480}],
		"annotations": [{"id": 9, "image_id": 1, "category_id": 18, "bbox": [0.1, 20, 0.2, 35.5]},
		                {"id": 10, "image_id": 5, "category_id": 18, "bbox": [1, 1, 2, 2]}],
		"categories": [{"id": 18, "name": "dog"}]}`)}}
	opts := coco.Options{
		Shape:  coco.ShapeBBox,
		Images: &imagefile.Source{OBSPrefix: "obs://bucket/train2017/"},
		Warn:   func(w importers.Warning) { fmt.Println(w) },
	}
	for s, err := range coco.Read(context.Background(), fsys, "instances.json", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s.Name, s.DataSource.DataPath, s.Metadata["@modelarts:size"])
		for _, l := range s.Labels {
			fmt.Println(" ", l.Name, l.Property["@modelarts:shape"], l.Property["@modelarts:feature"])
		}
	}
	// Output:
	// 000001.jpg obs://bucket/train2017/000001.jpg [640 480]
	//   dog bndbox [[0.1 20] [0.3 55.5]]
	// 000002.jpg obs://bucket/train2017/000002.jpg [640 480]
	// instances.json: byte 274: annotations[1] (id 10): rejected: image_id 5 is not among the images
}
