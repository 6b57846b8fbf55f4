package csv_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
)

func ExampleRead() {
	fsys := fstest.MapFS{"reviews.csv": {Data: []byte(
		"text,label\n" +
			"\"Tasty, and cheap\",\"food,price\"\n" +
			"\"broken quote,food\n" +
			"服务很好,service\n" +
			"no label yet,\n")}}
	opts := csvimp.Options{Warn: func(w importers.Warning) { fmt.Println(w) }}
	for s, err := range csvimp.Read(context.Background(), fsys, "reviews.csv", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		text, _ := base64.StdEncoding.DecodeString(s.Data)
		var labels []string
		for _, l := range s.Labels {
			labels = append(labels, l.Name)
		}
		fmt.Printf("%s %q %q\n", s.Name, text, labels)
	}
	// Output:
	// reviews.csv-000002.txt "Tasty, and cheap" ["food" "price"]
	// reviews.csv:3:1: rejected: broken quote: the quoted field opened here is never closed; reading goes on at line 4
	// reviews.csv-000004.txt "服务很好" ["service"]
	// reviews.csv-000005.txt "no label yet" []
}

func ExampleOptions_LabelFormat() {
	opts := csvimp.Options{Layout: csvimp.LayoutCombine, WholeFile: true}
	fmt.Printf("%q\n", *opts.LabelFormat())
	// Output:
	// {"1" "," "\t"}
}
