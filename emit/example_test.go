package emit_test

import (
	"context"
	"fmt"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// Batch a stream of samples into request bodies; each body is ready to POST.
func ExampleBatches() {
	samples := func(yield func(*api.Sample, error) bool) {
		for i, text := range []string{"great food", "slow service", "bad<name"} {
			s := &api.Sample{
				Name:       fmt.Sprintf("review-%d", i+1),
				SampleType: api.SampleText,
				Data:       "dGV4dA==",
				Labels:     []api.SampleLabel{{Name: text, Type: api.LabelTextClassification}},
			}
			if i == 2 {
				s.Name = text // breaks the name rule: rejected, not sent
			}
			if !yield(s, nil) {
				return
			}
		}
	}
	opts := emit.Options{
		BatchSize: 2,
		Reject:    func(s *api.Sample, reason string) { fmt.Printf("rejected %s\n", reason) },
	}
	for b, err := range emit.Batches(context.Background(), iter.Seq2[*api.Sample, error](samples), opts) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("request %d: %d samples, %d bytes\n", b.Seq, b.Samples, len(b.Body))
	}
	// Output:
	// rejected name: contains "<", which sample names may not contain (none of ! < > = & " ')
	// request 1: 2 samples, 212 bytes
}
