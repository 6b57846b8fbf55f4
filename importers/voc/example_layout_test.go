package voc_test

import (
	"context"
	"fmt"

	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/voc"
)

// FindRoots lists the VOC roots of a folder; Read converts them all, and ReadRoot one.
func ExampleFindRoots() {
	fsys := imagefile.DirFS("testdata/layouts/devkit")
	roots, err := voc.FindRoots(context.Background(), fsys, ".")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(voc.DescribeRoots(fsys, roots))
	for _, r := range roots {
		fmt.Println(r.Name, r.Annotations, r.Images, r.Lists)
	}
	// Output:
	// 2 roots: VOCdevkit/VOC2007, VOCdevkit/VOC2012
	// VOCdevkit/VOC2007 VOCdevkit/VOC2007/Annotations VOCdevkit/VOC2007/JPEGImages VOCdevkit/VOC2007/ImageSets/Main
	// VOCdevkit/VOC2012 VOCdevkit/VOC2012/Annotations VOCdevkit/VOC2012/JPEGImages VOCdevkit/VOC2012/ImageSets/Main
}

// Detect says whether an input is VOC, and its layout.
func ExampleDetect() {
	d, ok := voc.Detect(context.Background(), imagefile.DirFS("testdata/layouts/roboflow"), ".")
	fmt.Println(ok, d.Score, d.Layout)
	// Output: true 100 3 roots: test, train, valid
}
