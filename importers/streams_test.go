package importers

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

func TestInputStems(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"d/train.txt", "-", "x.conll"}, []string{"train.txt", "stdin", "x.conll"}},
		{[]string{"../a/train.txt", "./b/train.txt"}, []string{"a_train.txt", "b_train.txt"}},
		{[]string{"/abs/a/t.csv", "b/t.csv"}, []string{"abs_a_t.csv", "b_t.csv"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, InputStems(tt.in), "%q", tt.in)
	}
}

func TestConcatStopsAtAnError(t *testing.T) {
	seq := func(names ...string) iter.Seq2[*api.Sample, error] {
		return func(yield func(*api.Sample, error) bool) {
			for _, n := range names {
				var err error
				if n == "!" {
					err = errors.New("broken")
				}
				if !yield(&api.Sample{Name: n}, err) {
					return
				}
			}
		}
	}
	var got []string
	for s, err := range Concat(seq("a", "b"), seq("!", "c"), seq("d")) {
		got = append(got, s.Name)
		if err != nil {
			got = append(got, "err")
		}
	}
	assert.Equal(t, []string{"a", "b", "!", "err"}, got)
}

type countProgress struct{ records, want, read int64 }

func (c *countProgress) AddRecords(n int)  { c.records += int64(n) }
func (c *countProgress) AddBytes(n int64)  { c.want += n }
func (c *countProgress) ReadBytes(n int64) { c.read += n }

func TestEnvCountReads(t *testing.T) {
	var p countProgress
	env := Env{Progress: &p}
	env.AddBytes(5)
	env.AddRecords(2)
	buf := make([]byte, 3)
	r := env.CountReads(env.StdinOrEmpty())
	n, _ := r.Read(buf)
	assert.Zero(t, n)
	env.Stdin = &fixedReader{s: "hello"}
	r = env.CountReads(env.StdinOrEmpty())
	for {
		if _, err := r.Read(buf); err != nil {
			break
		}
	}
	assert.Equal(t, countProgress{records: 2, want: 5, read: 5}, p)
	// Without a Progress nothing is wrapped and nothing fails.
	assert.NotPanics(t, func() { Env{}.AddBytes(1); Env{}.CountReads(nil) })
}

type fixedReader struct{ s string }

func (f *fixedReader) Read(b []byte) (int, error) {
	if f.s == "" {
		return 0, errors.New("EOF")
	}
	n := copy(b, f.s)
	f.s = f.s[n:]
	return n, nil
}

func TestNamePrefix(t *testing.T) {
	assert.Empty(t, CheckNamePrefix(""))
	assert.Empty(t, CheckNamePrefix("dev-"))
	assert.Equal(t, "must not contain /", CheckNamePrefix("a/"))
	assert.NotEmpty(t, CheckNamePrefix("a!"))
	samples := func(yield func(*api.Sample, error) bool) {
		_ = yield(&api.Sample{Name: "x"}, nil) && yield(&api.Sample{}, nil)
	}
	var names []string
	for s := range PrefixNames(samples, "p-") {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"p-x", ""}, names)
}

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/a.txt"
	require.NoError(t, os.WriteFile(file, []byte("12345"), 0o644))
	var p countProgress
	assert.NoError(t, CheckFiles([]string{file, "-"}, "text files", Env{Progress: &p}))
	assert.Equal(t, int64(5), p.want)
	var ue *UsageError
	assert.ErrorAs(t, CheckFiles([]string{"-", "-"}, "x", Env{}), &ue)
	err := CheckFiles([]string{dir}, "text files", Env{})
	assert.ErrorAs(t, err, &ue)
	assert.EqualError(t, err, dir+" is a folder; give the text files themselves")
	assert.ErrorIs(t, CheckFiles([]string{dir + "/none"}, "x", Env{}), os.ErrNotExist)
}

func TestOpenFileInputGzip(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte("hello\n"))
	require.NoError(t, zw.Close())
	p := dir + "/a.txt.gz"
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	var prog countProgress
	r, name, err := OpenFileInput(p, Env{Progress: &prog})
	require.NoError(t, err)
	data, err := io.ReadAll(r)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	assert.Equal(t, "hello\n", string(data))
	assert.Equal(t, p+":a.txt", name)
	assert.Equal(t, int64(6), prog.read)
	assert.Equal(t, []string{"a.txt"}, InputStems([]string{p}))
}

// TestReadFiles: a folder is read as its files of the kind, in name order, subfolders
// included; hidden files and folders, README files and __MACOSX are skipped; a link that
// leads out of the folder is a rejection; stems are unique across the run; each file's
// Path names it and PathFS opens its neighbours by such names.
func TestReadFiles(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(outside+"/secret.txt", []byte("secret"), 0o644))
	dir := t.TempDir()
	files := map[string]string{
		"b/x.txt": "bx", "a/x.txt": "ax", "top.txt": "top", "top.csv": "not kept",
		".git/config.txt": "hidden", "a/.x.txt": "hidden", "README.txt": "aside", "__MACOSX/a/._x.txt": "mac",
	}
	for name, data := range files {
		p := dir + "/" + name
		require.NoError(t, os.MkdirAll(p[:strings.LastIndex(p, "/")], 0o755))
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
	}
	require.NoError(t, os.Symlink(outside+"/secret.txt", dir+"/leak.txt"))
	require.NoError(t, os.Symlink("top.txt", dir+"/same.txt")) // a link inside the folder is read
	single := t.TempDir() + "/x.txt"
	require.NoError(t, os.WriteFile(single, []byte("single"), 0o644))

	var warnings []string
	var prog countProgress
	env := Env{Warn: func(w Warning) { warnings = append(warnings, w.String()) }, Progress: &prog}
	keep := func(_ fs.FS, name string) bool { return Ext(name) == ".txt" }
	type got struct{ path, stem, data string }
	var seen []got
	var neighbour string
	read := func(f FileInput) iter.Seq2[*api.Sample, error] {
		return func(yield func(*api.Sample, error) bool) {
			r, err := f.Open()
			require.NoError(t, err)
			data, err := io.ReadAll(r)
			require.NoError(t, err)
			r.Close()
			seen = append(seen, got{f.Path, f.Stem, string(data)})
			if f.Name == "b/x.txt" {
				nf, err := f.PathFS().Open(strings.TrimSuffix(f.Path, "b/x.txt") + "top.txt")
				require.NoError(t, err)
				b, _ := io.ReadAll(nf)
				nf.Close()
				neighbour = string(b)
			}
			yield(&api.Sample{Name: f.Stem}, nil)
		}
	}
	samples, err := Collect(ReadFiles(context.Background(), []string{dir, single}, "text files", keep, env, read))
	require.NoError(t, err)
	assert.Len(t, samples, 5)
	stemDir := strings.ReplaceAll(strings.TrimPrefix(dir, "/"), "/", "_")
	assert.Equal(t, []got{
		{dir + "/a/x.txt", stemDir + "_a_x.txt", "ax"},
		{dir + "/b/x.txt", stemDir + "_b_x.txt", "bx"},
		{dir + "/same.txt", "same.txt", "top"},
		{dir + "/top.txt", "top.txt", "top"},
		{single, strings.ReplaceAll(strings.TrimPrefix(single, "/"), "/", "_"), "single"},
	}, seen[:5])
	assert.Len(t, seen, 5)
	assert.Equal(t, "top", neighbour)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], dir+"/leak.txt: rejected: a link that leads out of the folder")
	assert.Equal(t, int64(2+2+3+3), prog.want, "the folder's files' sizes are told to the progress (the file's by CheckFileInputs)")
	assert.Positive(t, prog.read)

	// A file given on the command line is opened as typed, a link to another folder too.
	link := t.TempDir() + "/link.txt"
	require.NoError(t, os.Symlink(outside+"/secret.txt", link))
	seen = nil
	_, err = Collect(ReadFiles(context.Background(), []string{link}, "text files", keep, env, read))
	require.NoError(t, err)
	assert.Equal(t, []got{{link, "link.txt", "secret"}}, seen)

	// A folder without a file of the kind is an error naming it.
	empty := t.TempDir()
	_, err = Collect(ReadFiles(context.Background(), []string{empty}, "text files", keep, env, read))
	assert.EqualError(t, err, empty+": no text files inside")
}

func TestJoinBase(t *testing.T) {
	assert.Equal(t, "a.txt", JoinBase("", "a.txt"))
	assert.Equal(t, "data/a.txt", JoinBase("data", "a.txt"))
	assert.Equal(t, "data/a.txt", JoinBase("data/", "a.txt"))
	assert.Equal(t, "export.zip:dir/a.txt", JoinBase("export.zip:", "dir/a.txt"))
}
