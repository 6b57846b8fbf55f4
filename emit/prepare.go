package emit

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// prepared is a sample checked and encoded, or the reason it cannot be sent.
type prepared struct {
	sample *api.Sample
	json   []byte
	reason string
}

// check validates and encodes one sample.
func check(s *api.Sample) prepared {
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
		return prepared{sample: s, reason: strings.Join(reasons, "; ")}
	}
	var b bytes.Buffer
	if err := encodeSample(&b, s); err != nil {
		return prepared{sample: s, reason: fmt.Sprintf("cannot encode: %v", err)}
	}
	return prepared{sample: s, json: b.Bytes()}
}

// prepare checks and encodes the stream's samples in input order. An error from the stream
// or ctx is yielded once, after every sample before it. (Checking on several goroutines was
// measured slower on two cores: the importers already keep one core busy, and the hand-off
// cost more than it saved.)
func prepare(ctx context.Context, samples iter.Seq2[*api.Sample, error]) iter.Seq2[prepared, error] {
	return func(yield func(prepared, error) bool) {
		for s, err := range samples {
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				yield(prepared{}, err)
				return
			}
			if !yield(check(s), nil) {
				return
			}
		}
	}
}
