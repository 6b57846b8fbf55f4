package uploadtest_test

import (
	"context"
	"fmt"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// A test of an upload pipeline: the stand-in fails the first request with a 503 (the client
// retries) and refuses one sample once.
func Example() {
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	srv.Inject(uploadtest.Fault{Status: 503})
	srv.FailSample("b.jpg", "ModelArts.4421", "upload failed", 1)

	u := &upload.Uploader{Client: srv.Client(), OnBatch: func(b *upload.BatchResult) {
		for _, f := range b.Failed {
			fmt.Printf("%s failed: %s\n", f.Name, f)
		}
	}}
	samples := func(yield func(*api.Sample, error) bool) {
		for _, name := range []string{"a.jpg", "b.jpg", "c.jpg"} {
			s := &api.Sample{Name: name, DataSource: &api.DataSource{DataPath: "obs://bucket/" + name}}
			if !yield(s, nil) {
				return
			}
		}
	}
	st, err := u.UploadSamples(context.Background(), samples, emit.Options{})
	fmt.Printf("created %d, failed %d, in %d requests\n", st.Created, st.Failed, st.Requests)
	fmt.Println(err)
	fmt.Println("stored:", srv.Samples())
	// Output:
	// b.jpg failed: ModelArts.4421: upload failed
	// created 2, failed 1, in 2 requests
	// 1 of 3 samples failed: samples failed
	// stored: [a.jpg c.jpg]
}
