package emit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// prepared is a sample checked and encoded, or the reason it cannot be sent.
type prepared struct {
	json   []byte
	reason string
}

// check validates and encodes one sample, appending its JSON to scratch[:0] (a buffer the
// caller reuses from sample to sample, so encoding allocates nothing once it has grown).
// (Running it on several goroutines was measured slower on two cores: the importers already
// keep one core busy, and the hand-off cost more than it saved.)
func check(s *api.Sample, scratch []byte) prepared {
	if vs := api.ValidateSample("sample", s); len(vs) > 0 {
		// One rejection per sample, naming every broken rule: where in the sample and why
		// (the reporter names the sample itself).
		reasons := make([]string, len(vs))
		for i, v := range vs {
			where := strings.TrimPrefix(strings.TrimPrefix(v.Path, "sample"), ".")
			if where == "" {
				where = "sample"
			}
			reasons[i] = where + ": " + v.Reason
		}
		return prepared{reason: strings.Join(reasons, "; ")}
	}
	if !useReflection {
		if out, ok := appendSample(scratch[:0], s); ok {
			return prepared{json: out}
		}
	}
	var b bytes.Buffer // a value the hand encoder leaves to encoding/json
	if err := encodeSampleReflect(&b, s); err != nil {
		return prepared{reason: fmt.Sprintf("cannot encode: %v", err)}
	}
	return prepared{json: b.Bytes()}
}
