package cli

import (
	"flag"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// namePrefix is -name-prefix (see importers.PrefixNames), in files and uploads alike.
type namePrefix struct{ p string }

func addNamePrefixFlag(fs *flag.FlagSet) *namePrefix {
	n := &namePrefix{}
	fs.StringVar(&n.p, "name-prefix", "", "put `P` before every sample name (to keep samples apart whose names would repeat ones already in the dataset); no / and none of ! < > = & \" '")
	return n
}

func (n *namePrefix) check() error {
	if why := importers.CheckNamePrefix(n.p); why != "" {
		return importers.Usagef("-name-prefix %q: %s", n.p, why)
	}
	return nil
}

func (n *namePrefix) apply(samples iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
	return importers.PrefixNames(samples, n.p)
}
