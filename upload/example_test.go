package upload_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// Signing takes the time and the body hash as inputs: this is the platform's published
// vector for POST /path?key=value.
func ExampleSigner_Sign() {
	body := "{\"Name\":\"test\",\"Id\":1}\n"
	r, _ := http.NewRequest(http.MethodPost, "/path?key=value", strings.NewReader(body))
	s := upload.Signer{AK: "AccessKey", SK: "SecretKey"}
	_ = s.Sign(r, time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), upload.BodyHash([]byte(body)))
	fmt.Println(r.Header.Get("Authorization"))
	fmt.Printf("%v\n", s) // the secret key never prints
	// Output:
	// SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59
	// {AccessKey [redacted] [redacted]}
}

// An upload with a journal: the second run finds everything acknowledged and sends nothing.
func ExampleUploader() {
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)

	samples := func(yield func(*api.Sample, error) bool) {
		for _, name := range []string{"a.jpg", "b.jpg", "c.jpg"} {
			if !yield(&api.Sample{Name: name, DataSource: &api.DataSource{DataPath: "obs://bucket/" + name}}, nil) {
				return
			}
		}
	}
	client := srv.Client() // or &upload.Client{Endpoint: upload.RegionEndpoint("cn-north-4"), ...}
	for run := 1; run <= 2; run++ {
		j, err := upload.OpenJournal(filepath.Join(dir, upload.JournalName(client.DatasetID)), client.Destination(), false)
		if err != nil {
			fmt.Println(err)
			return
		}
		u := &upload.Uploader{Client: client, Journal: j}
		st, err := u.UploadSamples(context.Background(), samples, emit.Options{BatchSize: 2})
		j.Close()
		fmt.Printf("run %d: %d created, %d skipped, %d requests, err %v\n", run, st.Created, st.Skipped, st.Requests, err)
	}
	// Output:
	// run 1: 3 created, 0 skipped, 2 requests, err <nil>
	// run 2: 0 created, 3 skipped, 0 requests, err <nil>
}
