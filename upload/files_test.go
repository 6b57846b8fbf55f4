package upload_test

import (
	"context"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/upload"
	"github.com/modelarts-convert/convert/upload/uploadtest"
)

// writeBodies writes n bench samples as request files of batch samples each and returns
// their paths.
func writeBodies(t *testing.T, dir string, n, batch int) []string {
	t.Helper()
	_, err := emit.WriteDir(context.Background(), dir, benchSamples(n), emit.Options{BatchSize: batch}, nil)
	require.NoError(t, err)
	files, err := upload.RequestFiles([]string{dir})
	require.NoError(t, err)
	return files
}

type collected struct {
	batches  []*emit.Batch
	rejected []string
	err      error
}

func collect(files []string, opts emit.Options, prepare func(iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error]) collected {
	var c collected
	opts.Reject = func(s *api.Sample, reason string) { c.rejected = append(c.rejected, s.Name+": "+reason) }
	for b, err := range upload.FileBatches(context.Background(), files, opts, nil, prepare) {
		if err != nil {
			c.err = err
			break
		}
		c.batches = append(c.batches, b)
	}
	return c
}

func readFiles(t *testing.T, files []string) [][]byte {
	out := make([][]byte, len(files))
	for i, f := range files {
		var err error
		out[i], err = os.ReadFile(f)
		require.NoError(t, err)
	}
	return out
}

// Files within the limits, with nothing to leave out or rename, are sent byte for byte as
// they were read, a hand-formatted one included; the endpoint (which checks the signature
// over the bytes it got and validates them) stores every sample.
func TestFileBatchesSendsFilesAsRead(t *testing.T) {
	dir := t.TempDir()
	files := writeBodies(t, dir, 250, 100)
	pretty := filepath.Join(dir, "part-000004.json")
	require.NoError(t, os.WriteFile(pretty, []byte("{\n  \"samples\": [\n    {\"name\": \"hand.jpg\", \"sample_type\": 0,\n     \"data_source\": {\"data_path\": \"obs://b/hand.jpg\"}}\n  ]\n}\n"), 0o644))
	files = append(files, pretty)
	want := readFiles(t, files)

	c := collect(files, emit.Options{}, nil)
	require.NoError(t, c.err)
	require.Len(t, c.batches, len(files))
	for i, b := range c.batches {
		assert.Equal(t, string(want[i]), string(b.Body), "file %d as read", i)
		assert.Equal(t, i+1, b.Seq)
	}
	assert.Equal(t, []string{"hand.jpg"}, c.batches[3].Names)
	assert.Equal(t, 1, c.batches[0].Labels[api.LabelObjectDetection]/100)

	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	u := &upload.Uploader{Client: srv.Client(), Concurrency: 3}
	st, err := u.Upload(context.Background(), upload.FileBatches(context.Background(), files, emit.Options{}, nil, nil))
	require.NoError(t, err)
	assert.Equal(t, 251, st.Created)
	assert.Equal(t, int64(len(want[0])+len(want[1])+len(want[2])+len(want[3])), st.Bytes, "the bytes sent are the files'")
	assert.Len(t, srv.Samples(), 251)
}

// Every reason to re-batch a file: its samples are then re-encoded (and checked) as
// emit.Batches does, and what it rejects is reported.
func TestFileBatchesRebatchesWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	files := writeBodies(t, dir, 30, 10) // 3 files
	for _, f := range files {
		// A trailing blank line: a file sent as read differs from its re-encoded form.
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(f, append(data, '\n'), 0o644))
	}
	bodies := readFiles(t, files)
	big := filepath.Join(t.TempDir(), "big.json")
	_, err := emit.WriteDir(context.Background(), filepath.Dir(big), benchSamples(150), emit.Options{BatchSize: 150}, nil)
	require.NoError(t, err)
	bigFiles, err := upload.RequestFiles([]string{filepath.Dir(big)})
	require.NoError(t, err)

	asRead := func(c collected) (n int) {
		for _, b := range c.batches {
			for _, body := range bodies {
				if string(b.Body) == string(body) {
					n++
				}
			}
		}
		return n
	}
	names := func(c collected) (out []string) {
		for _, b := range c.batches {
			out = append(out, b.Names...)
		}
		return out
	}
	dropOne := func(s iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
		return func(yield func(*api.Sample, error) bool) {
			for x, err := range s {
				if x != nil && x.Name == "img-0000012.jpg" {
					continue // as a journal's Skip leaves out a sample acknowledged earlier
				}
				if !yield(x, err) {
					return
				}
			}
		}
	}

	t.Run("name prefix", func(t *testing.T) {
		c := collect(files, emit.Options{}, func(s iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
			return importers.PrefixNames(s, "p-")
		})
		require.NoError(t, c.err)
		assert.Zero(t, asRead(c))
		assert.Len(t, names(c), 30)
		assert.Equal(t, "p-img-0000000.jpg", names(c)[0])
		assert.Contains(t, string(c.batches[0].Body), `"name":"p-img-0000000.jpg"`)
	})
	t.Run("a sample left out", func(t *testing.T) {
		c := collect(files, emit.Options{}, dropOne)
		require.NoError(t, c.err)
		assert.Equal(t, 2, asRead(c), "the first and the third file; the second re-batched")
		assert.Len(t, names(c), 29)
		assert.NotContains(t, names(c), "img-0000012.jpg")
	})
	t.Run("batch size given", func(t *testing.T) {
		c := collect(files, emit.Options{BatchSize: 20}, nil)
		require.NoError(t, c.err)
		assert.Zero(t, asRead(c))
		require.Len(t, c.batches, 2)
		assert.Len(t, c.batches[0].Names, 20)
	})
	t.Run("over the default limits", func(t *testing.T) {
		c := collect(append(append([]string{}, files...), bigFiles...), emit.Options{}, nil)
		require.NoError(t, c.err)
		assert.Equal(t, 3, asRead(c))
		require.Len(t, c.batches, 5)
		assert.Len(t, c.batches[3].Names, 100)
		assert.Len(t, c.batches[4].Names, 20)
		assert.Equal(t, []int{1, 2, 3, 4, 5}, []int{c.batches[0].Seq, c.batches[1].Seq, c.batches[2].Seq, c.batches[3].Seq, c.batches[4].Seq})
		assert.Len(t, c.rejected, 30, "the big file repeats the first 30 names")
	})
	t.Run("final_annotation set for all", func(t *testing.T) {
		f := false
		c := collect(files, emit.Options{FinalAnnotation: &f}, nil)
		require.NoError(t, c.err)
		assert.Zero(t, asRead(c))
		assert.True(t, strings.HasPrefix(string(c.batches[0].Body), `{"final_annotation":false,`))
	})
	t.Run("an invalid sample", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.json")
		body := strings.Replace(string(bodies[1]), `"name":"img-0000013.jpg"`, `"name":"img<13.jpg"`, 1)
		require.NotEqual(t, string(bodies[1]), body)
		require.NoError(t, os.WriteFile(bad, []byte(body), 0o644))
		c := collect([]string{files[0], bad, files[2]}, emit.Options{}, nil)
		require.NoError(t, c.err)
		assert.Equal(t, 2, asRead(c), "the first and the third file")
		assert.Len(t, names(c), 29)
		require.Len(t, c.rejected, 1)
		assert.Contains(t, c.rejected[0], "img<13.jpg: ")
	})
	t.Run("a name repeated across files", func(t *testing.T) {
		c := collect([]string{files[0], files[0], files[1]}, emit.Options{}, nil)
		require.NoError(t, c.err)
		assert.Equal(t, 2, asRead(c), "the first and the third file")
		assert.Len(t, names(c), 20)
		require.Len(t, c.rejected, 10)
		assert.Equal(t, "img-0000000.jpg: "+emit.RepeatReason("img-0000000.jpg"), c.rejected[0])
	})
	t.Run("samples without names", func(t *testing.T) {
		anon := filepath.Join(t.TempDir(), "anon.json")
		require.NoError(t, os.WriteFile(anon, []byte(`{"samples":[{"sample_type":0,"data_source":{"data_path":"obs://b/x.jpg"}}]}`), 0o644))
		c := collect([]string{anon}, emit.Options{}, nil)
		require.NoError(t, c.err)
		require.Len(t, c.batches, 1)
		assert.Equal(t, `{"samples":[{"sample_type":0,"data_source":{"data_path":"obs://b/x.jpg","data_type":0}}]}`+"\n", string(c.batches[0].Body), "re-encoded, as emit writes it")
	})
}

// Differential: every request body under testdata/ that is sent as read means exactly what
// its re-encoded form means (the same request once decoded), and the same files re-batched
// give the same samples in the same order.
func TestFilesAsReadMeanWhatReencodedMean(t *testing.T) {
	var files []string // every *.json and *.golden under a testdata folder of the module
	require.NoError(t, filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.Contains(filepath.ToSlash(path), "/testdata/") &&
			(strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".golden")) {
			files = append(files, path)
		}
		return nil
	}))
	files = append(files, writeBodies(t, t.TempDir(), 120, 100)...)
	checked := 0
	for _, f := range files {
		if _, err := upload.ReadRequestFile(f, nil); err != nil {
			continue // not a request body (the invalid examples)
		}
		asRead := collect([]string{f}, emit.Options{}, nil)
		again := collect([]string{f}, emit.Options{MaxBody: emit.DefaultMaxBody - 1}, nil) // re-batch: re-encode
		require.NoError(t, asRead.err, f)
		require.NoError(t, again.err, f)
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if len(asRead.batches) != 1 || string(asRead.batches[0].Body) != string(data) {
			t.Logf("%s: re-batched (%d rejected)", f, len(asRead.rejected))
			continue // not the fast path
		}
		checked++
		require.Len(t, again.batches, 1, f)
		a, err := api.DecodeRequest(asRead.batches[0].Body)
		require.NoError(t, err, f)
		b, err := api.DecodeRequest(again.batches[0].Body)
		require.NoError(t, err, f)
		for i := range a.Samples {
			a.Samples[i].Origin, b.Samples[i].Origin = "", ""
		}
		assert.True(t, reflect.DeepEqual(a, b), "%s: as read and re-encoded differ", f)
		assert.Equal(t, asRead.batches[0].Names, again.batches[0].Names, f)
		assert.Equal(t, asRead.batches[0].Labels, again.batches[0].Labels, f)
		assert.Empty(t, again.rejected, f)
	}
	assert.GreaterOrEqual(t, checked, 15, "files checked")
	t.Logf("%d request bodies sent as read, each equal to its re-encoded form", checked)
}

// Many writers at once: the journal's group commit loses no line and keeps every line whole.
func TestJournalGroupCommitKeepsEveryLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.journal")
	srv := uploadtest.New(uploadtest.Options{})
	defer srv.Close()
	client := srv.Client()
	j, err := upload.OpenJournal(path, client.Destination(), false)
	require.NoError(t, err)
	u := &upload.Uploader{Client: client, Journal: j, Concurrency: 16}
	st, err := u.UploadSamples(context.Background(), benchSamples(3000), emit.Options{BatchSize: 10})
	require.NoError(t, err)
	require.Equal(t, 3000, st.Created)
	require.NoError(t, j.Close())

	again, err := upload.OpenJournal(path, client.Destination(), true)
	require.NoError(t, err)
	assert.Equal(t, 3000, again.Acknowledged())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	assert.Len(t, lines, 1+300+300, "header, a sending and an answer line per batch")
}
