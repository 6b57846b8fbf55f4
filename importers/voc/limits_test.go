package voc_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/voc"
)

const (
	annHead = "<annotation><filename>%s.jpg</filename><size><width>9</width><height>9</height></size>"
	annBox  = "<object><name>%s</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>"
)

// lyingFS reports every file's size as 1 byte (a /proc file, a file still growing): the
// read limit must not trust it.
type lyingFS struct{ fstest.MapFS }

func (l lyingFS) Open(name string) (fs.File, error) {
	f, err := l.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return lyingFile{f}, nil
}

type lyingFile struct{ fs.File }

func (l lyingFile) Stat() (fs.FileInfo, error) {
	fi, err := l.File.Stat()
	return lyingInfo{fi}, err
}

type lyingInfo struct{ fs.FileInfo }

func (lyingInfo) Size() int64 { return 1 }

// A file whose sample would pass the service's per-sample limit, or which is too large to
// build at all, is rejected by itself — before its whole tree or sample is built — and the
// files around it still convert.
func TestHugeRecord(t *testing.T) {
	small := []byte(fmt.Sprintf(annHead, "small") + fmt.Sprintf(annBox, "cat") + "</annotation>")
	// A file just over MaxFileBytes, padded with a comment.
	pad := voc.MaxFileBytes + 1 - len(small) - len("<!---->")
	tooBig := append([]byte("<!--"+strings.Repeat("x", pad)+"-->"), small...)
	require.Len(t, tooBig, voc.MaxFileBytes+1)
	// MaxElements+1 elements: one object (6 elements) and empty ones after <annotation>.
	var many bytes.Buffer
	fmt.Fprintf(&many, annHead, "many")
	fmt.Fprintf(&many, annBox, "cat")
	many.WriteString(strings.Repeat("<a/>", voc.MaxElements+1-4-6))
	many.WriteString("</annotation>")
	// One object whose name alone passes the sample limit, and a broken one after it that
	// is never looked at.
	long := fmt.Sprintf(annHead, "long") + fmt.Sprintf(annBox, strings.Repeat("n", api.MaxSampleBytes)) +
		"<object><name>dog</name></object></annotation>"

	tests := []struct {
		name   string
		data   []byte
		lying  bool // the file system understates the file's size
		reason string
		elem   string
	}{
		{"over the read limit", tooBig, false, "the file is 16777217 bytes, more than the 16777216 bytes one annotation file may have", ""},
		{"over the read limit, size understated", tooBig, true, "the file is over more than the 16777216 bytes", ""},
		{"too many elements", many.Bytes(), false, "the file has more than 150000 elements", ""},
		{"sample over the limit", []byte(long), false, "over the 12582912 bytes the service takes for one sample", "object[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mfs := fstest.MapFS{"a.xml": {Data: small}, "b.xml": {Data: tt.data}, "c.xml": {Data: small}}
			var fsys fs.FS = mfs
			if tt.lying {
				fsys = lyingFS{mfs}
			}
			r := importertest.Read(t, context.Background(), opener(fsys, ".", voc.Options{OBSPrefix: obs, Workers: 2}))
			require.NoError(t, r.Err)
			assert.Len(t, r.Samples, 2, "the files around it convert")
			require.Len(t, r.Warnings, 1)
			w := r.Warnings[0]
			assert.True(t, w.Rejected)
			assert.Equal(t, "b.xml", w.Pos.File)
			assert.Equal(t, tt.elem, w.Pos.Element)
			assert.Contains(t, w.Reason, tt.reason)
			assert.NotContains(t, w.Reason, "more:", "stopped at the first object past the limit")
		})
	}
}

// Files larger than the in-flight budget run one at a time, and many workers still give
// every file, in order, without waiting forever.
func TestLargeFilesInParallel(t *testing.T) {
	fsys := fstest.MapFS{}
	const n = 8
	for i := range n {
		pad := strings.Repeat("<!-- padding -->", (2<<20)/16*(i%2)+1) // just over the 2 MiB budget, or small
		fsys[fmt.Sprintf("%02d.xml", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(annHead, fmt.Sprint(i)) + pad + fmt.Sprintf(annBox, "cat") + "</annotation>")}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a deadlock fails, not hangs
	defer cancel()
	r := importertest.Read(t, ctx, opener(fsys, ".", voc.Options{OBSPrefix: obs, Workers: 8}))
	require.NoError(t, r.Err)
	require.Len(t, r.Samples, n)
	for i, s := range r.Samples {
		assert.Equal(t, fmt.Sprintf("%d.jpg", i), s.Name)
	}
}

// An annotation "file" that is a FIFO or a device is rejected without being read (reading
// would block, or never end).
func TestNotRegularFile(t *testing.T) {
	fsys := fstest.MapFS{
		"a.xml": {Data: []byte(fmt.Sprintf(annHead, "a") + "</annotation>")},
		"b.xml": {Data: []byte("<annotation/>"), Mode: fs.ModeNamedPipe},
	}
	r := importertest.Read(t, context.Background(), opener(fsys, ".", voc.Options{OBSPrefix: obs}))
	require.NoError(t, r.Err)
	assert.Len(t, r.Samples, 1)
	require.Len(t, r.Warnings, 1)
	assert.True(t, r.Warnings[0].Rejected)
	assert.Equal(t, "b.xml", r.Warnings[0].Pos.File)
	assert.Contains(t, r.Warnings[0].Reason, "not a regular file")
}
