package csv_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	csvimp "github.com/modelarts-convert/convert/importers/csv"
)

// FuzzRead feeds arbitrary bytes through every layout. It must not panic; whatever it yields
// must validate; every rejection must say where; the only fatal errors are the ones a whole
// file earns (no header, undecodable text).
func FuzzRead(f *testing.F) {
	files, err := filepath.Glob("testdata/*/*.*")
	require.NoError(f, err)
	for _, p := range files {
		if strings.HasSuffix(p, "want.txt") {
			continue
		}
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(b, []byte("labels\n"), uint8(0))
		f.Add(b, []byte("a,b\n"), uint8(5))
	}
	f.Fuzz(func(t *testing.T, data, result []byte, mode uint8) {
		opts := csvimp.Options{
			NoHeader:     mode&1 != 0,
			KeepEncoding: mode&2 != 0,
		}
		switch mode >> 2 % 4 {
		case 1:
			opts.Layout = csvimp.LayoutCombine
		case 2:
			opts.Layout = csvimp.LayoutSeparate
		case 3:
			opts.Layout = csvimp.LayoutCombine
			opts.WholeFile = true
		}
		if mode&16 != 0 {
			opts.Delimiter = ';'
			opts.LabelSeparator = '|'
		}
		fsys := fstest.MapFS{"x.txt": {Data: data}, "x_result.txt": {Data: result}}
		opts.Warn = func(w importers.Warning) {
			require.Equal(t, "x", w.Pos.File[:1])
			require.NotEmpty(t, w.Reason)
			if w.Rejected && !opts.WholeFile {
				require.Positive(t, w.Pos.Line, "rejection without a line: %v", w)
			}
		}
		names := map[string]bool{}
		for s, err := range csvimp.Read(context.Background(), fsys, "x.txt", opts) {
			if err != nil {
				var ie *importers.Error
				require.True(t, errors.As(err, &ie), "%v", err)
				msg := err.Error()
				require.True(t, strings.Contains(msg, "header") || strings.Contains(msg, "not valid"), "unexpected fatal error: %v", err)
				continue
			}
			require.Empty(t, api.ValidateSample("sample", s))
			require.False(t, names[s.Name], "name %q repeats", s.Name)
			names[s.Name] = true
			raw, err := base64.StdEncoding.DecodeString(s.Data)
			require.NoError(t, err)
			if !opts.WholeFile {
				require.NotEmpty(t, bytes.TrimSpace(raw))
			}
		}
	})
}
