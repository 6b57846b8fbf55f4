//go:build unix

package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

const imagesSecret = "HUAWEICLOUD_SDK_SK=not-a-real-secret-91d2"

// hostileDataset lays out an images folder reached through a link (DIR/JPEGImages ->
// store/imgs) holding a good image and one file of each kind an image must not be: a link
// to a secret outside, a link to /dev/zero, a FIFO, a folder named like an image, a
// non-image, an empty file and a file over the sample limit. It returns the dataset
// folder, the file names, and the good image's bytes.
func hostileDataset(t *testing.T) (string, []string, []byte) {
	t.Helper()
	tmp := t.TempDir()
	store := filepath.Join(tmp, "store", "imgs")
	require.NoError(t, os.MkdirAll(filepath.Join(store, "dir.jpg"), 0o755))
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil))
	good := b.Bytes()
	require.NoError(t, os.WriteFile(filepath.Join(store, "good.jpg"), good, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(store, "text.jpg"), []byte("<html>not an image</html>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(store, "empty.jpg"), nil, 0o644))
	huge, err := os.Create(filepath.Join(store, "huge.jpg"))
	require.NoError(t, err)
	_, err = huge.Write(good)
	require.NoError(t, err)
	require.NoError(t, huge.Truncate(api.MaxSampleBytes+1)) // sparse
	require.NoError(t, huge.Close())
	secret := filepath.Join(tmp, "secret.env")
	require.NoError(t, os.WriteFile(secret, []byte(imagesSecret), 0o600))
	require.NoError(t, os.Symlink(secret, filepath.Join(store, "leak.jpg")))
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(store, "zero.jpg")))
	require.NoError(t, syscall.Mkfifo(filepath.Join(store, "fifo.jpg"), 0o644))

	dataset := filepath.Join(tmp, "dataset")
	require.NoError(t, os.MkdirAll(filepath.Join(dataset, "Annotations"), 0o755))
	require.NoError(t, os.Symlink(store, filepath.Join(dataset, "JPEGImages")))
	names := []string{"good.jpg", "leak.jpg", "zero.jpg", "fifo.jpg", "dir.jpg", "text.jpg", "empty.jpg", "huge.jpg"}
	return dataset, names, good
}

// runGuarded runs the command; should it block on the FIFO, a hang guard (not a timing
// assertion) writes to the FIFO to free it and fails the test, so the test never hangs.
func runGuarded(t *testing.T, fifo string, args ...string) (int, string) {
	t.Helper()
	type ran struct {
		code   int
		stderr string
	}
	done := make(chan ran, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(args, strings.NewReader(""), &out, &errOut)
		done <- ran{code, errOut.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stderr
	case <-time.After(30 * time.Second):
		if w, err := os.OpenFile(fifo, os.O_RDWR, 0); err == nil {
			w.Write([]byte("unblock"))
			w.Close()
		}
		t.Fatalf("convert %s blocked (on the FIFO?)", strings.Join(args, " "))
		return 0, ""
	}
}

// noSecret checks that the secret reached neither the messages nor the request files.
func noSecret(t *testing.T, stderr, out string) {
	t.Helper()
	assert.NotContains(t, stderr, "not-a-real-secret")
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NotContains(t, string(data), "not-a-real-secret", f)
		assert.NotContains(t, string(data), base64.StdEncoding.EncodeToString([]byte(imagesSecret))[:24], f)
	}
}

// The rejection each hostile file gets, after "NAME: rejected: " and the image's path.
var hostileReasons = map[string]string{
	"leak.jpg":  "leak.jpg: a link to a file outside the images folder (-follow-links reads it)",
	"zero.jpg":  "zero.jpg: a link to a file outside the images folder",
	"fifo.jpg":  "fifo.jpg is a named pipe (FIFO): only regular files are read as images",
	"dir.jpg":   "dir.jpg is a folder: only regular files are read as images",
	"text.jpg":  `text.jpg starts with "<html>no"…: image format not recognized (JPEG, PNG, BMP or GIF expected)`,
	"empty.jpg": "empty.jpg: the image file is empty",
	"huge.jpg":  "huge.jpg is 12582913 bytes: image is larger than the service accepts for one sample (at most 12582912; use -obs-prefix)",
}

func TestVOCHostileImages(t *testing.T) {
	dataset, names, good := hostileDataset(t)
	for _, n := range names {
		stem := strings.TrimSuffix(n, ".jpg")
		xml := fmt.Sprintf("<annotation>\n  <filename>%s</filename>\n  <size><width>4</width><height>4</height><depth>1</depth></size>\n</annotation>\n", n)
		require.NoError(t, os.WriteFile(filepath.Join(dataset, "Annotations", stem+".xml"), []byte(xml), 0o644))
	}
	fifo := filepath.Join(dataset, "JPEGImages", "fifo.jpg")
	ann := filepath.ToSlash(filepath.Join(dataset, "Annotations"))

	out := t.TempDir()
	code, stderr := runGuarded(t, fifo, "voc", "-q", "-o", out, dataset)
	assert.Equal(t, exitFailed, code, stderr)
	samples := writtenSamples(t, out)
	require.Len(t, samples, 1, "the images folder may be a link")
	assert.Equal(t, "good.jpg", samples[0].Name)
	assert.Equal(t, base64.StdEncoding.EncodeToString(good), samples[0].Data)
	for n, reason := range hostileReasons {
		stem := strings.TrimSuffix(n, ".jpg")
		assert.Contains(t, stderr, fmt.Sprintf("%s/%s.xml:2:3: filename: rejected: JPEGImages/%s", ann, stem, reason))
	}
	assert.Equal(t, len(hostileReasons), strings.Count(stderr, ": rejected: "), stderr)
	noSecret(t, stderr, out)

	t.Run("follow-links", func(t *testing.T) {
		out := t.TempDir()
		code, stderr := runGuarded(t, fifo, "voc", "-q", "-follow-links", "-o", out, dataset)
		assert.Equal(t, exitFailed, code, stderr)
		assert.Len(t, writtenSamples(t, out), 1)
		assert.Contains(t, stderr, ann+`/leak.xml:2:3: filename: rejected: JPEGImages/leak.jpg starts with "HUAWEICL"…: image format not recognized`)
		assert.Contains(t, stderr, ann+"/zero.xml:2:3: filename: rejected: JPEGImages/zero.jpg is a device: only regular files are read as images")
		noSecret(t, stderr, out)
	})
	t.Run("-images", func(t *testing.T) {
		out := t.TempDir()
		code, stderr := runGuarded(t, fifo, "voc", "-q", "-images", filepath.Join(dataset, "JPEGImages"), "-o", out, filepath.Join(dataset, "Annotations"))
		assert.Equal(t, exitFailed, code, stderr)
		assert.Len(t, writtenSamples(t, out), 1)
		assert.Contains(t, stderr, ann+"/leak.xml:2:3: filename: rejected: leak.jpg: a link to a file outside the images folder")
		noSecret(t, stderr, out)
	})
}

func TestCocoHostileImages(t *testing.T) {
	dataset, names, good := hostileDataset(t)
	type img struct {
		ID       int    `json:"id"`
		FileName string `json:"file_name"`
		Width    int    `json:"width"`
		Height   int    `json:"height"`
	}
	doc := struct {
		Images      []img `json:"images"`
		Annotations []any `json:"annotations"`
		Categories  []any `json:"categories"`
	}{Annotations: []any{}, Categories: []any{}}
	for i, n := range names {
		doc.Images = append(doc.Images, img{ID: i + 1, FileName: n, Width: 4, Height: 4})
	}
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	ann := filepath.Join(dataset, "instances.json")
	require.NoError(t, os.WriteFile(ann, data, 0o644))
	images := filepath.Join(dataset, "JPEGImages") // a link to the folder: allowed
	fifo := filepath.Join(images, "fifo.jpg")

	out := t.TempDir()
	code, stderr := runGuarded(t, fifo, "coco", "-q", "-images", images, "-o", out, ann)
	assert.Equal(t, exitFailed, code, stderr)
	samples := writtenSamples(t, out)
	require.Len(t, samples, 1)
	assert.Equal(t, "good.jpg", samples[0].Name)
	assert.Equal(t, base64.StdEncoding.EncodeToString(good), samples[0].Data)
	for i, n := range names {
		if reason, ok := hostileReasons[n]; ok {
			assert.Contains(t, stderr, fmt.Sprintf("images[%d] (id %d): rejected: %s", i, i+1, reason))
		}
	}
	assert.Equal(t, len(hostileReasons), strings.Count(stderr, ": rejected: "), stderr)
	noSecret(t, stderr, out)

	t.Run("follow-links", func(t *testing.T) {
		out := t.TempDir()
		code, stderr := runGuarded(t, fifo, "coco", "-q", "-follow-links", "-images", images, "-o", out, ann)
		assert.Equal(t, exitFailed, code, stderr)
		assert.Contains(t, stderr, `rejected: leak.jpg starts with "HUAWEICL"…: image format not recognized`)
		assert.Contains(t, stderr, "rejected: zero.jpg is a device")
		noSecret(t, stderr, out)
	})
	t.Run("follow-links needs -images", func(t *testing.T) {
		code, _, stderr := runCmd(t, "coco", "-follow-links", "-obs-prefix", "obs://b/d/", ann)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "-follow-links applies to -images")
	})
}
