package emit

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/modelarts-convert/convert/api"
)

// FileName returns the name of the seq-th request file: part-000001.json and so on. Names
// sort in batch order up to a million files.
func FileName(seq int) string { return fmt.Sprintf("part-%06d.json", seq) }

var partFile = regexp.MustCompile(`^part-([0-9]{6,})\.json$`)

// WriteDir writes the stream's batches into dir (created if needed), one request body per
// file, each written to a temporary file, synced and renamed into place so that an interrupted
// run never leaves a truncated *.json. Request files from an earlier run that this run did not
// rewrite (part-N.json past the last batch) are removed, so the folder holds exactly this
// run's requests. onBatch, when not nil, is called after each file is in place.
//
// Files are written by a second goroutine while the next batch is being built, so the sync
// of one file overlaps the encoding of the next; at most two batches are held at once.
func WriteDir(ctx context.Context, dir string, samples iter.Seq2[*api.Sample, error], opts Options, onBatch func(*Batch, string)) (Stats, error) {
	var st Stats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	rejected := opts.Reject
	opts.Reject = func(s *api.Sample, reason string) {
		st.Rejected++
		if rejected != nil {
			rejected(s, reason)
		}
	}

	pending := make(chan *Batch, 1)
	written := make(chan error, 1)
	var failed atomic.Bool // a write failed: stop converting
	go func() {
		var werr error
		for b := range pending {
			if werr != nil {
				continue // drain, so the producer never blocks
			}
			path := filepath.Join(dir, FileName(b.Seq))
			if werr = writeAtomic(path, b.Body); werr != nil {
				failed.Store(true)
			} else if onBatch != nil {
				onBatch(b, path)
			}
		}
		written <- werr
	}()

	var streamErr error
	batches := 0
	for b, err := range Batches(ctx, samples, opts) {
		if err != nil {
			streamErr = err
			break
		}
		pending <- b
		st.Add(b)
		batches++
		if failed.Load() {
			break
		}
	}
	close(pending)
	if err := <-written; err != nil {
		return st, err
	}
	if streamErr != nil {
		return st, streamErr
	}
	return st, removeStale(dir, batches)
}

// writeAtomic writes data to a temporary file beside path (not named *.json), syncs it and
// renames it over path.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("emit: writing %s: %w", path, err)
	}
	return nil
}

// removeStale deletes part-N.json files with N > last.
func removeStale(dir string, last int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		m := partFile.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		if n, err := strconv.Atoi(m[1]); err == nil && n > last {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
