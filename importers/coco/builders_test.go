package coco

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/bench/coco/cocogen"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
)

// transcriptBuilders converts doc (with results, when not nil) with n sample builders (0:
// the previous emission, refemit_test.go) and returns the whole output: samples, warnings,
// error. With cancelAfter ≥ 0 the context is
// cancelled once that many samples have been taken.
func transcriptBuilders(t testing.TB, n int, doc, results []byte, shape Shape, spill, cancelAfter int) string {
	t.Helper()
	return string(importertest.Transcript(readBuilders(t, n, doc, results, shape, spill, cancelAfter)))
}

// readBuilders is transcriptBuilders' run, as a result.
func readBuilders(t testing.TB, n int, doc, results []byte, shape Shape, spill, cancelAfter int) importertest.Result {
	t.Helper()
	defer func(v int) { builders = v }(builders)
	builders = n
	if n == 0 {
		defer func(v func(*converter, context.Context, func(*api.Sample, error) bool)) { emitSamples = v }(emitSamples)
		emitSamples = (*converter).emitRef
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var r importertest.Result
	opts := Options{Shape: shape, Images: obs(), SpillMemory: spill, Warn: func(w importers.Warning) { r.Warnings = append(r.Warnings, w) }}
	if results != nil {
		opts.Results = &File{FS: fstest.MapFS{"r.json": {Data: results}}, Path: "r.json"}
	}
	for s, err := range ReadFrom(ctx, bytes.NewReader(doc), "in.json", opts) {
		if err != nil {
			r.Err = err
			continue
		}
		r.Samples = append(r.Samples, s)
		if len(r.Samples) == cancelAfter {
			cancel()
		}
	}
	return r
}

// builderInputs adds to differentialInputs a generated file of many runs of images, and one
// whose warnings fall across runs: annotations without a segmentation (reported once, at
// the first, after the samples), of no image, of a repeated image id, of an unknown
// category, images over the sample limit, and a
// polygon that alone is over it.
func builderInputs(t *testing.T) map[string][]byte {
	inputs := differentialInputs(t)
	var gen bytes.Buffer
	require.NoError(t, cocogen.Write(&gen, 300, 7))
	inputs["cocogen300"] = gen.Bytes()
	var images, anns []string
	for i := range 200 {
		images = append(images, fmt.Sprintf(`{"id":%d,"file_name":"i%d.jpg","width":640,"height":480}`, i%190, i))
	}
	for k := range 900 {
		img := (k * 7) % 230 // some of no image
		switch {
		case k%13 == 0:
			anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":%d,"category_id":1,"bbox":[1,2,3,4]}`, k, img))
		case k%17 == 0:
			anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":%d,"category_id":9,"bbox":[1,2,3,4],"segmentation":[[1,1,5,1,5,5]]}`, k, img))
		case k%29 == 0 && img < 180:
			// A polygon over the small sample limit set below.
			anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":%d,"category_id":2,"bbox":[1,2,3,4],"segmentation":[[%s1,1]]}`, k, img, strings.Repeat("1,2,3,4,", 1200)))
		default:
			anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":%d,"category_id":%d,"bbox":[1,2,3,4],"segmentation":[[1,1,5,1,5,5]],"attributes":{"iscrowd":0,"x":%d}}`, k, img, 1+k%2, k))
		}
	}
	for _, img := range []int{5, 40, 77, 150} { // over the sample limit
		for k := range 250 {
			anns = append(anns, fmt.Sprintf(`{"id":%d,"image_id":%d,"category_id":1,"bbox":[1,2,3,4],"segmentation":[[1,1,5,1,5,5]]}`, 10000+img*1000+k, img))
		}
	}
	inputs["runs"] = []byte(cocoDoc(strings.Join(images, ","), strings.Join(anns, ","), `{"id":1,"name":"a"},{"id":2,"name":"b"}`))
	return inputs
}

// Samples built by one goroutine or several come out, with their warnings and errors,
// exactly as the previous emission (one producer goroutine) made them: on good and damaged files, both shapes, records in memory or
// spilled, with a results file, and cancelled part way.
func TestBuildersDifferential(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 8 << 10
	inputs := builderInputs(t)
	resultsInst, err := os.ReadFile("testdata/results_instances.json")
	require.NoError(t, err)
	n := 0
	for name, doc := range inputs {
		for _, shape := range []Shape{ShapeBBox, ShapePolygon} {
			spills, counts := []int{4096, 0}, []int{1, 2, 3}
			if strings.Contains(strings.TrimPrefix(name, "testdata/layouts/"), ":") {
				spills, counts = spills[:1], counts[1:2] // damaged copies: the test's time goes on them
			}
			for _, spill := range spills {
				want := transcriptBuilders(t, 0, doc, nil, shape, spill, -1)
				for _, b := range counts {
					if !assert.Equal(t, want, transcriptBuilders(t, b, doc, nil, shape, spill, -1), "%s, %s, spill %d, %d builders", name, shape, spill, b) {
						return
					}
					n++
				}
			}
		}
		if strings.Contains(name, "results") || strings.HasPrefix(name, "doc:") {
			want := transcriptBuilders(t, 0, resultsInst, doc, ShapeBBox, 0, -1)
			assert.Equal(t, want, transcriptBuilders(t, 3, resultsInst, doc, ShapeBBox, 0, -1), "results %s", name)
		}
	}
	// Cancelled part way: where the cancel is noticed (by a builder, or by the consumer as it
	// hands a sample over) depends on timing, in the old emission as in the builders, so
	// what follows the cancel may differ by a sample or a warning. What must hold: the
	// samples that came are the uncancelled run's first ones, in order, at least up to the
	// cancel, and the stream ends with the context's error.
	for _, name := range []string{"cocogen300", "runs"} {
		full := readBuilders(t, 0, inputs[name], nil, ShapePolygon, 4096, -1)
		for _, after := range []int{0, 1, 31, 32, 33, 100} {
			for _, b := range []int{0, 2} {
				got := readBuilders(t, b, inputs[name], nil, ShapePolygon, 4096, after)
				what := fmt.Sprintf("%s, %d builders, cancelled after %d samples", name, b, after)
				if after == 0 { // never cancelled: the whole run
					assert.Equal(t, string(importertest.Transcript(full)), string(importertest.Transcript(got)), what)
					continue
				}
				assert.ErrorIs(t, got.Err, context.Canceled, what)
				if assert.GreaterOrEqual(t, len(got.Samples), after, what) && assert.LessOrEqual(t, len(got.Samples), len(full.Samples), what) {
					for i, s := range got.Samples {
						if !assert.Equal(t, full.Samples[i], s, "%s: sample %d", what, i) {
							break
						}
					}
				}
			}
		}
	}
	t.Logf("%d inputs, %d comparisons", len(inputs), n)
}

// The generated files with their warnings exercise what the test means to: several runs,
// the warnings of every kind, rejected images.
func TestBuilderInputsCoverRuns(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 8 << 10
	out := transcriptBuilders(t, 2, builderInputs(t)["runs"], nil, ShapePolygon, 4096, -1)
	for _, want := range []string{"has no segmentation", "more without a segmentation", "is not among the categories", "the most one sample may hold", "images[1"} {
		assert.True(t, strings.Contains(out, want), want)
	}
	var samples int
	for s, err := range ReadFrom(context.Background(), bytes.NewReader(builderInputs(t)["cocogen300"]), "in.json", Options{Images: obs()}) {
		require.NoError(t, err)
		_ = s
		samples++
	}
	assert.Greater(t, samples, 4*runImages)
}

// Record offsets counted from several bases (as in a store past 4 GiB; here a base every
// few records) give the same output as from one, records in memory and spilled.
func TestRecordBases(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 8 << 10
	inputs := builderInputs(t)
	for _, name := range []string{"cocogen300", "runs"} {
		for _, spill := range []int{4096, 0} {
			want := transcriptBuilders(t, 2, inputs[name], nil, ShapePolygon, spill, -1)
			func() {
				defer func(v int64) { recBaseSpan = v }(recBaseSpan)
				recBaseSpan = 700
				c := newConverter("in.json", Options{Shape: ShapePolygon, Images: obs(), SpillMemory: spill})
				defer c.close()
				require.NoError(t, c.readInstances(context.Background(), bytes.NewReader(inputs[name])))
				require.Greater(t, len(c.baseFrom), 3, "%s: bases used", name)
				assert.Equal(t, want, transcriptBuilders(t, 2, inputs[name], nil, ShapePolygon, spill, -1), "%s, spill %d", name, spill)
			}()
		}
	}
}

// runChains, walking a run's chains together, finds the records runChainsOneByOne finds,
// in the same order, on every run of the generated files (records in memory and spilled),
// and falls back to it on a chain whose count is off.
func TestRunChains(t *testing.T) {
	defer func(v int64) { sampleLimit = v }(sampleLimit)
	sampleLimit = 8 << 10
	inputs := builderInputs(t)
	for _, name := range []string{"cocogen300", "runs"} {
		c := newConverter("in.json", Options{Shape: ShapePolygon, Images: obs(), SpillMemory: 4096})
		require.NoError(t, c.readInstances(context.Background(), bytes.NewReader(inputs[name])))
		require.NoError(t, c.store.finish())
		runs := 0
		for from := 0; from < len(c.images); from += runImages {
			r := &imageRun{from: from, to: min(from+runImages, len(c.images))}
			r.chains = make([]runChain, r.to-r.from)
			for i := r.from; i < r.to; i++ {
				if im := &c.images[i]; im.hasID && im.dupeOf < 0 {
					if ch := c.chains[im.id]; ch != nil {
						kind := chainRead
						if ch.over {
							kind = chainOver
						}
						r.chains[i-r.from] = runChain{ch: *ch, kind: kind}
					}
				}
			}
			c.runChains(r)
			got, gotEnd := slices.Clone(c.runIdx), slices.Clone(c.runEnd)
			c.runChainsOneByOne(r)
			require.Equal(t, c.runIdx, got, "%s run %d", name, from)
			require.Equal(t, c.runEnd, gotEnd, "%s run %d", name, from)
			for k := range r.chains {
				if r.chains[k].kind == chainRead && r.chains[k].ch.stored > 1 {
					r.chains[k].ch.stored += int32(1 - 2*(k%2)) // one more, one fewer
				}
			}
			c.runChains(r)
			require.Equal(t, c.runIdx, got, "%s run %d, counts off", name, from)
			runs++
		}
		assert.Greater(t, runs, 3)
		c.close()
	}
}
