package imagefolder_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefolder"
)

// Read an imageNet-style folder (one folder per class) and point the samples at the
// images' copies on OBS: the files are only listed.
func ExampleRead() {
	fsys := fstest.MapFS{
		"Rabbit/10.jpg": {},
		"Panda/1.jpg":   {},
		"top.png":       {},
		"notes.txt":     {},
	}
	opts := imagefolder.Options{
		Layout:    imagefolder.ImageNet,
		OBSPrefix: "obs://bucket/cls/",
		Warn:      func(w importers.Warning) { fmt.Println(w) },
	}
	for s, err := range imagefolder.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"Panda/1.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/cls/Panda/1.jpg","data_type":0},"labels":[{"name":"Panda","type":0}]}
	// {"name":"Rabbit/10.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/cls/Rabbit/10.jpg","data_type":0},"labels":[{"name":"Rabbit","type":0}]}
	// notes.txt: rejected: not an image the service takes: only .jpg, .jpeg, .png and .bmp files are read (label files beside the images are the sidecar layout: option Layout sidecar)
	// {"name":"top.png","sample_type":0,"data_source":{"data_path":"obs://bucket/cls/top.png","data_type":0}}
}

// Read the sidecar layout: x.txt beside x.jpg lists x.jpg's labels, one per line.
func ExampleRead_sidecar() {
	fsys := fstest.MapFS{
		"dir/2.jpg": {Data: []byte("\xff\xd8\xff\xe0 a JPEG")},
		"dir/2.txt": {Data: []byte("Rabbit\nPanda\n")},
	}
	opts := imagefolder.Options{Layout: imagefolder.Sidecar}
	for s, err := range imagefolder.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s.Name, s.Labels[0].Name, s.Labels[1].Name, s.Data)
	}
	// Output:
	// dir/2.jpg Rabbit Panda /9j/4CBhIEpQRUc=
}
