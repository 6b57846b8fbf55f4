package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// Flags may follow the inputs, and -- ends the flags.
func TestFlagsAfterInputs(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCmd(t, "voc", vocQuickStart, "-o", out, "-batch", "2")
	require.Equal(t, exitOK, code, stderr)
	assert.Len(t, writtenRequests(t, out), 2, "-batch 2 after the input was read")

	// After --, "-o" is an input, not a flag.
	out2 := t.TempDir()
	code, _, stderr = runCmd(t, "conll", "-o", out2, "--", "-o")
	assert.Equal(t, exitFailed, code, stderr)
	assert.Contains(t, stderr, "stat -o: no such file")
}

// -h and convert help print the format's own flags first, then the output flags, then the
// upload flags, on stdout, and exit 0; no usage line carries a back-quote.
func TestHelpGroups(t *testing.T) {
	for _, f := range importers.Formats() {
		if strings.HasPrefix(f.Name, "test-") {
			continue // registered by another test for the program's life (linesFormat), without flags of its own
		}
		for _, args := range [][]string{{"help", f.Name}, {f.Name, "-h"}, {f.Name, "x", "--help"}} {
			code, stdout, stderr := runCmd(t, args...)
			require.Equal(t, exitOK, code, "%q: %s", args, stderr)
			assert.Empty(t, stderr, "%q", args)
			own := strings.Index(stdout, "Flags of "+f.Name+":")
			output := strings.Index(stdout, "Output flags:")
			upload := strings.Index(stdout, "Upload flags")
			assert.True(t, own > 0 && own < output && output < upload, "%q: groups out of order:\n%s", args, stdout)
			assert.NotContains(t, stdout, "`", "%q", args)
			assert.Equal(t, 1, strings.Count(stdout, "  -upload\n"), "%q", args)
			// Every upload flag is in the upload group, after every output flag.
			assert.Greater(t, strings.Index(stdout, "  -endpoint URL"), upload, "%q", args)
			assert.Less(t, strings.Index(stdout, "  -batch N"), upload, "%q", args)
		}
	}
}

func TestHelpVerbs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"help", "version"}, "Usage: convert version"},
		{[]string{"help", "help"}, "Usage: convert help [verb]"},
		{[]string{"version", "-h"}, "Usage: convert version"},
		{[]string{"help", "upload"}, "Credentials, first found wins"},
		{[]string{"upload", "-h"}, "Upload flags:"},
		{[]string{"validate", "-h"}, "Usage: convert validate [flags] PATH..."},
		{[]string{"-h"}, "Formats:"},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCmd(t, tt.args...)
		assert.Equal(t, exitOK, code, "%q: %s", tt.args, stderr)
		assert.Contains(t, stdout, tt.want, "%q", tt.args)
		assert.Empty(t, stderr, "%q", tt.args)
	}
}

// A bad flag gets the flag package's line and a pointer to -h, on stderr, exit 2.
func TestBadFlag(t *testing.T) {
	code, stdout, stderr := runCmd(t, "voc", "-nope", vocQuickStart)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "flag provided but not defined: -nope\nRun 'convert voc -h' for the flags.")
}

// Option enums are flag.TextVar values: a bad value names the flag and the values.
func TestEnumFlags(t *testing.T) {
	eng := "../testdata/conll/eng.conll"
	for _, args := range [][]string{
		{"conll", "-scheme", "xyz", eng},
		{"conll", "-encoding", "latin9", eng},
		{"csv", "-layout", "rows", eng},
		{"coco", "-shape", "mask", eng},
		{"upload", "-existing", "maybe", eng},
	} {
		code, _, stderr := runCmd(t, args...)
		assert.Equal(t, exitUsage, code, "%q", args)
		assert.Regexp(t, regexp.MustCompile(`invalid value "[a-z0-9]+" for flag `+args[1]+`: `), stderr)
	}
}

// Summaries use singular forms for one; a dry run does not claim the endpoint got anything.
func TestSummaryWording(t *testing.T) {
	out := t.TempDir()
	code, _, stderr := runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-o", out, filepath.Join(cocoTestdata, "instances.json"))
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "; 1 request body (")
	assert.NotContains(t, stderr, "1 request bodies")

	srv := upServer(t, uploadtest.Options{})
	code, _, stderr = runCmd(t, "coco", "-obs-prefix", "obs://b/d/", "-upload", "-dry-run", "-endpoint", srv.URL, "-dataset-id", srv.DatasetID(),
		"-o", t.TempDir(), filepath.Join(cocoTestdata, "instances.json"))
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stderr, "to the endpoint")
	assert.Contains(t, stderr, "built and signed (dry run: none sent)")
	assert.Equal(t, 0, srv.Requests())
}

// Library messages name options ("option Results"); the command shows its flags instead.
func TestMessagesNameFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"coco", "-obs-prefix", "obs://b/d/", filepath.Join(cocoTestdata, "results.json")}, "a bare array is a detection results file: give it as -results,"},
		{[]string{"coco", "-obs-prefix", "obs://b/d/", "-results", filepath.Join(cocoTestdata, "results.json"), "-min-score", "0.05", filepath.Join(cocoTestdata, "results_instances.json")}, "scored below -min-score 0.05"},
		{[]string{"coco", "-obs-prefix", "s3://b/d/", filepath.Join(cocoTestdata, "instances.json")}, `-obs-prefix "s3://b/d/" must look like obs://bucket/dir/`},
		{[]string{"conll", "-token-column", "4", "../testdata/conll/eng.conll"}, "give -tag-column"},
		{[]string{"upload", "-endpoint", "https://h/v2", "-dataset-id", "d", "../testdata/requests"}, `-endpoint "https://h/v2": must not have a path`},
		{[]string{"voc", "-max-body", "12000000", vocQuickStart}, "-max-body must stay under"},
	}
	for _, tt := range tests {
		args := tt.args
		if args[0] != "upload" {
			args = append(args, "-o", t.TempDir())
		}
		_, _, stderr := runCmd(t, args...)
		assert.Contains(t, stderr, tt.want, "%q", tt.args)
		assert.NotContains(t, stderr, "option ", "%q", tt.args)
	}
}

type byteCount struct{ want, read int64 }

func (b *byteCount) AddRecords(int)    {}
func (b *byteCount) AddBytes(n int64)  { b.want += n }
func (b *byteCount) ReadBytes(n int64) { b.read += n }

// CoNLL, CSV and COCO say how many bytes they will read and count what they read, for the
// progress line's percentage and ETA.
func TestProgressBytes(t *testing.T) {
	tests := []struct {
		format string
		args   []string
		input  string
	}{
		{"conll", nil, "../testdata/conll/eng.conll"},
		{"csv", nil, "../testdata/csv/reviews.csv"},
		{"coco", []string{"-obs-prefix", "obs://b/d/"}, filepath.Join(cocoTestdata, "instances.json")},
	}
	for _, tt := range tests {
		f, ok := importers.Lookup(tt.format)
		require.True(t, ok)
		fs := flag.NewFlagSet(tt.format, flag.ContinueOnError)
		open := f.Flags(fs)
		require.NoError(t, fs.Parse(tt.args))
		var p byteCount
		src, err := open(context.Background(), []string{tt.input}, importers.Env{Progress: &p})
		require.NoError(t, err, tt.format)
		fi, err := os.Stat(tt.input)
		require.NoError(t, err)
		assert.Equal(t, fi.Size(), p.want, tt.format)
		for range src.Samples {
		}
		assert.Equal(t, fi.Size(), p.read, "%s: every byte read is counted", tt.format)
	}
}

func TestDetectAndAuto(t *testing.T) {
	code, stdout, stderr := runCmd(t, "detect", vocQuickStart, "../testdata/conll/eng.conll")
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, vocQuickStart+": voc (VOC root)\n../testdata/conll/eng.conll: conll (CoNLL columns)\n", stdout)
	code, _, stderr = runCmd(t, "detect", "main_test.go")
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr, "main_test.go: no format recognises this input")

	// Without a format word, flags before or after the inputs.
	for _, args := range [][]string{{"-o", "OUT", vocQuickStart}, {"auto", vocQuickStart, "-batch", "2", "-o", "OUT"}} {
		out := t.TempDir()
		for i := range args {
			if args[i] == "OUT" {
				args[i] = out
			}
		}
		code, _, stderr = runCmd(t, args...)
		require.Equal(t, exitOK, code, "%q: %s", args, stderr)
		assert.Contains(t, stderr, "convert: "+vocQuickStart+": voc (VOC root)")
		assert.Len(t, writtenSamples(t, out), 4)
	}
	// A format's own flag picks among the formats; inputs of two formats are refused.
	code, _, stderr = runCmd(t, "-o", t.TempDir(), vocQuickStart, "../testdata/conll/eng.conll")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "the inputs are of different formats")
	code, _, stderr = runCmd(t, "-token-column", "1", "-o", t.TempDir(), vocQuickStart)
	assert.Equal(t, exitUsage, code, stderr)
	code, stdout, _ = runCmd(t, "auto", "-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "Usage: convert auto [flags] INPUT...")
}

// A .gz of a CoNLL, CSV or manifest file reads as the file: the same samples, the same names.
func TestGzipTextInputs(t *testing.T) {
	for _, tt := range []struct{ format, file string }{{"conll", "../testdata/conll/eng.conll"}, {"csv", "../testdata/csv/reviews.csv"}, {"manifest", manifestData + "classification.manifest"}} {
		data, err := os.ReadFile(tt.file)
		require.NoError(t, err)
		gz := filepath.Join(t.TempDir(), filepath.Base(tt.file)+".gz")
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, err = zw.Write(data)
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		require.NoError(t, os.WriteFile(gz, buf.Bytes(), 0o644))

		plain, packed := t.TempDir(), t.TempDir()
		code, _, stderr := runCmd(t, tt.format, "-o", plain, tt.file)
		require.Equal(t, exitOK, code, stderr)
		code, _, stderr = runCmd(t, tt.format, "-o", packed, gz)
		require.Equal(t, exitOK, code, stderr)
		assert.Equal(t, writtenSamples(t, plain), writtenSamples(t, packed), tt.format)
	}
}
