package csv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// eventLog reads data with ReadFrom, rows read on a goroutine of their own (async) or on the
// caller's, and writes down every sample (all its fields), warning and error, in the order
// they came, stopping after stopAfter samples when that is positive.
func eventLog(t *testing.T, data []byte, opts Options, async bool, stopAfter int) string {
	t.Helper()
	saved := rowsAsync
	rowsAsync = func() bool { return async }
	defer func() { rowsAsync = saved }()
	var b strings.Builder
	opts.Warn = func(w importers.Warning) { fmt.Fprintf(&b, "W %s\n", w) }
	n := 0
	for s, err := range ReadFrom(context.Background(), strings.NewReader(string(data)), "in.csv", opts) {
		if err != nil {
			fmt.Fprintf(&b, "E %v\n", err)
			continue
		}
		n++
		fmt.Fprintf(&b, "S %s %s %d %s %s %+v\n", s.Origin, s.Name, s.SampleType, s.Encoding, s.Data, s.Labels)
		if vs := api.ValidateSample("sample", s); len(vs) > 0 {
			fmt.Fprintf(&b, "invalid %v\n", vs)
		}
		if n == stopAfter {
			break
		}
	}
	return b.String()
}

// optionSets are the row-reading options the differential tests try on every input.
var optionSets = []Options{
	{},
	{NoHeader: true},
	{KeepEncoding: true},
	{Layout: LayoutCombine},
	{Delimiter: ';', LabelSeparator: '|', NoHeader: true},
	{TextColumn: "2", LabelColumn: "1", NoHeader: true},
}

// TestAsyncRowsMatchSync proves that reading rows on a goroutine of their own changes
// nothing: over every file under testdata/ and generated files larger than several of its
// batches (with broken rows, blank rows and a file that mixes encodings), with each option
// set, the samples, warnings and errors are the same, in the same order, as read on the
// caller's goroutine; stopping early too.
func TestAsyncRowsMatchSync(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.*")
	require.NoError(t, err)
	inputs := map[string][]byte{}
	for _, p := range files {
		if strings.HasSuffix(p, "want.txt") {
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		inputs[p] = b
	}
	var gen strings.Builder
	gen.WriteString("text,label\n")
	for i := range 3000 {
		switch i % 97 {
		case 3:
			gen.WriteString("\"broken \"quote,x\n")
		case 5:
			gen.WriteString(",\n\n")
		case 7:
			gen.WriteString("one,two,three,four\n")
		case 11:
			fmt.Fprintf(&gen, "\"%s\",long\n", strings.Repeat("長い", 3000))
		}
		fmt.Fprintf(&gen, "\"row %d, 中文\",\"a%d, b\"\n", i, i%13)
	}
	inputs["generated"] = []byte(gen.String())
	inputs["generated-mixed"] = []byte(gen.String() + "\xd6\xd0\xce\xc4,x\n" + gen.String())
	for name, data := range inputs {
		for i, opts := range optionSets {
			for _, stop := range []int{0, 1, 300} {
				want := eventLog(t, data, opts, false, stop)
				got := eventLog(t, data, opts, true, stop)
				require.Equal(t, want, got, "%s, options %d, stopping after %d", name, i, stop)
			}
		}
	}
}

// FuzzAsyncRows checks that rows read on a goroutine of their own give what they give on the
// caller's goroutine.
func FuzzAsyncRows(f *testing.F) {
	f.Add([]byte("text,label\na,x\n\"b\nc\",y\n"), uint8(0))
	f.Add([]byte("text,label\n\"a,x\nb,y\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opts := optionSets[int(mode)%len(optionSets)]
		stop := int(mode >> 4)
		require.Equal(t, eventLog(t, data, opts, false, stop), eventLog(t, data, opts, true, stop))
	})
}

// BenchmarkRowsAsync reads 20 MB of generated rows with the rows read on a goroutine of
// their own and on the caller's, side by side, in MB/s and MB per CPU-second (all
// goroutines): the first is what the second costs in CPU time for the wall time it saves.
func BenchmarkRowsAsync(b *testing.B) {
	var gen strings.Builder
	gen.WriteString("text,label\n")
	for i := 0; gen.Len() < 20<<20; i++ {
		fmt.Fprintf(&gen, "%d,\"这家餐厅的菜很好吃，服务也不错 %d, the food was great\",\"正面,服务\"\n", i, i)
	}
	data := gen.String()
	for _, async := range []bool{true, false} {
		name := map[bool]string{true: "async", false: "sync"}[async]
		b.Run(name, func(b *testing.B) {
			saved := rowsAsync
			rowsAsync = func() bool { return async }
			defer func() { rowsAsync = saved }()
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cputime.Now()
			for b.Loop() {
				for _, err := range ReadFrom(context.Background(), strings.NewReader(data), "in.csv", Options{TextColumn: "2", LabelColumn: "3", NoHeader: true}) {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			cputime.ReportThroughput(b, int64(len(data)), cpu0)
		})
	}
}
