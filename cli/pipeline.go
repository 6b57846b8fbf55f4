package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"sort"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
)

// format is one importer's command. Each importer's file registers one in init.
type format struct {
	name    string
	summary string
	args    string // the positional arguments, for the usage line ("INPUT...")
	// flags registers the importer's own flags and returns the function that opens its
	// stream once the flags are parsed.
	flags func(fs *flag.FlagSet) openFunc
}

// openFunc opens an importer's stream over the inputs. It returns a usageError for bad
// flag combinations (exit 2).
type openFunc func(ctx context.Context, inputs []string, env *formatEnv) (*source, error)

// formatEnv is what an importer's command gets besides its inputs.
type formatEnv struct {
	warn  importers.WarnFunc
	stdin io.Reader
	// addTotal tells the progress line how many more records to expect, for its ETA. An
	// importer that learns its record count only while reading calls it then.
	addTotal func(records int)
}

// source is an opened importer stream and what it tells the writer.
type source struct {
	samples     iter.Seq2[*api.Sample, error]
	labelFormat *api.LabelFormat // request-level label_format (csv -whole-file)
	total       int              // records expected, for the progress ETA; 0 when unknown
}

var formats = map[string]*format{}

func registerFormat(f *format) { formats[f.name] = f }

// usageError makes a command exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// optionalBool is a boolean flag that remembers whether it was given.
type optionalBool struct {
	set   bool
	value bool
}

func (b *optionalBool) String() string {
	if b == nil || !b.set {
		return ""
	}
	return strconv.FormatBool(b.value)
}

func (b *optionalBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set, b.value = true, v
	return nil
}

func (b *optionalBool) IsBoolFlag() bool { return true }

func (b *optionalBool) ptr() *bool {
	if !b.set {
		return nil
	}
	v := b.value
	return &v
}

// outputFlags are the flags every format command and `convert upload` share.
type outputFlags struct {
	out             string
	overwrite       bool
	batch           int
	maxBody         int
	finalAnnotation optionalBool
	quiet           bool
}

func (o *outputFlags) register(fs *flag.FlagSet, withOut bool) {
	if withOut {
		fs.StringVar(&o.out, "o", "requests", "folder to write request bodies into (one `DIR`/part-NNNNNN.json per request)")
		fs.BoolVar(&o.overwrite, "overwrite", false, "replace the request files an earlier run left in the -o folder (removed before anything is written)")
	}
	fs.IntVar(&o.batch, "batch", emit.DefaultBatchSize, "at most `N` samples per request")
	fs.IntVar(&o.maxBody, "max-body", emit.DefaultMaxBody, "at most `BYTES` per request body (the service refuses 12 MB and over)")
	fs.Var(&o.finalAnnotation, "final-annotation", "set the request's final_annotation (`BOOL`; left out by default, which the service reads as true)")
	fs.BoolVar(&o.quiet, "q", false, "no progress, warnings or summary (rejections are still reported)")
}

func (o *outputFlags) check() error {
	if o.batch <= 0 {
		return usagef("-batch must be at least 1")
	}
	if o.maxBody < 1024 {
		return usagef("-max-body must be at least 1024 bytes")
	}
	if o.maxBody >= 12_000_000 {
		return usagef("-max-body must stay under the service's 12 MB body limit")
	}
	return nil
}

func (o *outputFlags) emitOptions() emit.Options {
	return emit.Options{BatchSize: o.batch, MaxBody: o.maxBody, FinalAnnotation: o.finalAnnotation.ptr()}
}

// formatFlags is everything a format command parses.
type formatFlags struct {
	output outputFlags
	upload *uploadFlags
	prefix *namePrefix
	open   openFunc
}

func newFormatFlagSet(f *format, out io.Writer) (*flag.FlagSet, *formatFlags) {
	fs := flag.NewFlagSet("convert "+f.name, flag.ContinueOnError)
	fs.SetOutput(out)
	ff := &formatFlags{}
	ff.output.register(fs, true)
	ff.upload = addUploadFlags(fs, true)
	ff.prefix = addNamePrefixFlag(fs)
	ff.open = f.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: convert %s [flags] %s\n\n%s\n\nFlags:\n", f.name, f.args, indent(f.summary, ""))
		fs.PrintDefaults()
	}
	return fs, ff
}

// reporter prints diagnostics and counts rejections.
type reporter struct {
	w        io.Writer
	quiet    bool
	rejected int
	warnings int
	progress *progress
}

func (r *reporter) warn(w importers.Warning) {
	if w.Rejected {
		r.rejected++
		r.progress.countRejected()
	} else {
		r.warnings++
		if r.quiet {
			return
		}
	}
	r.progress.clear()
	fmt.Fprintf(r.w, "%s\n", w)
}

func (r *reporter) reject(s *api.Sample, reason string) {
	r.rejected++
	r.progress.clear()
	where := s.Origin
	if where == "" {
		where = "sample"
	}
	fmt.Fprintf(r.w, "%s: rejected: sample %q: %s\n", where, s.Name, reason)
}

func runFormat(ctx context.Context, f *format, args []string, io stdio) int {
	fs, ff := newFormatFlagSet(f, io.err)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := ff.output.check(); err != nil {
		fmt.Fprintf(io.err, "convert %s: %v\n", f.name, err)
		return exitUsage
	}
	if err := ff.prefix.check(); err != nil {
		fmt.Fprintf(io.err, "convert %s: %v\n", f.name, err)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(io.err, "convert %s: no input given\n", f.name)
		fs.Usage()
		return exitUsage
	}
	if err := ff.upload.check(); err != nil {
		fmt.Fprintf(io.err, "convert %s: %v\n", f.name, err)
		return exitUsage
	}
	var dir *emit.Dir
	if !ff.upload.enabled() {
		// Before the importer reads anything: a busy or occupied folder fails at once.
		d, code := openOutputDir("convert "+f.name, &ff.output, fs.Args(), io)
		if d == nil {
			return code
		}
		defer d.Close()
		dir = d
	}
	rep := &reporter{w: io.err, quiet: ff.output.quiet}
	if !ff.output.quiet {
		rep.progress = newProgress(io.err, 0)
	}
	src, err := ff.open(ctx, fs.Args(), &formatEnv{warn: rep.warn, stdin: io.in, addTotal: rep.progress.addTotal})
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(io.err, "convert %s: %v\n", f.name, err)
			return exitUsage
		}
		fmt.Fprintf(io.err, "convert %s: %v\n", f.name, err)
		return exitFailed
	}
	rep.progress.addTotal(src.total)
	samples := ff.prefix.apply(rep.progress.count(src.samples))
	opts := ff.output.emitOptions()
	opts.LabelFormat = src.labelFormat
	opts.Reject = rep.reject

	var st emit.Stats
	where := ff.output.out
	if ff.upload.enabled() {
		// The uploader prints its own lines (retries, refusals): clear the bar before each.
		upIO := io
		upIO.err = &clearingWriter{w: io.err, p: rep.progress}
		st, err = ff.upload.stream(ctx, samples, opts, upIO)
		where = "the endpoint"
	} else {
		st, err = dir.Write(ctx, samples, opts, nil)
	}
	rep.progress.clear()
	if dir != nil && dir.Removed > 0 && !ff.output.quiet {
		fmt.Fprintf(io.err, "convert %s: removed the %d request files of an earlier run from %s before writing (-overwrite)\n", f.name, dir.Removed, dir.Path())
	}
	if dir != nil && (err != nil || ctx.Err() != nil) {
		fmt.Fprintf(io.err, "convert %s: stopped early: %s\n", f.name, writtenSoFar(dir.Path(), st.Batches))
	}
	return finish(ctx, "convert "+f.name, st, rep, where, err, io.err)
}

// openOutputDir opens the -o folder for writing; on failure it prints why and returns the
// exit status.
func openOutputDir(who string, o *outputFlags, inputs []string, io stdio) (*emit.Dir, int) {
	d, err := emit.OpenDir(o.out, emit.DirOptions{Overwrite: o.overwrite, Inputs: inputs})
	var existing *emit.ExistingRequestsError
	var conflict *emit.InputConflictError
	switch {
	case errors.As(err, &existing):
		fmt.Fprintf(io.err, "%s: %s already holds %d request files; give -overwrite to replace them\n", who, existing.Dir, existing.Files)
		return nil, exitUsage
	case errors.As(err, &conflict):
		fmt.Fprintf(io.err, "%s: %v\n", who, err)
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(io.err, "%s: %v\n", who, err) // a busy folder too: "DIR is being written by another convert run"
		return nil, exitFailed
	}
	return d, exitOK
}

// writtenSoFar says what a run that stopped early left in its folder.
func writtenSoFar(dir string, files int) string {
	switch files {
	case 0:
		return fmt.Sprintf("%s holds no request files of this run", dir)
	case 1:
		return fmt.Sprintf("%s holds the 1 request file this run wrote (%s)", dir, emit.FileName(1))
	}
	return fmt.Sprintf("%s holds the %d request files this run wrote (%s to %s)", dir, files, emit.FileName(1), emit.FileName(files))
}

// finish prints the summary and picks the exit status.
func finish(ctx context.Context, who string, st emit.Stats, rep *reporter, where string, err error, w io.Writer) int {
	if err != nil {
		fmt.Fprintf(w, "%s: %v\n", who, err)
	}
	if !rep.quiet {
		fmt.Fprintf(w, "%s: %s\n", who, summary(st, rep, where))
	}
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case err != nil || rep.rejected > 0:
		return exitFailed
	}
	return exitOK
}

// summary renders the end-of-run line: samples and labels by type, rejections, files.
func summary(st emit.Stats, rep *reporter, where string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d samples", st.Samples)
	total := 0
	types := make([]int, 0, len(st.Labels))
	for t, n := range st.Labels {
		total += n
		types = append(types, int(t))
	}
	sort.Ints(types)
	fmt.Fprintf(&b, ", %d labels", total)
	if len(types) > 0 {
		parts := make([]string, len(types))
		for i, t := range types {
			parts[i] = fmt.Sprintf("%d %s", st.Labels[api.LabelType(t)], api.LabelType(t))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "; %d records rejected", rep.rejected)
	if rep.warnings > 0 {
		fmt.Fprintf(&b, ", %d warnings", rep.warnings)
	}
	fmt.Fprintf(&b, "; %d request bodies (%d bytes) to %s", st.Batches, st.Bytes, where)
	return b.String()
}
