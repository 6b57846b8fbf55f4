package segvoc_test

import (
	"fmt"
	"testing"

	"github.com/modelarts-convert/convert/importers/importertest"
)

// The fixtures become request bodies that pass what `convert validate` checks.
func TestRequestsValidate(t *testing.T) {
	for _, args := range [][]string{{"testdata/seg"}, {"-obs-prefix", "obs://b/", "testdata/seg"}} {
		t.Run(fmt.Sprint(args), func(t *testing.T) { importertest.CheckRequests(t, open(t, args...)) })
	}
}
