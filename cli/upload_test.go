package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// upSample is a small valid image sample.
func upSample(name string) *api.Sample {
	return &api.Sample{Name: name, SampleType: api.SampleImage,
		DataSource: &api.DataSource{DataPath: "obs://bucket/" + name},
		Labels:     []api.SampleLabel{{Name: "cat", Type: api.LabelImageClassification}}}
}

func upNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("img-%03d.jpg", i)
	}
	return out
}

func upStream(names []string) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, n := range names {
			if !yield(upSample(n), nil) {
				return
			}
		}
	}
}

// writeRequests writes request bodies for names into dir, batch samples per file.
func writeRequests(t *testing.T, dir string, names []string, batch int) {
	t.Helper()
	d, err := emit.OpenDir(dir, emit.DirOptions{Overwrite: true})
	require.NoError(t, err)
	defer d.Close()
	_, err = d.Write(context.Background(), upStream(names), emit.Options{BatchSize: batch}, nil)
	require.NoError(t, err)
}

// upServer starts a stand-in and points the environment's credentials at it.
func upServer(t *testing.T, opts uploadtest.Options) *uploadtest.Server {
	t.Helper()
	srv := uploadtest.New(opts)
	t.Cleanup(srv.Close)
	t.Setenv(upload.EnvAK, uploadtest.DefaultAK)
	t.Setenv(upload.EnvSK, uploadtest.DefaultSK)
	t.Setenv(upload.EnvSecurityToken, "")
	t.Setenv(upload.EnvAuthToken, "")
	t.Setenv(upload.EnvProjectID, srv.ProjectID())
	old := minBackoff
	minBackoff = time.Millisecond
	t.Cleanup(func() { minBackoff = old })
	return srv
}

func upArgs(srv *uploadtest.Server, extra ...string) []string {
	return append([]string{"upload", "-endpoint", srv.URL, "-dataset-id", srv.DatasetID()}, extra...)
}

func TestUploadVerbSendsRequestFiles(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	names := upNames(25)
	writeRequests(t, dir, names, 10)

	code, out, stderr := runCmd(t, upArgs(srv, "-batch", "7", dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, out)
	assert.Equal(t, names, srv.Samples())
	assert.Equal(t, 4, srv.Requests(), "re-batched by -batch 7")
	journal := filepath.Join(dir, "upload-"+srv.DatasetID()+".journal")
	assert.FileExists(t, journal, "the journal lives beside the inputs")
	assert.Contains(t, stderr, "convert upload: endpoint acknowledged 25 samples (25 added, 0 already there); 0 refused; 4 requests; 0 skipped")
	assert.Contains(t, stderr, "convert upload: 25 samples, 25 labels (25 image classification); 0 records rejected; 4 request bodies")
	assert.Equal(t, "convert/"+Version, srv.LastHeader().Get("User-Agent"))

	code, _, stderr = runCmd(t, upArgs(srv, "-batch", "7", dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 4, srv.Requests(), "a rerun sends nothing")
	assert.Contains(t, stderr, "resuming with journal")
	assert.Contains(t, stderr, "25 skipped as acknowledged earlier")
}

var linesOnce sync.Once

// linesFormat registers (once: the registry is for the program's life) a format that
// makes one sample per line of its input, the way an outside package would.
func linesFormat(t *testing.T) string {
	const name = "test-lines"
	linesOnce.Do(func() {
		importers.Register(importers.Format{Name: name, Summary: "test format: one sample per line", Args: "FILE",
			Flags: func(fs *flag.FlagSet) importers.Opener {
				return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
					data, err := os.ReadFile(inputs[0])
					if err != nil {
						return nil, err
					}
					lines := strings.Fields(string(data))
					return &importers.Source{Total: len(lines), Samples: func(yield func(*api.Sample, error) bool) {
						for i, l := range lines {
							s := upSample(l)
							s.Origin = fmt.Sprintf("%s:%d", inputs[0], i+1)
							if !yield(s, nil) {
								return
							}
						}
					}}, nil
				}
			}})
	})
	return name
}

func TestUploadFlagStreamsFromTheImporter(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	name := linesFormat(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "in.txt")
	require.NoError(t, os.WriteFile(input, []byte("a.jpg\nb.jpg\nbad<name.jpg\nc.jpg\n"), 0o644))
	outDir := filepath.Join(dir, "out")

	code, _, stderr := runCmd(t, name, "-upload", "-endpoint", srv.URL, "-dataset-id", srv.DatasetID(), "-o", outDir, "-batch", "2", input)
	assert.Equal(t, exitFailed, code, "a rejected record makes the run fail")
	assert.Contains(t, stderr, `in.txt:3: rejected: sample "bad<name.jpg": name:`)
	assert.Equal(t, []string{"a.jpg", "b.jpg", "c.jpg"}, srv.Samples())
	entries, err := os.ReadDir(outDir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no request files, only the journal")
	assert.Equal(t, "upload-"+srv.DatasetID()+".journal", entries[0].Name())
	assert.Contains(t, stderr, "convert test-lines: endpoint acknowledged 3 samples")
	assert.Contains(t, stderr, "request bodies (")

	code, _, stderr = runCmd(t, name, "-dataset-id", "x", input)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-dataset-id only apply with -upload")
}

func TestUploadRefusedSamplesExit1AndARerunSendsExactlyThose(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	srv.FailSample("img-004.jpg", "ModelArts.4421", "upload failed", 1)
	dir := t.TempDir()
	names := upNames(12)
	writeRequests(t, dir, names, 100)

	code, _, stderr := runCmd(t, upArgs(srv, "-batch", "5", dir)...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `convert upload: sample "img-004.jpg": refused: ModelArts.4421: upload failed`)
	assert.Contains(t, stderr, "1 samples were refused (listed above); they are recorded in")
	requests := srv.Requests()

	code, _, stderr = runCmd(t, upArgs(srv, "-batch", "5", dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 1, srv.Requests()-requests)
	assert.Equal(t, 2, srv.Received("img-004.jpg"))
	assert.Equal(t, 1, srv.Received("img-005.jpg"))
	assert.Contains(t, stderr, "11 samples acknowledged earlier are skipped; 1 refused earlier are sent again")
	assert.Equal(t, names, srv.Samples())
}

func TestUploadExistingSamplesAreReportedAsDoneWithExistingSkip(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	writeRequests(t, dir, upNames(3), 100)
	code, _, stderr := runCmd(t, upArgs(srv, "-journal", filepath.Join(t.TempDir(), "first.journal"), dir)...)
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCmd(t, upArgs(srv, "-existing", "skip", "-journal", filepath.Join(t.TempDir(), "second.journal"), dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, `convert upload: sample "img-001.jpg": already in the dataset (ModelArts.4422); counted as done`)
	assert.Contains(t, stderr, "endpoint acknowledged 3 samples (0 added, 3 already there)")
}

func TestUploadRetriesThenStops(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	srv.Inject(uploadtest.Fault{Status: 503}, uploadtest.Fault{Status: 429, RetryAfter: "0"})
	dir := t.TempDir()
	writeRequests(t, dir, upNames(3), 100)
	code, _, stderr := runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 3, srv.Requests())
	assert.Contains(t, stderr, "attempt 1 failed: HTTP 503")

	srv.Inject(uploadtest.Fault{Status: 500}, uploadtest.Fault{Status: 500}, uploadtest.Fault{Status: 500})
	writeRequests(t, dir, upNames(6), 100)
	code, _, stderr = runCmd(t, upArgs(srv, "-retries", "2", dir)...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "gave up after 3 attempts")
	assert.Contains(t, stderr, "rerun the same command to resume")
}

func TestUploadUnauthorizedSaysCredentialsOrClock(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	t.Setenv(upload.EnvSK, "wrong-secret-key")
	dir := t.TempDir()
	writeRequests(t, dir, upNames(3), 100)
	code, _, stderr := runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "HTTP 401 APIGW.0301")
	assert.Contains(t, stderr, "credentials")
	assert.Contains(t, stderr, "clock")
	assert.Equal(t, 1, srv.Requests(), "never retried")
}

func TestUploadTokenFile(t *testing.T) {
	srv := upServer(t, uploadtest.Options{Token: "iam-token-value"})
	t.Setenv(upload.EnvAK, "")
	t.Setenv(upload.EnvSK, "")
	dir := t.TempDir()
	writeRequests(t, dir, upNames(2), 100)
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("iam-token-value\n"), 0o600))
	code, _, stderr := runCmd(t, upArgs(srv, "-token-file", tokenFile, dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "iam-token-value", srv.LastHeader().Get("X-Auth-Token"))

	t.Setenv(upload.EnvAuthToken, "iam-token-value")
	writeRequests(t, dir, upNames(3), 100)
	code, _, stderr = runCmd(t, upArgs(srv, dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, srv.Samples(), 3)
}

func TestUploadUsageErrors(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	writeRequests(t, dir, upNames(1), 100)
	emptyFile := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(emptyFile, nil, 0o600))
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		err  string
	}{
		{"no path", nil, upArgs(srv), "no PATH given"},
		{"no dataset", nil, []string{"upload", "-endpoint", srv.URL, dir}, "no dataset"},
		{"no endpoint", nil, []string{"upload", "-dataset-id", "d", dir}, "no endpoint: give -region"},
		{"no project", map[string]string{upload.EnvProjectID: ""}, upArgs(srv, dir), "no project"},
		{"no credentials", map[string]string{upload.EnvAK: "", upload.EnvSK: ""}, upArgs(srv, dir), "no credentials"},
		{"half a key", map[string]string{upload.EnvSK: ""}, upArgs(srv, dir), "must both be set"},
		{"journal named json", nil, upArgs(srv, "-journal", "j.json", dir), "must not be named *.json"},
		{"plain http elsewhere", nil, []string{"upload", "-endpoint", "http://example.com", "-dataset-id", "d", dir}, "only allowed on loopback"},
		{"bad concurrency", nil, upArgs(srv, "-concurrency", "0", dir), "-concurrency"},
		{"missing path", nil, upArgs(srv, filepath.Join(dir, "nope")), "no such file"},
		{"empty token file", nil, upArgs(srv, "-token-file", emptyFile, dir), "is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, stderr := runCmd(t, tc.args...)
			assert.Equal(t, exitUsage, code, stderr)
			assert.Contains(t, stderr, tc.err)
		})
	}
	assert.Equal(t, 0, srv.Requests())
}

func TestUploadDryRun(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	writeRequests(t, dir, upNames(25), 10)
	code, _, stderr := runCmd(t, upArgs(srv, "-dry-run", dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 0, srv.Requests())
	assert.Contains(t, stderr, "dry run: 3 requests (25 samples) built, validated and signed; nothing sent", "each file as read")
	code, _, stderr = runCmd(t, upArgs(srv, "-dry-run", "-batch", "50", dir)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "dry run: 1 requests (25 samples) built, validated and signed; nothing sent", "re-batched")
	assert.NoFileExists(t, filepath.Join(dir, "upload-"+srv.DatasetID()+".journal"))
}

func TestUploadBadRequestFile(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	writeRequests(t, dir, upNames(3), 100)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "part-000002.json"), []byte(`{"samples":[{"name":"x.jpg","lables":[]}]}`), 0o644))
	code, _, stderr := runCmd(t, upArgs(srv, dir)...)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, `part-000002.json: not a request body (unknown field "lables" (not a field of the API))`)
	assert.Len(t, srv.Samples(), 3, "what came before was sent and recorded")
}

// A repeated key would make the upload send one value and drop the other: the file is
// refused with the key's line and column, and nothing of it is sent.
func TestUploadRefusesRepeatedKeys(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	a, b := upSample("a.jpg"), upSample("b.jpg")
	ja, err := emit.EncodeSample(a)
	require.NoError(t, err)
	jb, err := emit.EncodeSample(b)
	require.NoError(t, err)
	for _, body := range []string{
		`{"samples":[` + string(ja) + "],\n" + `"samples":[` + string(jb) + `]}`,
		`{"samples":[` + strings.Replace(string(ja), `"labels":`, `"labels":[],"labels":`, 1) + `]}`,
	} {
		file := filepath.Join(dir, "part-000001.json")
		require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
		code, _, stderr := runCmd(t, upArgs(srv, file)...)
		assert.Equal(t, exitFailed, code, stderr)
		assert.Regexp(t, `part-000001\.json: not a request body \(line \d+, column \d+: (request|samples\[0\]): key "(samples|labels)" repeats the one at line 1, column \d+`, stderr)
		assert.Empty(t, srv.Samples(), "nothing sent")
	}
}

func TestUploadGroupsFilesBySettings(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	write := func(name string, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	s := func(n string) string { b, _ := json.Marshal(upSample(n)); return string(b) }
	write("a.json", `{"final_annotation":false,"samples":[`+s("1.jpg")+`,`+s("2.jpg")+`]}`)
	write("b.json", `{"final_annotation":false,"samples":[`+s("3.jpg")+`]}`)
	write("c.json", `{"samples":[`+s("4.jpg")+`]}`)
	code, _, stderr := runCmd(t, upArgs(srv, "-dry-run", dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "dry run: 3 requests (4 samples)", "each file as read")
	code, _, stderr = runCmd(t, upArgs(srv, "-batch", "50", dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 2, srv.Requests(), "re-batched: a and b together, c alone")
	code, _, stderr = runCmd(t, upArgs(srv, "-final-annotation=true", "-existing", "skip", "-journal", filepath.Join(t.TempDir(), "j"), dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, 3, srv.Requests(), "-final-annotation sets it for all: one request")
}

func TestUploadStdin(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	t.Chdir(t.TempDir())
	body := `{"samples":[` + func() string { b, _ := json.Marshal(upSample("in.jpg")); return string(b) }() + `]}`
	var out, errOut bytes.Buffer
	code := run(upArgs(srv, "-"), strings.NewReader(body), &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	assert.Equal(t, []string{"in.jpg"}, srv.Samples())
	assert.FileExists(t, "upload-"+srv.DatasetID()+".journal")
}

func TestUploadInterruptExits130AndRerunSendsTheRest(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	names := upNames(50)
	writeRequests(t, dir, names, 10)
	srv.Inject(uploadtest.Fault{}, uploadtest.Fault{}, uploadtest.Fault{Stall: -1})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.Waiting() == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel() // Ctrl-C while the third request hangs
	}()
	// The stalled request is given up after -timeout; 2s keeps the first two requests,
	// which must not time out and be sent twice, clear of a loaded machine's delays.
	var out, errOut bytes.Buffer
	code := runContext(ctx, upArgs(srv, "-batch", "10", "-concurrency", "1", "-timeout", "2s", dir), strings.NewReader(""), &out, &errOut)
	assert.Equal(t, exitInterrupted, code, errOut.String())
	assert.Contains(t, errOut.String(), "interrupted: no new batch was taken")
	assert.Contains(t, errOut.String(), "endpoint acknowledged 20 samples")
	assert.Equal(t, 3, srv.Requests())

	code, _, stderr := runCmd(t, upArgs(srv, "-batch", "10", dir)...)
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, names, srv.Samples())
	for _, n := range names {
		assert.Equal(t, 1, srv.Received(n), n)
	}
}

// TestUploadKillHelper is not a test: with CONVERT_UPLOAD_CHILD set it runs the command
// given there (JSON) and exits, for TestUploadResumesAfterKill.
func TestUploadKillHelper(t *testing.T) {
	argsJSON := os.Getenv("CONVERT_UPLOAD_CHILD")
	if argsJSON == "" {
		t.Skip("helper process for TestUploadResumesAfterKill")
	}
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		os.Exit(99)
	}
	os.Exit(run(args, os.Stdin, os.Stdout, os.Stderr))
}

// A run killed with SIGKILL while a request is in flight; the rerun sends exactly the
// samples that were not acknowledged, each once.
func TestUploadResumesAfterKill(t *testing.T) {
	srv := upServer(t, uploadtest.Options{})
	dir := t.TempDir()
	names := upNames(50)
	writeRequests(t, dir, names, 10)
	srv.Inject(uploadtest.Fault{}, uploadtest.Fault{}, uploadtest.Fault{Stall: -1})

	args, _ := json.Marshal(upArgs(srv, "-batch", "10", "-concurrency", "1", dir))
	cmd := exec.Command(os.Args[0], "-test.run=^TestUploadKillHelper$")
	cmd.Env = append(os.Environ(), "CONVERT_UPLOAD_CHILD="+string(args))
	var childErr bytes.Buffer
	cmd.Stderr = &childErr
	require.NoError(t, cmd.Start())
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	deadline := time.After(30 * time.Second)
	for srv.Waiting() == 0 {
		select {
		case <-exited:
			t.Fatalf("the child ended before the third request: %s", childErr.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatalf("the child never reached the third request: %s", childErr.String())
		case <-time.After(time.Millisecond):
		}
	}
	require.NoError(t, cmd.Process.Kill()) // kill -9
	<-exited
	assert.Equal(t, 20, len(srv.Samples()), "two batches stored before the kill")

	// What the journal holds was acknowledged; an answer received but not yet recorded
	// when the process died is not, and its samples come again: ModelArts.4422, done
	// because the journal shows they were sent.
	j, err := upload.OpenJournal(filepath.Join(dir, "upload-"+srv.DatasetID()+".journal"), upload.Destination{
		Endpoint: srv.URL, ProjectID: srv.ProjectID(), DatasetID: srv.DatasetID()}, true)
	require.NoError(t, err)
	// A sender hands each answer to its recorder and sends its next batch at once, so the
	// last answer may not be written yet when the process dies; whole batches either way.
	recorded := j.Acknowledged()
	assert.Contains(t, []int{0, 10, 20}, recorded, "whole batches are recorded")

	code, _, stderr := runCmd(t, upArgs(srv, "-batch", "10", dir)...)
	require.Equal(t, exitOK, code, stderr)
	if recorded > 0 {
		assert.Contains(t, stderr, fmt.Sprintf("%d samples acknowledged earlier are skipped", recorded))
	}
	assert.Contains(t, stderr, fmt.Sprintf("(%d added, %d already there)", 30, 20-recorded))
	assert.Equal(t, names, srv.Samples())
	for i, n := range names {
		want := 1 // recorded ones are never sent again; the rest once more
		if i < 20 && !j.Done(n) {
			want = 2 // stored before the kill but not yet recorded: sent again, 4422
		}
		assert.Equal(t, want, srv.Received(n), n)
	}
}

// Secrets never reach stdout, stderr or any file the command writes, whatever happens.
func TestUploadSecretsNeverLeak(t *testing.T) {
	const sk, sts, token = "SECRET-sk-0a9b8c", "SECRET-sts-7d6e5f", "SECRET-token-4c3b2a"
	srv := upServer(t, uploadtest.Options{AK: "AK-1", SK: sk, SecurityToken: sts})
	t.Setenv(upload.EnvAK, "AK-1")
	t.Setenv(upload.EnvSK, sk)
	t.Setenv(upload.EnvSecurityToken, sts)
	dir := t.TempDir()
	writeRequests(t, dir, upNames(6), 2)
	srv.Inject(uploadtest.Fault{Status: 503, Message: "echo " + sk + " " + sts})
	srv.FailSample("img-003.jpg", "ModelArts.4421", "refused: "+sts, 1)
	var all strings.Builder
	runAll := func(args ...string) {
		code, out, stderr := runCmd(t, args...)
		fmt.Fprintf(&all, "%d\n%s\n%s\n", code, out, stderr)
	}
	runAll(upArgs(srv, "-batch", "2", dir)...)
	runAll(upArgs(srv, "-dry-run", dir)...)
	runAll(append(upArgs(srv, "-h"), dir)...)
	t.Setenv(upload.EnvSK, "wrong-"+sk)
	runAll(upArgs(srv, dir)...)
	t.Setenv(upload.EnvSK, "")
	t.Setenv(upload.EnvAK, "")
	tokenFile := filepath.Join(t.TempDir(), "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(token), 0o600))
	runAll(upArgs(srv, "-token-file", tokenFile, "-journal", filepath.Join(dir, "t.journal"), dir)...)

	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		all.Write(data)
		return err
	}))
	text := all.String()
	for _, s := range []string{sk, sts, token} {
		assert.NotContains(t, text, s)
	}
	assert.Contains(t, text, "[redacted]", "the echoed secrets were scrubbed")
	assert.Contains(t, text, "HTTP 401", "the runs did fail in the ways intended")
}

func TestUploadHelp(t *testing.T) {
	code, out, _ := runCmd(t, "help", "upload")
	assert.Equal(t, exitOK, code)
	for _, s := range []string{upload.EnvAK, upload.EnvSK, upload.EnvSecurityToken, upload.EnvAuthToken, upload.EnvProjectID, "-token-file", "-journal", "-dry-run", "130"} {
		assert.Contains(t, out, s)
	}
}
