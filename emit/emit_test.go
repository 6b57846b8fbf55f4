package emit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/flock"
	"github.com/modelarts-convert/convert/internal/golden"
)

func textSample(i int, text string) *api.Sample {
	return &api.Sample{
		Name:       fmt.Sprintf("s%04d", i),
		SampleType: api.SampleText,
		Data:       b64(text),
		Labels:     []api.SampleLabel{{Name: "pos", Type: api.LabelTextClassification}},
	}
}

func b64(s string) string {
	b, _ := json.Marshal([]byte(s))
	return strings.Trim(string(b), `"`)
}

func stream(samples []*api.Sample, tail error) iter.Seq2[*api.Sample, error] {
	return func(yield func(*api.Sample, error) bool) {
		for _, s := range samples {
			if !yield(s, nil) {
				return
			}
		}
		if tail != nil {
			yield(nil, tail)
		}
	}
}

func collect(t *testing.T, seq iter.Seq2[*Batch, error]) ([]*Batch, error) {
	t.Helper()
	var out []*Batch
	for b, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, b)
	}
	return out, nil
}

func many(n int) []*api.Sample {
	out := make([]*api.Sample, n)
	for i := range out {
		out[i] = textSample(i, strings.Repeat("x", 100))
	}
	return out
}

func TestBatchByCount(t *testing.T) {
	batches, err := collect(t, Batches(context.Background(), stream(many(25), nil), Options{BatchSize: 10}))
	require.NoError(t, err)
	require.Len(t, batches, 3)
	assert.Equal(t, []int{10, 10, 5}, []int{batches[0].Samples, batches[1].Samples, batches[2].Samples})
	assert.Equal(t, []int{1, 2, 3}, []int{batches[0].Seq, batches[1].Seq, batches[2].Seq})
	assert.Equal(t, 5, batches[2].Labels[api.LabelTextClassification])
	for _, b := range batches {
		var req api.Request
		require.NoError(t, json.Unmarshal(b.Body, &req), "each body is one complete request")
		assert.Len(t, req.Samples, b.Samples)
		assert.Empty(t, api.Validate(&req))
		assert.Equal(t, b.Names[0], req.Samples[0].Name)
	}
}

func TestBatchBySize(t *testing.T) {
	one, err := EncodeSample(textSample(0, strings.Repeat("x", 100)))
	require.NoError(t, err)
	// Room for exactly three samples: framing + 3 samples + 2 commas.
	limit := len(`{"samples":[`) + len(suffix) + 3*len(one) + 2
	batches, err := collect(t, Batches(context.Background(), stream(many(10), nil), Options{BatchSize: 100, MaxBody: limit}))
	require.NoError(t, err)
	require.Len(t, batches, 4)
	for _, b := range batches {
		assert.LessOrEqual(t, len(b.Body), limit)
	}
	assert.Equal(t, limit, len(batches[0].Body), "a batch fills up to the limit exactly")
	assert.Equal(t, 1, batches[3].Samples)
}

func TestRejections(t *testing.T) {
	big := textSample(1, strings.Repeat("y", 5000))
	invalid := textSample(2, "z")
	invalid.Labels[0].Type = 7
	invalid.SampleType = 3
	dup := textSample(0, "again")
	var reasons []string
	opts := Options{MaxBody: 2000, Reject: func(s *api.Sample, reason string) { reasons = append(reasons, s.Name+": "+reason) }}
	batches, err := collect(t, Batches(context.Background(), stream([]*api.Sample{textSample(0, "a"), big, invalid, dup, textSample(3, "b")}, nil), opts))
	require.NoError(t, err)
	require.Len(t, batches, 1)
	assert.Equal(t, []string{"s0000", "s0003"}, batches[0].Names)
	require.Len(t, reasons, 3)
	assert.Contains(t, reasons[0], "s0001: encodes to")
	assert.Contains(t, reasons[1], "s0002: sample_type: is 3", "one rejection names every broken rule")
	assert.Contains(t, reasons[1], "; labels[0].type: is 7")
	assert.Contains(t, reasons[2], "repeats an earlier sample's")
}

func TestStreamErrorFlushesFirst(t *testing.T) {
	boom := errors.New("boom")
	var got []*Batch
	var gotErr error
	for b, err := range Batches(context.Background(), stream(many(3), boom), Options{}) {
		if err != nil {
			gotErr = err
			continue
		}
		got = append(got, b)
	}
	require.Len(t, got, 1, "samples read before the error are still written")
	assert.Equal(t, 3, got[0].Samples)
	assert.ErrorIs(t, gotErr, boom)
}

func TestRequestSettings(t *testing.T) {
	final := false
	opts := Options{FinalAnnotation: &final, LabelFormat: &api.LabelFormat{LabelType: "1", TextSampleSeparator: "\t"}}
	batches, err := collect(t, Batches(context.Background(), stream(many(1), nil), opts))
	require.NoError(t, err)
	golden.Check(t, "testdata/settings.golden.json", batches[0].Body)
}

func TestWriteDir(t *testing.T) {
	dir := t.TempDir()
	// Files of other names are left alone.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep"), 0o644))
	st, err := WriteDir(context.Background(), dir, stream(many(25), nil), Options{BatchSize: 10}, nil)
	require.NoError(t, err)
	assert.Equal(t, 25, st.Samples)
	assert.Equal(t, 3, st.Batches)
	assert.Equal(t, 25, st.Labels[api.LabelTextClassification])
	assert.Equal(t, []string{"notes.txt", "part-000001.json", "part-000002.json", "part-000003.json"}, listDir(t, dir))
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(dir, "part-000001.json"))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "request files are readable by all, as files a user writes are")
	}
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func writeFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte(`{"samples":[]}`), 0o644))
	}
}

// A folder with request files of an earlier run is refused, and nothing in it is touched.
func TestOpenDirRefusesEarlierRun(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, FileName(1), FileName(9), "notes.txt")
	_, err := WriteDir(context.Background(), dir, stream(many(5), nil), Options{}, nil)
	var ee *ExistingRequestsError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 2, ee.Files)
	assert.Equal(t, dir+" already holds 2 request files of an earlier run", err.Error())
	assert.Equal(t, []string{"notes.txt", FileName(1), FileName(9)}, listDir(t, dir))
}

// With Overwrite the earlier run's request files go before anything is written, so the
// folder never mixes two runs.
func TestOpenDirOverwrite(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, FileName(1), FileName(2), FileName(9), "notes.txt", "part-1.json")
	d, err := OpenDir(dir, DirOptions{Overwrite: true})
	require.NoError(t, err)
	defer d.Close()
	var atFirst []string
	st, err := d.Write(context.Background(), stream(many(15), nil), Options{BatchSize: 10}, func(b *Batch, _ string) {
		if b.Seq == 1 {
			// Another writer may be writing the next batch's temporary file meanwhile.
			for _, n := range listDir(t, dir) {
				if !tempName.MatchString(n) {
					atFirst = append(atFirst, n)
				}
			}
		}
	})
	require.NoError(t, err)
	assert.Equal(t, 3, d.Removed)
	assert.Equal(t, []string{"notes.txt", "part-000001.json", "part-1.json"}, atFirst, "the earlier files were gone before the first was written")
	assert.Equal(t, 2, st.Batches)
	assert.Equal(t, []string{"notes.txt", "part-000001.json", "part-000002.json", "part-1.json"}, listDir(t, dir))
}

// A second run into a folder that another run holds fails at once; the lock goes with Close.
func TestOpenDirBusy(t *testing.T) {
	if !flock.Supported {
		t.Skip("no flock here")
	}
	dir := t.TempDir()
	first, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	_, err = OpenDir(dir, DirOptions{Overwrite: true})
	var busy *DirBusyError
	require.ErrorAs(t, err, &busy)
	assert.Equal(t, dir+" is being written by another convert run", err.Error())
	// The same folder through a link is the same lock.
	link := filepath.Join(t.TempDir(), "link")
	require.NoError(t, os.Symlink(dir, link))
	_, err = OpenDir(link, DirOptions{})
	require.ErrorAs(t, err, &busy)
	require.NoError(t, first.Close())
	second, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	second.Close()
}

// A request file the run reads is never removed or overwritten, however its path is spelled.
func TestOpenDirInputConflict(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, FileName(1), FileName(2))
	link := filepath.Join(t.TempDir(), "in.json")
	require.NoError(t, os.Symlink(filepath.Join(dir, FileName(2)), link))
	for _, input := range []string{filepath.Join(dir, FileName(2)), filepath.Join(dir, ".", FileName(2)), link} {
		_, err := OpenDir(dir, DirOptions{Overwrite: true, Inputs: []string{"-", dir, input}})
		var ce *InputConflictError
		require.ErrorAs(t, err, &ce, input)
		assert.Equal(t, FileName(2), ce.File)
		assert.Equal(t, input, ce.Input)
		assert.Equal(t, []string{FileName(1), FileName(2)}, listDir(t, dir), "nothing removed")
	}
}

// Temporary files a killed run left are removed by the next run (it holds the lock); other
// hidden files stay.
func TestOpenDirRemovesTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, ".part-000003.json.123456.tmp", ".part-000001.json.9.tmp", ".other.tmp", ".part-x.json.1.tmp")
	d, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	d.Close()
	assert.Equal(t, []string{".other.tmp", ".part-x.json.1.tmp"}, listDir(t, dir))
}

// On a write error (a full disk) the run stops and the stats count exactly what is on disk.
// (TestWriteFailuresLeaveAPrefix tries every step's failure, with one to four writers.)
func TestWriteDirDiskFullCountsFilesOnDisk(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	defer d.Close()
	d.createTemp = (&faults{write: map[int]error{15: syscall.ENOSPC}}).createTemp
	st, err := d.Write(context.Background(), stream(many(1600), nil), Options{BatchSize: 100}, nil)
	require.ErrorIs(t, err, syscall.ENOSPC)
	names := listDir(t, dir)
	assert.Len(t, names, 14, "no temporary file is left: %v", names)
	samples, labels := 0, 0
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		require.NoError(t, err)
		var req api.Request
		require.NoError(t, json.Unmarshal(data, &req), n)
		samples += len(req.Samples)
		for _, s := range req.Samples {
			labels += len(s.Labels)
		}
	}
	assert.Equal(t, 14, st.Batches)
	assert.Equal(t, 1400, samples)
	assert.Equal(t, samples, st.Samples)
	assert.Equal(t, labels, st.Labels[api.LabelTextClassification])
}

func TestWriteDirDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	_, err := WriteDir(context.Background(), a, stream(many(30), nil), Options{BatchSize: 7}, nil)
	require.NoError(t, err)
	_, err = WriteDir(context.Background(), b, stream(many(30), nil), Options{BatchSize: 7}, nil)
	require.NoError(t, err)
	for i := 1; i <= 5; i++ {
		x, err := os.ReadFile(filepath.Join(a, FileName(i)))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b, FileName(i)))
		require.NoError(t, err)
		assert.Equal(t, x, y, FileName(i))
	}
}

// An interrupted run leaves only complete request files: the batch in progress is either
// fully in place or absent, and no temporary file is named *.json.
func TestWriteDirInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	seq := func(yield func(*api.Sample, error) bool) {
		for _, s := range many(100) {
			n++
			if n == 35 {
				cancel()
			}
			if !yield(s, nil) {
				return
			}
		}
	}
	_, err := WriteDir(ctx, dir, seq, Options{BatchSize: 10}, nil)
	require.ErrorIs(t, err, context.Canceled)
	matches, _ := filepath.Glob(filepath.Join(dir, "*"))
	assert.Len(t, matches, 4, "three full batches and the flushed partial one")
	for _, m := range matches {
		require.True(t, strings.HasSuffix(m, ".json"), "stray file %s", m)
		data, err := os.ReadFile(m)
		require.NoError(t, err)
		var req api.Request
		require.NoError(t, json.Unmarshal(data, &req), "%s is complete", m)
	}
}

func TestWriteAtomicFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "sub") // a directory where the file should go: rename fails
	require.NoError(t, os.Mkdir(target, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(target, "x"), nil, 0o644))
	err := (&Dir{createTemp: osCreateTemp}).writeAtomic(target, []byte(`{"samples":[]}`))
	require.Error(t, err)
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "the temporary file is removed on failure")
}

// BenchmarkBatches validates, encodes and batches 1,000 text samples and 1,000 VOC-shaped
// image samples, with the hand encoder and (reflect/) with encoding/json, side by side in one
// run. MB/cpu-s is request bytes per CPU-second of the whole process, which machine load
// disturbs less than wall time.
func BenchmarkBatches(b *testing.B) {
	voc := make([]*api.Sample, 1000)
	for i := range voc {
		s := &api.Sample{Name: fmt.Sprintf("2007_%06d.jpg", i), DataSource: &api.DataSource{DataPath: fmt.Sprintf("obs://bucket/voc/JPEGImages/2007_%06d.jpg", i)},
			Metadata: api.Metadata{}}
		s.Metadata.SetSize(486, 500, 3)
		for j := range 3 {
			l := api.SampleLabel{Name: "person", Type: api.LabelObjectDetection, Property: api.Property{"difficult": "0", "pose": "Frontal"}}
			l.Property.SetShape(api.ShapeBndbox, api.Feature{{api.Int(int64(174 + j)), "101"}, {"349.5", "351"}})
			s.Labels = append(s.Labels, l)
		}
		voc[i] = s
	}
	for _, data := range []struct {
		name    string
		samples []*api.Sample
	}{{"text", many(1000)}, {"voc", voc}} {
		for _, impl := range []string{"hand", "reflect"} {
			b.Run(data.name+"/"+impl, func(b *testing.B) {
				useReflection = impl == "reflect"
				defer func() { useReflection = false }()
				b.ReportAllocs()
				var size int64
				cpu0 := cpuTime()
				for b.Loop() {
					size = 0
					for batch, err := range Batches(context.Background(), stream(data.samples, nil), Options{}) {
						if err != nil {
							b.Fatal(err)
						}
						size += int64(len(batch.Body))
					}
				}
				b.SetBytes(size)
				if cpu := cpuTime() - cpu0; cpu > 0 {
					b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*len(data.samples)), "ns/cpu-sample")
				}
			})
		}
	}
}

// A file that cannot be written ends the run with that error instead of converting on.
func TestWriteDirWriteFailureStops(t *testing.T) {
	dir := t.TempDir()
	// A folder where part-000002.json should go makes the second rename fail.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, FileName(2), "x"), 0o755))
	// What the run reads past the failure is bounded: the chunks on their way to the
	// encoder, the one being filled, the writer's queue and the batch being built.
	const total = 10_000
	bound := (chunksInFlight+1)*chunkSamples + (writerBatches+3)*10
	require.Less(t, bound, total)
	read := 0
	seq := func(yield func(*api.Sample, error) bool) {
		for _, s := range many(total) {
			read++
			if !yield(s, nil) {
				return
			}
		}
	}
	_, err := WriteDir(context.Background(), dir, seq, Options{BatchSize: 10}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), FileName(2))
	assert.LessOrEqual(t, read, bound, "conversion stopped after the failed write")
}

func TestOptionsCheck(t *testing.T) {
	tests := []struct {
		opts  Options
		field string
	}{
		{Options{}, ""},
		{Options{BatchSize: 1, MaxBody: 100}, ""},
		{Options{MaxBody: api.MaxRequestBytes - 1}, ""},
		{Options{MaxBody: api.MaxRequestBytes}, "MaxBody"},
		{Options{MaxBody: -1}, "MaxBody"},
		{Options{BatchSize: -1}, "BatchSize"},
	}
	for _, tt := range tests {
		err := tt.opts.Check()
		if tt.field == "" {
			assert.NoError(t, err, "%+v", tt.opts)
			continue
		}
		var oe *OptionError
		if assert.ErrorAs(t, err, &oe, "%+v", tt.opts) {
			assert.Equal(t, tt.field, oe.Field)
		}
	}
	// Batches refuses a body the service would refuse, before reading anything.
	_, err := collect(t, Batches(context.Background(), stream(many(1), nil), Options{MaxBody: api.MaxRequestBytes}))
	assert.ErrorContains(t, err, "MaxBody must stay under")
}

func TestStatsString(t *testing.T) {
	assert.Equal(t, "0 samples, 0 labels", Stats{}.String())
	st := Stats{Samples: 1, Labels: map[api.LabelType]int{api.LabelObjectDetection: 4, api.LabelImageClassification: 1}}
	assert.Equal(t, "1 sample, 5 labels (1 image classification, 4 object detection)", st.String())
}

func TestDirWrote(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(dir, DirOptions{})
	require.NoError(t, err)
	defer d.Close()
	assert.Equal(t, dir+" holds no request files of this run", d.Wrote(0))
	assert.Equal(t, dir+" holds the 1 request file this run wrote (part-000001.json)", d.Wrote(1))
	assert.Equal(t, dir+" holds the 3 request files this run wrote (part-000001.json to part-000003.json)", d.Wrote(3))
}

// A folder OpenDir made is removed at Close when nothing was written into it (the command
// stopped at a usage error); a folder that was there before, or that a run wrote, stays.
func TestOpenDirRemovesUnusedFolderItMade(t *testing.T) {
	base := t.TempDir()
	made := filepath.Join(base, "requests")
	d, err := OpenDir(made, DirOptions{})
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.NoDirExists(t, made, "made and never written: removed")

	d, err = OpenDir(made, DirOptions{})
	require.NoError(t, err)
	_, err = d.Write(context.Background(), func(func(*api.Sample, error) bool) {}, Options{BatchSize: 1, MaxBody: DefaultMaxBody}, nil)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.DirExists(t, made, "written (even with no samples): kept")

	d, err = OpenDir(made, DirOptions{})
	require.NoError(t, err)
	require.NoError(t, d.Close())
	assert.DirExists(t, made, "there before the run: kept")
}

// Dir.Write fills the batches it has written again (their bodies, names and label counts):
// every file still holds exactly the body Batches makes, and the Stats count every batch,
// for batches of growing and shrinking size, some over spareBodyBytes (left to the collector).
func TestWriteDirReusedBatchesMatchBatches(t *testing.T) {
	var samples []*api.Sample
	for i, s := range many(3000) {
		switch {
		case i/200%3 == 1: // a run of larger samples: the bodies grow past the spares' room
			s.Data = b64(strings.Repeat("x", 3000+i))
		case i >= 2500 && i < 2600: // bodies over spareBodyBytes
			s.Data = b64(strings.Repeat("y", 30000))
		}
		if i%3 == 0 {
			s.Labels = append(s.Labels, api.SampleLabel{Name: "second", Type: api.LabelImageClassification})
		}
		samples = append(samples, s)
	}
	opts := Options{BatchSize: 37}
	var want []*Batch
	wantStats := Stats{}
	for b, err := range Batches(context.Background(), stream(samples, nil), opts) {
		require.NoError(t, err)
		want = append(want, b)
		wantStats.Add(b)
	}
	require.Greater(t, len(want), 50)
	dir := t.TempDir()
	st, err := WriteDir(context.Background(), dir, stream(samples, nil), opts, nil)
	require.NoError(t, err)
	assert.Equal(t, wantStats, st)
	for _, b := range want {
		got, err := os.ReadFile(filepath.Join(dir, FileName(b.Seq)))
		require.NoError(t, err)
		require.Equal(t, string(b.Body), string(got), FileName(b.Seq))
	}
	assert.Len(t, listDir(t, dir), len(want))
}

// A batch's Labels count its samples' labels by type, for batches of more label types than
// the batcher counts apart (eight) and of few.
func TestBatchLabelCounts(t *testing.T) {
	types := []api.LabelType{api.LabelImageClassification, api.LabelObjectDetection, api.LabelImageSegmentation,
		api.LabelTextClassification, api.LabelNamedEntity, api.LabelTextTripletRelation, api.LabelTextTripletEntity,
		api.LabelSpeechClassification, api.LabelSpeechContent, api.LabelSpeechParagraph, api.LabelVideoClassification}
	var samples []*api.Sample
	for i := range 500 {
		s := &api.Sample{Name: fmt.Sprintf("s%03d", i), SampleType: api.SampleCustom, Data: b64("x")}
		for j := range 1 + i%4 {
			t := types[(i*7+j*3)%len(types)]
			if i >= 300 {
				t = types[j%2] // later batches: two types only
			}
			l := api.SampleLabel{Name: "n", Type: t}
			if t == api.LabelObjectDetection || t == api.LabelImageSegmentation {
				l.Property = api.Property{}
				l.Property.SetShape(api.ShapeBndbox, api.Feature{{"1", "2"}, {"3", "4"}})
				s.Metadata = api.Metadata{}
				s.Metadata.SetSize(10, 10, 0)
			}
			if t == api.LabelNamedEntity {
				l.Property = api.Property{api.PropStartIndex: 0, api.PropEndIndex: 1}
			}
			s.Labels = append(s.Labels, l)
		}
		samples = append(samples, s)
	}
	var rejected []string
	opts := Options{BatchSize: 40, Reject: func(s *api.Sample, reason string) { rejected = append(rejected, reason) }}
	batches := 0
	for b, err := range Batches(context.Background(), stream(samples, nil), opts) {
		require.NoError(t, err)
		var req api.Request
		require.NoError(t, json.Unmarshal(b.Body, &req))
		want := map[api.LabelType]int{}
		for _, s := range req.Samples {
			for _, l := range s.Labels {
				want[l.Type]++
			}
		}
		require.Equal(t, want, b.Labels, "batch %d", b.Seq)
		batches++
	}
	require.Empty(t, rejected)
	require.Equal(t, 13, batches)
}

// An earlier run's request files are removed the last first, by number (past six digits
// too), so a run stopped while it removes them leaves a prefix of the earlier run.
func TestEarlierFilesRemovedLastFirst(t *testing.T) {
	dir := t.TempDir()
	names := []string{FileName(1), FileName(2), FileName(3), FileName(999999), FileName(1000000), FileName(1000001)}
	writeFiles(t, dir, names...)
	d, err := OpenDir(dir, DirOptions{Overwrite: true})
	require.NoError(t, err)
	defer d.Close()
	var removed []string
	stop := errors.New("killed")
	d.remove = func(name string) error {
		if len(removed) == 4 {
			return stop
		}
		removed = append(removed, filepath.Base(name))
		return os.Remove(name)
	}
	require.ErrorIs(t, d.removeEarlier(), stop)
	assert.Equal(t, []string{FileName(1000001), FileName(1000000), FileName(999999), FileName(3)}, removed)
	assert.Equal(t, []string{FileName(1), FileName(2)}, listDir(t, dir), "a prefix of the earlier run is left")
	assert.Equal(t, 4, d.Removed)
}
