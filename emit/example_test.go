package emit_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"

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

// Write into a folder that holds an earlier run's request files: refused by default, replaced
// with Overwrite.
func ExampleOpenDir() {
	dir, err := os.MkdirTemp("", "requests")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	for i := 1; i <= 3; i++ { // an earlier run's three files
		os.WriteFile(filepath.Join(dir, emit.FileName(i)), []byte(`{"samples":[]}`), 0o644)
	}
	samples := func(yield func(*api.Sample, error) bool) {
		yield(&api.Sample{Name: "a.txt", SampleType: api.SampleText, Data: "YQ=="}, nil)
	}

	_, err = emit.OpenDir(dir, emit.DirOptions{})
	var earlier *emit.ExistingRequestsError
	fmt.Println("without Overwrite:", errors.As(err, &earlier), earlier.Files)

	d, err := emit.OpenDir(dir, emit.DirOptions{Overwrite: true})
	if err != nil {
		panic(err)
	}
	defer d.Close() // releases the folder's lock
	st, err := d.Write(context.Background(), samples, emit.Options{}, nil)
	if err != nil {
		panic(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	fmt.Printf("removed %d, wrote %d; the folder holds %d\n", d.Removed, st.Batches, len(files))
	// Output:
	// without Overwrite: true 3
	// removed 3, wrote 1; the folder holds 1
}
