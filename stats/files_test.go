package stats

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeBodies(t testing.TB, bodies ...string) []string {
	dir := t.TempDir()
	var files []string
	for i, b := range bodies {
		f := filepath.Join(dir, fmt.Sprintf("part-%03d.json", i))
		require.NoError(t, os.WriteFile(f, []byte(b), 0o644))
		files = append(files, f)
	}
	return files
}

func TestAddFilesEqualsOneByOne(t *testing.T) {
	var bodies []string
	for i := range 12 {
		bodies = append(bodies, fmt.Sprintf(`{"samples":[{"name":"s%d","sample_type":1,"data":"%s","labels":[{"name":"L%d","type":101,"property":{"@modelarts:start_index":0,"@modelarts:end_index":1}},{"name":"common","type":100}]},
			{"name":"i%d","sample_type":0,"data":"AAAA","metadata":{"@modelarts:size":[%d,%d]}}]}`, i, b64(strings.Repeat("x", i+1)), i%3, i, 10*i+1, 5*i+1))
	}
	bodies = append(bodies, `{"samples":[`) // does not decode
	files := append(writeBodies(t, bodies...), filepath.Join(t.TempDir(), "missing.json"))

	one := New()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err == nil {
			_ = one.AddBody(data)
		} else {
			one.badBodies++
		}
	}
	tests := []struct {
		name    string
		workers int
	}{{"one worker", 1}, {"three workers", 3}, {"one per CPU", 0}, {"more workers than files", 100}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			problems, err := s.AddFiles(context.Background(), files, tt.workers)
			require.NoError(t, err)
			assert.Equal(t, one.Report(), s.Report())
			assert.Equal(t, map[string]int{"L0": 4, "L1": 4, "L2": 4}, s.Report().Entities)
			require.Len(t, problems, 2)
			assert.Equal(t, files[12], problems[0].File)
			assert.Equal(t, files[13], problems[1].File)
			assert.ErrorIs(t, problems[1], os.ErrNotExist)
		})
	}
}

func TestAddFilesCancelled(t *testing.T) {
	files := writeBodies(t, `{"samples":[]}`, `{"samples":[]}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := New().AddFiles(ctx, files, 1)
	assert.ErrorIs(t, err, context.Canceled)
}

// BenchmarkAddFiles is AddBody's detection case over 8 files, decoded by one worker per
// CPU: MB/s of request bodies as `convert stats` reads a folder.
func BenchmarkAddFiles(b *testing.B) {
	body := detectionBody(b)
	var bodies []string
	for range 8 {
		bodies = append(bodies, body)
	}
	files := writeBodies(b, bodies...)
	b.SetBytes(int64(8 * len(body)))
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
	for b.Loop() {
		if _, err := New().AddFiles(context.Background(), files, 0); err != nil {
			b.Fatal(err)
		}
	}
}
