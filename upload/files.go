package upload

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"reflect"
	"sort"

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
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	req, err := api.DecodeRequest(data)
	if err != nil {
		return nil, &RequestFileError{Path: path, Err: err}
	}
	if vs := api.Validate(&api.Request{LabelFormat: req.LabelFormat}); len(vs) > 0 {
		return nil, fmt.Errorf("%s: %w", path, vs)
	}
	return req, nil
}

// FileBatches reads the request files one at a time and re-batches their samples with
// opts, so that bodies written with other limits can be sent with these. Consecutive files
// with the same request-level settings (final_annotation, unless opts.FinalAnnotation sets
// it for all, and label_format) are batched together; a change of settings starts new
// batches. Batch numbers run on across the files. Each sample's Origin names its file and
// index. prepare, when set, is applied to each run of samples before batching (a journal's
// Skip, a name prefix). "-" reads one body from stdin.
func FileBatches(ctx context.Context, files []string, opts emit.Options, stdin io.Reader, prepare func(iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error]) iter.Seq2[*emit.Batch, error] {
	if prepare == nil {
		prepare = func(s iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] { return s }
	}
	fixedFinal := opts.FinalAnnotation != nil
	type file struct {
		path string
		req  *api.Request
	}
	return func(yield func(*emit.Batch, error) bool) {
		next := 0
		read := func() (*file, error) {
			if next == len(files) {
				return nil, nil
			}
			next++
			req, err := ReadRequestFile(files[next-1], stdin)
			if err != nil {
				return nil, err
			}
			return &file{files[next-1], req}, nil
		}
		first, err := read()
		seq := 0
		for first != nil || err != nil {
			if err != nil {
				yield(nil, err)
				return
			}
			group := opts
			if !fixedFinal {
				group.FinalAnnotation = first.req.FinalAnnotation
			}
			group.LabelFormat = first.req.LabelFormat
			var pending *file
			samples := func(yield func(*api.Sample, error) bool) {
				for cur := first; ; {
					for i := range cur.req.Samples {
						s := &cur.req.Samples[i]
						s.Origin = fmt.Sprintf("%s: samples[%d]", cur.path, i)
						if !yield(s, nil) {
							return
						}
					}
					cur.req.Samples = nil
					nxt, err := read()
					switch {
					case err != nil:
						yield(nil, err)
						return
					case nxt == nil:
						return
					case !sameSettings(nxt.req, first.req, fixedFinal):
						pending = nxt
						return
					}
					cur = nxt
				}
			}
			for b, err := range emit.Batches(ctx, prepare(samples), group) {
				if err == nil {
					seq++
					b.Seq = seq
				}
				if !yield(b, err) || err != nil {
					return
				}
			}
			first, err = pending, nil
		}
	}
}

func sameSettings(a, b *api.Request, ignoreFinal bool) bool {
	if !ignoreFinal && !reflect.DeepEqual(a.FinalAnnotation, b.FinalAnnotation) {
		return false
	}
	return reflect.DeepEqual(a.LabelFormat, b.LabelFormat)
}
