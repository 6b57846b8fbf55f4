package imagefolder_test

import (
	"archive/zip"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefolder"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/internal/golden"
)

// open runs the registered format as the command does: its flags parsed from args, then its
// Opener on the inputs.
// open runs the registered format as the command does.
func open(t testing.TB, args ...string) importertest.Opener {
	return importertest.FormatOpener(t, "imagefolder", args...)
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"imagenet", []string{"testdata/imagenet"}},
		{"imagenet-obs", []string{"-obs-prefix", "obs://bucket/cls/", "testdata/imagenet"}},
		{"sidecar", []string{"testdata/sidecar"}},
		{"sidecar-obs", []string{"-layout", "sidecar", "-obs-prefix", "obs://bucket/cls/", "testdata/sidecar"}},
		{"sidecar-as-imagenet", []string{"-layout", "imagenet", "-obs-prefix", "obs://b/", "testdata/sidecar"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := importertest.Read(t, context.Background(), open(t, tt.args...))
			require.NoError(t, r.Err)
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".golden"), importertest.Transcript(r))
			for i, s := range r.Samples {
				assert.Empty(t, api.ValidateSample("s", s), "sample %d", i)
			}
		})
	}
}

func TestConformance(t *testing.T) {
	importertest.Run(t, open(t, "testdata/imagenet"), sized)
	t.Run("sidecar", func(t *testing.T) { importertest.Run(t, open(t, "-layout", "sidecar", "testdata/sidecar"), sized) })
}

// What each fixture file becomes, asserted one by one (the golden files hold the whole).
func TestImageNet(t *testing.T) {
	r := importertest.Read(t, context.Background(), open(t, "-obs-prefix", "obs://b/d", "testdata/imagenet"))
	require.NoError(t, r.Err)
	got := map[string][]string{}
	for _, s := range r.Samples {
		var names []string
		for _, l := range s.Labels {
			assert.Equal(t, api.LabelImageClassification, l.Type)
			names = append(names, l.Name)
		}
		got[s.Name] = names
		assert.Equal(t, api.SampleImage, s.SampleType)
		assert.Equal(t, "obs://b/d/"+s.Name, s.DataSource.DataPath)
	}
	assert.Equal(t, map[string][]string{
		"Panda/10.jpg": {"Panda"}, "Panda/2.BMP": {"Panda"}, "Panda/fake.jpg": {"Panda"}, "Panda/moving.png": {"Panda"},
		"Rabbit/10.jpg": {"Rabbit"}, "Rabbit/11.png": {"Rabbit"}, "pets/Cat Big/1.jpg": {"Cat Big"}, "top.jpg": nil,
	}, got, "with -obs-prefix files are only listed: a bad signature is not seen")
	text := warnings(r)
	assert.Contains(t, text, "testdata/imagenet/Panda/anim.gif: rejected: not an image the service takes")
	assert.Contains(t, text, "testdata/imagenet/notes.md: rejected:")
	assert.Contains(t, text, `testdata/imagenet/pets/Cat Big: warning: the label name "Cat Big" contains ' '`)
	assert.NotContains(t, text, ".DS_Store")

	r = importertest.Read(t, context.Background(), open(t, "testdata/imagenet"))
	text = warnings(r)
	assert.Contains(t, text, `testdata/imagenet/Panda/fake.jpg: rejected: starts with "this is "…, not a JPEG, PNG or BMP signature; the service takes JPG, JPEG, PNG and BMP images`)
	assert.Contains(t, text, "testdata/imagenet/Panda/moving.png: rejected: is GIF by its signature, not JPEG, PNG or BMP; the service takes JPG, JPEG, PNG and BMP images\n")
	assert.Len(t, r.Samples, 6)
	for _, s := range r.Samples {
		assert.NotEmpty(t, s.Data, "inline by default")
	}
}

func TestSidecar(t *testing.T) {
	r := importertest.Read(t, context.Background(), open(t, "testdata/sidecar"))
	require.NoError(t, r.Err)
	got := map[string][]string{}
	for _, s := range r.Samples {
		var names []string
		for _, l := range s.Labels {
			names = append(names, l.Name)
		}
		got[s.Name] = names
	}
	assert.Equal(t, map[string][]string{
		"import-dir-1/10.jpg": {"Rabbit"}, "import-dir-1/11.jpg": nil, "import-dir-1/12.png": {"Rabbit", "Panda"},
		"import-dir-2/1.jpg": {"Panda"}, "import-dir-2/2.jpg": {"Rabbit", "Panda"}, "import-dir-2/3.jpg": nil, "import-dir-2/4.jpg": {"big cat"},
	}, got, "auto finds the sidecar layout; folder names are not labels there")
	text := warnings(r)
	assert.Contains(t, text, "testdata/sidecar/import-dir-2/orphan.txt: rejected: a label file without a file to label: no orphan.{jpg,jpeg,png,bmp} beside it")
	assert.Contains(t, text, `testdata/sidecar/import-dir-1/12.txt:4: warning: the label "Rabbit" is given again (first on line 1); kept once`)
	assert.Contains(t, text, "testdata/sidecar/import-dir-2/3.txt: warning: the label file holds no label")
	assert.Contains(t, text, `testdata/sidecar/import-dir-2/4.txt:1: warning: the label name "big cat"`)
	assert.Equal(t, 1, strings.Count(text, `label name "big cat"`))

	// Read as imageNet, the label files are rejected with a hint.
	r = importertest.Read(t, context.Background(), open(t, "-layout", "imagenet", "testdata/sidecar"))
	assert.Contains(t, warnings(r), "(label files beside the images are the sidecar layout: option Layout sidecar)")
}

func TestLayoutFlag(t *testing.T) {
	var l imagefolder.Layout
	require.NoError(t, l.UnmarshalText([]byte("SideCar")))
	assert.Equal(t, imagefolder.Sidecar, l)
	assert.Error(t, l.UnmarshalText([]byte("yolo")))
	b, _ := imagefolder.ImageNet.MarshalText()
	assert.Equal(t, "imagenet", string(b))

	f, _ := importers.Lookup("imagefolder")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Flags(fs)
	assert.Error(t, fs.Parse([]string{"-layout", "coco"}))
}

func TestUsageErrors(t *testing.T) {
	f, _ := importers.Lookup("imagefolder")
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{}, "needs at least one input folder"},
		{[]string{"testdata/missing"}, "no such file"},
		{[]string{"testdata/imagenet/top.jpg"}, "is a file; convert imagefolder reads a folder"},
		{[]string{"-obs-prefix", "http://x/", "testdata/imagenet"}, "must look like obs://bucket/dir/"},
		{[]string{"-"}, "not standard input"},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		opener := f.Flags(fs)
		require.NoError(t, fs.Parse(tt.args))
		_, err := opener(context.Background(), fs.Args(), importers.Env{})
		var ue *importers.UsageError
		require.ErrorAs(t, err, &ue, "%v", tt.args)
		assert.Contains(t, err.Error(), tt.msg)
	}
}

// Every file that is not taken is reported, and the files of a folder that cannot be
// listed are one rejection; nothing else is lost.
func TestEveryFileAccounted(t *testing.T) {
	fsys := fstest.MapFS{
		"a/1.jpg":       {Data: []byte("\xff\xd8\xff\xe0 jpeg")},
		"a/2.webp":      {Data: []byte("RIFF....WEBP")},
		"a/3.jpg":       {Data: []byte{}},
		"a/it's.png":    {Data: []byte("\x89PNG\r\n\x1a\n")},
		"b/c/4.jpeg":    {Data: []byte("\xff\xd8\xff\xe0 jpeg")},
		"fifo.jpg":      {Mode: os.ModeNamedPipe},
		".hidden/x.jpg": {Data: []byte("\xff\xd8\xff")},
	}
	var ws []importers.Warning
	samples, err := importers.Collect(imagefolder.Read(context.Background(), fsys, ".", imagefolder.Options{Warn: func(w importers.Warning) { ws = append(ws, w) }}))
	require.NoError(t, err)
	var names []string
	for _, s := range samples {
		names = append(names, s.Name+"="+s.Labels[0].Name)
	}
	assert.Equal(t, []string{"a/1.jpg=a", "b/c/4.jpeg=c"}, names)
	var rejected []string
	for _, w := range ws {
		if w.Rejected {
			rejected = append(rejected, w.Pos.File)
		}
	}
	assert.Equal(t, []string{"a/2.webp", "a/3.jpg", "a/it's.png", "fifo.jpg"}, rejected)
}

func warnings(r importertest.Result) string {
	var b strings.Builder
	for _, w := range r.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}

// A zip of the folder reads as the folder, and messages name the archive's members.
func TestArchive(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "cls.zip")
	f, err := os.Create(zipPath)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	for name, data := range map[string]string{"cls/Rabbit/1.jpg": "\xff\xd8\xff\xe0 a JPEG", "cls/Rabbit/2.gif": "GIF89a"} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	r := importertest.Read(t, context.Background(), open(t, zipPath))
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, 1)
	assert.Equal(t, "cls/Rabbit/1.jpg", r.Samples[0].Name)
	assert.Equal(t, "Rabbit", r.Samples[0].Labels[0].Name)
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, zipPath+":cls/Rabbit/2.gif", r.Warnings[0].Pos.File)
}

// Links: inline, a link inside the folder to an image outside it is rejected (the folder is
// read through an os.Root); with -obs-prefix the files are only listed, and a link to a file
// is taken, a link to a folder is not followed.
func TestLinks(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside.jpg")
	require.NoError(t, os.WriteFile(outside, []byte("\xff\xd8\xff\xe0 a JPEG"), 0o644))
	root := filepath.Join(base, "root")
	require.NoError(t, os.MkdirAll(filepath.Join(root, "cat"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "cat", "in.jpg"), []byte("\xff\xd8\xff\xe0 a JPEG"), 0o644))
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "cat", "out.jpg")))
	require.NoError(t, os.Symlink("in.jpg", filepath.Join(root, "cat", "same.jpg")))
	require.NoError(t, os.Symlink(base, filepath.Join(root, "cat", "dir.jpg")))

	names := func(r importertest.Result) []string {
		var out []string
		for _, s := range r.Samples {
			out = append(out, s.Name)
		}
		return out
	}
	r := importertest.Read(t, context.Background(), open(t, root))
	require.NoError(t, r.Err)
	assert.Equal(t, []string{"cat/in.jpg", "cat/same.jpg"}, names(r))
	text := warnings(r)
	assert.Contains(t, text, "cat/out.jpg: rejected: a link to a file outside the images folder")
	assert.Contains(t, text, "cat/dir.jpg: rejected:")

	r = importertest.Read(t, context.Background(), open(t, "-follow-links", root))
	assert.Equal(t, []string{"cat/in.jpg", "cat/out.jpg", "cat/same.jpg"}, names(r))

	r = importertest.Read(t, context.Background(), open(t, "-obs-prefix", "obs://b/", root))
	assert.Equal(t, []string{"cat/in.jpg", "cat/out.jpg", "cat/same.jpg"}, names(r))
	assert.Contains(t, warnings(r), "cat/dir.jpg: rejected: a link to a folder, not to a file")
}

type progress struct{ records int }

func (p *progress) AddRecords(n int)  { p.records += n }
func (p *progress) AddBytes(int64)    {}
func (p *progress) ReadBytes(n int64) {}

// The progress hook hears of every file as its folder is listed.
func TestProgress(t *testing.T) {
	f, _ := importers.Lookup("imagefolder")
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	opener := f.Flags(fs)
	require.NoError(t, fs.Parse([]string{"-layout", "imagenet", "testdata/imagenet"}))
	p := &progress{}
	src, err := opener(context.Background(), fs.Args(), importers.Env{Progress: p})
	require.NoError(t, err)
	n := 0
	for _, err := range src.Samples {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6+4, p.records, "6 samples and 4 rejections (the hidden file is not counted)")
}

// sized is the harness's input of n images in one class folder (listed, never opened, with
// -obs-prefix).
func sized(t testing.TB, n int) importertest.Opener {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "cat"), 0o755))
	for i := range n {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "cat", fmt.Sprintf("%05d.jpg", i)), nil, 0o644))
	}
	return open(t, "-layout", "imagenet", "-obs-prefix", "obs://b/cls/", dir)
}
