package coco_test

import (
	"context"
	"fmt"
	"os"

	"github.com/modelarts-convert/convert/importers/coco"
)

// FindPairs pairs each annotation file of a folder with its images; ReadPairs converts them.
func ExampleFindPairs() {
	pairs, err := coco.FindPairs(context.Background(), os.DirFS("testdata/layouts/coco2017"), ".")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pairs {
		fmt.Println(p.Subset, p.Annotations, p.Images)
	}
	fmt.Println(coco.DescribePairs(".", pairs))
	// Output:
	// train2017 annotations/instances_train2017.json train2017
	// val2017 annotations/instances_val2017.json val2017
	// 2 annotation files: train2017, val2017
}
