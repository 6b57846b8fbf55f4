package upload_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// benchSamples yields n small object-detection samples (an OBS path, one box, the size).
func benchSamples(n int) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for i := range n {
			name := fmt.Sprintf("img-%07d.jpg", i)
			p := api.Property{}
			p.SetShape(api.ShapeBndbox, api.Feature{{api.Int(10), api.Int(20)}, {api.Int(110), api.Int(220)}})
			s := &api.Sample{
				Name:       name,
				SampleType: api.SampleImage,
				DataSource: &api.DataSource{DataPath: "obs://bucket/train/" + name, DataType: api.DataOBS},
				Labels:     []api.SampleLabel{{Name: "car", Type: api.LabelObjectDetection, Property: p}},
				Metadata:   api.Metadata{},
			}
			s.Metadata.SetSize(640, 480, 3)
			if !yield(s, nil) {
				return
			}
		}
	}
}

// peakHeap samples the live heap every few milliseconds until stop is called, and returns
// the largest value seen in MB.
func peakHeap() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	return func() float64 {
		close(done)
		wg.Wait()
		return float64(peak.Load()) / (1 << 20)
	}
}

// TestHelperServer is not a test: run with UPLOADTEST_SERVE=1 it serves a stand-in, prints
// its URL and stops when its standard input closes. BenchmarkStreamToEndpoint runs it in a
// process of its own, so that the benchmark's heap is the uploader's alone (the stand-in
// remembers every sample, as the service does).
func TestHelperServer(t *testing.T) {
	if os.Getenv("UPLOADTEST_SERVE") != "1" {
		t.Skip("helper process for BenchmarkStreamToEndpoint")
	}
	srv := uploadtest.New(uploadtest.Options{})
	fmt.Println(srv.URL)
	io.Copy(io.Discard, os.Stdin)
	srv.Close()
	os.Exit(0)
}

// startServer runs the stand-in in a child process and returns a client for it.
func startServer(b *testing.B) *upload.Client {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServer$")
	cmd.Env = append(os.Environ(), "UPLOADTEST_SERVE=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	url, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	return &upload.Client{Endpoint: strings.TrimSpace(url), ProjectID: uploadtest.DefaultProjectID, DatasetID: uploadtest.DefaultDatasetID,
		Auth: upload.Signer{AK: uploadtest.DefaultAK, SK: uploadtest.DefaultSK}}
}

// BenchmarkStreamToEndpoint streams b.N samples (batches of 100, 4 requests in flight,
// journal on) to the stand-in, which checks each signature and validates each body, in
// another process. Compare with BenchmarkWriteDir:
//
//	go test -run '^$' -bench . -benchmem -benchtime 100000x ./upload/
func BenchmarkStreamToEndpoint(b *testing.B) {
	client := startServer(b)
	j, err := upload.OpenJournal(filepath.Join(b.TempDir(), "bench.journal"), client.Destination(), false)
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	u := &upload.Uploader{Client: client, Journal: j, Concurrency: 4}
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	st, err := u.UploadSamples(context.Background(), benchSamples(b.N), emit.Options{})
	b.StopTimer()
	peak := stop()
	if err != nil || st.Created != b.N {
		b.Fatalf("created %d of %d: %v", st.Created, b.N, err)
	}
	b.SetBytes(st.Bytes / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(peak, "peak-heap-MB")
}

// BenchmarkWriteDir writes the same bodies to files with emit.WriteDir.
func BenchmarkWriteDir(b *testing.B) {
	dir := b.TempDir()
	runtime.GC()
	stop := peakHeap()
	b.ResetTimer()
	st, err := emit.WriteDir(context.Background(), dir, benchSamples(b.N), emit.Options{}, nil)
	b.StopTimer()
	peak := stop()
	if err != nil || st.Samples != b.N {
		b.Fatalf("wrote %d of %d: %v", st.Samples, b.N, err)
	}
	b.SetBytes(st.Bytes / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(peak, "peak-heap-MB")
}
