package upload_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// Secrets never reach errors, reports, the journal or any file, even when the server
// echoes them back.
func TestSecretsNeverLeak(t *testing.T) {
	const sk, securityToken, token = "SECRET-sk-9f8e7d", "SECRET-sts-1a2b3c", "SECRET-token-4d5e6f"
	var out strings.Builder
	// echo is what the server sends back: the secrets the client holds.
	check := func(t *testing.T, r *rig, echo string) {
		r.client.OnRetry = func(n int, err error, wait time.Duration) { fmt.Fprintf(&out, "retry %d: %v\n", n, err) }
		r.srv.Inject(
			uploadtest.Fault{Status: 503, Message: "echo " + echo},
			uploadtest.Fault{Status: 400, Code: "ModelArts.4413", Message: "bad request: " + echo},
		)
		r.srv.FailSample("s-0004.jpg", "ModelArts.4421", "failed with "+echo, 0)
		st, err := r.run(t, context.Background(), names(6), 2, 1)
		fmt.Fprintf(&out, "%v\n%+v\n", err, st)
		for _, b := range r.results {
			fmt.Fprintf(&out, "%+v\n", *b)
		}
		fmt.Fprintf(&out, "%v %+v %#v\n", r.client, r.client, r.client.Auth)
		bad := r.srv.Client()
		bad.Auth = upload.Signer{AK: "AK", SK: "wrong-" + sk, SecurityToken: securityToken}
		if _, ok := r.client.Auth.(upload.Token); ok {
			bad.Auth = upload.Token{Value: "wrong-" + token}
			bad.Retries = -1
		}
		_, err = bad.Send(context.Background(), []byte(`{"samples":[]}`))
		require.Error(t, err)
		fmt.Fprintf(&out, "%v\n", err)
		require.NoError(t, filepath.WalkDir(r.dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			out.Write(data)
			return err
		}))
	}
	t.Run("ak/sk", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{AK: "AK", SK: sk, SecurityToken: securityToken})
		check(t, r, sk+" "+securityToken)
	})
	t.Run("token", func(t *testing.T) {
		r := newRig(t, uploadtest.Options{Token: token})
		check(t, r, token)
	})
	text := out.String()
	for _, s := range []string{sk, securityToken, token} {
		assert.NotContains(t, text, s)
	}
	assert.Contains(t, text, "[redacted]", "echoed secrets were scrubbed")
	assert.Contains(t, text, "ModelArts.4421", "the output is not empty")
}

// A server that echoes a secret in every field the client reads: each is redacted before it
// is cut, reported, journaled or wrapped in an error.
func TestSecretsInEveryFieldAreRedacted(t *testing.T) {
	const sk, sts = "SECRET-sk-0123456789abcdef", "SECRET-sts-fedcba9876543210"
	echo := sk + " " + sts
	r := newRig(t, uploadtest.Options{AK: "AK", SK: sk, SecurityToken: sts})
	var out strings.Builder
	r.client.OnRetry = func(n int, err error, wait time.Duration) { fmt.Fprintf(&out, "retry %d: %v\n", n, err) }
	everywhere := func(resp *api.Response) {
		resp.ErrorCode, resp.ErrorMsg = echo, echo
		for i := range resp.Results {
			res := &resp.Results[i]
			res.Success, res.ErrorCode, res.ErrorMsg, res.Info = false, "E."+echo, "msg "+echo, echo
		}
		resp.Results = append(resp.Results, api.UploadSampleResp{Name: echo, ErrorCode: echo, ErrorMsg: echo})
	}
	r.srv.Inject(
		// A plain-text body whose secret straddles the 200-character cut.
		uploadtest.Fault{Status: 503, Body: strings.Repeat("x", 190) + echo, RequestID: echo},
		uploadtest.Fault{Status: 502, Body: `{"error_code":"` + echo + `","error_msg":"` + echo + `","request_id":"` + echo + `"}`},
		uploadtest.Fault{Edit: everywhere, RequestID: echo},                       // batch 1
		uploadtest.Fault{Status: 400, Code: echo, Message: echo, RequestID: echo}, // batch 2
		uploadtest.Fault{Body: `[` + echo + `]`},                                  // batch 3
		uploadtest.Fault{Body: echo, Process: true},                               // batch 4
		uploadtest.Fault{Status: 307, Location: "https://elsewhere/" + echo},      // batch 5
	)
	st, err := r.run(t, context.Background(), names(10), 2, 1)
	require.Error(t, err)
	fmt.Fprintf(&out, "%v\n%+v\n", err, st)
	for _, b := range r.results {
		fmt.Fprintf(&out, "%+v\n", *b)
	}
	require.NoError(t, filepath.WalkDir(r.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		out.Write(data)
		return err
	}))
	text := out.String()
	assert.Equal(t, 7, r.srv.Requests(), "every fault was answered")
	for _, s := range []string{sk, sts, sk[:12], sts[:12]} {
		assert.NotContains(t, text, s)
	}
	assert.Contains(t, text, "[redacted]")
	assert.Contains(t, text, "Location: https://elsewhere/[redacted] [redacted]")
}
