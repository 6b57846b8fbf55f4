package upload

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
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

// The recorder writes an answer's line after the sender has gone on to its next batch: when
// that write fails, the answer is not counted (its samples are unacknowledged, a rerun sends
// them again), nothing later is counted, the run stops with the journal's error, and no
// batch is sent after the failure (the next "sending" line cannot be written either).
func TestAnswerThatCannotBeRecordedStopsTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		req, err := api.DecodeRequest(body)
		require.NoError(t, err)
		resp := api.Response{Success: true, Results: []api.UploadSampleResp{}}
		for _, s := range req.Samples {
			resp.Results = append(resp.Results, api.UploadSampleResp{Success: true, Name: s.Name})
		}
		json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
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
	samples := func(yield func(*api.Sample, error) bool) {
		for i := range 50 {
			s := &api.Sample{Name: fmt.Sprintf("s%02d.jpg", i), SampleType: api.SampleImage,
				DataSource: &api.DataSource{DataPath: fmt.Sprintf("obs://b/s%02d.jpg", i), DataType: api.DataOBS}}
			if !yield(s, nil) {
				return
			}
		}
	}
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
