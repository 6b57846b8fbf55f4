// Package all registers every format this module ships, for programs that want them all:
//
//	import _ "github.com/modelarts-convert/convert/importers/all"
package all

import (
	_ "github.com/modelarts-convert/convert/importers/coco"        // coco
	_ "github.com/modelarts-convert/convert/importers/conll"       // conll
	_ "github.com/modelarts-convert/convert/importers/csv"         // csv
	_ "github.com/modelarts-convert/convert/importers/imagefolder" // imagefolder
	_ "github.com/modelarts-convert/convert/importers/manifest"    // manifest
	_ "github.com/modelarts-convert/convert/importers/segvoc"      // segvoc
	_ "github.com/modelarts-convert/convert/importers/soundfolder" // soundfolder
	_ "github.com/modelarts-convert/convert/importers/voc"         // voc
	_ "github.com/modelarts-convert/convert/importers/yolo"        // yolo
)
