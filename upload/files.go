package upload

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

// RequestFiles expands paths to request-body files: a file stands for itself, a folder
// for the *.json directly in it (in name order, as emit writes them); "-" is kept as is.
func RequestFiles(paths []string) ([]string, error) {
	var files []string
	for _, a := range paths {
		if a == "-" {
			files = append(files, a)
			continue
		}
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%s: no *.json files in this folder", a)
		}
		sort.Strings(matches)
		files = append(files, matches...)
	}
	return files, nil
}

// RequestFileError is a file that is not a request body; Err says why (with line and
// column for syntax errors).
type RequestFileError struct {
	Path string
	Err  error
}

func (e *RequestFileError) Error() string {
	return fmt.Sprintf("%s: not a request body (%v)", e.Path, e.Err)
}

func (e *RequestFileError) Unwrap() error { return e.Err }

// ReadRequestFile reads and decodes one request body, strictly (api.DecodeRequest: one
// JSON object, no repeated key, no unknown key), and checks its request-level settings.
// The path "-" reads stdin.
func ReadRequestFile(path string, stdin io.Reader) (*api.Request, error) {
	_, req, err := readRequestFile(path, stdin)
	return req, err
}

// readRequestFile is ReadRequestFile that also returns the bytes read.
func readRequestFile(path string, stdin io.Reader) ([]byte, *api.Request, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := readAll(r)
	if err != nil {
		return nil, nil, err
	}
	req, err := api.DecodeRequest(data)
	if err != nil {
		return nil, nil, &RequestFileError{Path: path, Err: err}
	}
	if vs := api.Validate(&api.Request{LabelFormat: req.LabelFormat}); len(vs) > 0 {
		return nil, nil, fmt.Errorf("%s: %w", path, vs)
	}
	return data, req, nil
}

// readAll reads r to its end into a buffer sized by the file's length when r is a file
// (io.ReadAll grows and copies its buffer as it goes).
func readAll(r io.Reader) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 && fi.Size() < 1<<30 {
			buf := make([]byte, 0, fi.Size()+1)
			for {
				n, err := f.Read(buf[len(buf):cap(buf)])
				buf = buf[:len(buf)+n]
				if err == io.EOF {
					return buf, nil
				}
				if err != nil {
					return nil, err
				}
				if len(buf) == cap(buf) {
					buf = append(buf, 0)[:len(buf)] // grew since Stat: go on growing
				}
			}
		}
	}
	return io.ReadAll(r)
}

// FileBatches reads the request files one at a time and yields their bodies as batches.
//
// A file that needs no re-batching is sent as it was read, byte for byte (its samples
// validated, not re-encoded; signed as read): opts.BatchSize and opts.MaxBody are the
// defaults (or zero), every sample passes api.ValidateSample and has a name that no
// earlier sample of the run has, prepare leaves its samples as they are (no journal skips
// one, no name prefix), it holds at most opts.BatchSize samples in at most opts.MaxBody
// bytes, and opts.FinalAnnotation, when set, is the file's own. Any other file's samples are
// re-batched with opts, so that bodies written with other limits can be sent with these
// (a BatchSize or MaxBody other than the default asks for that for every file):
// consecutive such files with the same request-level settings (final_annotation, unless
// opts.FinalAnnotation sets it for all, and label_format) are batched together; a change of
// settings, or a file sent as read, starts new batches. A sample whose name repeats an
// earlier sample's, in any file, goes to opts.Reject. Batch numbers run on across the
// files. Each re-batched sample's Origin names its file and index. prepare, when set, is
// applied to the samples of each file before anything else (a journal's Skip, a name
// prefix). "-" reads one body from stdin.
func FileBatches(ctx context.Context, files []string, opts emit.Options, stdin io.Reader, prepare func(iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error]) iter.Seq2[*emit.Batch, error] {
	fixedFinal := opts.FinalAnnotation != nil
	limits := opts
	if limits.BatchSize <= 0 {
		limits.BatchSize = emit.DefaultBatchSize
	}
	if limits.MaxBody <= 0 {
		limits.MaxBody = emit.DefaultMaxBody
	}
	rebatch := opts.BatchSize > 0 && opts.BatchSize != emit.DefaultBatchSize || opts.MaxBody > 0 && opts.MaxBody != emit.DefaultMaxBody
	return func(yield func(*emit.Batch, error) bool) {
		if err := opts.Check(); err != nil {
			yield(nil, err)
			return
		}
		var names emit.NameSet // every name sent or batched in this run
		loaded, quit := prefetch(ctx, files, stdin)
		defer quit()
		read := func() (*requestFile, error) {
			l, ok := <-loaded
			switch {
			case ctx.Err() != nil:
				return nil, ctx.Err()
			case !ok:
				return nil, nil
			case l.err != nil:
				return nil, l.err
			}
			return prepareFile(l, prepare, limits, rebatch, fixedFinal, &names), nil
		}
		cur, err := read()
		seq := 0
		for cur != nil || err != nil {
			if err != nil {
				yield(nil, err)
				return
			}
			if cur.asRead {
				seq++
				cur.batch.Seq = seq
				for _, n := range cur.batch.Names {
					names.Add(n)
				}
				if !yield(cur.batch, nil) {
					return
				}
				cur, err = read()
				continue
			}
			group := opts
			if !fixedFinal {
				group.FinalAnnotation = cur.req.FinalAnnotation
			}
			group.LabelFormat = cur.req.LabelFormat
			first := cur
			var pending *requestFile
			var readErr error
			samples := func(yield func(*api.Sample, error) bool) {
				for f := first; ; {
					for i, p := range f.samples {
						if p.err == nil && p.s != nil {
							p.s.Origin = fmt.Sprintf("%s: samples[%d]", f.path, f.index[i])
							if p.s.Name != "" && names.Has(p.s.Name) {
								if opts.Reject != nil {
									opts.Reject(p.s, emit.RepeatReason(p.s.Name))
								}
								continue
							}
						}
						if !yield(p.s, p.err) {
							return
						}
					}
					f.samples = nil
					nxt, err := read()
					switch {
					case err != nil:
						readErr = err
						return
					case nxt == nil:
						return
					case nxt.asRead || !sameSettings(nxt.req, first.req, fixedFinal):
						pending = nxt
						return
					}
					f = nxt
				}
			}
			for b, err := range emit.Batches(ctx, samples, group) {
				if err == nil {
					seq++
					b.Seq = seq
					for _, n := range b.Names {
						if n != "" {
							names.Add(n)
						}
					}
				}
				if !yield(b, err) || err != nil {
					return
				}
			}
			cur, err = pending, readErr
		}
	}
}

// requestFile is a request file read, with its samples as prepare left them, and, when it
// can be sent as read, its batch.
type requestFile struct {
	path    string
	req     *api.Request
	samples []preparedSample
	index   []int // index[i] is samples[i]'s position in the file
	asRead  bool
	batch   *emit.Batch // when asRead: the file's bytes and its samples' names
}

type preparedSample struct {
	s   *api.Sample
	err error
}

// prefetchFiles is how many request files prefetch reads ahead at most.
const prefetchFiles = 8

// loadedFile is a request file read, decoded and validated (by prefetch).
type loadedFile struct {
	path  string
	data  []byte
	req   *api.Request
	valid bool // every sample passes api.ValidateSample
	err   error
}

// prefetch reads, decodes and validates the files on up to GOMAXPROCS goroutines (at most
// 4), up to prefetchFiles files ahead of the reader, and delivers them in order. (On one
// goroutine, reading and checking the files was what held the uploader back: decoding and
// validating are most of its CPU; and a short read-ahead let the requests in flight run
// dry whenever the machine was busy.) Memory holds at most prefetchFiles files and their
// decoded samples. quit stops it early.
func prefetch(ctx context.Context, files []string, stdin io.Reader) (loaded <-chan *loadedFile, quit func()) {
	workers := min(runtime.GOMAXPROCS(0), 4)
	if slices.Contains(files, "-") {
		workers = 1 // standard input is read once, in order
	}
	order := make(chan chan *loadedFile, prefetchFiles-1) // one more waits in the sender
	out := make(chan *loadedFile)
	stop := make(chan struct{})
	var once sync.Once
	quit = func() { once.Do(func() { close(stop) }) }
	sem := make(chan struct{}, workers)
	go func() {
		defer close(order)
		for _, path := range files {
			ch := make(chan *loadedFile, 1)
			select {
			case order <- ch:
			case <-stop:
				return
			}
			select {
			case sem <- struct{}{}:
			case <-stop:
				return
			}
			go func() {
				defer func() { <-sem }()
				ch <- loadFile(ctx, path, stdin)
			}()
		}
	}()
	go func() {
		defer close(out)
		for ch := range order {
			var l *loadedFile
			select {
			case l = <-ch:
			case <-stop:
				return
			}
			select {
			case out <- l:
			case <-stop:
				return
			}
		}
	}()
	return out, quit
}

func loadFile(ctx context.Context, path string, stdin io.Reader) *loadedFile {
	if err := ctx.Err(); err != nil {
		return &loadedFile{path: path, err: err}
	}
	data, req, err := readRequestFile(path, stdin)
	if err != nil {
		return &loadedFile{path: path, err: err}
	}
	l := &loadedFile{path: path, data: data, req: req, valid: true}
	for i := range req.Samples {
		if vs := api.ValidateSample("sample", &req.Samples[i]); len(vs) > 0 {
			l.valid = false
			break
		}
	}
	return l
}

// prepareFile applies prepare to a loaded file's samples and says whether it can be sent as
// read (see FileBatches).
func prepareFile(l *loadedFile, prepare func(iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error],
	limits emit.Options, rebatch, fixedFinal bool, seen *emit.NameSet) *requestFile {
	data, req := l.data, l.req
	f := &requestFile{path: l.path, req: req}
	in := make([]*api.Sample, len(req.Samples))
	names := make([]string, len(req.Samples)) // as read: prepare may rename in place
	for i := range req.Samples {
		in[i] = &req.Samples[i]
		names[i] = in[i].Name
	}
	stream := func(yield func(*api.Sample, error) bool) {
		for _, s := range in {
			if !yield(s, nil) {
				return
			}
		}
	}
	out := iter.Seq2[*api.Sample, error](stream)
	if prepare != nil {
		out = prepare(out)
	}
	same := true // prepare passed every sample through unchanged
	next := 0    // where to look for the next sample's position in the file
	for s, err := range out {
		i := -1
		for k := next; k < len(in); k++ { // prepare keeps the order; it may leave samples out
			if in[k] == s {
				i, next = k, k+1
				break
			}
		}
		if err != nil || i != len(f.samples) || s.Name != names[i] {
			same = false
		}
		f.samples = append(f.samples, preparedSample{s, err})
		f.index = append(f.index, i)
	}
	same = same && len(f.samples) == len(in)
	if !same || !l.valid || rebatch || len(in) == 0 || len(in) > limits.BatchSize || len(data) > limits.MaxBody ||
		fixedFinal && (req.FinalAnnotation == nil || *req.FinalAnnotation != *limits.FinalAnnotation) {
		return f
	}
	b := &emit.Batch{Body: data, Names: names, Labels: map[api.LabelType]int{}, Samples: len(in)}
	inFile := make(map[string]struct{}, len(in))
	for _, s := range in {
		if _, dup := inFile[s.Name]; s.Name == "" || dup || seen.Has(s.Name) {
			return f
		}
		inFile[s.Name] = struct{}{}
		for _, l := range s.Labels {
			b.Labels[l.Type]++
		}
	}
	f.asRead, f.batch, f.samples, f.index = true, b, nil, nil
	return f
}

func sameSettings(a, b *api.Request, ignoreFinal bool) bool {
	if !ignoreFinal && !reflect.DeepEqual(a.FinalAnnotation, b.FinalAnnotation) {
		return false
	}
	return reflect.DeepEqual(a.LabelFormat, b.LabelFormat)
}
