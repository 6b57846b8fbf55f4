package importers_test

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers"
	_ "github.com/modelarts-convert/convert/importers/all"
	"github.com/modelarts-convert/convert/internal/testarchive"
)

// releaseCases are the formats that take a .tar.gz of a dataset, each with a dataset of its
// own kind; eager says whether its Opener opens the archive before the stream starts (the
// .tar.gz is then decompressed to a temporary file at once).
var releaseCases = []struct {
	format string
	args   []string
	data   string // a folder or a file under testdata of the format
	eager  bool
}{
	{format: "coco", data: "coco/testdata/layouts/coco2017", eager: true},
	{format: "conll", data: "conll/testdata/conll2003.txt"},
	{format: "csv", data: "csv/testdata/quoted"},
	{format: "imagefolder", data: "imagefolder/testdata/imagenet"},
	{format: "manifest", data: "manifest/testdata/classification.manifest"},
	{format: "segvoc", data: "segvoc/testdata/seg"},
	{format: "soundfolder", data: "soundfolder/testdata/sound"},
	{format: "voc", data: "voc/testdata/names"},
	{format: "yolo", data: "yolo/testdata/ultralytics", eager: true},
}

// archiveTemps lists the temporary files archives were decompressed to in dir.
//
// The file has no name while it is open where the system allows it (archive.Open removes it
// at once, so that a killed run leaves nothing behind), so on Linux the open files are
// counted instead, through /proc/self/fd ("NAME (deleted)"); on Windows the name stays until
// the archive closes; elsewhere the test cannot see the file and is skipped.
func archiveTemps(t *testing.T, dir string) []string {
	t.Helper()
	prefix := filepath.Join(dir, "convert-archive-")
	switch runtime.GOOS {
	case "linux":
		fds, err := os.ReadDir("/proc/self/fd")
		require.NoError(t, err)
		var open []string
		for _, fd := range fds {
			if target, err := os.Readlink("/proc/self/fd/" + fd.Name()); err == nil && strings.HasPrefix(target, prefix) {
				open = append(open, target)
			}
		}
		return open
	case "windows":
		temps, err := filepath.Glob(prefix + "*")
		require.NoError(t, err)
		return temps
	}
	t.Skip("a nameless open file cannot be seen here")
	return nil
}

// TestSourceRelease opens a .tar.gz of each format's dataset through its registered Opener
// and releases the Source without reading the stream, after reading one sample, and after
// reading it to its end: each time the temporary file the archive was decompressed to is
// gone, and a second Release does nothing.
func TestSourceRelease(t *testing.T) {
	for _, tc := range releaseCases {
		t.Run(tc.format, func(t *testing.T) {
			fi, err := os.Stat(tc.data)
			require.NoError(t, err)
			var members []testarchive.Member
			if fi.IsDir() {
				members = testarchive.Dir(t, tc.data)
			} else {
				data, err := os.ReadFile(tc.data)
				require.NoError(t, err)
				members = []testarchive.Member{{Name: "data/" + filepath.Base(tc.data), Data: string(data)}}
			}
			require.NotEmpty(t, members)
			archivePath := filepath.Join(t.TempDir(), "data.tar.gz")
			testarchive.TarGz(t, archivePath, members)
			f, ok := importers.Lookup(tc.format)
			require.True(t, ok)

			for _, read := range []string{"none", "one", "all"} {
				t.Run(read, func(t *testing.T) {
					tmp := t.TempDir()
					t.Setenv("TMPDIR", tmp) // os.TempDir, where archive.Open decompresses a .tar.gz
					fs := flag.NewFlagSet(tc.format, flag.ContinueOnError)
					fs.SetOutput(io.Discard)
					opener := f.Flags(fs)
					require.NoError(t, fs.Parse(tc.args))
					src, err := opener(context.Background(), []string{archivePath}, importers.Env{Warn: func(importers.Warning) {}})
					require.NoError(t, err)
					if tc.eager {
						require.Len(t, archiveTemps(t, tmp), 1, "the Opener decompressed the archive")
						require.NotNil(t, src.Close)
					} else {
						require.Empty(t, archiveTemps(t, tmp), "the Opener opened nothing yet")
					}
					n := 0
					switch read {
					case "one":
						for range src.Samples {
							n++
							require.Len(t, archiveTemps(t, tmp), 1, "the archive is open while the stream runs")
							break
						}
						require.Equal(t, 1, n)
					case "all":
						for range src.Samples {
							n++
						}
						require.Positive(t, n)
					}
					assert.NoError(t, src.Release())
					assert.Empty(t, archiveTemps(t, tmp), "the temporary file is closed (and removed)")
					assert.NoError(t, src.Release(), "a second Release does nothing")
				})
			}
		})
	}
}

// TestSourceReleaseNil: a Source without Close, and a nil *Source, release nothing.
func TestSourceReleaseNil(t *testing.T) {
	var nilSource *importers.Source
	assert.NoError(t, nilSource.Release())
	assert.NoError(t, (&importers.Source{}).Release())
}

// TestCloseOnce: the function closes once, and returns the first call's error every time.
func TestCloseOnce(t *testing.T) {
	calls := 0
	c := importers.CloseOnce(func() error { calls++; return os.ErrClosed })
	assert.ErrorIs(t, c(), os.ErrClosed)
	assert.ErrorIs(t, c(), os.ErrClosed)
	assert.Equal(t, 1, calls)
	src := &importers.Source{Close: func() error { calls++; return nil }}
	assert.NoError(t, src.Release())
	assert.NoError(t, src.Release())
	assert.Equal(t, 2, calls)
}
