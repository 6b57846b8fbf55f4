package stats

import (
	"context"
	"os"
	"runtime"
	"sync"
)

// FileError is a request file that could not be read or decoded.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// AddFiles counts the request bodies in files, decoding up to workers of them at once
// (workers <= 0: one per CPU). Decoding is CPU-bound, so on a machine with several cores this
// multiplies the throughput; memory stays bounded by workers bodies in flight, whatever the
// number of files. The counts are the same as adding the files one by one; the problems come
// back in file order. It stops early, returning ctx.Err(), when ctx is cancelled.
func (s *Stats) AddFiles(ctx context.Context, files []string, workers int) ([]*FileError, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(1, len(files)))
	errs := make([]error, len(files))
	parts := make([]*Stats, workers)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := range parts {
		parts[w] = New()
		wg.Add(1)
		go func(part *Stats) {
			defer wg.Done()
			for i := range jobs {
				data, err := os.ReadFile(files[i])
				if err == nil {
					err = part.AddBody(data)
				} else {
					part.badBodies++
				}
				errs[i] = err
			}
		}(parts[w])
	}
feed:
	for i := range files {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for _, part := range parts {
		s.Merge(part)
	}
	var problems []*FileError
	for i, err := range errs {
		if err != nil {
			problems = append(problems, &FileError{File: files[i], Err: err})
		}
	}
	return problems, ctx.Err()
}

// Merge adds other's counts to s.
func (s *Stats) Merge(other *Stats) {
	s.bodies += other.bodies
	s.badBodies += other.badBodies
	s.samples += other.samples
	s.labels += other.labels
	s.images += other.images
	s.imagesNoSize += other.imagesNoSize
	s.unlabeled += other.unlabeled
	s.texts += other.texts
	s.textsUnreadable += other.textsUnreadable
	addCounts(s.sampleTypes, other.sampleTypes)
	addCounts(s.labelTypes, other.labelTypes)
	addCounts(s.shapes, other.shapes)
	addCounts(s.widths, other.widths)
	addCounts(s.heights, other.heights)
	addCounts(s.textLengths, other.textLengths)
	for name, nc := range other.names {
		mine := s.names[name]
		if mine == nil {
			// lastSample -1: no sample of s has counted this name yet.
			mine = &nameCount{lastSample: -1}
			s.names[name] = mine
		}
		mine.labels += nc.labels
		mine.samples += nc.samples
		mine.entities += nc.entities
	}
}

func addCounts[K comparable](to, from map[K]int) {
	for k, n := range from {
		to[k] += n
	}
}
