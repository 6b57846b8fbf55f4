package manifest_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/manifest"
	"github.com/modelarts-convert/convert/internal/golden"
	"github.com/modelarts-convert/convert/internal/peers"
)

// opener reads one manifest of testdata/ with opts.
func opener(dir, file string, opts manifest.Options) importertest.Opener {
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		o := opts
		o.Warn = warn
		return manifest.Read(ctx, os.DirFS(dir), file, o)
	}
}

// mappings are the -map-source values of mapped.manifest: the dataset's prefix to the
// downloaded copy, and one folder of it to another bucket.
func mappings(t testing.TB) []manifest.Mapping {
	t.Helper()
	var out []manifest.Mapping
	for _, spec := range []string{"s3://old-bucket/ds/=testdata/download", "s3://old-bucket/ds/other/=obs://new-bucket/other/"} {
		m, err := manifest.ParseMapping(spec)
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// Each section of the platform's manifest page, and the broken lines, against golden
// request files (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, name := range []string{
		"classification", "detection", "segmentation", "text_classification", "text_entity",
		"text_triplet", "audio_classification", "audio_content", "audio_segmentation", "mapped", "broken",
	} {
		t.Run(name, func(t *testing.T) {
			var opts manifest.Options
			if name == "mapped" {
				opts.Mappings = mappings(t)
			}
			r := importertest.Read(t, context.Background(), opener("testdata", name+".manifest", opts))
			require.NoError(t, r.Err)
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample(fmt.Sprintf("samples[%d]", i), s))
			}
			golden.Check(t, filepath.Join("testdata", "golden", name+".golden"), importertest.Transcript(r))
		})
	}
}

func TestConformance(t *testing.T) {
	for _, name := range []string{"classification", "detection", "mapped"} {
		t.Run(name, func(t *testing.T) {
			importertest.Run(t, opener("testdata", name+".manifest", manifest.Options{Mappings: mappings(t)}), sized)
		})
	}
}

// labelsOf reads one manifest and returns its samples, failing on any rejection.
func labelsOf(t *testing.T, text string, opts manifest.Options) ([]*api.Sample, []importers.Warning) {
	t.Helper()
	var ws []importers.Warning
	opts.Warn = func(w importers.Warning) { ws = append(ws, w) }
	samples, err := importers.Collect(manifest.ReadFrom(context.Background(), strings.NewReader(text), "m.manifest", os.DirFS("testdata"), opts))
	require.NoError(t, err)
	return samples, ws
}

func TestMapping(t *testing.T) {
	samples, ws := labelsOf(t, strings.Join([]string{
		`{"source":"s3://b/a.jpg","annotation":[{"type":"modelarts/image_classification","name":"cat","confidence":0.80,"annotated-by":"modelarts/active-learning","hard":"true","hard-coefficient":0.8,"hard-reasons":[3,20],"creation-time":"2019-01-23 11:30:30","property":{"color":"white"}}],"hard":"true","hard-coefficient":"0.5","hard-reasons":"1-2"}`,
		`{"source":"content://Bob and Alice","annotation":[{"type":"text_entity","name":"P","id":"E1","property":{"@modelarts:start_index":0,"@modelarts:end_index":3}},{"type":"text_entity","name":"P","id":"E2","property":{"@modelarts:start_index":8,"@modelarts:end_index":13}},{"type":"text_triplet","name":"knows","id":"R1","property":{"@modelarts:from":"E1","@modelarts:to":"E2"}}]}`,
		`{"source":"s3://b/c.wav","annotation":[{"type":"audio_content","property":{"@modelarts:content":"hi"}},{"type":"audio_segmentation","property":{"@modelarts:start_time":"00:00:01.000","@modelarts:end_time":"00:00:02.000"}}]}`,
		`{"source":"s3://b/d.mp4","sample-type":"6"}`,
	}, "\n"), manifest.Options{})
	require.Len(t, samples, 4, "%v", ws)

	s := samples[0]
	assert.Equal(t, api.SampleImage, s.SampleType)
	assert.Equal(t, "a.jpg", s.Name)
	assert.Equal(t, &api.DataSource{DataPath: "obs://b/a.jpg", DataType: api.DataOBS}, s.DataSource)
	assert.Equal(t, api.Metadata{api.MetaHard: 1, api.MetaHardCoefficient: json.Number("0.5"), api.MetaHardReasons: []int{1, 2}}, s.Metadata)
	l := s.Labels[0]
	assert.Equal(t, api.LabelImageClassification, l.Type)
	assert.Equal(t, json.Number("0.80"), l.Score, "confidence is carried as written")
	assert.Equal(t, api.AnnotatedByAuto, l.AnnotatedBy)
	assert.Equal(t, api.Property{"color": "white", manifest.PropCreationTime: "2019-01-23 11:30:30",
		api.PropHard: "true", api.PropHardCoefficient: "0.8", api.PropHardReasons: "3-20"}, l.Property)

	s = samples[1]
	assert.Equal(t, api.SampleText, s.SampleType)
	assert.Equal(t, "m.manifest-000002.txt", s.Name)
	text, err := base64.StdEncoding.DecodeString(s.Data)
	require.NoError(t, err)
	assert.Equal(t, "Bob and Alice", string(text))
	assert.Equal(t, []api.LabelType{api.LabelTextTripletEntity, api.LabelTextTripletEntity, api.LabelTextTripletRelation},
		[]api.LabelType{s.Labels[0].Type, s.Labels[1].Type, s.Labels[2].Type}, "entities of a sample with triplets are triplet entities")
	assert.Equal(t, []string{"E1", "E2", "R1"}, []string{s.Labels[0].ID, s.Labels[1].ID, s.Labels[2].ID})

	s = samples[2]
	assert.Equal(t, api.SampleSpeech, s.SampleType)
	assert.Equal(t, []api.LabelType{api.LabelSpeechContent, api.LabelSpeechParagraph}, []api.LabelType{s.Labels[0].Type, s.Labels[1].Type})
	assert.Equal(t, api.SampleVideo, samples[3].SampleType, "sample-type as a string")

	var said []string
	for _, w := range ws {
		said = append(said, w.String())
	}
	assert.Empty(t, said)
}

// Fields the API has no place for are counted and said once each, at the end.
func TestDropped(t *testing.T) {
	var b strings.Builder
	for i := range 1204 {
		fmt.Fprintf(&b, `{"source":"content://t%d","usage":"TRAIN","id":"%d","annotation":[{"type":"text_classification","name":"x","colour":"red"}]}`+"\n", i, i)
	}
	fmt.Fprintf(&b, `{"source":"content://last","inference-loc":"s3://b/out"}`+"\n")
	samples, ws := labelsOf(t, b.String(), manifest.Options{})
	require.Len(t, samples, 1205)
	var said []string
	for _, w := range ws {
		assert.False(t, w.Rejected)
		said = append(said, w.String())
	}
	assert.Equal(t, []string{
		"m.manifest: warning: usage of 1,204 samples is dropped: the API has no field for it",
		"m.manifest: warning: id of 1,204 samples is dropped: the API has no field for it",
		"m.manifest: warning: annotation.colour of 1,204 samples is dropped: not a manifest field this importer knows",
		"m.manifest: warning: inference-loc of 1 sample is dropped: the API has no field for it",
	}, said)
}

func TestParseMapping(t *testing.T) {
	m, err := manifest.ParseMapping("s3://old/ds/=s3://new/ds/")
	require.NoError(t, err)
	assert.Equal(t, "obs://new/ds/", m.OBS)
	m, err = manifest.ParseMapping("s3://old/ds/=testdata/download")
	require.NoError(t, err)
	assert.NotNil(t, m.Dir)
	for _, bad := range []string{"s3://old/", "=obs://x/", "s3://a/=obs://", "s3://a/=http://x/", "s3://a/=testdata/no-such-folder"} {
		_, err := manifest.ParseMapping(bad)
		assert.Error(t, err, bad)
	}
}

// The longest matching prefix wins, whatever the order of the mappings.
func TestLongestPrefix(t *testing.T) {
	short, err := manifest.ParseMapping("s3://b/=obs://short/")
	require.NoError(t, err)
	long, err := manifest.ParseMapping("obs://b/deep/=obs://long/")
	require.NoError(t, err)
	for _, maps := range [][]manifest.Mapping{{short, long}, {long, short}} {
		samples, ws := labelsOf(t, `{"source":"s3://b/deep/x.jpg"}`+"\n"+`{"source":"s3a://b/y.jpg"}`, manifest.Options{Mappings: maps})
		require.Len(t, samples, 2, "%v", ws)
		assert.Equal(t, "obs://long/x.jpg", samples[0].DataSource.DataPath)
		assert.Equal(t, "obs://short/y.jpg", samples[1].DataSource.DataPath)
	}
}

// Every manifest of the platform's dataset SDK tests converts line by line: each non-blank
// line is a sample or a rejection with a reason, never both, never neither.
func TestPeers(t *testing.T) {
	sdk := peers.Path(t, "modelarts-sdk")
	files, err := filepath.Glob(filepath.Join(sdk, "*.manifest"))
	require.NoError(t, err)
	require.Len(t, files, 22)
	voc, err := manifest.ParseMapping("s3://carbonsouth/manifest/voc/=" + filepath.Join(sdk, "voc"))
	require.NoError(t, err)
	total := map[bool]int{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			for _, maps := range [][]manifest.Mapping{nil, {voc}} {
				r := importertest.Read(t, context.Background(), opener(sdk, filepath.Base(f), manifest.Options{Mappings: maps}))
				require.NoError(t, r.Err)
				got := map[int]string{}
				for _, s := range r.Samples {
					line := lineOf(t, s.Origin)
					require.NotContains(t, got, line)
					got[line] = "sample"
					assert.Empty(t, api.ValidateSample("sample", s))
				}
				for _, w := range r.Warnings {
					if !w.Rejected {
						continue
					}
					require.NotContains(t, got, w.Pos.Line, "line %d is both a sample and a rejection", w.Pos.Line)
					assert.NotEmpty(t, w.Reason)
					got[w.Pos.Line] = "rejected"
				}
				want := nonBlankLines(t, f)
				for _, line := range want {
					assert.Contains(t, got, line, "line %d is neither a sample nor a rejection", line)
				}
				assert.Len(t, got, len(want))
				for _, v := range got {
					total[v == "sample"]++
				}
			}
		})
	}
	t.Logf("peer manifests: %d samples, %d rejections", total[true], total[false])
}

// lineOf reads the line number from an Origin "file:12".
func lineOf(t *testing.T, origin string) int {
	i := strings.LastIndexByte(origin, ':')
	var n int
	_, err := fmt.Sscanf(origin[i+1:], "%d", &n)
	require.NoError(t, err, origin)
	return n
}

func nonBlankLines(t *testing.T, file string) []int {
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) != "" {
			out = append(out, n)
		}
	}
	return out
}

// A mapped file over the per-sample limit is rejected before it is read.
func TestMappedTooLarge(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "big.wav"))
	require.NoError(t, err)
	require.NoError(t, f.Truncate(api.MaxSampleBytes+1)) // sparse: nothing is written
	require.NoError(t, f.Close())
	m, err := manifest.ParseMapping("s3://b/=" + dir)
	require.NoError(t, err)
	samples, ws := labelsOf(t, `{"source":"s3://b/big.wav"}`, manifest.Options{Mappings: []manifest.Mapping{m}})
	assert.Empty(t, samples)
	require.Len(t, ws, 1)
	assert.True(t, ws[0].Rejected)
	assert.Contains(t, ws[0].Reason, "larger than one sample may be")
}

// sized is the harness's input of n manifest lines, each an image on OBS with a label.
func sized(t testing.TB, n int) importertest.Opener {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"source":"obs://bucket/ds/%06d.jpg","annotation":[{"type":"modelarts/image_classification","name":"cat"}]}`+"\n", i)
	}
	fsys := fstest.MapFS{"sized.manifest": {Data: []byte(b.String())}}
	return func(ctx context.Context, warn importers.WarnFunc) iter.Seq2[*api.Sample, error] {
		return manifest.Read(ctx, fsys, "sized.manifest", manifest.Options{Warn: warn})
	}
}

// TestContentText: a content:// text becomes the sample's data whether the parser keeps it as
// the line's bytes (no escapes) or unescapes it, over lines converted one after another by
// the same worker (which reuses its storage).
func TestContentText(t *testing.T) {
	lines := []struct{ line, text string }{
		{`{"source":"content://plain text"}`, "plain text"},
		{`{"source":"content://a \"quoted\"\nline \u4e2d"}`, "a \"quoted\"\nline 中"},
		{`{"source":"content://second \t"}`, "second \t"},
		{`{"source":"content://short"}`, "short"},
	}
	var in strings.Builder
	for _, l := range lines {
		in.WriteString(l.line + "\n")
	}
	samples, err := importers.Collect(manifest.ReadFrom(context.Background(), strings.NewReader(in.String()), "m.manifest", nil, manifest.Options{Workers: 1}))
	require.NoError(t, err)
	require.Len(t, samples, len(lines))
	for i, l := range lines {
		got, err := base64.StdEncoding.DecodeString(samples[i].Data)
		require.NoError(t, err)
		require.Equal(t, l.text, string(got), "line %d", i+1)
		require.Equal(t, api.EncodingUTF8, samples[i].Encoding)
	}
}
