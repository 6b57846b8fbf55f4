// Command convert moves annotated datasets (Pascal VOC, COCO, CoNLL NER, CSV/TXT text
// classification, ModelArts manifests) into ModelArts: it writes request bodies for the
// Adding Samples in Batches call, validates them, and uploads them. The command is package
// cli; the formats register themselves (importers/all imports them all). `convert help`
// describes the verbs.
package main

import (
	"os"

	"github.com/modelarts-convert/convert/cli"
	_ "github.com/modelarts-convert/convert/importers/all"
)

func main() { os.Exit(cli.Main()) }
