package emit

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// A panic in the stream goes up through Dir.Write, and Write's writer goroutine is not left
// waiting for batches that never come: Write ends it (it writes the batches already queued)
// before the panic leaves.
func TestWritePanicEndsWriter(t *testing.T) {
	d, err := OpenDir(t.TempDir(), DirOptions{})
	require.NoError(t, err)
	defer d.Close()
	panicking := func(yield func(*api.Sample, error) bool) {
		for _, s := range many(250) {
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
	// Wait until the writer has either ended (as it must) or blocked for more batches (the
	// leak); a writer that ends never blocks receiving.
	buf := make([]byte, 1<<20)
	for {
		stacks := string(buf[:runtime.Stack(buf, true)])
		writer := ""
		for g := range strings.SplitSeq(stacks, "\n\n") {
			if strings.Contains(g, "emit.(*Dir).Write.func") {
				writer = g
			}
		}
		if writer == "" {
			return
		}
		if strings.Contains(writer, "[chan receive") {
			t.Fatalf("Write's writer goroutine outlives it:\n%s", writer)
		}
		runtime.Gosched()
	}
}
