package cli

// The command against a hostile or broken endpoint, and the uploader's inputs (issue 10).

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// journalDone reads the journal at path and returns which of names it holds as done.
func journalDone(t *testing.T, srv *uploadtest.Server, path string, names []string) []string {
	t.Helper()
	j, err := upload.OpenJournal(path, upload.Destination{Endpoint: srv.URL, ProjectID: srv.ProjectID(), DatasetID: srv.DatasetID()}, true)
	require.NoError(t, err)
	var done []string
	for _, n := range names {
		if j.Done(n) {
			done = append(done, n)
		}
	}
	return done
}

func TestUploadRedirectIsNeverFollowed(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	target := uploadtest.New(uploadtest.Options{})
	t.Cleanup(target.Close)
	dir := t.TempDir()
	names := upNames(3)
	writeRequests(t, dir, names, 100)
	location := target.URL + "/v2/" + srv.ProjectID() + "/datasets/" + srv.DatasetID() + "/data-annotations/samples"
	srv.Inject(uploadtest.Fault{Status: 307, Location: location})
	code, _, stderr := runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "the endpoint answered 307 (Location: "+location+"); convert does not follow redirects: give the final URL as -endpoint")
	assert.Equal(t, 0, target.Requests(), "neither body nor credentials went to the Location")
	assert.Equal(t, 1, srv.Requests(), "not retried")
	assert.Empty(t, journalDone(t, srv, filepath.Join(dir, upload.JournalName(srv.DatasetID())), names))

	srv.Inject(uploadtest.Fault{Status: 302, Location: location, Body: `{"success":true,"results":[]}`})
	code, _, stderr = runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "the endpoint answered 302")
	assert.Equal(t, 0, target.Requests())
	assert.Empty(t, srv.Samples())
}

func TestUploadUnknownOutcomeStaysPending(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	names := upNames(3)
	writeRequests(t, dir, names, 100)
	srv.Inject(uploadtest.Fault{Body: `{}`, Process: true})
	code, _, stderr := runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, `convert upload: sample "img-001.jpg": the endpoint's answer does not mention it`)
	assert.Contains(t, stderr, "3 samples have an unknown outcome")
	assert.Contains(t, stderr, "; 3 outcome unknown")
	assert.Empty(t, journalDone(t, srv, filepath.Join(dir, upload.JournalName(srv.DatasetID())), names))

	code, _, stderr = runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "endpoint acknowledged 3 samples (0 added, 3 already there)", "sent again; they had landed, and this journal sent them")

	srv.Inject(uploadtest.Fault{Pad: 16<<20 + 1})
	writeRequests(t, dir, upNames(4), 100)
	code, _, stderr = runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, `sample "img-003.jpg": response larger than 16 MiB`)
}

// Two corpora whose files make the same sample names, uploaded into one dataset with a
// fresh journal each: the second is refused as a conflict, not counted as already there.
func TestUploadExistsConflictNamePrefixAndExistingSkip(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	name := linesFormat(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "dev.txt")
	require.NoError(t, os.WriteFile(input, []byte("dev.txt-000001.txt\ndev.txt-000002.txt\n"), 0o644))
	up := func(out string, extra ...string) (int, string) {
		args := append([]string{name, "-upload", "-endpoint", srv.URL, "-dataset-id", srv.DatasetID(), "-o", filepath.Join(dir, out)}, extra...)
		code, _, stderr := runCmd(t, append(args, input)...)
		return code, stderr
	}
	code, stderr := up("first")
	require.Equal(t, exitOK, code, stderr)

	code, stderr = up("second")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, `convert test-lines: sample "dev.txt-000001.txt": the dataset already holds a sample of this name (ModelArts.4422); use -name-prefix to keep both, or -existing skip`)
	assert.Contains(t, stderr, "0 already there); 2 refused")
	code, stderr = up("second")
	assert.Equal(t, exitFailed, code, "still a conflict on a rerun: %s", stderr)

	code, stderr = up("third", "-name-prefix", "corpus2-")
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, []string{"corpus2-dev.txt-000001.txt", "corpus2-dev.txt-000002.txt", "dev.txt-000001.txt", "dev.txt-000002.txt"}, srv.Samples())

	code, stderr = up("fourth", "-existing", "skip")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "(0 added, 2 already there)")
}

func TestNamePrefixInFiles(t *testing.T) {
	name := linesFormat(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "in.txt")
	require.NoError(t, os.WriteFile(input, []byte("a.jpg\nb.jpg\n"), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := runCmd(t, name, "-name-prefix", "set2_", "-o", out, input)
	require.Equal(t, exitOK, code, stderr)
	data, err := os.ReadFile(filepath.Join(out, "part-000001.json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"name":"set2_a.jpg"`)
	assert.Contains(t, string(data), `"name":"set2_b.jpg"`)

	for _, bad := range []string{"a/b", "/", "x<", "it's", "a=b", strings.Repeat("p", api.MaxNameLength+1)} {
		code, _, stderr := runCmd(t, name, "-name-prefix", bad, "-o", out, input)
		assert.Equal(t, exitUsage, code, "%q: %s", bad, stderr)
		assert.Contains(t, stderr, "-name-prefix")
	}
}

func TestUploadTokenFileAndEndpointChecks(t *testing.T) {
	srv := upServer(t, uploadtest.Options{Token: "good-token"})
	t.Setenv(upload.EnvAK, "")
	t.Setenv(upload.EnvSK, "")
	dir := t.TempDir()
	writeRequests(t, dir, upNames(1), 100)
	tmp := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(tmp, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	port := strings.TrimPrefix(srv.URL, "http://127.0.0.1:")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		err  string
	}{
		{"token file is a device", nil, upArgs(srv, "-token-file", "/dev/zero", dir), "not a regular file"},
		{"token file is a folder", nil, upArgs(srv, "-token-file", tmp, dir), "not a regular file"},
		{"token file too large", nil, upArgs(srv, "-token-file", file("big", bytes.Repeat([]byte("t"), 64<<10+1)), dir), "at most 65536"},
		{"newline inside the token", nil, upArgs(srv, "-token-file", file("nl", []byte("good-\ntoken\n")), dir), "control character"},
		{"tab inside the token", nil, upArgs(srv, "-token-file", file("tab", []byte("good\ttoken")), dir), "control character"},
		{"control character in the token variable", map[string]string{upload.EnvAuthToken: "good\x01token"}, upArgs(srv, dir), "control character"},
		{"endpoint path", nil, []string{"upload", "-endpoint", srv.URL + "/v2", "-dataset-id", "d", dir}, "must not have a path"},
		{"endpoint query", nil, []string{"upload", "-endpoint", srv.URL + "?x=1", "-dataset-id", "d", dir}, "must not have a query"},
		{"endpoint empty query", nil, []string{"upload", "-endpoint", srv.URL + "?", "-dataset-id", "d", dir}, "must not have a query"},
		{"endpoint fragment", nil, []string{"upload", "-endpoint", srv.URL + "#frag", "-dataset-id", "d", dir}, "must not have a fragment"},
		{"endpoint empty fragment", nil, []string{"upload", "-endpoint", srv.URL + "#", "-dataset-id", "d", dir}, "must not have a fragment"},
		{"endpoint user info", nil, []string{"upload", "-endpoint", "http://user:hunter2@127.0.0.1:" + port, "-dataset-id", "d", dir}, "must not carry user info"},
		{"existing", nil, upArgs(srv, "-existing", "maybe", dir), "flag -existing: must be fail or skip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if tc.env == nil {
				t.Setenv(upload.EnvAuthToken, "good-token")
			}
			code, _, stderr := runCmd(t, tc.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.err)
			assert.NotContains(t, stderr, "hunter2")
			assert.NotContains(t, stderr, "good-")
		})
	}
	assert.Equal(t, 0, srv.Requests(), "nothing was sent")

	t.Setenv(upload.EnvAuthToken, "")
	code, _, stderr := runCmd(t, "upload", "-endpoint", srv.URL+"/", "-dataset-id", srv.DatasetID(),
		"-token-file", file("ok", []byte("  good-token\r\n")), dir)
	require.Equal(t, exitOK, code, "surrounding white space and a trailing / are fine: %s", stderr)
	assert.Equal(t, "good-token", srv.LastHeader().Get("X-Auth-Token"))
}

// A server that echoes the secrets in every field the client reads: stderr, stdout and
// every file written hold none of them.
func TestUploadSecretsInEveryFieldNeverLeak(t *testing.T) {
	const sk, sts, token = "SECRET-sk-5f4e3d2c1b0a", "SECRET-sts-0a1b2c3d4e5f", "SECRET-token-9z8y7x6w5v"
	for _, auth := range []string{"ak/sk", "token"} {
		t.Run(auth, func(t *testing.T) {
			opts := uploadtest.Options{AK: "AK-1", SK: sk, SecurityToken: sts}
			echo := sk + " " + sts
			if auth == "token" {
				opts = uploadtest.Options{Token: token}
				echo = token
			}
			srv := upServer(t, opts)
			t.Setenv(upload.EnvAK, opts.AK)
			t.Setenv(upload.EnvSK, opts.SK)
			t.Setenv(upload.EnvSecurityToken, opts.SecurityToken)
			dir := t.TempDir()
			args := upArgs(srv, "-batch", "1", "-concurrency", "1", dir)
			if auth == "token" {
				tokenFile := filepath.Join(t.TempDir(), "token")
				require.NoError(t, os.WriteFile(tokenFile, []byte(token+"\n"), 0o600))
				args = upArgs(srv, "-batch", "1", "-concurrency", "1", "-token-file", tokenFile, dir)
			}
			writeRequests(t, dir, upNames(8), 100)
			everywhere := func(resp *api.Response) {
				resp.ErrorCode, resp.ErrorMsg = echo, echo
				for i := range resp.Results {
					r := &resp.Results[i]
					r.Success, r.ErrorCode, r.ErrorMsg, r.Info = false, "E "+echo, "msg "+echo, echo
				}
				resp.Results = append(resp.Results, api.UploadSampleResp{Name: echo, ErrorCode: echo, ErrorMsg: echo, Info: echo})
			}
			srv.Inject(
				uploadtest.Fault{Status: 503, Body: strings.Repeat("x", 190) + echo, RequestID: echo},
				uploadtest.Fault{Status: 429, Code: echo, Message: echo, RequestID: echo, RetryAfter: "0"},
				uploadtest.Fault{Edit: everywhere, RequestID: echo},                                                                         // img-000
				uploadtest.Fault{Status: 400, Body: `{"error_code":"` + echo + `","error_msg":"` + echo + `","request_id":"` + echo + `"}`}, // img-001
				uploadtest.Fault{Status: 409, Body: strings.Repeat("y", 199) + echo},                                                        // img-002
				uploadtest.Fault{Body: `[` + echo + `]`},                                                                                    // img-003
				uploadtest.Fault{Body: echo},                                                                                                // img-004
				uploadtest.Fault{Edit: func(resp *api.Response) {
					resp.Results, resp.Success, resp.ErrorCode, resp.ErrorMsg = nil, false, echo, echo
				}}, // img-005
				uploadtest.Fault{Status: 307, Location: "http://elsewhere.example/" + echo, RequestID: echo}, // img-006
			)
			var all strings.Builder
			code, out, stderr := runCmd(t, args...)
			assert.Equal(t, exitFailed, code)
			fmt.Fprintf(&all, "%s\n%s\n", out, stderr)
			code, out, stderr = runCmd(t, args...) // the rerun prints what the journal holds
			fmt.Fprintf(&all, "%d\n%s\n%s\n", code, out, stderr)
			require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				all.Write(data)
				return err
			}))
			text := all.String()
			assert.Equal(t, 9+8, srv.Requests(), "each fault was met, and the rerun sent the rest: %s", text)
			for _, s := range []string{sk, sts, token} {
				assert.NotContains(t, text, s)
				assert.NotContains(t, text, s[:11], "not even a part of it")
			}
			assert.Contains(t, text, "[redacted]")
			assert.Contains(t, text, "Location: http://elsewhere.example/[redacted]")
		})
	}
}
