package emit

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// A panic in the stream goes up through Dir.Write, and Write's writer goroutines are not left
// waiting for batches that never come: Write ends them (they write the batches already
// queued, in order) before the panic leaves.
func TestWritePanicEndsWriter(t *testing.T) {
	withWriters(t, func(t *testing.T, _ int) {
		dir := t.TempDir()
		d, err := OpenDir(dir, DirOptions{})
		require.NoError(t, err)
		defer d.Close()
		panicking := func(yield func(*api.Sample, error) bool) {
			for _, s := range many(2500) {
				if !yield(s, nil) {
					return
				}
			}
			panic("importer bug")
		}
		func() {
			defer func() { assert.Equal(t, "importer bug", recover()) }()
			d.Write(context.Background(), panicking, Options{BatchSize: 10}, nil)
			t.Error("Write returned")
		}()
		// Wait until the writers have either ended (as they must) or blocked for more batches
		// (the leak); a writer that ends never blocks receiving.
		noWriterLeft(t)
		names := listDir(t, dir)
		assert.NotEmpty(t, names)
		assert.Equal(t, partFiles(len(names)), names, "the batches handed over before the panic, in place in order")
	})
}
