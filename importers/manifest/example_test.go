package manifest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/manifest"
)

// Read a manifest whose images were copied to another bucket.
func ExampleReadFrom() {
	lines := `{"source":"s3://old-bucket/ds/cat.jpg","usage":"TRAIN","annotation":[{"type":"modelarts/image_classification","name":"cat","annotated-by":"human","confidence":0.9}]}
{"source":"content://I like this product","annotation":[{"type":"modelarts/text_classification","name":"positive"}]}
{"source":"s3://old-bucket/ds/x.jpg","annotation":[{"type":"modelarts/video_tracking"}]}
`
	moved, _ := manifest.ParseMapping("s3://old-bucket/ds/=obs://new-bucket/ds/")
	opts := manifest.Options{
		Mappings: []manifest.Mapping{moved},
		Warn:     func(w importers.Warning) { fmt.Println(w) },
	}
	for s, err := range manifest.ReadFrom(context.Background(), strings.NewReader(lines), "v1.manifest", nil, opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"cat.jpg","sample_type":0,"data_source":{"data_path":"obs://new-bucket/ds/cat.jpg","data_type":0},"labels":[{"annotated_by":"human","name":"cat","score":0.9,"type":0}]}
	// {"name":"v1.manifest-000002.txt","sample_type":1,"data":"SSBsaWtlIHRoaXMgcHJvZHVjdA==","encoding":"UTF-8","labels":[{"name":"positive","type":100}]}
	// v1.manifest:3: rejected: annotation[1] has the type "modelarts/video_tracking", which is not a manifest annotation type (audio_classification, audio_content, audio_segmentation, image_classification, image_segmentation, object_detection, sound_classification, text_classification, text_entity, text_triplet)
	// v1.manifest: warning: usage of 1 sample is dropped: the API has no field for it
}
