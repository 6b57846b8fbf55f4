//go:build unix

package imagefile

import (
	"encoding/base64"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

const fakeSecret = "HUAWEICLOUD_SDK_SK=not-a-real-secret-4f1c"

// hostileImages lays out, in a fresh temp dir, a dataset whose images folder is a link
// (dataset/JPEGImages -> store/imgs) holding one good image and one of each hostile kind.
// It returns the dataset folder and the good image's bytes.
func hostileImages(t *testing.T) (string, []byte) {
	t.Helper()
	tmp := t.TempDir()
	store := filepath.Join(tmp, "store", "imgs")
	require.NoError(t, os.MkdirAll(filepath.Join(store, "dir.jpg"), 0o755))
	good := jpegBytes(t, 4, 4)
	write := func(name string, data []byte) {
		require.NoError(t, os.WriteFile(filepath.Join(store, name), data, 0o644))
	}
	write("a.jpg", good)
	write("text.jpg", []byte("PK\x03\x04 a zip, not an image"))
	write("empty.jpg", nil)
	huge, err := os.Create(filepath.Join(store, "huge.jpg"))
	require.NoError(t, err)
	_, err = huge.Write([]byte("\xff\xd8\xff"))
	require.NoError(t, err)
	require.NoError(t, huge.Truncate(api.MaxSampleBytes+1)) // sparse: no disk used
	require.NoError(t, huge.Close())

	secret := filepath.Join(tmp, "secret.env")
	require.NoError(t, os.WriteFile(secret, []byte(fakeSecret), 0o600))
	outsideJPEG := filepath.Join(tmp, "outside.jpg")
	require.NoError(t, os.WriteFile(outsideJPEG, good, 0o644))
	require.NoError(t, os.Symlink(secret, filepath.Join(store, "leak.jpg")))
	require.NoError(t, os.Symlink("../../secret.env", filepath.Join(store, "leak-relative.jpg")))
	require.NoError(t, os.Symlink(outsideJPEG, filepath.Join(store, "outside.jpg")))
	require.NoError(t, os.Symlink("a.jpg", filepath.Join(store, "inner.jpg")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(store, "zero.jpg")))
	require.NoError(t, os.Symlink(filepath.Join(tmp, "nowhere.jpg"), filepath.Join(store, "dangling.jpg")))
	require.NoError(t, os.Symlink("loop.jpg", filepath.Join(store, "loop.jpg")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(store, "fifo.jpg"), 0o644))
	if l, err := net.Listen("unix", filepath.Join(store, "sock.jpg")); err == nil {
		t.Cleanup(func() { l.Close() })
	} else {
		t.Logf("no socket test: %v", err) // a temp path too long for a socket address
	}

	dataset := filepath.Join(tmp, "dataset")
	require.NoError(t, os.Mkdir(dataset, 0o755))
	require.NoError(t, os.Symlink(store, filepath.Join(dataset, "JPEGImages")))
	return dataset, good
}

// attachOrUnblock runs Attach, and if it blocks (reading a FIFO would wait for a writer)
// unblocks it by writing to the FIFO and fails: the test never hangs.
func attachOrUnblock(t *testing.T, src *Source, s *api.Sample, rel, fifo string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- src.Attach(s, rel) }()
	select {
	case err := <-done:
		return err
	case <-time.After(20 * time.Second): // a hang guard, not a timing assertion
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			w.Write([]byte("unblock"))
			w.Close()
		}
		t.Fatalf("Attach(%s) blocked", rel)
		return nil
	}
}

func TestAttachHostileFiles(t *testing.T) {
	dataset, good := hostileImages(t)
	fifo := filepath.Join(dataset, "JPEGImages", "fifo.jpg")
	tests := []struct {
		rel    string
		follow bool
		want   error
		msg    string
	}{
		{rel: "a.jpg"},
		{rel: "inner.jpg", msg: "a link inside the folder is fine"},
		{rel: "leak.jpg", want: ErrLink, msg: "JPEGImages/leak.jpg: a link to a file outside the images folder"},
		{rel: "leak-relative.jpg", want: ErrLink, msg: "JPEGImages/leak-relative.jpg: a link to a file outside the images folder"},
		{rel: "outside.jpg", want: ErrLink},
		{rel: "outside.jpg", follow: true},
		{rel: "leak.jpg", follow: true, want: ErrUnknown, msg: `JPEGImages/leak.jpg starts with "HUAWEICL"…`},
		{rel: "zero.jpg", want: ErrLink},
		{rel: "zero.jpg", follow: true, want: ErrNotFile, msg: "JPEGImages/zero.jpg is a device"},
		{rel: "dangling.jpg", want: ErrLink},
		{rel: "dangling.jpg", follow: true, want: ErrMissing},
		{rel: "fifo.jpg", want: ErrNotFile, msg: "JPEGImages/fifo.jpg is a named pipe (FIFO)"},
		{rel: "sock.jpg", want: ErrNotFile, msg: "JPEGImages/sock.jpg is a socket"},
		{rel: "dir.jpg", want: ErrNotFile, msg: "JPEGImages/dir.jpg is a folder"},
		{rel: "text.jpg", want: ErrUnknown, msg: `JPEGImages/text.jpg starts with "PK\x03\x04 a z"…`},
		{rel: "empty.jpg", want: ErrEmpty, msg: "JPEGImages/empty.jpg: the image file is empty"},
		{rel: "huge.jpg", want: ErrTooLarge, msg: "use option OBSPrefix"},
		{rel: "missing.jpg", want: ErrMissing},
	}
	// DirFS confines with an os.Root; any other fs.FS that reads links (here os.DirFS, as a
	// library user would pass) by following them in resolve.
	for fsName, newFS := range map[string]func(string) fs.FS{"DirFS": DirFS, "os.DirFS": os.DirFS} {
		for _, tt := range tests {
			name := fsName + "/" + tt.rel
			if tt.follow {
				name += " following links"
			}
			t.Run(name, func(t *testing.T) {
				if tt.rel == "sock.jpg" {
					if _, err := os.Lstat(filepath.Join(dataset, "JPEGImages", "sock.jpg")); err != nil {
						t.Skip("no socket")
					}
				}
				// A fresh file system per case: DirFS resolves the images folder on first use.
				src := &Source{FS: newFS(dataset), Dir: "JPEGImages", FollowLinks: tt.follow}
				var s api.Sample
				err := attachOrUnblock(t, src, &s, tt.rel, fifo)
				if tt.want == nil {
					require.NoError(t, err)
					assert.Equal(t, base64.StdEncoding.EncodeToString(good), s.Data)
					return
				}
				require.ErrorIs(t, err, tt.want)
				assert.Contains(t, err.Error(), tt.msg)
				assert.NotContains(t, err.Error(), "not-a-real-secret")
				assert.Empty(t, s.Data)

				// Reading the header for the size is confined the same way.
				_, err = src.ReadSize(tt.rel)
				assert.Error(t, err)
			})
		}
		for _, follow := range []bool{false, true} {
			src := &Source{FS: newFS(dataset), Dir: "JPEGImages", FollowLinks: follow}
			assert.ErrorContains(t, src.Attach(&api.Sample{}, "loop.jpg"), "too many", "%s, following links: %v", fsName, follow)
		}
	}
}

// In a MapFS (which reads links), links are followed inside the folder only.
func TestAttachMapFSLinks(t *testing.T) {
	img := jpegBytes(t, 2, 2)
	fsys := fstest.MapFS{
		"secret":          {Data: []byte(fakeSecret)},
		"imgs/a.jpg":      {Data: img},
		"imgs/sub/b.jpg":  {Data: []byte("../a.jpg"), Mode: fs.ModeSymlink},
		"imgs/up.jpg":     {Data: []byte("../secret"), Mode: fs.ModeSymlink},
		"imgs/sub/up.jpg": {Data: []byte("../../secret"), Mode: fs.ModeSymlink},
		"imgs/abs.jpg":    {Data: []byte("/secret"), Mode: fs.ModeSymlink},
		"imgs/loop.jpg":   {Data: []byte("loop.jpg"), Mode: fs.ModeSymlink},
		"imgs/dir":        {Data: []byte("sub"), Mode: fs.ModeSymlink},
	}
	src := &Source{FS: fsys, Dir: "imgs"}
	for _, rel := range []string{"a.jpg", "sub/b.jpg", "dir/b.jpg"} {
		var s api.Sample
		require.NoError(t, src.Attach(&s, rel), rel)
		assert.Equal(t, base64.StdEncoding.EncodeToString(img), s.Data, rel)
	}
	for _, rel := range []string{"up.jpg", "sub/up.jpg", "abs.jpg", "dir/up.jpg"} {
		err := src.Attach(&api.Sample{}, rel)
		assert.ErrorIs(t, err, ErrLink, rel)
		assert.NotContains(t, err.Error(), "not-a-real-secret")
	}
	assert.ErrorContains(t, src.Attach(&api.Sample{}, "loop.jpg"), "imgs/loop.jpg: too many links")
}

// The images folder is resolved once: replacing the link afterwards changes nothing.
func TestImagesFolderResolvedOnce(t *testing.T) {
	dataset, good := hostileImages(t)
	src := &Source{FS: DirFS(dataset), Dir: "JPEGImages"}
	require.NoError(t, src.Attach(&api.Sample{}, "a.jpg"))

	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "a.jpg"), []byte("GIF89a other"), 0o644))
	link := filepath.Join(dataset, "JPEGImages")
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink(other, link))
	var s api.Sample
	require.NoError(t, src.Attach(&s, "a.jpg"))
	assert.Equal(t, base64.StdEncoding.EncodeToString(good), s.Data)
}

// liarFS serves one file whose stat size is small but whose content never ends, like a
// /proc file or a file growing while it is read.
type liarFS struct{}

func (liarFS) Open(name string) (fs.File, error) {
	if name != "a.jpg" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &liarFile{}, nil
}

type liarFile struct{ n int64 }

func (f *liarFile) Stat() (fs.FileInfo, error) {
	return fstest.MapFS{"a.jpg": {Data: []byte("\xff\xd8\xff\xe0")}}.Stat("a.jpg")
}

func (f *liarFile) Read(p []byte) (int, error) {
	if f.n == 0 && len(p) >= 3 {
		copy(p, "\xff\xd8\xff")
	}
	f.n += int64(len(p))
	if f.n > 4*api.MaxSampleBytes {
		return 0, io.ErrUnexpectedEOF // the limit was not applied
	}
	return len(p), nil
}

func (f *liarFile) Close() error { return nil }

func TestAttachStopsAtTheLimit(t *testing.T) {
	src := &Source{FS: liarFS{}, Dir: "."}
	err := src.Attach(&api.Sample{}, "a.jpg")
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Equal(t, "a.jpg is over 12582912 bytes: image is larger than the service accepts for one sample (use option OBSPrefix)", err.Error())
}

func TestSniff(t *testing.T) {
	for data, want := range map[string]string{
		"\xff\xd8\xff\xe0": "jpeg", "\x89PNG\r\n\x1a\n": "png", "GIF87a": "gif", "GIF89a": "gif",
		"BM": "bmp", "RIFF....WEBP": "", "\xff\xd8": "", "": "", "<svg": "",
	} {
		assert.Equal(t, want, sniff([]byte(data)), "%q", data)
	}
}
