package conll

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/internal/benchdata"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// conll2003Shape is a file of CoNLL-2003 train's shape: 14,041 sentences of about 14.6
// tokens (204k tokens, ~3.3 MB); see benchdata.CoNLL2003.
func conll2003Shape() []byte {
	var b bytes.Buffer
	if err := benchdata.CoNLL2003(&b, 14041, 0); err != nil {
		panic(err) // a bytes.Buffer does not fail
	}
	return b.Bytes()
}

var benchData = sync.OnceValue(conll2003Shape)

func TestBenchDataShape(t *testing.T) {
	data := benchData()
	samples, labels := 0, 0
	for s, err := range ReadFrom(context.Background(), bytes.NewReader(data), "eng.train", Options{}) {
		require.NoError(t, err)
		samples++
		labels += len(s.Labels)
	}
	require.Equal(t, 14041, samples)
	tokens := bytes.Count(data, []byte("\n")) - 2*bytes.Count(data, []byte("-DOCSTART-")) - samples
	require.InDelta(t, 204_000, tokens, 4_000)
	require.InDelta(t, 23_500, labels, 2_500)
	t.Logf("%d bytes, %d tokens, %d sentences, %d entities", len(data), tokens, samples, labels)
	require.InDelta(t, 3_300_000, len(data), 400_000)
}

// BenchmarkRead measures reading a CoNLL-2003-shaped file into samples (text, base64 data,
// labels), in bytes of input per second.
func BenchmarkRead(b *testing.B) { benchmarkRead(b, Options{}) }

// BenchmarkReadShared is BenchmarkRead with Options.SharedProperties, as the command reads.
func BenchmarkReadShared(b *testing.B) { benchmarkRead(b, Options{SharedProperties: true}) }

func benchmarkRead(b *testing.B, opts Options) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cputime.Now()
	defer func() { cputime.ReportThroughput(b, int64(len(data)), cpu0) }()
	for b.Loop() {
		n := 0
		for s, err := range ReadFrom(context.Background(), bytes.NewReader(data), "eng.train", opts) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(s.Labels)
		}
		if n == 0 {
			b.Fatal("no labels")
		}
	}
}

// commandOptions are the options the convert command reads with (see Flags).
var commandOptions = Options{SharedProperties: true}

// BenchmarkReadEmit adds what the command does after reading: emit.Batches validates every
// sample and encodes the request bodies, which go to io.Discard.
func BenchmarkReadEmit(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	cpu0 := cputime.Now()
	defer func() { cputime.ReportThroughput(b, int64(len(data)), cpu0) }()
	for b.Loop() {
		for batch, err := range emit.Batches(ctx, ReadFrom(ctx, bytes.NewReader(data), "eng.train", commandOptions), emit.Options{}) {
			if err != nil {
				b.Fatal(err)
			}
			io.Discard.Write(batch.Body)
		}
	}
}

// BenchmarkReadWriteDir is what `convert conll -o DIR` does, end to end: read, validate,
// encode, batch and write the request files (each synced and renamed) into a temporary
// folder. It reports MB per CPU-second (all goroutines, kernel time included) beside MB/s:
// the command spreads its work over cores, and on a loaded machine only the former is stable.
func BenchmarkReadWriteDir(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	dir := b.TempDir()
	cpu0 := cputime.Now()
	for i := 0; b.Loop(); i++ {
		st, err := emit.WriteDir(ctx, fmt.Sprintf("%s/%d", dir, i), ReadFrom(ctx, bytes.NewReader(data), "eng.train", commandOptions), emit.Options{}, nil)
		if err != nil || st.Samples != 14041 {
			b.Fatal(st, err)
		}
	}
	cputime.ReportThroughput(b, int64(len(data)), cpu0)
}
