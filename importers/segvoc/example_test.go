package segvoc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers/segvoc"
)

// Read the platform's segmentation layout: x.xml beside x.jpg.
func ExampleRead() {
	fsys := fstest.MapFS{
		"image_0006.xml": {Data: []byte(`<annotation>
	<filename>image_0006.jpg</filename>
	<size><width>230</width><height>300</height><depth>3</depth></size>
	<segmented>1</segmented>
	<mask_source>obs://bucket/V001/segmentationClassRaw/image_0006.png</mask_source>
	<object>
		<name>bike</name>
		<mask_color>193,243,53</mask_color>
		<polygon><x1>71</x1><y1>48</y1><x2>75</x2><y2>73</y2><x3>49</x3><y3>69</y3></polygon>
	</object>
</annotation>`)},
	}
	opts := segvoc.Options{OBSPrefix: "obs://bucket/seg/"}
	for s, err := range segvoc.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"image_0006.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/seg/image_0006.jpg","data_type":0},"labels":[{"name":"bike","property":{"@modelarts:feature":[[71,48],[75,73],[49,69]],"@modelarts:shape":"polygon","mask_color":"193,243,53"},"type":3}],"metadata":{"@modelarts:size":[230,300,3],"mask_source":"obs://bucket/V001/segmentationClassRaw/image_0006.png"}}
}
