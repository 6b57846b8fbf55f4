package importers_test

import (
	"context"
	"fmt"
	"io/fs"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// A format that reads files reads a folder (or a .zip, .tar, .tar.gz of one) as every file
// of its kind inside, in name order: here one sample per file, named by its stem.
func ExampleReadFiles() {
	isCoNLL := func(_ fs.FS, name string) bool { return importers.Ext(name) == ".conll" }
	read := func(f importers.FileInput) iter.Seq2[*api.Sample, error] {
		return func(yield func(*api.Sample, error) bool) {
			fmt.Println(f.Path, "->", f.Stem)
			yield(&api.Sample{Name: f.Stem}, nil)
		}
	}
	samples := importers.ReadFiles(context.Background(), []string{"../testdata/conll"}, "CoNLL files", isCoNLL, importers.Env{}, read)
	for _, err := range samples {
		if err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// ../testdata/conll/eng.conll -> eng.conll
	// ../testdata/conll/zh.gbk.conll -> zh.gbk.conll
}
