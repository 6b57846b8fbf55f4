package myformat_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/examples/plugin/myformat"
	"github.com/modelarts-convert/convert/importers"
)

func ExampleRead() {
	list := "obs://b/d/cat1.jpg cat\nnot-obs.jpg dog\n"
	warn := func(w importers.Warning) { fmt.Println(w) }
	for s, err := range myformat.Read(context.Background(), strings.NewReader(list), "list.txt", myformat.Options{Warn: warn}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s.Name, s.DataSource.DataPath, s.Labels[0].Name)
	}
	// Output:
	// cat1.jpg obs://b/d/cat1.jpg cat
	// list.txt:2: rejected: "not-obs.jpg" is not an obs:// path
}
