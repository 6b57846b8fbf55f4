package cli

import (
	"flag"
	"iter"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// namePrefix is -name-prefix: a string put before every sample name, in files and uploads
// alike, so that two corpora whose files share names (two dev.txt) can live in one dataset.
type namePrefix struct{ p string }

func addNamePrefixFlag(fs *flag.FlagSet) *namePrefix {
	n := &namePrefix{}
	fs.StringVar(&n.p, "name-prefix", "", "put `P` before every sample name (to keep samples apart whose names would repeat ones already in the dataset); no / and none of ! < > = & \" '")
	return n
}

// check is a usage error when the prefix breaks the API's name rule or holds a /.
func (n *namePrefix) check() error {
	if n == nil || n.p == "" {
		return nil
	}
	if strings.Contains(n.p, "/") {
		return importers.Usagef("-name-prefix %q: must not contain /", n.p)
	}
	if why := api.CheckName(n.p); why != "" {
		return importers.Usagef("-name-prefix %q: %s", n.p, why)
	}
	return nil
}

// apply puts the prefix before the name of every named sample. A sample without a name is
// left so: the service names it.
func (n *namePrefix) apply(samples iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	if n == nil || n.p == "" {
		return samples
	}
	return func(yield func(*api.Sample, error) bool) {
		for s, err := range samples {
			if err == nil && s != nil && s.Name != "" {
				s.Name = n.p + s.Name
			}
			if !yield(s, err) {
				return
			}
		}
	}
}
