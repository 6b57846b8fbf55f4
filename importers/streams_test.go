package importers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"iter"
	"os"
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
