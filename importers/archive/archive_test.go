package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// entry is one member of a test archive.
type entry struct {
	name string
	body string
	link string // a symbolic link's target
	dir  bool
}

var datasetEntries = []entry{
	{name: "export/", dir: true},
	{name: "export/Annotations/a.xml", body: "<annotation/>"},
	{name: "export/JPEGImages/a.jpg", body: "\xff\xd8\xff\xe0fake"},
	{name: "./export/ImageSets/Main/train.txt", body: "a\n"},
}

func writeZip(t *testing.T, dir string, entries []entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		switch {
		case e.link != "":
			h.SetMode(fs.ModeSymlink | 0o777)
			w, err := zw.CreateHeader(h)
			require.NoError(t, err)
			_, err = w.Write([]byte(e.link))
			require.NoError(t, err)
			continue
		case e.dir:
			h.Name = strings.TrimSuffix(e.name, "/") + "/"
		}
		w, err := zw.CreateHeader(h)
		require.NoError(t, err)
		_, err = w.Write([]byte(e.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	p := filepath.Join(dir, "export.zip")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	return p
}

func tarBytes(t *testing.T, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		case e.dir:
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		require.NoError(t, tw.WriteHeader(h))
		if h.Size > 0 {
			_, err := tw.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// writeAll writes the entries as every kind of folder archive.
func writeAll(t *testing.T, entries []entry) map[string]string {
	dir := t.TempDir()
	tb := tarBytes(t, entries)
	return map[string]string{
		"zip":    writeZip(t, dir, entries),
		"tar":    writeFile(t, dir, "export.tar", tb),
		"tar.gz": writeFile(t, dir, "export.tar.gz", gzipBytes(t, tb)),
		"tgz":    writeFile(t, dir, "export.tgz", gzipBytes(t, tb)),
	}
}

func TestKindOf(t *testing.T) {
	for name, want := range map[string]Kind{
		"a.zip": Zip, "A.ZIP": Zip, "a.tar": Tar, "a.tar.gz": TarGz, "a.TGZ": TarGz,
		"instances.json.gz": Gz, "a.json": None, "zip": None,
	} {
		assert.Equal(t, want, KindOf(name), name)
	}
}

func TestFolderArchivesReadAsFolders(t *testing.T) {
	for kind, p := range writeAll(t, datasetEntries) {
		t.Run(kind, func(t *testing.T) {
			a, err := Open(p, Options{})
			require.NoError(t, err)
			defer a.Close()
			assert.Empty(t, a.Problems())
			require.NoError(t, fstest.TestFS(a, "export/Annotations/a.xml", "export/JPEGImages/a.jpg", "export/ImageSets/Main/train.txt"))
			b, err := fs.ReadFile(a, "export/Annotations/a.xml")
			require.NoError(t, err)
			assert.Equal(t, "<annotation/>", string(b))
			entries, err := fs.ReadDir(a, "export")
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"Annotations", "ImageSets", "JPEGImages"}, names)
		})
	}
}

func TestTarGzTemporaryFileRemoved(t *testing.T) {
	tmp := t.TempDir()
	p := writeAll(t, datasetEntries)["tar.gz"]
	a, err := Open(p, Options{TempDir: tmp})
	require.NoError(t, err)
	left, _ := os.ReadDir(tmp)
	if runtime.GOOS == "windows" {
		assert.Len(t, left, 1, "the decompressed tar")
	} else {
		// Nameless while the archive is open: a run killed now leaves nothing behind.
		assert.Empty(t, left, "the decompressed tar has no name")
		names, err := fs.Glob(a, "*")
		require.NoError(t, err)
		assert.NotEmpty(t, names, "and is read all the same")
	}
	require.NoError(t, a.Close())
	left, _ = os.ReadDir(tmp)
	assert.Empty(t, left, "Close removes the temporary file")
}

func TestHostileMembersLeftOut(t *testing.T) {
	hostile := append([]entry{}, datasetEntries...)
	hostile = append(hostile,
		entry{name: "../escape.xml", body: "x"},
		entry{name: "export/../../escape2.xml", body: "x"},
		entry{name: "/etc/passwd", body: "x"},
		entry{name: "export/link.jpg", link: "/etc/passwd"},
		entry{name: "export/inner.zip", body: "PK"},
	)
	for kind, p := range writeAll(t, hostile) {
		t.Run(kind, func(t *testing.T) {
			a, err := Open(p, Options{})
			require.NoError(t, err)
			defer a.Close()
			reasons := map[string]string{}
			for _, pr := range a.Problems() {
				reasons[pr.Member] = pr.Reason
			}
			assert.Contains(t, reasons["../escape.xml"], "escapes")
			assert.Contains(t, reasons["export/../../escape2.xml"], "escapes")
			assert.Contains(t, reasons["/etc/passwd"], "absolute")
			assert.Contains(t, reasons["export/link.jpg"], "link")
			assert.Contains(t, reasons["export/inner.zip"], "nested archive")
			for _, name := range []string{"escape.xml", "escape2.xml", "etc/passwd", "export/link.jpg", "export/inner.zip"} {
				_, err := a.Open(name)
				assert.ErrorIs(t, err, fs.ErrNotExist, name)
			}
			_, err = fs.ReadFile(a, "export/Annotations/a.xml")
			assert.NoError(t, err, "the good members are still there")
		})
	}
}

func TestBombs(t *testing.T) {
	zeros := strings.Repeat("\x00", 3<<20) // 3 MiB of zeros compress about 1000:1
	t.Run("zip member past 100x", func(t *testing.T) {
		p := writeZip(t, t.TempDir(), []entry{{name: "big.xml", body: zeros}, {name: "ok.xml", body: "<a/>"}})
		a, err := Open(p, Options{})
		require.NoError(t, err)
		defer a.Close()
		require.Len(t, a.Problems(), 1)
		assert.Contains(t, a.Problems()[0].Reason, "zip bomb")
		_, err = fs.ReadFile(a, "big.xml")
		assert.ErrorIs(t, err, ErrTooLarge)
		_, err = fs.ReadFile(a, "ok.xml")
		assert.NoError(t, err)
	})
	t.Run("image past the sample limit", func(t *testing.T) {
		p := writeZip(t, t.TempDir(), []entry{{name: "a.jpg", body: strings.Repeat("j", 2000)}})
		a, err := Open(p, Options{MaxImageBytes: 1000})
		require.NoError(t, err)
		defer a.Close()
		_, err = fs.ReadFile(a, "a.jpg")
		require.ErrorIs(t, err, ErrTooLarge)
		assert.Contains(t, err.Error(), "an image that expands past 1000 bytes")
	})
	t.Run("tar.gz past 100x", func(t *testing.T) {
		dir := t.TempDir()
		p := writeFile(t, dir, "bomb.tar.gz", gzipBytes(t, tarBytes(t, []entry{{name: "big.xml", body: zeros}})))
		tmp := t.TempDir()
		_, err := Open(p, Options{TempDir: tmp})
		var ae *Error
		require.ErrorAs(t, err, &ae)
		assert.Contains(t, err.Error(), "gzip bomb")
		left, _ := os.ReadDir(tmp)
		assert.Empty(t, left, "the partial temporary file is removed")
	})
	t.Run("gz single file past 100x, whatever ISIZE says", func(t *testing.T) {
		dir := t.TempDir()
		gz := gzipBytes(t, []byte(zeros))
		binaryLie := append([]byte{}, gz...)
		copy(binaryLie[len(binaryLie)-4:], []byte{1, 0, 0, 0}) // ISIZE claims 1 byte
		p := writeFile(t, dir, "instances.json.gz", binaryLie)
		a, err := Open(p, Options{})
		require.NoError(t, err)
		defer a.Close()
		_, err = fs.ReadFile(a, "instances.json")
		assert.ErrorIs(t, err, ErrTooLarge)
	})
}

func TestGzSingleFile(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "instances.json.gz", gzipBytes(t, []byte(`{"images":[]}`)))
	a, err := Open(p, Options{})
	require.NoError(t, err)
	defer a.Close()
	require.NoError(t, fstest.TestFS(a, "instances.json"))
	b, err := fs.ReadFile(a, "instances.json")
	require.NoError(t, err)
	assert.Equal(t, `{"images":[]}`, string(b))
	fi, err := fs.Stat(a, "instances.json")
	require.NoError(t, err)
	assert.EqualValues(t, 13, fi.Size())
}

func TestCorruptArchivesAreErrorsNamingThem(t *testing.T) {
	dir := t.TempDir()
	good := writeAll(t, datasetEntries)
	for kind, src := range good {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		name := filepath.Join(dir, "cut-"+filepath.Base(src))
		require.NoError(t, os.WriteFile(name, b[:len(b)/2], 0o644))
		t.Run(kind, func(t *testing.T) {
			a, err := Open(name, Options{})
			if err == nil {
				// A tar cut in the middle of a member is only found when it is read.
				defer a.Close()
				err = fstest.TestFS(a, "export/Annotations/a.xml", "export/JPEGImages/a.jpg", "export/ImageSets/Main/train.txt")
				require.Error(t, err)
				return
			}
			var ae *Error
			require.ErrorAs(t, err, &ae)
			assert.Contains(t, err.Error(), name)
			assert.Contains(t, err.Error(), "truncated or corrupt")
		})
	}
	p := writeFile(t, dir, "not.zip", []byte("hello"))
	_, err := Open(p, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not.zip")
	_, err = Open(writeFile(t, dir, "plain.json", []byte("{}")), Options{})
	require.Error(t, err)
}

func FuzzOpenZip(f *testing.F) {
	dir := f.TempDir()
	for _, e := range [][]entry{datasetEntries, {{name: "../x", body: "y"}}} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, m := range e {
			w, _ := zw.Create(m.name)
			io.WriteString(w, m.body)
		}
		zw.Close()
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "f.zip")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Skip()
		}
		a, err := Open(p, Options{})
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		defer a.Close()
		fs.WalkDir(a, ".", func(name string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				fs.ReadFile(a, name)
			}
			return nil
		})
	})
}
