package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/flock"
)

// conllSentences is n one-token sentences in CoNLL.
func conllSentences(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "w%d B-LOC\n\n", i)
	}
	return b.String()
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A second run into a folder another run is writing exits 1 at once and writes nothing.
func TestOutputFolderLocked(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	other, err := emit.OpenDir(dir, emit.DirOptions{}) // the other run
	require.NoError(t, err)
	defer other.Close()
	read := false
	stdin := readFunc(func(p []byte) (int, error) { read = true; return 0, fmt.Errorf("must not be read") })
	code, stderr := runConll(t, stdin, "-o", dir, "-overwrite", "-")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Equal(t, "convert conll: "+dir+" is being written by another convert run\n", stderr)
	assert.False(t, read, "the input was not read")
	assert.Empty(t, dirNames(t, dir))
}

type writeFunc func([]byte) (int, error)

func (f writeFunc) Write(p []byte) (int, error) { return f(p) }

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }

// A folder with an earlier run's request files is refused; -overwrite replaces them, removing
// them before the first file is written, so the folder holds exactly the new run.
func TestOutputFolderEarlierRun(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runConll(t, strings.NewReader(conllSentences(5)), "-o", dir, "-batch", "1", "-")
	require.Equal(t, exitOK, code, stderr)
	require.Len(t, dirNames(t, dir), 5)

	code, stderr = runConll(t, strings.NewReader(conllSentences(2)), "-o", dir, "-")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "convert conll: "+dir+" already holds 5 request files of an earlier run; give -overwrite to replace them\n", stderr)
	assert.Len(t, dirNames(t, dir), 5, "nothing touched")

	code, stderr = runConll(t, strings.NewReader(conllSentences(2)), "-o", dir, "-overwrite", "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "removed the 5 request files of an earlier run from "+dir)
	assert.Equal(t, []string{"part-000001.json"}, dirNames(t, dir))
	assert.Len(t, writtenSamples(t, dir), 2)
}

// `convert coco -o same same/part-000002.json` must not delete or overwrite its own input.
func TestOutputFolderNeverTouchesAnInput(t *testing.T) {
	dir := t.TempDir()
	code, stderr := runConll(t, strings.NewReader(conllSentences(3)), "-o", dir, "-batch", "1", "-")
	require.Equal(t, exitOK, code, stderr)
	input := filepath.Join(dir, "part-000002.json")
	before, err := os.ReadFile(input)
	require.NoError(t, err)
	for _, overwrite := range []string{"-overwrite=false", "-overwrite"} {
		code, _, stderr = runCmd(t, "coco", "-obs-prefix", "obs://b/d/", overwrite, "-o", dir, input)
		assert.Equal(t, exitUsage, code, stderr)
		assert.Contains(t, stderr, input+" is the request file part-000002.json of the output folder "+dir+", and this run reads it")
		after, err := os.ReadFile(input)
		require.NoError(t, err)
		assert.Equal(t, before, after)
		assert.Len(t, dirNames(t, dir), 3)
	}
}

// Temporary files a killed run left are removed by the next run into the folder.
func TestOutputFolderRemovesKilledRunsTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".part-000004.json.2751.tmp"), []byte(`{"samp`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
	code, stderr := runConll(t, strings.NewReader(conllSentences(1)), "-o", dir, "-")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, []string{"notes.txt", "part-000001.json"}, dirNames(t, dir))
}

// An interrupted run says how many request files it wrote, and they are all there.
func TestOutputFolderInterruptedSaysWhatItWrote(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Sentence 1,051 is rejected; its report on stderr stands for the Ctrl-C, half-way through.
	input := conllSentences(1050) + "bad B-\n\n" + conllSentences(1000)
	stdin := strings.NewReader(input)
	var out, errOut bytes.Buffer
	stderr := writeFunc(func(p []byte) (int, error) {
		if bytes.Contains(p, []byte("rejected")) {
			cancel()
		}
		return errOut.Write(p)
	})
	conll, _ := importers.Lookup("conll")
	code := runFormat(ctx, conll, []string{"-o", dir, "-batch", "100", "-"}, stdio{in: stdin, out: &out, err: stderr})
	assert.Equal(t, exitInterrupted, code, errOut.String())
	files := len(dirNames(t, dir))
	require.Positive(t, files, errOut.String())
	assert.Equal(t, 11, files)
	assert.Equal(t, 1050, len(writtenSamples(t, dir)), "every sample read before the interruption is written")
	assert.Contains(t, errOut.String(), fmt.Sprintf("stopped early: %s holds the %d request files this run wrote (part-000001.json to %s)", dir, files, emit.FileName(files)))
	assert.Contains(t, errOut.String(), fmt.Sprintf("; %d request bodies", files))
}

// A file that cannot be written (here a folder in the way of part-000005.json) ends the run
// with the files before it in place and none after it, however many writers there are, and
// the run says which.
func TestOutputFolderWriteFailureLeavesThePrefix(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, emit.FileName(5), "x"), 0o755))
	code, stderr := runConll(t, strings.NewReader(conllSentences(2000)), "-o", dir, "-batch", "100", "-")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "emit: writing "+filepath.Join(dir, emit.FileName(5)))
	assert.Contains(t, stderr, fmt.Sprintf("stopped early: %s holds the 4 request files this run wrote (part-000001.json to part-000004.json)", dir))
	assert.Equal(t, []string{"part-000001.json", "part-000002.json", "part-000003.json", "part-000004.json", "part-000005.json"}, dirNames(t, dir), "the four files and the folder in the way; no temporary file")
	require.NoError(t, os.RemoveAll(filepath.Join(dir, emit.FileName(5))))
	assert.Len(t, writtenSamples(t, dir), 400)
}
