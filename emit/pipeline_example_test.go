package emit_test

import (
	"context"
	"fmt"
	"os"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/voc"
)

// Convert a VOC dataset into request bodies: the library form of
// `convert voc -obs-prefix obs://my-bucket/voc/ -o DIR testdata/voc`.
func Example() {
	ctx := context.Background()
	out, err := os.MkdirTemp("", "requests")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(out)

	samples := voc.Read(ctx, os.DirFS("../testdata/voc"), ".", voc.Options{
		OBSPrefix: "obs://my-bucket/voc/",
		Warn:      func(w importers.Warning) { fmt.Println(w) }, // rejections and warnings, with positions
	})
	st, err := emit.WriteDir(ctx, out, samples, emit.Options{
		BatchSize: 100,
		Reject:    func(s *api.Sample, reason string) { fmt.Println(s.Origin, reason) },
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d samples, %d object-detection labels, %d request file(s)\n",
		st.Samples, st.Labels[api.LabelObjectDetection], st.Batches)
	// Output:
	// 4 samples, 8 object-detection labels, 1 request file(s)
}
