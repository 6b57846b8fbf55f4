package csv_test

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gocarina/gocsv"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/emit"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/internal/benchdata"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// benchRow is one generated row; gocsv writes the file, quoting what needs quoting.
type benchRow struct {
	ID    int    `csv:"id"`
	Text  string `csv:"text"`
	Label string `csv:"label"`
}

// benchCSV returns about size bytes of generated CSV with a header, written by gocsv.
func benchCSV(tb testing.TB, size int) []byte {
	r := rand.New(rand.NewPCG(6, 2026))
	var buf bytes.Buffer
	w := stdcsv.NewWriter(&buf)
	var rows []benchRow
	for id := 1; buf.Len() < size; id++ {
		rows = append(rows, benchRow{ID: id, Text: benchdata.Text(r), Label: benchdata.Labels(r)})
		if len(rows) == 4096 {
			require.NoError(tb, writeRows(w, rows, buf.Len() == 0))
			rows = rows[:0]
		}
	}
	require.NoError(tb, writeRows(w, rows, buf.Len() == 0))
	return buf.Bytes()
}

func writeRows(w *stdcsv.Writer, rows []benchRow, header bool) error {
	sw := gocsv.NewSafeCSVWriter(w)
	if header {
		return gocsv.MarshalCSV(&rows, sw)
	}
	return gocsv.MarshalCSVWithoutHeaders(&rows, sw)
}

var (
	benchOnce sync.Once
	benchData []byte
)

// benchFile writes the generated 50 MB CSV (made once per test binary) into dir.
func benchFile(b *testing.B, dir string, gbk bool) (string, int64) {
	benchOnce.Do(func() { benchData = benchCSV(b, 50<<20) })
	data := benchData
	name := "bench.csv"
	if gbk {
		var err error
		data, err = simplifiedchinese.GBK.NewEncoder().Bytes(benchData)
		require.NoError(b, err)
		name = "bench-gbk.csv"
	}
	require.NoError(b, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	return name, int64(len(data))
}

func benchRead(b *testing.B, gbk bool, opts csvimp.Options) {
	dir := b.TempDir()
	name, size := benchFile(b, dir, gbk)
	fsys := os.DirFS(dir)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	for b.Loop() {
		n := 0
		for s, err := range csvimp.Read(context.Background(), fsys, name, opts) {
			if err != nil {
				b.Fatal(err)
			}
			_ = s
			n++
		}
		if n < 100_000 {
			b.Fatalf("only %d samples", n)
		}
	}
	// Throughput per second of CPU (all threads, the GC's too): unlike MB/s it does not drop
	// when other processes share the machine.
	cputime.ReportThroughput(b, size, cpu0)
}

// BenchmarkRead reads a generated 50 MB UTF-8 CSV (short Chinese and English texts, quoted
// fields with commas and line breaks, 1-3 labels) into samples.
func BenchmarkRead(b *testing.B) {
	benchRead(b, false, csvimp.Options{SharedLabels: true})
}

// BenchmarkReadGBK reads the same rows encoded in GBK (auto-detected, decoded to UTF-8).
func BenchmarkReadGBK(b *testing.B) { benchRead(b, true, csvimp.Options{SharedLabels: true}) }

// BenchmarkReadGBKKeep sends the GBK rows in GBK (-keep-encoding): each text is re-encoded.
func BenchmarkReadGBKKeep(b *testing.B) {
	benchRead(b, true, csvimp.Options{KeepEncoding: true, SharedLabels: true})
}

// BenchmarkReadWriteDir is what `convert csv -o DIR` does, end to end, on the generated 50 MB
// UTF-8 file: read, validate, encode, batch and write the request files (each synced and
// renamed) into a temporary folder, in MB/s and MB per CPU-second (all goroutines, kernel
// time included; on a loaded machine only the latter is stable).
func BenchmarkReadWriteDir(b *testing.B) {
	dir := b.TempDir()
	name, size := benchFile(b, dir, false)
	fsys := os.DirFS(dir)
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(dir, "out", strconv.Itoa(i))
		st, err := emit.WriteDir(context.Background(), out, csvimp.Read(context.Background(), fsys, name, csvimp.Options{SharedLabels: true}), emit.Options{}, nil)
		if err != nil || st.Samples < 100_000 {
			b.Fatal(st, err)
		}
	}
	cputime.ReportThroughput(b, size, cpu0)
}

// BenchmarkReadSmallFiles reads 1,000 files of about 2 KB of the generated rows each: the
// per-file cost (the decoder, the scanner, the hand-over between the scanning goroutine and
// the stream's), per file.
func BenchmarkReadSmallFiles(b *testing.B) {
	data := benchCSV(b, 2<<10)
	data = data[:bytes.IndexByte(data[2<<10:], '\n')+2<<10+1] // the rows of the first 2 KB
	fsys := fstest.MapFS{}
	const files = 1000
	for i := range files {
		fsys["f"+strconv.Itoa(i)+".csv"] = &fstest.MapFile{Data: data}
	}
	b.SetBytes(int64(len(data)) * files)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	for b.Loop() {
		for i := range files {
			for _, err := range csvimp.Read(context.Background(), fsys, "f"+strconv.Itoa(i)+".csv", csvimp.Options{SharedLabels: true}) {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	cputime.ReportThroughput(b, int64(len(data))*files, cpu0)
}
