package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// pluginBinary builds this example as a program of its own, as its author would.
func pluginBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "plugin")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func runBin(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, stdout.String(), stderr.String()
}

// requests reads the request bodies a run wrote, each checked by the project's validator.
func requests(t *testing.T, dir string) []api.Request {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "part-*.json"))
	require.NoError(t, err)
	var reqs []api.Request
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		req, err := api.DecodeRequest(data)
		require.NoError(t, err, f)
		require.Empty(t, api.Validate(req), f)
		reqs = append(reqs, *req)
	}
	return reqs
}

func TestPluginBinary(t *testing.T) {
	bin := pluginBinary(t)
	dir := t.TempDir()

	list := filepath.Join(dir, "images.txt")
	require.NoError(t, os.WriteFile(list, []byte("obs://b/d/cat1.jpg cat\n/local/dog.jpg dog\nobs://b/d/x.jpg\n\nobs://b/d/dog2.jpg dog\n"), 0o644))
	out := filepath.Join(dir, "out")
	code, _, stderr := runBin(t, bin, "myformat", "-o", out, list)
	assert.Equal(t, 1, code, "two lines rejected: %s", stderr)
	assert.Contains(t, stderr, "images.txt:2: rejected: \"/local/dog.jpg\" is not an obs:// path")
	assert.Contains(t, stderr, "images.txt:3: rejected: names no class")
	reqs := requests(t, out)
	require.Len(t, reqs, 1)
	require.Len(t, reqs[0].Samples, 2)
	assert.Equal(t, "obs://b/d/dog2.jpg", reqs[0].Samples[1].DataSource.DataPath)

	// The format's own flag, after the input.
	out2 := filepath.Join(dir, "out2")
	code, _, stderr = runBin(t, bin, "myformat", list, "-o", out2, "-default-label", "animal")
	assert.Equal(t, 1, code, stderr)
	assert.Len(t, requests(t, out2)[0].Samples, 3)

	// The module's formats are all there.
	out3 := filepath.Join(dir, "voc")
	code, _, stderr = runBin(t, bin, "voc", "-o", out3, "../../testdata/voc")
	require.Equal(t, 0, code, stderr)
	assert.Len(t, requests(t, out3)[0].Samples, 4)

	code, stdout, _ := runBin(t, bin, "help", "myformat")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "Flags of myformat:\n  -default-label CLASS")
	code, stdout, _ = runBin(t, bin, "help")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "  myformat ")
	assert.Contains(t, stdout, "  voc ")
}
