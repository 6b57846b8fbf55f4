package emit

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/modelarts-convert/convert/internal/benchdata"
)

// BenchmarkWriteFiles is the writer alone: Dir.Write's file writing of CSV-shaped request
// bodies (the batches made once, before the timer; 5,000 files of about 24 KB, as `convert
// csv` writes for 50 MB), with the first writer alone (as the one writer before issue 17's
// fifth round), with one helper and with three (maxWriters), into a temporary folder
// ($TMPDIR: put it on tmpfs to leave the disk out). ns/file is wall time per file,
// ns/cpu-file the process's CPU time per file (the removal of each pass's files left out of
// both).
func BenchmarkWriteFiles(b *testing.B) {
	var bodies []*Batch
	for bt, err := range Batches(context.Background(), stream(benchdata.Shapes("csv", 100*500), nil), Options{}) {
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, bt)
	}
	for rep := range 10 { // 5,000 files: the bodies again, numbered on
		if rep == 0 {
			continue
		}
		for _, bt := range bodies[:500] {
			c := *bt
			c.Seq += rep * 500
			bodies = append(bodies, &c)
		}
	}
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			defer func(old int, slow bool) { fixedWriters, helpOnSlowSync = old, slow }(fixedWriters, helpOnSlowSync)
			fixedWriters, helpOnSlowSync = n, false // helpers called whenever batches wait, as on a disk
			dir := b.TempDir()
			var wall, cpu time.Duration
			for i := 0; b.Loop(); i++ {
				out := fmt.Sprintf("%s/%d", dir, i)
				d, err := OpenDir(out, DirOptions{})
				if err != nil {
					b.Fatal(err)
				}
				start, cpu0 := time.Now(), cpuTime()
				w := newFileWriter(d, nil, make(chan *Batch, spareBatches))
				for _, bt := range bodies {
					w.put(bt)
				}
				w.close()
				wall, cpu = wall+time.Since(start), cpu+cpuTime()-cpu0
				if w.err != nil || w.st.Batches != len(bodies) {
					b.Fatal(w.st, w.err)
				}
				d.Close()
				b.StopTimer()
				os.RemoveAll(out)
				b.StartTimer()
			}
			b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N*len(bodies)), "ns/file")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*len(bodies)), "ns/cpu-file")
		})
	}
}
