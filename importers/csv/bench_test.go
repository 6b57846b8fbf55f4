package csv_test

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gocarina/gocsv"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/emit"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// benchRow is one generated row; gocsv writes the file, quoting what needs quoting.
type benchRow struct {
	ID    int    `csv:"id"`
	Text  string `csv:"text"`
	Label string `csv:"label"`
}

var (
	zhWords = strings.Fields("我们 今天 这家 餐厅 的 菜 很 好吃 服务 也 不错 价格 太贵 了 不会 再来 物流 很快 包装 完好 质量 一般 客服 态度 非常 差 推荐 购买 性价比 高 屏幕 清晰 电池 续航 时间 短 比赛 结果 球队 赢得 冠军 股市 上涨 政策 发布 天气 晴朗 下雨")
	enWords = strings.Fields("the food was great and the service friendly but prices are too high delivery fast package intact quality average support rude would recommend battery life short screen sharp team won the final stocks rose policy announced weather sunny rain")
	zhPunct = []string{"，", "。", "！", "？", "、"}
	labels  = strings.Fields("正面 负面 中性 价格 服务 物流 质量 体育 财经 天气 positive negative neutral")
)

// genText makes a short review- or news-like text: mostly Chinese, some English, with
// commas (ASCII and full-width), now and then a quote or a line break.
func genText(r *rand.Rand) string {
	var b strings.Builder
	n := 4 + r.IntN(16)
	english := r.IntN(4) == 0
	for i := range n {
		if english {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(enWords[r.IntN(len(enWords))])
			if r.IntN(8) == 0 {
				b.WriteByte(',')
			}
		} else {
			b.WriteString(zhWords[r.IntN(len(zhWords))])
			if r.IntN(6) == 0 {
				b.WriteString(zhPunct[r.IntN(len(zhPunct))])
			}
		}
	}
	switch r.IntN(40) {
	case 0:
		return `"` + b.String() + `"`
	case 1:
		return b.String() + "\n" + genText(r)
	case 2:
		return b.String() + ", " + enWords[r.IntN(len(enWords))]
	}
	return b.String()
}

func genLabels(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = labels[r.IntN(len(labels))]
	}
	return strings.Join(parts, ",")
}

// benchCSV returns about size bytes of generated CSV with a header, written by gocsv.
func benchCSV(tb testing.TB, size int) []byte {
	r := rand.New(rand.NewPCG(6, 2026))
	var buf bytes.Buffer
	w := stdcsv.NewWriter(&buf)
	var rows []benchRow
	for id := 1; buf.Len() < size; id++ {
		rows = append(rows, benchRow{ID: id, Text: genText(r), Label: genLabels(r)})
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
	benchRead(b, false, csvimp.Options{})
}

// BenchmarkReadGBK reads the same rows encoded in GBK (auto-detected, decoded to UTF-8).
func BenchmarkReadGBK(b *testing.B) { benchRead(b, true, csvimp.Options{}) }

// BenchmarkReadGBKKeep sends the GBK rows in GBK (-keep-encoding): each text is re-encoded.
func BenchmarkReadGBKKeep(b *testing.B) { benchRead(b, true, csvimp.Options{KeepEncoding: true}) }

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
		st, err := emit.WriteDir(context.Background(), out, csvimp.Read(context.Background(), fsys, name, csvimp.Options{}), emit.Options{}, nil)
		if err != nil || st.Samples < 100_000 {
			b.Fatal(st, err)
		}
	}
	cputime.ReportThroughput(b, size, cpu0)
}
