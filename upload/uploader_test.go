package upload_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// sample is a small valid image sample named name.
func sample(name string) *api.Sample {
	return &api.Sample{
		Name:       name,
		SampleType: api.SampleImage,
		DataSource: &api.DataSource{DataPath: "obs://bucket/images/" + name, DataType: api.DataOBS},
		Labels:     []api.SampleLabel{{Name: "cat", Type: api.LabelImageClassification}},
	}
}

func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s-%04d.jpg", i)
	}
	return out
}

func stream(ns []string) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, n := range ns {
			if !yield(sample(n), nil) {
				return
			}
		}
	}
}

// sleeper records the waits the client asks for and returns at once (or with ctx.Err()).
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// rig is a server, a client with an instant sleep, and an uploader with a journal in a
// temporary folder.
type rig struct {
	srv     *uploadtest.Server
	client  *upload.Client
	sleeper *sleeper
	dir     string
	results []*upload.BatchResult
	// skipExisting is the uploaders' SkipExisting.
	skipExisting bool
}

func newRig(t *testing.T, opts uploadtest.Options) *rig {
	t.Helper()
	srv := uploadtest.New(opts)
	t.Cleanup(srv.Close)
	r := &rig{srv: srv, client: srv.Client(), sleeper: &sleeper{}, dir: t.TempDir()}
	r.client.Sleep = r.sleeper.sleep
	return r
}

func (r *rig) journalPath() string {
	return filepath.Join(r.dir, upload.JournalName(r.srv.DatasetID()))
}

// run uploads the samples with a fresh journal handle (as a new process would).
func (r *rig) run(t *testing.T, ctx context.Context, ns []string, batch, concurrency int) (upload.Stats, error) {
	t.Helper()
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), false)
	require.NoError(t, err)
	defer j.Close()
	r.results = nil
	u := &upload.Uploader{Client: r.client, Journal: j, Concurrency: concurrency, SkipExisting: r.skipExisting,
		OnBatch: func(b *upload.BatchResult) { r.results = append(r.results, b) }}
	return u.UploadSamples(ctx, stream(ns), emit.Options{BatchSize: batch})
}

func TestUploadEverySampleOnce(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	ns := names(250)
	st, err := r.run(t, context.Background(), ns, 100, 4)
	require.NoError(t, err)
	assert.Equal(t, 250, st.Created)
	assert.Equal(t, 3, st.Batches)
	assert.Equal(t, 3, st.Requests)
	assert.Equal(t, 3, r.srv.Requests())
	assert.Equal(t, ns, r.srv.Samples())
	require.Len(t, r.results, 3)
	for i, b := range r.results {
		assert.Equal(t, i+1, b.Seq, "OnBatch sees batches in order")
	}
	h := r.srv.LastHeader()
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	assert.Equal(t, uploadtest.DefaultProjectID, h.Get("X-Project-Id"))
	assert.Equal(t, "convert", h.Get("User-Agent"))
	assert.Contains(t, h.Get("Authorization"), "SDK-HMAC-SHA256 Access=UPLOADTEST-AK, SignedHeaders=host;user-agent;x-project-id;x-sdk-date, Signature=")
}

// journalRoundTripper checks, as each request leaves, that the journal file already holds a
// "sending" line for every sample in it (the journal fsyncs it while the request is in
// flight).
type journalRoundTripper struct {
	t       *testing.T
	path    string
	checked atomic.Int64
}

func (rt *journalRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	sent, err := api.DecodeRequest(body)
	if assert.NoError(rt.t, err) {
		data, err := os.ReadFile(rt.path)
		require.NoError(rt.t, err)
		for _, s := range sent.Samples {
			assert.Contains(rt.t, string(data), `"`+s.Name+`"`, "a sending line before the request leaves")
		}
		rt.checked.Add(1)
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

func TestSendingLineIsWrittenBeforeTheRequestLeaves(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	rt := &journalRoundTripper{t: t, path: r.journalPath()}
	r.client.HTTPClient = &http.Client{Transport: rt}
	st, err := r.run(t, context.Background(), names(300), 10, 8)
	require.NoError(t, err)
	assert.Equal(t, 300, st.Created)
	assert.Equal(t, int64(30), rt.checked.Load())
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), true)
	require.NoError(t, err)
	assert.Equal(t, 300, j.Acknowledged())
}

func TestTransientFaultsAreRetried(t *testing.T) {
	for _, f := range []uploadtest.Fault{
		{Status: 500}, {Status: 502}, {Status: 503}, {Status: 504},
		{Status: 429, Code: "ModelArts.4395"},
	} {
		t.Run(fmt.Sprint(f.Status), func(t *testing.T) {
			r := newRig(t, uploadtest.Options{})
			r.srv.Inject(f, f) // two failures, then success
			st, err := r.run(t, context.Background(), names(5), 100, 1)
			require.NoError(t, err)
			assert.Equal(t, 3, r.srv.Requests(), "attempts")
			assert.Equal(t, 3, st.Requests)
			assert.Equal(t, 2, r.srv.Answered(f.Status))
			assert.Equal(t, 5, st.Created)
			assert.Len(t, r.sleeper.all(), 2, "one wait before each retry")
		})
	}
}

func TestRetryAfterSecondsAndDate(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	now := time.Now().Truncate(time.Second)
	r.client.Now = func() time.Time { return now }
	r.srv.Inject(
		uploadtest.Fault{Status: 429, RetryAfter: "2"},
		uploadtest.Fault{Status: 503, RetryAfter: now.Add(7 * time.Second).UTC().Format(http.TimeFormat)},
	)
	_, err := r.run(t, context.Background(), names(1), 100, 1)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{2 * time.Second, 7 * time.Second}, r.sleeper.all())
}

func TestRetriesGiveUpAndStopTheRun(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.client.Retries = 3
	for range 10 {
		r.srv.Inject(uploadtest.Fault{Status: 503})
	}
	st, err := r.run(t, context.Background(), names(30), 10, 1)
	require.Error(t, err)
	assert.ErrorIs(t, err, upload.ErrServer)
	assert.Contains(t, err.Error(), "gave up after 4 attempts")
	assert.Equal(t, 4, r.srv.Requests(), "1 attempt + 3 retries, and no further batch")
	assert.Equal(t, 10, st.Unacknowledged)
	assert.Equal(t, 0, st.Failed, "not failed: unanswered, so a rerun sends them")
}

func TestTimeoutIsRetried(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.client.Timeout = 50 * time.Millisecond
	r.srv.Inject(uploadtest.Fault{Stall: -1}) // never answers
	st, err := r.run(t, context.Background(), names(3), 100, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, r.srv.Requests())
	assert.Equal(t, 3, st.Created)
}

func TestStallAnsweredLateCountsAsExisting(t *testing.T) {
	// The first attempt stalls past the client's timeout but is processed; the retry finds
	// the samples there (ModelArts.4422), which counts as done.
	r := newRig(t, uploadtest.Options{})
	r.client.Timeout = 20 * time.Millisecond
	r.srv.Inject(uploadtest.Fault{Stall: 100 * time.Millisecond})
	r.client.Sleep = func(ctx context.Context, d time.Duration) error {
		for len(r.srv.Samples()) < 3 { // wait until the stalled attempt was processed
			time.Sleep(time.Millisecond)
		}
		return nil
	}
	st, err := r.run(t, context.Background(), names(3), 100, 1)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Existing)
	assert.Equal(t, 0, st.Created)
	assert.Equal(t, 0, st.Failed)
}

func TestOther4xxAreNeverRetried(t *testing.T) {
	for _, tc := range []struct {
		fault     uploadtest.Fault
		stopsRun  bool
		sentinel  error
		batchesIn int // requests the run makes
	}{
		{uploadtest.Fault{Status: 400, Code: "ModelArts.4413", Message: "label breaks the rules"}, false, nil, 3},
		{uploadtest.Fault{Status: 409, Code: "ModelArts.0000"}, false, nil, 3},
		{uploadtest.Fault{Status: 401, Code: "APIGW.0301"}, true, upload.ErrUnauthorized, 1},
		{uploadtest.Fault{Status: 403, Code: "ModelArts.0204"}, true, upload.ErrForbidden, 1},
		{uploadtest.Fault{Status: 404, Code: "ModelArts.4352"}, true, upload.ErrNotFound, 1},
	} {
		t.Run(fmt.Sprint(tc.fault.Status), func(t *testing.T) {
			r := newRig(t, uploadtest.Options{})
			r.srv.Inject(tc.fault)
			st, err := r.run(t, context.Background(), names(30), 10, 1)
			require.Error(t, err)
			assert.Equal(t, tc.batchesIn, r.srv.Requests(), "no retry")
			assert.Empty(t, r.sleeper.all())
			if tc.stopsRun {
				assert.ErrorIs(t, err, tc.sentinel)
				assert.Equal(t, 10, st.Unacknowledged)
				return
			}
			assert.ErrorIs(t, err, upload.ErrSamplesFailed)
			assert.Equal(t, 10, st.Failed)
			assert.Equal(t, 20, st.Created)
			require.NotEmpty(t, r.results[0].Failed)
			assert.Equal(t, tc.fault.Code, r.results[0].Failed[0].Code)
		})
	}
}

func TestUnauthorizedSaysCredentialsOrClock(t *testing.T) {
	t.Run("wrong key", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{})
		r.client.Auth = upload.Signer{AK: uploadtest.DefaultAK, SK: "not-the-key"}
		_, err := r.run(t, context.Background(), names(3), 100, 1)
		var e *upload.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, 401, e.StatusCode)
		assert.Equal(t, upload.CodeSignatureFailed, e.Code)
		assert.NotEmpty(t, e.RequestID)
		assert.Contains(t, err.Error(), "credentials")
		assert.Contains(t, err.Error(), "clock")
		assert.Equal(t, 1, r.srv.Requests())
	})
	t.Run("clock 20 minutes fast", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{})
		r.client.Now = func() time.Time { return time.Now().Add(20 * time.Minute) }
		_, err := r.run(t, context.Background(), names(3), 100, 1)
		assert.ErrorIs(t, err, upload.ErrUnauthorized)
		assert.Contains(t, err.Error(), "clock")
	})
	t.Run("clock 10 minutes slow is accepted", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{})
		r.client.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
		_, err := r.run(t, context.Background(), names(3), 100, 1)
		assert.NoError(t, err)
	})
}

func TestEveryAttemptIsSignedAfresh(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	var mu sync.Mutex
	tick := time.Now()
	r.client.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick = tick.Add(time.Second)
		return tick
	}
	r.srv.Inject(uploadtest.Fault{Status: 503})
	_, err := r.run(t, context.Background(), names(1), 100, 1)
	require.NoError(t, err, "the retry carries a new X-Sdk-Date and a signature that verifies")
	assert.Equal(t, tick.UTC().Format(upload.DateFormat), r.srv.LastHeader().Get("X-Sdk-Date"))
}

func TestTokenAndSecurityToken(t *testing.T) {
	t.Run("token", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{Token: "iam-token"})
		st, err := r.run(t, context.Background(), names(2), 100, 1)
		require.NoError(t, err)
		assert.Equal(t, 2, st.Created)
		assert.Equal(t, "iam-token", r.srv.LastHeader().Get("X-Auth-Token"))
	})
	t.Run("security token", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{AK: "a", SK: "s", SecurityToken: "temp"})
		_, err := r.run(t, context.Background(), names(2), 100, 1)
		require.NoError(t, err)
		r.client.Auth = upload.Signer{AK: "a", SK: "s"} // without it
		_, err = r.run(t, context.Background(), []string{"x.jpg"}, 100, 1)
		assert.ErrorIs(t, err, upload.ErrUnauthorized)
	})
}

func TestTooLargeSplitsTheBatch(t *testing.T) {
	one, err := emit.EncodeSample(sample("s-0000.jpg"))
	require.NoError(t, err)
	// Room for about two samples per request: batches of 8 split 8 → 4+4 → 2+2+2+2.
	r := newRig(t, uploadtest.Options{MaxBody: 2*len(one) + 40})
	ns := names(16)
	st, err := r.run(t, context.Background(), ns, 8, 2)
	require.NoError(t, err)
	assert.Equal(t, ns, r.srv.Samples())
	assert.Equal(t, 16, st.Created)
	assert.Equal(t, 2, st.Batches)
	assert.Equal(t, 6, r.srv.Answered(413), "8, 4, 4 twice")
	assert.Equal(t, 8, r.srv.Answered(200))
	assert.Equal(t, 14, st.Requests)
	for _, n := range ns {
		assert.Equal(t, 1, r.srv.Received(n))
	}
}

func TestInjected413SplitsOnce(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.srv.Inject(uploadtest.Fault{Status: 413})
	st, err := r.run(t, context.Background(), names(10), 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 3, r.srv.Requests())
	assert.Equal(t, 10, st.Created)
}

func TestSampleTooLargeAloneFails(t *testing.T) {
	r := newRig(t, uploadtest.Options{MaxBody: 300})
	big := sample("big.jpg")
	big.DataSource.DataPath = "obs://bucket/" + strings.Repeat("x", 300)
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), false)
	require.NoError(t, err)
	defer j.Close()
	u := &upload.Uploader{Client: r.client, Journal: j, Concurrency: 1}
	samples := func(yield func(*api.Sample, error) bool) {
		_ = yield(sample("a.jpg"), nil) && yield(big, nil) && yield(sample("b.jpg"), nil)
	}
	st, err := u.UploadSamples(context.Background(), samples, emit.Options{BatchSize: 1})
	assert.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, 1, st.Failed)
	assert.Equal(t, 2, st.Created, "the run goes on after it")
	require.NoError(t, j.Close())
	j, err = upload.OpenJournal(r.journalPath(), r.client.Destination(), true)
	require.NoError(t, err)
	assert.Equal(t, []upload.SampleError{{Name: "big.jpg", Code: upload.CodeBodyTooLarge,
		Message: "HTTP 413: the request body must be under 300 bytes"}}, j.Failed())
}

func TestPerSampleFailuresAreRecordedAndRetriedByARerun(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.srv.FailSample("s-0003.jpg", "ModelArts.4421", "upload failed", 1)
	r.srv.FailSample("s-0017.jpg", "ModelArts.4423", "could not read the image size", 1)
	ns := names(20)
	st, err := r.run(t, context.Background(), ns, 5, 2)
	require.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, 18, st.Created)
	assert.Equal(t, 2, st.Failed)
	var failed []upload.SampleError
	for _, b := range r.results {
		failed = append(failed, b.Failed...)
	}
	want := []upload.SampleError{
		{Name: "s-0003.jpg", Code: "ModelArts.4421", Message: "upload failed"},
		{Name: "s-0017.jpg", Code: "ModelArts.4423", Message: "could not read the image size"},
	}
	assert.Equal(t, want, failed, "each failure reported with name, error_code and error_msg")

	requests := r.srv.Requests()
	st, err = r.run(t, context.Background(), ns, 5, 2)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Created)
	assert.Equal(t, 18, st.Skipped)
	assert.Equal(t, 1, r.srv.Requests()-requests, "one request with exactly the two failed samples")
	for _, n := range ns {
		want := 1
		if n == "s-0003.jpg" || n == "s-0017.jpg" {
			want = 2
		}
		assert.Equal(t, want, r.srv.Received(n), n)
	}
	assert.Equal(t, ns, r.srv.Samples())
}

func TestExistingSamplesCountAsDoneWithSkipExisting(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.skipExisting = true
	ns := names(10)
	_, err := r.run(t, context.Background(), ns[:4], 100, 1)
	require.NoError(t, err)
	require.NoError(t, os.Remove(r.journalPath())) // as if the journal were lost
	st, err := r.run(t, context.Background(), ns, 3, 2)
	require.NoError(t, err, "already existing samples are not failures")
	assert.Equal(t, 4, st.Existing)
	assert.Equal(t, 6, st.Created)
	var existing []string
	for _, b := range r.results {
		existing = append(existing, b.Existing...)
	}
	assert.Equal(t, ns[:4], existing, "reported as such")
	st, err = r.run(t, context.Background(), ns, 3, 2)
	require.NoError(t, err)
	assert.Equal(t, 10, st.Skipped, "and recorded as done")
}

func TestBatchLevelExistsIsNarrowedDown(t *testing.T) {
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprint("skip=", skip), func(t *testing.T) {
			r := newRig(t, uploadtest.Options{})
			ns := names(4)
			r.srv.Preload(ns[1])
			r.skipExisting = skip
			r.srv.Inject(uploadtest.Fault{Status: 400, Code: upload.CodeExists})
			st, err := r.run(t, context.Background(), ns, 4, 1)
			assert.Equal(t, 3, st.Created)
			if skip {
				require.NoError(t, err)
				assert.Equal(t, 1, st.Existing)
				return
			}
			require.ErrorIs(t, err, upload.ErrSamplesFailed)
			assert.Equal(t, []upload.SampleError{{Name: ns[1], Code: upload.CodeExists, Message: upload.MsgConflict}}, r.results[0].Failed)
		})
	}
}

func TestInterruptThenRerunSendsOnlyTheRest(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.client.Timeout = 200 * time.Millisecond
	ns := names(50)
	// The third request stalls; the run is interrupted while it waits.
	r.srv.Inject(uploadtest.Fault{}, uploadtest.Fault{}, uploadtest.Fault{Stall: -1})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for r.srv.Waiting() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	st, err := r.run(t, ctx, ns, 10, 1)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 20, st.Created)
	assert.Equal(t, 10, st.Unacknowledged)
	assert.Equal(t, 3, r.srv.Requests(), "no batch taken after the interrupt, no retry")

	st, err = r.run(t, context.Background(), ns, 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 20, st.Skipped)
	assert.Equal(t, 30, st.Created)
	assert.Equal(t, ns, r.srv.Samples())
	for _, n := range ns {
		assert.Equal(t, 1, r.srv.Received(n), "%s sent once", n)
	}
}

func TestConcurrentUploadWithFaults(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	for range 5 {
		r.srv.Inject(uploadtest.Fault{}, uploadtest.Fault{Status: 503}, uploadtest.Fault{Status: 429, RetryAfter: "1"})
	}
	r.srv.FailSample("s-0500.jpg", "ModelArts.4421", "upload failed", 1)
	ns := names(1000)
	st, err := r.run(t, context.Background(), ns, 10, 8)
	require.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, 999, st.Created)
	assert.Equal(t, 100, st.Batches)
	assert.Equal(t, 110, st.Requests)
	for i, b := range r.results {
		require.Equal(t, i+1, b.Seq)
	}
	st, err = r.run(t, context.Background(), ns, 10, 8)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Created)
	assert.Equal(t, ns, r.srv.Samples())
}

func TestDryRunSendsAndRecordsNothing(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), true)
	require.NoError(t, err)
	u := &upload.Uploader{Client: r.client, Journal: j, DryRun: true}
	st, err := u.UploadSamples(context.Background(), stream(names(25)), emit.Options{BatchSize: 10})
	require.NoError(t, err)
	assert.Equal(t, 3, st.Batches)
	assert.Equal(t, 25, st.Samples)
	assert.Equal(t, 0, r.srv.Requests())
	assert.NoFileExists(t, r.journalPath())

	u.Client = &upload.Client{Endpoint: r.srv.URL, ProjectID: "p", DatasetID: "d", Auth: upload.Signer{AK: "a"}}
	_, err = u.UploadSamples(context.Background(), stream(names(1)), emit.Options{})
	assert.ErrorContains(t, err, "secret key", "signing is part of a dry run")
}

func TestSamplesWithoutNames(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	unnamed := func(yield func(*api.Sample, error) bool) {
		for i := range 3 {
			s := sample("")
			s.DataSource.DataPath = fmt.Sprintf("obs://bucket/u%d.jpg", i)
			if !yield(s, nil) {
				return
			}
		}
	}
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), false)
	require.NoError(t, err)
	u := &upload.Uploader{Client: r.client, Journal: j}
	st, err := u.UploadSamples(context.Background(), unnamed, emit.Options{})
	require.NoError(t, err)
	assert.Equal(t, 3, st.Created)
	require.NoError(t, j.Close())
	j, err = upload.OpenJournal(r.journalPath(), r.client.Destination(), false)
	require.NoError(t, err)
	defer j.Close()
	u.Journal = j
	st, err = u.UploadSamples(context.Background(), unnamed, emit.Options{})
	require.NoError(t, err)
	assert.Equal(t, 3, st.Skipped)
	assert.Equal(t, 1, r.srv.Requests())
	for _, k := range r.srv.Samples() {
		assert.Regexp(t, `^<sha256:[0-9a-f]{64}>$`, k)
	}
}

func TestStreamErrorStopsTheRun(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	boom := errors.New("boom")
	samples := func(yield func(*api.Sample, error) bool) {
		_ = yield(sample("a.jpg"), nil) && yield(nil, boom)
	}
	u := &upload.Uploader{Client: r.client}
	st, err := u.UploadSamples(context.Background(), samples, emit.Options{})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 1, st.Created, "the batch in progress is sent first")
}
