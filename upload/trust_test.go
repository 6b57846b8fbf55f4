package upload_test

// What a hostile or broken endpoint may answer, and what the uploader must make of it
// (issue 10): no credential leaves for another host, no sample counts as stored that was not.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// acknowledged reads the journal as a rerun would and says which of ns it holds as done.
func (r *rig) acknowledged(t *testing.T, ns []string) []string {
	t.Helper()
	j, err := upload.OpenJournal(r.journalPath(), r.client.Destination(), true)
	require.NoError(t, err)
	var done []string
	for _, n := range ns {
		if j.Done(n) {
			done = append(done, n)
		}
	}
	return done
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			r := newRig(t, uploadtest.Options{})
			// The target would accept anything the client brings: it must see nothing.
			target := uploadtest.New(uploadtest.Options{Token: "x"})
			t.Cleanup(target.Close)
			location := target.URL + "/v2/" + r.srv.ProjectID() + "/datasets/" + r.srv.DatasetID() + "/data-annotations/samples"
			r.srv.Inject(uploadtest.Fault{Status: status, Location: location, Body: `{"success":true,"results":[]}`})
			ns := names(20)
			st, err := r.run(t, context.Background(), ns, 10, 1)
			require.ErrorIs(t, err, upload.ErrRedirect)
			assert.Contains(t, err.Error(), fmt.Sprintf("the endpoint answered %d (Location: %s); convert does not follow redirects: give the final URL as option Endpoint", status, location))
			assert.Equal(t, 0, target.Requests(), "nothing goes where the redirect points")
			assert.Equal(t, 1, r.srv.Requests(), "not retried, and the run stops")
			assert.Empty(t, r.sleeper.all())
			assert.Equal(t, 0, st.Created+st.Existing)
			assert.Equal(t, 10, st.Unacknowledged)
			assert.Empty(t, r.acknowledged(t, ns), "nothing journaled as done")

			st, err = r.run(t, context.Background(), ns, 10, 1)
			require.NoError(t, err, "a rerun sends them all")
			assert.Equal(t, 20, st.Created)
		})
	}
}

func TestResultsAreMatchedByExactNameOnly(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.srv.FailSample("b.jpg", "ModelArts.4421", "upload failed", 1)
	r.srv.Inject(uploadtest.Fault{Edit: func(resp *api.Response) { slices.Reverse(resp.Results) }})
	st, err := r.run(t, context.Background(), []string{"b.jpg", "a/b.jpg"}, 10, 1)
	require.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, 1, st.Created)
	assert.Equal(t, []string{"a/b.jpg"}, r.results[0].Created)
	assert.Equal(t, []upload.SampleError{{Name: "b.jpg", Code: "ModelArts.4421", Message: "upload failed"}}, r.results[0].Failed)
	assert.Equal(t, []string{"a/b.jpg"}, r.acknowledged(t, []string{"b.jpg", "a/b.jpg"}))
}

// Answers that do not say what became of a sample leave it pending: reported, not journaled
// as done, sent again by a rerun; the samples that did land are then answered
// ModelArts.4422, which counts as done because the journal shows they were sent.
func TestUnmentionedSamplesHaveAnUnknownOutcome(t *testing.T) {
	rename := func(resp *api.Response) {
		for i := range resp.Results {
			resp.Results[i].Name = "never-sent-" + resp.Results[i].Name
		}
	}
	for _, tc := range []struct {
		name    string
		fault   uploadtest.Fault
		unknown []string // of s-0000.jpg .. s-0002.jpg
		message string
	}{
		{"one result left out", uploadtest.Fault{Edit: func(resp *api.Response) { resp.Results = resp.Results[:2] }},
			[]string{"s-0002.jpg"}, upload.MsgUnmentioned},
		{"no results", uploadtest.Fault{Edit: func(resp *api.Response) { resp.Results = []api.UploadSampleResp{} }},
			names(3), upload.MsgUnmentioned},
		{"results for names never sent", uploadtest.Fault{Edit: rename}, names(3), upload.MsgUnmentioned},
		{"stored path", uploadtest.Fault{Edit: func(resp *api.Response) {
			for i := range resp.Results {
				resp.Results[i].Name = "/bucket/dataset/" + resp.Results[i].Name
			}
		}}, names(3), upload.MsgUnmentioned},
		{"success and no results", uploadtest.Fault{Body: `{"success":true,"results":[]}`, Process: true}, names(3), upload.MsgUnmentioned},
		{"{}", uploadtest.Fault{Body: `{}`, Process: true}, names(3), upload.MsgUnmentioned},
		{"null", uploadtest.Fault{Body: `null`, Process: true}, names(3), "the answer is not a response body"},
		{"[]", uploadtest.Fault{Body: `[]`, Process: true}, names(3), "the answer is not a response body"},
		{"text", uploadtest.Fault{Body: `OK`, Process: true}, names(3), "the answer is not a response body"},
		{"over the cap", uploadtest.Fault{Pad: 16<<20 + 1}, names(3), "response larger than 16 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, uploadtest.Options{})
			r.srv.Inject(tc.fault)
			ns := names(3)
			st, err := r.run(t, context.Background(), ns, 10, 1)
			require.ErrorIs(t, err, upload.ErrOutcomeUnknown)
			assert.NotErrorIs(t, err, upload.ErrSamplesFailed)
			assert.Equal(t, 1, r.srv.Requests(), "not retried: it may have landed")
			assert.Equal(t, len(tc.unknown), st.Unknown)
			assert.Equal(t, 3-len(tc.unknown), st.Created)
			var unknown []string
			for _, u := range r.results[0].Unknown {
				unknown = append(unknown, u.Name)
				assert.Contains(t, u.Message, tc.message)
			}
			assert.Equal(t, tc.unknown, unknown)
			for _, n := range r.acknowledged(t, ns) {
				assert.NotContains(t, tc.unknown, n, "an unknown outcome is not journaled as done")
			}

			st, err = r.run(t, context.Background(), ns, 10, 1)
			require.NoError(t, err, "the rerun sends them again")
			assert.Equal(t, len(tc.unknown), st.Created+st.Existing)
			assert.Equal(t, ns, r.srv.Samples())
		})
	}
}

func TestErrorAnswerOverTheCap(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	r.srv.Inject(uploadtest.Fault{Status: 400, Body: strings.Repeat("x", 16<<20+1)})
	_, err := r.run(t, context.Background(), names(1), 10, 1)
	require.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, "HTTP 400: response larger than 16 MiB", r.results[0].Failed[0].Message)
}

// ModelArts.4422 for a sample this journal never sent is another sample of the same name.
func TestExistsIsAConflictUnlessSentBefore(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	ns := names(5)
	r.srv.Preload(ns[1], ns[3]) // another corpus with the same names
	st, err := r.run(t, context.Background(), ns, 2, 2)
	require.ErrorIs(t, err, upload.ErrSamplesFailed)
	assert.Equal(t, 3, st.Created)
	assert.Equal(t, 0, st.Existing)
	assert.Equal(t, 2, st.Failed)
	var failed []upload.SampleError
	for _, b := range r.results {
		failed = append(failed, b.Failed...)
	}
	assert.Equal(t, []upload.SampleError{
		{Name: ns[1], Code: upload.CodeExists, Message: upload.MsgConflict},
		{Name: ns[3], Code: upload.CodeExists, Message: upload.MsgConflict},
	}, failed)

	st, err = r.run(t, context.Background(), ns, 2, 2)
	require.ErrorIs(t, err, upload.ErrSamplesFailed, "a conflict stays one on a rerun")
	assert.Equal(t, 2, st.Failed)
	assert.Equal(t, 3, st.Skipped)

	r.skipExisting = true
	st, err = r.run(t, context.Background(), ns, 2, 2)
	require.NoError(t, err, "-existing skip counts them as done")
	assert.Equal(t, 2, st.Existing)
	st, err = r.run(t, context.Background(), ns, 2, 2)
	require.NoError(t, err)
	assert.Equal(t, 5, st.Skipped)
}

// A request that may have landed before a crash: the journal's "sending" record makes the
// rerun's ModelArts.4422 count as done.
func TestExistsAfterAnUnrecordedAnswerCountsAsDone(t *testing.T) {
	r := newRig(t, uploadtest.Options{})
	ns := names(4)
	// The first run's request is processed but its answer never arrives (the run dies:
	// here, the context ends while the client waits to retry).
	ctx, cancel := context.WithCancel(context.Background())
	r.srv.Inject(uploadtest.Fault{Status: 503, Body: "gone", Process: true})
	r.client.Sleep = func(c context.Context, _ time.Duration) error { cancel(); return c.Err() }
	_, err := r.run(t, ctx, ns, 10, 1)
	require.Error(t, err)
	assert.Equal(t, ns, r.srv.Samples(), "the samples landed")
	assert.Empty(t, r.acknowledged(t, ns))

	r.client.Sleep = r.sleeper.sleep
	st, err := r.run(t, context.Background(), ns, 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 4, st.Existing)
}
