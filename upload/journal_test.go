package upload

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var dest = Destination{Endpoint: "https://modelarts.x.example/", ProjectID: "p", DatasetID: "d"}

func TestJournalRecordsAndReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), JournalName("d"))
	j, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	require.NoError(t, j.record(&BatchResult{Seq: 1, Created: []string{"a", "b"}, Existing: []string{"c"},
		Failed: []SampleError{{Name: "d", Code: "ModelArts.4421", Message: "upload failed"}}}))
	require.NoError(t, j.record(&BatchResult{Seq: 2, Failed: []SampleError{{Name: "e", Code: "X"}}}))
	require.NoError(t, j.record(&BatchResult{Seq: 3, Created: []string{"e"}})) // e succeeded later
	require.NoError(t, j.Close())

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, `{"journal":"convert upload","version":1,"endpoint":"https://modelarts.x.example","project_id":"p","dataset_id":"d"}
{"batch":1,"created":["a","b"],"existing":["c"],"failed":[{"name":"d","error_code":"ModelArts.4421","error_msg":"upload failed"}]}
{"batch":2,"failed":[{"name":"e","error_code":"X"}]}
{"batch":3,"created":["e"]}
`, string(data))

	j, err = OpenJournal(path, dest, true)
	require.NoError(t, err)
	for _, k := range []string{"a", "b", "c", "e"} {
		assert.True(t, j.Done(k), k)
	}
	assert.False(t, j.Done("d"))
	assert.Equal(t, 4, j.Acknowledged())
	assert.Equal(t, []SampleError{{Name: "d", Code: "ModelArts.4421", Message: "upload failed"}}, j.Failed())
}

func TestJournalTornLastLineIsCutOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.journal")
	j, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	require.NoError(t, j.record(&BatchResult{Seq: 1, Created: []string{"a"}}))
	require.NoError(t, j.Close())
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"batch":2,"created":["b","c`) // power lost mid-write
	require.NoError(t, err)
	require.NoError(t, f.Close())

	j, err = OpenJournal(path, dest, false)
	require.NoError(t, err)
	assert.True(t, j.Done("a"))
	assert.False(t, j.Done("b"), "an unfinished record acknowledges nothing")
	require.NoError(t, j.record(&BatchResult{Seq: 2, Created: []string{"b"}}))
	require.NoError(t, j.Close())
	data, _ := os.ReadFile(path)
	assert.True(t, strings.HasSuffix(string(data), "\n{\"batch\":1,\"created\":[\"a\"]}\n{\"batch\":2,\"created\":[\"b\"]}\n"), string(data))
}

func TestJournalRefusesAnotherDestinationOrDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.journal")
	j, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	require.NoError(t, j.Close())
	other := dest
	other.DatasetID = "other"
	_, err = OpenJournal(path, other, false)
	assert.ErrorContains(t, err, "belongs to dataset d")

	damaged := filepath.Join(dir, "damaged.journal")
	data, _ := os.ReadFile(path)
	require.NoError(t, os.WriteFile(damaged, append(data, "garbage\n{\"batch\":2}\n"...), 0o644))
	_, err = OpenJournal(damaged, dest, false)
	assert.ErrorContains(t, err, "line 2: damaged")

	notJournal := filepath.Join(dir, "x.journal")
	require.NoError(t, os.WriteFile(notJournal, []byte("{\"samples\":[]}\n"), 0o644))
	_, err = OpenJournal(notJournal, dest, false)
	assert.ErrorContains(t, err, "not an upload journal")

	empty := filepath.Join(dir, "empty.journal")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	_, err = OpenJournal(empty, dest, false)
	assert.ErrorContains(t, err, "empty")
}

func TestReadOnlyJournalIsNeverCreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.journal")
	j, err := OpenJournal(path, dest, true)
	require.NoError(t, err)
	require.NoError(t, j.record(&BatchResult{Seq: 1, Created: []string{"a"}}))
	assert.NoFileExists(t, path)
}

func TestJournalName(t *testing.T) {
	assert.Equal(t, "upload-4f1c-9a.journal", JournalName("4f1c-9a"))
	assert.Equal(t, "upload-.._x_y.journal", JournalName("../x/y"))
}

func TestJournalLockedWhileOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.journal")
	dest := Destination{Endpoint: "http://127.0.0.1:1", ProjectID: "p", DatasetID: "d"}
	first, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	_, err = OpenJournal(path, dest, false)
	require.ErrorIs(t, err, ErrJournalInUse, "a second run cannot write the same journal")
	ro, err := OpenJournal(path, dest, true)
	require.NoError(t, err, "reading (dry runs) needs no lock")
	ro.Close()
	require.NoError(t, first.Close())
	again, err := OpenJournal(path, dest, false)
	require.NoError(t, err, "closing releases the lock")
	again.Close()
}

// Writers at once (group commit): every one returns only when its line is written, no line
// is lost or torn, and a journal that failed fails every writer after.
func TestJournalConcurrentWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), JournalName("d"))
	j, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			assert.NoError(t, j.sending(i, []string{fmt.Sprintf("s%d", i)}))
			assert.NoError(t, j.record(&BatchResult{Seq: i, Created: []string{fmt.Sprintf("c%d", i)}}))
		})
	}
	wg.Wait()
	require.NoError(t, j.Close())
	again, err := OpenJournal(path, dest, true)
	require.NoError(t, err)
	assert.Equal(t, 64, again.Acknowledged())
	for i := range 64 {
		assert.True(t, again.maybeSent(fmt.Sprintf("s%d", i)), i)
		assert.True(t, again.Done(fmt.Sprintf("c%d", i)), i)
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), 1+128)

	j, err = OpenJournal(path, dest, false)
	require.NoError(t, err)
	j.f.Close() // the next write fails
	assert.Error(t, j.sending(1, []string{"x"}))
	assert.ErrorContains(t, j.record(&BatchResult{Seq: 2, Created: []string{"y"}}), "journal: writing")
	j.f = nil
}

// A line is in the file as soon as appendLines returns, before its fsync (a run killed then
// has it); waitDurable returns once an fsync begun after it has ended; Close fsyncs what is
// left; lines of many writers are never torn or lost.
func TestJournalLinesAreWrittenBeforeTheirFsync(t *testing.T) {
	path := filepath.Join(t.TempDir(), JournalName("d"))
	j, err := OpenJournal(path, dest, false)
	require.NoError(t, err)
	n, err := j.appendLines([]byte(`{"batch":1,"sending":["a"]}` + "\n"))
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), `{"batch":1,"sending":["a"]}`+"\n", "written at once")
	require.NoError(t, j.waitDurable(n))
	j.mu.Lock()
	assert.GreaterOrEqual(t, j.synced, n)
	j.mu.Unlock()

	var wg sync.WaitGroup
	for i := range 32 {
		wg.Go(func() {
			n, err := j.appendLines(fmt.Appendf(nil, `{"batch":%d,"created":["c%d"]}`+"\n", i+2, i))
			assert.NoError(t, err)
			if i%2 == 0 {
				assert.NoError(t, j.waitDurable(n))
			}
		})
	}
	wg.Wait()
	last, err := j.appendLines([]byte(`{"batch":99,"created":["last"]}` + "\n"))
	require.NoError(t, err)
	require.NoError(t, j.Close())
	j.mu.Lock()
	assert.GreaterOrEqual(t, j.synced, last, "Close fsyncs the lines written before it")
	assert.False(t, j.syncing)
	j.mu.Unlock()
	_, err = j.appendLines([]byte("{}\n"))
	assert.ErrorContains(t, err, "closed")

	again, err := OpenJournal(path, dest, true)
	require.NoError(t, err)
	assert.Equal(t, 33, again.Acknowledged())
	assert.True(t, again.maybeSent("a"))
}
