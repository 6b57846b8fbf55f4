package soundfolder_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/soundfolder"
	"github.com/modelarts-convert/convert/internal/golden"
)

// open runs the registered format as the command does.
func open(t testing.TB, args ...string) importertest.Opener {
	return importertest.FormatOpener(t, "soundfolder", args...)
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"sound", []string{"testdata/sound"}},
		{"sound-obs", []string{"-obs-prefix", "obs://bucket/audio/", "testdata/sound"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := importertest.Read(t, context.Background(), open(t, tt.args...))
			require.NoError(t, r.Err)
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), importertest.Transcript(r))
		})
	}
}

func TestConformance(t *testing.T) {
	importertest.Run(t, open(t, "testdata/sound"), sized)
}

func TestSound(t *testing.T) {
	r := importertest.Read(t, context.Background(), open(t, "testdata/sound"))
	require.NoError(t, r.Err)
	got := map[string]string{}
	for _, s := range r.Samples {
		assert.Equal(t, api.SampleSpeech, s.SampleType)
		assert.NotEmpty(t, s.Data)
		label := ""
		for _, l := range s.Labels {
			assert.Equal(t, api.LabelSpeechClassification, l.Type)
			label = l.Name
		}
		got[s.Name] = label
	}
	assert.Equal(t, map[string]string{"Panda/1.wav": "Panda", "Rabbit/10.wav": "Rabbit", "Rabbit/11.WAV": "Rabbit", "top.wav": ""}, got)
	var text strings.Builder
	for _, w := range r.Warnings {
		text.WriteString(w.String() + "\n")
	}
	assert.Equal(t, `testdata/sound/Panda/2.mp3: rejected: MP3 audio, by its name: the service takes WAV audio only; convert it to WAV first
testdata/sound/Panda/3.wav: rejected: is MP3 by its signature, not WAV; the service takes WAV audio only; convert it to WAV first
testdata/sound/Panda/4.wav: rejected: starts with "not audi"…, not a WAV signature; the service takes WAV audio only; convert it to WAV first
`, text.String())

	// With -obs-prefix the files are only listed: the extension decides.
	r = importertest.Read(t, context.Background(), open(t, "-obs-prefix", "obs://b/a/", "testdata/sound"))
	assert.Len(t, r.Samples, 6)
	assert.Equal(t, "obs://b/a/Panda/1.wav", r.Samples[0].DataSource.DataPath)
	assert.Len(t, r.Warnings, 1)
}

func TestLimits(t *testing.T) {
	wav := func(n int) []byte {
		b := make([]byte, n)
		copy(b, "RIFF\x00\x00\x00\x00WAVEfmt ")
		return b
	}
	fsys := fstest.MapFS{
		"big/a.wav":   {Data: wav(api.MaxSampleBytes + 1)},
		"big/b.wav":   {Data: wav(api.MaxSampleBytes)},
		"empty/c.wav": {Data: nil},
	}
	var ws []importers.Warning
	samples, err := importers.Collect(soundfolder.Read(context.Background(), fsys, ".", soundfolder.Options{Warn: func(w importers.Warning) { ws = append(ws, w) }}))
	require.NoError(t, err)
	require.Len(t, samples, 1)
	assert.Equal(t, "big/b.wav", samples[0].Name, "exactly the limit is taken")
	require.Len(t, ws, 2)
	assert.Equal(t, "big/a.wav", ws[0].Pos.File)
	assert.Contains(t, ws[0].Reason, "larger than the service accepts for one sample")
	assert.Equal(t, "empty/c.wav", ws[1].Pos.File)
	assert.Contains(t, ws[1].Reason, "empty")
}

// sized is the harness's input of n WAV files in one class folder (listed, never opened, with
// -obs-prefix).
func sized(t testing.TB, n int) importertest.Opener {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "bark"), 0o755))
	for i := range n {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bark", fmt.Sprintf("%05d.wav", i)), nil, 0o644))
	}
	return open(t, "-obs-prefix", "obs://b/audio/", dir)
}
