package importers_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/modelarts-convert/convert/importers"
)

// FuzzLooksLikeTokenTags: the CoNLL sniffer never panics, on any head.
func FuzzLooksLikeTokenTags(f *testing.F) {
	for _, p := range []string{"conll/testdata/conll2003.txt", "conll/testdata/tab.txt", "csv/testdata/multilabel/news.csv"} {
		if data, err := os.ReadFile(filepath.FromSlash(p)); err == nil {
			f.Add(data[:min(len(data), importers.HeadBytes)])
		}
	}
	f.Add([]byte("#\n# \n-DOCSTART-\r\nx\tO\r\n\t\t\n"))
	f.Fuzz(func(t *testing.T, head []byte) {
		importers.LooksLikeTokenTags(head)
		importers.LooksBinary(head)
	})
}
