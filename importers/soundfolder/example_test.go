package soundfolder_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/soundfolder"
)

// Read a folder of WAV files per class. Inline, each file must start with a RIFF/WAVE
// signature; other audio is refused.
func ExampleRead() {
	fsys := fstest.MapFS{
		"Rabbit/10.wav": {Data: []byte("RIFF\x04\x00\x00\x00WAVE")},
		"Rabbit/11.mp3": {Data: []byte("ID3\x04")},
	}
	opts := soundfolder.Options{Warn: func(w importers.Warning) { fmt.Println(w) }}
	for s, err := range soundfolder.Read(context.Background(), fsys, ".", opts) {
		if err != nil {
			fmt.Println(err)
			return
		}
		out, _ := json.Marshal(s)
		fmt.Println(string(out))
	}
	// Output:
	// {"name":"Rabbit/10.wav","sample_type":2,"data":"UklGRgQAAABXQVZF","labels":[{"name":"Rabbit","type":200}]}
	// Rabbit/11.mp3: rejected: MP3 audio, by its name: the service takes WAV audio only; convert it to WAV first
}
