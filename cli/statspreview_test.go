package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatsAndPreviewOnTestdata converts every testdata/ set, then runs stats, stats -json and
// preview -png on the request bodies written: both commands work for every importer.
func TestStatsAndPreviewOnTestdata(t *testing.T) {
	root := "../testdata/"
	tests := []struct {
		name    string
		convert []string
		samples int
	}{
		{"voc", []string{"voc", root + "voc"}, 4},
		{"conll eng", []string{"conll", root + "conll/eng.conll"}, 5},
		{"conll gbk", []string{"conll", root + "conll/zh.gbk.conll"}, 3},
		{"csv reviews", []string{"csv", root + "csv/reviews.csv"}, 4},
		{"csv broken", []string{"csv", root + "csv/broken.csv"}, 2},
		{"csv combine", []string{"csv", "-layout", "combine", root + "csv/combine.txt"}, 2},
		{"csv separate", []string{"csv", "-layout", "separate", root + "csv/news.txt"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bodies := filepath.Join(dir, "requests")
			var so, se bytes.Buffer
			args := append([]string{tt.convert[0], "-o", bodies}, tt.convert[1:]...)
			code := run(args, nil, &so, &se)
			require.Contains(t, []int{exitOK, exitFailed}, code, se.String()) // broken.csv rejects rows
			files, _ := filepath.Glob(filepath.Join(bodies, "*.json"))
			require.NotEmpty(t, files, se.String())

			so.Reset()
			se.Reset()
			require.Equal(t, exitOK, run([]string{"stats", "-json", bodies}, nil, &so, &se), se.String())
			var report struct {
				Samples int `json:"samples"`
				Labels  int `json:"labels"`
			}
			require.NoError(t, json.Unmarshal(so.Bytes(), &report))
			assert.Equal(t, tt.samples, report.Samples)
			assert.Positive(t, report.Labels)

			so.Reset()
			require.Equal(t, exitOK, run([]string{"stats", bodies}, nil, &so, &se), se.String())
			assert.Contains(t, so.String(), "samples by type")

			out := filepath.Join(dir, "pv")
			se.Reset()
			require.Equal(t, exitOK, run([]string{"preview", "-png", "-o", out, bodies}, nil, &so, &se), se.String())
			page, err := os.ReadFile(filepath.Join(out, "index.html"))
			require.NoError(t, err)
			assert.Equal(t, tt.samples, strings.Count(string(page), "<article "))
			assert.NotContains(t, string(page), "class=\"sample invalid\"")
			if tt.convert[0] == "voc" {
				pngs, _ := filepath.Glob(filepath.Join(out, "*.png"))
				assert.Len(t, pngs, tt.samples)
			}
		})
	}
}

func TestStatsAndPreviewBadInput(t *testing.T) {
	dir := t.TempDir()
	var so, se bytes.Buffer
	// A body that does not decode: stats counts the others and fails; preview shows the error.
	assert.Equal(t, exitFailed, run([]string{"stats", "../testdata/invalid/truncated.json", "../testdata/requests/text.json"}, nil, &so, &se))
	assert.Contains(t, se.String(), "truncated.json")
	assert.Contains(t, so.String(), "samples                 3")

	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"samples":[{"name":"a<b","sample_type":0,"data":"AAAA"}]}`), 0o644))
	out := filepath.Join(dir, "pv")
	se.Reset()
	assert.Equal(t, exitFailed, run([]string{"preview", "-o", out, bad}, nil, &so, &se))
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "class=\"sample invalid\"")
	assert.Contains(t, string(page), "a&lt;b")

	assert.Equal(t, exitUsage, run([]string{"preview"}, nil, &so, &se))
	assert.Equal(t, exitUsage, run([]string{"stats"}, nil, &so, &se))
	so.Reset()
	assert.Equal(t, exitOK, run([]string{"help", "preview"}, nil, &so, &se))
	assert.Contains(t, so.String(), "index.html")
}
