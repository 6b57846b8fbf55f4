package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// breakingTransport closes the journal's file while the request numbered breakAt is in
// flight, once the batches before it are counted, so that the answer of that request cannot
// be recorded.
type breakingTransport struct {
	j        *Journal
	breakAt  int64
	counted  chan struct{} // closed when the batch before breakAt is counted
	requests atomic.Int64
}

func (bt *breakingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if bt.requests.Add(1) == bt.breakAt {
		select {
		case <-bt.counted:
		case <-time.After(time.Minute): // a guard against a hang, not a timing
			return nil, errors.New("the answer before was not counted while this request was in flight")
		}
		bt.j.mu.Lock()
		bt.j.f.Close() // the next write or fsync fails
		bt.j.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// endpoint is a service that answers every sample of a request as created, after seen(name)
// for each of them (when seen is set); a sample seen says to refuse gets the whole request a
// 401.
func endpoint(t *testing.T, seen func(name string) (refuse bool)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		req, err := api.DecodeRequest(body)
		require.NoError(t, err)
		resp := api.Response{Success: true, Results: []api.UploadSampleResp{}}
		for _, s := range req.Samples {
			if seen != nil && seen(s.Name) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			resp.Results = append(resp.Results, api.UploadSampleResp{Success: true, Name: s.Name})
		}
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// obsSamples are n image samples s00.jpg, s01.jpg... of OBS paths.
func obsSamples(n int) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for i := range n {
			s := &api.Sample{Name: fmt.Sprintf("s%02d.jpg", i), SampleType: api.SampleImage,
				DataSource: &api.DataSource{DataPath: fmt.Sprintf("obs://b/s%02d.jpg", i), DataType: api.DataOBS}}
			if !yield(s, nil) {
				return
			}
		}
	}
}

// The recorder writes an answer's line after the sender has gone on to its next batch: when
// that write fails, the answer is not counted (its samples are unacknowledged, a rerun sends
// them again), nothing later is counted, the run stops with the journal's error, and no
// batch is sent after the failure (the next "sending" line cannot be written either).
func TestAnswerThatCannotBeRecordedStopsTheRun(t *testing.T) {
	srv := endpoint(t, nil)
	path := filepath.Join(t.TempDir(), JournalName("d"))
	client := &Client{Endpoint: srv.URL, ProjectID: "p", DatasetID: "d", Auth: Token{Value: "t"}}
	j, err := OpenJournal(path, client.Destination(), false)
	require.NoError(t, err)
	bt := &breakingTransport{j: j, breakAt: 2, counted: make(chan struct{})}
	client.HTTPClient = &http.Client{Transport: bt}
	var counted []int
	u := &Uploader{Client: client, Journal: j, Concurrency: 1, OnBatch: func(r *BatchResult) {
		if len(r.Created) > 0 {
			counted = append(counted, r.Seq)
		}
		if r.Seq == 1 {
			close(bt.counted) // the first answer is counted while the second request is in flight
		}
	}}
	samples := obsSamples(50)
	st, err := u.UploadSamples(context.Background(), samples, emit.Options{BatchSize: 10})
	require.ErrorContains(t, err, "journal")
	assert.Equal(t, int64(2), bt.requests.Load(), "nothing is sent once the journal failed")
	assert.Equal(t, []int{1}, counted, "only the answer recorded before the failure counts")
	assert.Equal(t, 10, st.Created)
	assert.GreaterOrEqual(t, st.Unacknowledged, 10, "the second batch's answer was not recorded")
	j.f = nil // closed above

	again, err := OpenJournal(path, client.Destination(), true)
	require.NoError(t, err)
	assert.Equal(t, 10, again.Acknowledged(), "a rerun sends the second batch again")
	assert.True(t, again.maybeSent("s15.jpg"), "its sending line was written before it left")
}

// A batch whose "sending" line is written when the run stops (another slot's 401 meanwhile)
// is sent all the same: the journal says its samples may have landed, so a rerun takes the
// service's ModelArts.4422 for them as done; they must have left. (Before, the sender
// checked for the stop after writing the line and sent nothing: a rerun then counted a
// 4422 conflict, a different sample of that name, as this sample stored.)
func TestBatchRecordedAsSendingIsSentAfterAStop(t *testing.T) {
	var mu sync.Mutex
	received := map[string]bool{}
	srv := endpoint(t, func(name string) bool {
		mu.Lock()
		defer mu.Unlock()
		received[name] = true
		return name == "s00.jpg"
	})
	path := filepath.Join(t.TempDir(), JournalName("d"))
	client := &Client{Endpoint: srv.URL, ProjectID: "p", DatasetID: "d", Auth: Token{Value: "token-value"}}
	j, err := OpenJournal(path, client.Destination(), false)
	require.NoError(t, err)

	// Batch 1 (one slot) is sent, and refused with a 401, once batch 2's "sending" line is
	// written (by the other slot); batch 2's sender goes on once the run has stopped taking
	// batches.
	second, stopped := make(chan struct{}), make(chan struct{})
	guard := time.After(time.Minute) // a guard against a hang, not a timing
	testHookSent = func(seq int) {
		switch seq {
		case 1:
			select {
			case <-second:
			case <-guard:
			}
		case 2:
			close(second)
			select {
			case <-stopped:
			case <-guard:
			}
		}
	}
	defer func() { testHookSent = nil }()
	samples := obsSamples(10)
	batches := func(yield func(*emit.Batch, error) bool) {
		defer close(stopped) // the dispatcher stopped taking batches (or took them all)
		for b, err := range emit.Batches(context.Background(), samples, emit.Options{BatchSize: 1}) {
			if !yield(b, err) {
				return
			}
		}
	}
	u := &Uploader{Client: client, Journal: j, Concurrency: 2}
	st, err := u.Upload(context.Background(), batches)
	require.ErrorIs(t, err, ErrUnauthorized)
	require.NoError(t, j.Close())
	assert.Equal(t, 1, st.Created, "batch 2 was sent and answered")

	again, err := OpenJournal(path, client.Destination(), true)
	require.NoError(t, err)
	assert.True(t, again.maybeSent("s01.jpg") || again.Done("s01.jpg"), "batch 2's sending line was written")
	mu.Lock()
	defer mu.Unlock()
	for i := range 10 {
		k := fmt.Sprintf("s%02d.jpg", i)
		if again.maybeSent(k) || again.Done(k) {
			assert.True(t, received[k], "%s: the journal says it was sent, but it never left", k)
		}
	}
}

// A batches iterator that panics (a library caller's, which the caller recovers from) leaves
// no goroutine of the run behind: the senders finish what they hold, the recorders and the
// collector end.
func TestUploadPanickingBatchesLeavesNoGoroutine(t *testing.T) {
	var received atomic.Int64
	srv := endpoint(t, func(string) bool {
		received.Add(1)
		return false
	})
	client := &Client{Endpoint: srv.URL, ProjectID: "p", DatasetID: "d", Auth: Token{Value: "t"}}
	j, err := OpenJournal(filepath.Join(t.TempDir(), JournalName("d")), client.Destination(), false)
	require.NoError(t, err)
	defer j.Close()
	u := &Uploader{Client: client, Journal: j, Concurrency: 4}
	samples := obsSamples(30)
	batches := func(yield func(*emit.Batch, error) bool) {
		n := 0
		for b, err := range emit.Batches(context.Background(), samples, emit.Options{BatchSize: 10}) {
			if n++; n == 3 {
				panic("the caller's iterator broke")
			}
			if !yield(b, err) {
				return
			}
		}
	}
	func() {
		defer func() { assert.NotNil(t, recover(), "the iterator's panic goes on to the caller") }()
		u.Upload(context.Background(), batches)
	}()
	guard := time.Now().Add(time.Minute) // a guard against a hang, not a timing
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "upload.(*Uploader).Upload.func") {
			break
		}
		require.True(t, time.Now().Before(guard), "goroutines of the run left behind:\n%s", stacks)
		runtime.Gosched()
	}
	assert.Equal(t, int64(20), received.Load(), "the two batches taken before the panic were sent")
}
