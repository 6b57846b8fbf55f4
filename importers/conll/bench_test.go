package conll

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// conll2003Shape generates a file of CoNLL-2003 train's shape: 14,041 sentences of about
// 14.6 tokens (204k tokens, ~3.3 MB), four space-separated columns (token POS chunk NER),
// IOB1 entity tags (~23.5k entities over ~17% of the tokens, B- only between adjacent
// entities of one type), a -DOCSTART- line every ~15 sentences. Deterministic.
func conll2003Shape() []byte {
	rng := rand.New(rand.NewPCG(2003, 1))
	const letters = "abcdefghijklmnopqrstuvwxyz"
	vocab := make([]string, 3000)
	for i := range vocab {
		n := 1 + rng.IntN(5) + rng.IntN(5)
		var b strings.Builder
		for j := 0; j < n; j++ {
			c := letters[rng.IntN(len(letters))]
			if j == 0 && rng.IntN(3) == 0 {
				c -= 'a' - 'A'
			}
			b.WriteByte(c)
		}
		vocab[i] = b.String()
	}
	pos := []string{"NNP", "NN", "VBZ", "JJ", "IN", "DT", "CD", ".", ",", "NNS", "VBD", "PRP", "TO", "VB", "RB"}
	chunk := []string{"I-NP", "I-NP", "I-VP", "I-PP", "O", "B-NP", "I-ADVP"}
	types := []string{"ORG", "PER", "LOC", "MISC"}
	var b bytes.Buffer
	b.Grow(3_400_000)
	for s := 0; s < 14041; s++ {
		if s%15 == 0 {
			b.WriteString("-DOCSTART- -X- -X- O\n\n")
		}
		n := 1 + rng.IntN(28)
		left, typ, prevEnded := 0, "", ""
		for t := 0; t < n; t++ {
			// Zipf-like: common words are short and frequent.
			w := vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64())]
			b.WriteString(w)
			b.WriteByte(' ')
			b.WriteString(pos[rng.IntN(len(pos))])
			b.WriteByte(' ')
			b.WriteString(chunk[rng.IntN(len(chunk))])
			b.WriteByte(' ')
			if left == 0 && rng.IntN(100) < 13 {
				left, typ = 1+rng.IntN(2)+rng.IntN(2), types[rng.IntN(len(types))]
				if prevEnded == typ {
					b.WriteString("B-")
				} else {
					b.WriteString("I-")
				}
				b.WriteString(typ)
			} else if left > 0 {
				b.WriteString("I-")
				b.WriteString(typ)
			} else {
				b.WriteByte('O')
			}
			if left > 0 {
				left--
				if left == 0 {
					prevEnded = typ
				}
			} else {
				prevEnded = ""
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
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
func BenchmarkRead(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for s, err := range ReadFrom(context.Background(), bytes.NewReader(data), "eng.train", Options{}) {
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

// BenchmarkReadEmit adds what the command does after reading: emit.Batches validates every
// sample and encodes the request bodies, which go to io.Discard.
func BenchmarkReadEmit(b *testing.B) {
	data := benchData()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		for batch, err := range emit.Batches(ctx, ReadFrom(ctx, bytes.NewReader(data), "eng.train", Options{}), emit.Options{}) {
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
		st, err := emit.WriteDir(ctx, fmt.Sprintf("%s/%d", dir, i), ReadFrom(ctx, bytes.NewReader(data), "eng.train", Options{}), emit.Options{}, nil)
		if err != nil || st.Samples != 14041 {
			b.Fatal(st, err)
		}
	}
	cputime.ReportThroughput(b, int64(len(data)), cpu0)
}
