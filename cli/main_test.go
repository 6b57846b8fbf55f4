package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	_ "github.com/modelarts-convert/convert/importers/all"
	"github.com/modelarts-convert/convert/internal/golden"
)

// run is Run without a context.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(context.Background(), args, stdin, stdout, stderr)
}

// runContext is Run.
var runContext = Run

// runCmd runs the command in-process and returns its exit status, stdout and stderr.
func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runStdin(t, strings.NewReader(""), args...)
}

// runStdin is runCmd with the given standard input.
func runStdin(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, stdin, &out, &errOut)
	return code, out.String(), errOut.String()
}

// writtenRequests reads every request body a run wrote into dir, in order, checking that
// each passes the validator.
func writtenRequests(t *testing.T, dir string) []api.Request {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "part-*.json"))
	require.NoError(t, err)
	var reqs []api.Request
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		var req api.Request
		require.NoError(t, json.Unmarshal(data, &req), f)
		require.Empty(t, api.Validate(&req), f)
		reqs = append(reqs, req)
	}
	return reqs
}

// writtenSamples is the samples of writtenRequests.
func writtenSamples(t *testing.T, dir string) []api.Sample {
	t.Helper()
	var out []api.Sample
	for _, r := range writtenRequests(t, dir) {
		out = append(out, r.Samples...)
	}
	return out
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no verb", nil, exitUsage, "Usage:"},
		{"unknown verb", []string{"frobnicate"}, exitUsage, `unknown verb "frobnicate"`},
		{"validate without path", []string{"validate"}, exitUsage, "no PATH given"},
		{"validate unknown flag", []string{"validate", "-nope", "x"}, exitUsage, "flag provided but not defined"},
		{"validate missing file", []string{"validate", "does-not-exist.json"}, exitUsage, "no such file"},
		{"validate folder without json", []string{"validate", "../api"}, exitUsage, "no *.json files"},
		{"help", []string{"help"}, exitOK, ""},
		{"help validate", []string{"help", "validate"}, exitOK, ""},
		{"help unknown", []string{"help", "nope"}, exitUsage, "unknown verb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCmd(t, tt.args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, stderr, tt.err)
		})
	}
}

func TestHelpListsVerbs(t *testing.T) {
	code, out, _ := runCmd(t, "help")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "convert validate [flags] PATH...")
	assert.Contains(t, out, "Exit status")
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "version")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "convert "+Version+"\n", out)
}

func TestValidateValidBodies(t *testing.T) {
	code, out, stderr := runCmd(t, "validate", "../testdata/requests")
	assert.Equal(t, exitOK, code, out)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "3 files, 7 samples; 0 files with violations")
}

// Each faulty sample of a file with several is named, with its location and reason.
func TestValidateInvalidBodies(t *testing.T) {
	code, out, _ := runCmd(t, "validate", "-q", "../testdata/invalid")
	assert.Equal(t, exitFailed, code)
	golden.Check(t, "testdata/validate-invalid.golden", []byte(out))
	for _, name := range []string{"flipped.jpg", "nosize.jpg", `"ner"`} {
		assert.Contains(t, out, name)
	}
	assert.NotContains(t, out, "ok.jpg", "a valid sample is not reported")
}

func TestValidateFlagStyles(t *testing.T) {
	for _, q := range []string{"-q", "--q"} {
		code, _, stderr := runCmd(t, "validate", q, "../testdata/requests/text.json")
		assert.Equal(t, exitOK, code)
		assert.Empty(t, stderr)
	}
}

func TestValidateWrongType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"samples":[{"name":"a","sample_type":"0","data":"YQ=="}]}`), 0o644))
	code, out, _ := runCmd(t, "validate", path)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, out, "samples.sample_type: is a JSON string; must be api.SampleType")
}

// A repeated key anywhere in a body is a violation with its line and column.
func TestValidateRepeatedKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dup.json")
	body := "{\"samples\":[{\"name\":\"a.txt\",\"sample_type\":1,\"data\":\"YQ==\"}],\n" +
		"\"samples\":[{\"name\":\"b.txt\",\"sample_type\":1,\"data\":\"Yg==\",\"labels\":[{\"name\":\"x\",\"type\":100}],\"labels\":[]}]}\n"
	require.NoError(t, os.WriteFile(file, []byte(body), 0o644))
	code, out, _ := runCmd(t, "validate", file)
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, file+`: line 2, column 1: request: key "samples" repeats the one at line 1, column 2; a reader keeps only one of them, so the other's value would be lost`+"\n"+
		file+`: line 2, column 93: samples[0]: key "labels" repeats the one at line 2, column 58; a reader keeps only one of them, so the other's value would be lost`+"\n", out)
}
