package upload_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/internal/cputime"
	"github.com/modelarts-convert/convert/upload"
)

// latencyEndpoint is a minimal stand-in of the endpoint, in this process: it reads each
// body, answers success for every sample name in it Delay after the body was read, and
// counts the requests in flight. It checks nothing else, so that its own CPU (which the
// benchmark's CPU figures include) stays small next to the uploader's. It measures the
// latency it really gives (a 50 ms sleep takes 50.2-52 ms, more on a busy machine), so that
// the bound can be stated with it.
type latencyEndpoint struct {
	Delay    time.Duration
	inFlight atomic.Int64
	maxSeen  atomic.Int64
	requests atomic.Int64
	busy     atomic.Int64 // nanoseconds spent in requests, summed over all of them
	latency  atomic.Int64 // nanoseconds from each body read to its answer written, summed
	conns    atomic.Int64 // connections opened
	srv      *httptest.Server
}

func newLatencyEndpoint(delay time.Duration) *latencyEndpoint {
	e := &latencyEndpoint{Delay: delay}
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(e.serve))
	e.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			e.conns.Add(1)
		}
	}
	e.srv.Start()
	return e
}

func (e *latencyEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	n := e.inFlight.Add(1)
	defer func() { e.inFlight.Add(-1); e.busy.Add(int64(time.Since(start))) }()
	for m := e.maxSeen.Load(); n > m && !e.maxSeen.CompareAndSwap(m, n); m = e.maxSeen.Load() {
	}
	e.requests.Add(1)
	body := make([]byte, 0, max(r.ContentLength, 0)+1) // read in one buffer, not grown
	body, err := readFull(body, r.Body)
	read := time.Now()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// The sample names, found the cheap way in bodies as emit writes them (each sample
	// object starts with its name, then sample_type; the benchmark's names need no
	// escapes), so that the endpoint's CPU stays small next to the uploader's.
	var out bytes.Buffer
	out.WriteString(`{"success":true,"results":[`)
	const open, after = `{"name":"`, `","sample_type":`
	for rest, n := body, 0; ; n++ {
		i := bytes.Index(rest, []byte(open))
		if i < 0 {
			break
		}
		rest = rest[i+len(open):]
		j := bytes.IndexByte(rest, '"')
		if j < 0 || !bytes.HasPrefix(rest[j:], []byte(after)) {
			continue // a label's name
		}
		if n > 0 {
			out.WriteByte(',')
		}
		out.WriteString(`{"success":true,"name":"`)
		out.Write(rest[:j])
		out.WriteString(`"}`)
		rest = rest[j:]
	}
	out.WriteString("]}")
	// The service's latency, from the body read (finding the names is part of it): what the
	// uploader must hide by overlapping requests.
	time.Sleep(e.Delay - time.Since(read))
	w.Header().Set("Content-Type", "application/json")
	w.Write(out.Bytes())
	e.latency.Add(int64(time.Since(read)))
}

// readFull appends r's bytes to buf.
func readFull(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// meanLatency is the latency the endpoint gave on average since the last reset.
func (e *latencyEndpoint) meanLatency() time.Duration {
	if n := e.requests.Load(); n > 0 {
		return time.Duration(e.latency.Load() / n)
	}
	return 0
}

// BenchmarkUploadFiles is `convert upload` of request files written earlier (batches of 100
// small detection samples, as `convert voc -o` writes them) to an endpoint that answers
// after 50 ms, journal on, at 1, 4, 16 and 64 requests in flight, and as a dry run (read,
// validate and sign, nothing sent; and the same with every body re-encoded). One op is one
// sample; at each concurrency the samples are 20 to 40 whole rounds of one request per slot
// (b.N rounded), so ns/op means nothing there. It reports samples/s, the most requests the
// endpoint saw at once and on average, the share of the latency bound reached (Concurrency
// bodies of 100 samples per 50 ms: %-of-bound; per the latency the endpoint measured it
// gave, latency-ms, from each body read to its answer written: %-of-measured-bound; the
// time a slot spent per request outside that latency: gap-ms), the
// same rate as a share of a bare net/http loop's against the same endpoint, and CPU time
// per sample (the process's user and system time: uploader and endpoint together):
//
//	go test ./upload -run '^$' -bench UploadFiles -benchmem -benchtime 40000x
func BenchmarkUploadFiles(b *testing.B) {
	const delay = 50 * time.Millisecond
	for _, conc := range []int{1, 4, 16, 64, 0, -1} {
		name := fmt.Sprintf("concurrency=%d", conc)
		opts := emit.Options{}
		switch conc {
		case 0:
			name = "dry-run"
		case -1:
			// The same dry run with every body decoded and re-encoded, as before bodies were
			// sent as read (a -max-body other than the default asks for re-batching).
			name, conc, opts.MaxBody = "dry-run-reencoded", 0, emit.DefaultMaxBody-1
		}
		b.Run(name, func(b *testing.B) {
			n := b.N
			if conc > 0 {
				// Whole rounds of conc requests, 20 to 40 of them: a last round of fewer
				// requests than slots would take a whole latency for a part of the work
				// (at 64 in flight, 40,000 samples are 6.25 rounds, so 7 latencies: at most
				// 89% of the bound before anything else), and rounds are what the bound
				// counts. Also keeps the runs at low concurrency short.
				round := conc * emit.DefaultBatchSize
				n = round * min(max(b.N/round, 20), 40)
			}
			dir := b.TempDir()
			if _, err := emit.WriteDir(context.Background(), dir, benchSamples(n), emit.Options{}, nil); err != nil {
				b.Fatal(err)
			}
			files, err := upload.RequestFiles([]string{dir})
			if err != nil {
				b.Fatal(err)
			}
			ep := newLatencyEndpoint(delay)
			defer ep.srv.Close()
			client := &upload.Client{Endpoint: ep.srv.URL, ProjectID: "p", DatasetID: "d",
				Auth: upload.Signer{AK: "AK", SK: "SK"}}
			s := &upload.Session{Client: client, Journal: filepath.Join(dir, "bench.journal"), Concurrency: max(conc, 1),
				DryRun: conc == 0, Log: io.Discard, Quiet: true}
			runtime.GC()
			cpu0 := cputime.Now()
			b.ResetTimer()
			start := time.Now()
			st, err := s.Send(context.Background(), func(j *upload.Journal) iter.Seq2[*emit.Batch, error] {
				return upload.FileBatches(context.Background(), files, opts, nil, j.Skip)
			})
			elapsed := time.Since(start)
			b.StopTimer()
			cpu := cputime.Now() - cpu0
			if err != nil || st.Samples != n || conc > 0 && st.Created != n {
				b.Fatalf("%d samples, %d created of %d: %v", st.Samples, st.Created, n, err)
			}
			rate := float64(n) / elapsed.Seconds()
			b.ReportMetric(rate, "samples/s")
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/sample")
			}
			if conc > 0 {
				bound := float64(conc*emit.DefaultBatchSize) / delay.Seconds()
				latency := ep.meanLatency()
				b.ReportMetric(float64(latency.Microseconds())/1000, "latency-ms")
				b.ReportMetric(100*rate/(float64(conc*emit.DefaultBatchSize)/latency.Seconds()), "%-of-measured-bound")
				// What a slot spends per request outside the endpoint's latency: the answer's
				// way back, the uploader's own work between an answer and its next request,
				// and that request's way to the endpoint.
				requests := float64(n / emit.DefaultBatchSize)
				b.ReportMetric((elapsed.Seconds()*float64(conc)/requests-latency.Seconds())*1000, "gap-ms")
				b.ReportMetric(float64(ep.maxSeen.Load()), "max-in-flight")
				// Connections the uploader opened: at most one per slot when they are reused.
				b.ReportMetric(float64(ep.conns.Load()), "conns")
				// The requests in flight on average over the run: conc when every slot is busy
				// all the time.
				b.ReportMetric(float64(ep.busy.Load())/float64(elapsed), "avg-in-flight")
				b.ReportMetric(100*rate/bound, "%-of-bound")
				// The control, in the same process right after: a bare net/http loop posting the
				// same bodies (read beforehand) at the same concurrency, with no reading,
				// checking, signing or journal. On a loaded machine the wake-ups of the
				// goroutines and the endpoint's 50 ms sleep come late, for both alike.
				b.ReportMetric(100*rate/bareRate(b, ep.srv.URL, files, conc), "%-of-bare-loop")
			}
		})
	}
}

// bareRate posts the files' bodies with conc goroutines and a plain http.Client and returns
// the samples per second (100 per body).
func bareRate(b *testing.B, url string, files []string, conc int) float64 {
	bodies := make([][]byte, len(files))
	samples := 0
	for i, f := range files {
		req, err := upload.ReadRequestFile(f, nil)
		if err != nil {
			b.Fatal(err)
		}
		samples += len(req.Samples)
		if bodies[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = conc
	hc := &http.Client{Transport: t}
	defer t.CloseIdleConnections()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(len(bodies)); i = next.Add(1) - 1 {
				resp, err := hc.Post(url+"/v2/p/datasets/d/data-annotations/samples", "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	return float64(samples) / time.Since(start).Seconds()
}
