// Command gen writes a synthetic COCO instances file of train2017's shape (see package
// cocogen) with a given number of images. The output is deterministic for a given -images
// and -seed.
//
//	go run ./bench/coco/gen -images 15000 -o /tmp/coco.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/modelarts-convert/convert/bench/coco/cocogen"
)

func main() {
	n := flag.Int("images", 15000, "number of images")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	if err := cocogen.Write(w, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
