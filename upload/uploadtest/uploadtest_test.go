package uploadtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

const body = `{"samples":[{"name":"a.jpg","sample_type":0,"data_source":{"data_path":"obs://b/a.jpg","data_type":0}}]}` + "\n"

// post sends a request built by the server's client, after edit has had its way with it.
func post(t *testing.T, srv *uploadtest.Server, c *upload.Client, body string, edit func(*http.Request)) (int, map[string]any) {
	t.Helper()
	req, err := c.NewRequest(context.Background(), []byte(body))
	require.NoError(t, err)
	if edit != nil {
		edit(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	return resp.StatusCode, m
}

func TestServerChecksTheSignature(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	c := srv.Client()
	status, m := post(t, srv, c, body, nil)
	require.Equal(t, 200, status)
	assert.Equal(t, true, m["success"])

	for name, edit := range map[string]func(*http.Request){
		"body changed after signing": func(r *http.Request) {
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(body, "a.jpg", "b.jpg", 2)))
		},
		"signed header changed": func(r *http.Request) { r.Header.Set("User-Agent", "other") },
		"no authorization":      func(r *http.Request) { r.Header.Del("Authorization") },
		"date missing":          func(r *http.Request) { r.Header.Del("X-Sdk-Date") },
	} {
		t.Run(name, func(t *testing.T) {
			status, m := post(t, srv, c, body, edit)
			assert.Equal(t, 401, status)
			assert.Contains(t, []any{"APIGW.0301", "ModelArts.0203"}, m["error_code"])
		})
	}
	t.Run("wrong key", func(t *testing.T) {
		bad := srv.Client()
		bad.Auth = upload.Signer{AK: uploadtest.DefaultAK, SK: "wrong"}
		status, m := post(t, srv, bad, body, nil)
		assert.Equal(t, 401, status)
		assert.Equal(t, "APIGW.0301", m["error_code"])
	})
	t.Run("clock off by 16 minutes", func(t *testing.T) {
		late := srv.Client()
		late.Now = func() time.Time { return time.Now().Add(-16 * time.Minute) }
		status, _ := post(t, srv, late, body, nil)
		assert.Equal(t, 401, status)
	})
}

func TestServerAnswersLikeTheService(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{MaxBody: 1000})
	defer srv.Close()
	c := srv.Client()
	for _, tc := range []struct {
		name   string
		body   string
		edit   func(*http.Request)
		status int
		code   string
	}{
		{"stored", body, nil, 200, ""},
		{"not JSON", "{", nil, 400, uploadtest.CodeInvalid},
		{"invalid sample", `{"samples":[{"name":"x<y","sample_type":0,"data_source":{"data_path":"obs://b/x"}}]}`, nil, 400, uploadtest.CodeInvalid},
		{"wrong content type", body, func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, 400, uploadtest.CodeInvalid},
		{"too large", `{"samples":[],"x":"` + strings.Repeat("x", 1000) + `"}`, nil, 413, upload.CodeBodyTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, m := post(t, srv, c, tc.body, tc.edit)
			assert.Equal(t, tc.status, status)
			if tc.code != "" {
				assert.Equal(t, tc.code, m["error_code"])
				assert.NotEmpty(t, m["error_msg"])
			}
		})
	}
	t.Run("repeat is ModelArts.4422", func(t *testing.T) {
		resp, err := c.Send(context.Background(), []byte(body))
		require.NoError(t, err)
		assert.False(t, resp.Success)
		assert.Equal(t, []api.UploadSampleResp{{Name: "a.jpg", ErrorCode: upload.CodeExists, ErrorMsg: "the sample already exists"}}, resp.Results)
		assert.Equal(t, 2, srv.Received("a.jpg"))
	})
	t.Run("other dataset", func(t *testing.T) {
		other := srv.Client()
		other.DatasetID = "nope"
		_, err := other.Send(context.Background(), []byte(body))
		assert.ErrorIs(t, err, upload.ErrNotFound)
		var e *upload.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, upload.CodeDatasetNotFound, e.Code)
	})
}

func TestFaultsComeInOrder(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	srv.Inject(uploadtest.Fault{Status: 429, RetryAfter: "3"}, uploadtest.Fault{Status: 502, Message: "bad gateway"})
	c := srv.Client()
	c.Retries = -1
	_, err := c.Send(context.Background(), []byte(body))
	var e *upload.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, &upload.Error{StatusCode: 429, Code: "ModelArts.4206", Message: "Too Many Requests", RequestID: e.RequestID, RetryAfter: 3 * time.Second}, e)
	_, err = c.Send(context.Background(), []byte(body))
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 502, e.StatusCode)
	assert.Equal(t, "bad gateway", e.Message)
	_, err = c.Send(context.Background(), []byte(body))
	assert.NoError(t, err)
	assert.Equal(t, 3, srv.Requests())
	assert.Equal(t, 1, srv.Answered(429))
}

func TestStallUntilTheClientGivesUp(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{})
	srv.Inject(uploadtest.Fault{Stall: -1}, uploadtest.Fault{Stall: -1})
	c := srv.Client()
	c.Timeout = 30 * time.Millisecond
	c.Retries = -1
	_, err := c.Send(context.Background(), []byte(body))
	assert.ErrorIs(t, err, upload.ErrTransport)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, srv.Samples(), "a request dropped in a stall is never processed")

	// Close releases a request that is still stalled.
	c.Timeout = time.Hour
	done := make(chan error)
	go func() { _, err := c.Send(context.Background(), []byte(body)); done <- err }()
	for srv.Waiting() == 0 {
		time.Sleep(time.Millisecond)
	}
	srv.Close()
	select {
	case err := <-done:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not release the stalled request")
	}
}

func TestTokenServer(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{Token: "tok"})
	defer srv.Close()
	_, err := srv.Client().Send(context.Background(), []byte(body))
	require.NoError(t, err)
	signer := srv.Client()
	signer.Auth = upload.Signer{AK: "a", SK: "b"}
	_, err = signer.Send(context.Background(), []byte(body))
	assert.True(t, errors.Is(err, upload.ErrUnauthorized))
}

func TestServerOnAGivenAddress(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{Addr: "127.0.0.1:0"})
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	_, err := srv.Client().Send(context.Background(), []byte(body))
	assert.NoError(t, err)
}

// The fault modes of a hostile or broken endpoint.
func TestServerBadAnswers(t *testing.T) {
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	c := srv.Client()
	raw := func() (*http.Response, string) {
		t.Helper()
		req, err := c.NewRequest(context.Background(), []byte(body))
		require.NoError(t, err)
		hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(data)
	}

	srv.Inject(uploadtest.Fault{Status: 307, Location: "http://elsewhere/", RequestID: "rid"})
	resp, _ := raw()
	assert.Equal(t, 307, resp.StatusCode)
	assert.Equal(t, "http://elsewhere/", resp.Header.Get("Location"))
	assert.Equal(t, "rid", resp.Header.Get("X-Request-Id"))
	assert.Empty(t, srv.Samples())

	srv.Inject(uploadtest.Fault{Body: "null", Process: true})
	resp, text := raw()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "null", text)
	assert.Equal(t, []string{"a.jpg"}, srv.Samples(), "processed before the bad answer")

	srv.Inject(uploadtest.Fault{Edit: func(r *api.Response) { r.Results[0].Name = "other.jpg" }, Pad: 1000})
	_, text = raw()
	assert.Len(t, text, 1000)
	assert.Contains(t, text, `"name":"other.jpg"`)
	assert.Contains(t, text, upload.CodeExists, "a.jpg was stored by the request before")

	srv.Preload("b.jpg")
	assert.Equal(t, []string{"a.jpg", "b.jpg"}, srv.Samples())
}
