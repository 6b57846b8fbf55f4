package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/termprogress"
	"github.com/modelarts-convert/convert/upload"
)

// outputFlags are the flags every format command and `convert upload` share.
type outputFlags struct {
	out             string
	overwrite       bool
	batch           int
	maxBody         int
	finalAnnotation *bool
	quiet           bool
	namePrefix      string // see importers.PrefixNames
}

func (o *outputFlags) register(fs *flag.FlagSet, withOut bool) {
	if withOut {
		fs.StringVar(&o.out, "o", "requests", "folder to write request bodies into (one `DIR`/part-NNNNNN.json per request)")
		fs.BoolVar(&o.overwrite, "overwrite", false, "replace the request files an earlier run left in the -o folder (removed before anything is written)")
	}
	fs.IntVar(&o.batch, "batch", emit.DefaultBatchSize, "at most `N` samples per request")
	fs.IntVar(&o.maxBody, "max-body", emit.DefaultMaxBody, "at most `BYTES` per request body (the service refuses 12 MB and over)")
	fs.BoolFunc("final-annotation", "set the request's final_annotation (-final-annotation=false for false; left out by default, which the service reads as true)", func(s string) error {
		v, err := strconv.ParseBool(s)
		o.finalAnnotation = &v
		return err
	})
	fs.BoolVar(&o.quiet, "q", false, "no progress, warnings or summary (rejections are still reported)")
	fs.StringVar(&o.namePrefix, "name-prefix", "", "put `P` before every sample name (to keep samples apart whose names would repeat ones already in the dataset); no / and none of ! < > = & \" '")
}

func (o *outputFlags) check() error {
	if o.batch <= 0 {
		return importers.Usagef("-batch must be at least 1")
	}
	if o.maxBody < 1024 {
		return importers.Usagef("-max-body must be at least 1024 bytes")
	}
	if why := importers.CheckNamePrefix(o.namePrefix); why != "" {
		return importers.Usagef("-name-prefix %q: %s", o.namePrefix, why)
	}
	if err := o.emitOptions().Check(); err != nil {
		return importers.Usagef("%s", flagHint(err))
	}
	return nil
}

func (o *outputFlags) emitOptions() emit.Options {
	return emit.Options{BatchSize: o.batch, MaxBody: o.maxBody, FinalAnnotation: o.finalAnnotation}
}

// formatFlags is everything a format command parses.
type formatFlags struct {
	output outputFlags
	upload *uploadFlags
	open   importers.Opener
}

func newFormatFlagSet(f importers.Format, out io.Writer) (*formatFlags, *command) {
	cmd := newCommand("convert "+f.Name, f.Args, f.Summary, out)
	ff := &formatFlags{}
	cmd.group("Flags of "+f.Name, func(fs *flag.FlagSet) { ff.open = f.Flags(fs) })
	cmd.group("Output flags", func(fs *flag.FlagSet) { ff.output.register(fs, true) })
	cmd.group("Upload flags (see convert help upload)", func(fs *flag.FlagSet) { ff.upload = addUploadFlags(fs, true) })
	return ff, cmd
}

// reporter prints diagnostics and counts rejections.
type reporter struct {
	w        io.Writer
	quiet    bool
	rejected int
	warnings int
	progress *termprogress.Bar
	hints    *strings.Replacer // option names in messages to flags
}

func (r *reporter) warn(w importers.Warning) {
	if w.Rejected {
		r.rejected++
		r.progress.CountRejected()
	} else {
		r.warnings++
		if r.quiet {
			return
		}
	}
	r.progress.Clear()
	fmt.Fprintf(r.w, "%s\n", r.hints.Replace(w.String()))
}

func (r *reporter) reject(s *api.Sample, reason string) {
	r.rejected++
	r.progress.Clear()
	where := s.Origin
	if where == "" {
		where = "sample"
	}
	fmt.Fprintf(r.w, "%s: rejected: sample %q: %s\n", where, s.Name, reason)
}

func runFormat(ctx context.Context, f importers.Format, args []string, io stdio) int {
	ff, cmd := newFormatFlagSet(f, io.out)
	who := cmd.name
	inputs, code := cmd.parse(args, io.err, ff.output.check, ff.upload.check)
	if code != proceed {
		return code
	}
	var dir *emit.Dir
	if !ff.upload.enabled() {
		// Before the importer reads anything: a busy or occupied folder fails at once.
		d, code := openOutputDir(who, &ff.output, inputs, io)
		if d == nil {
			return code
		}
		defer d.Close()
		dir = d
	}
	rep := &reporter{w: io.err, quiet: ff.output.quiet, hints: optionFlags(f.OptionFlags)}
	env := importers.Env{Warn: rep.warn, Stdin: io.in}
	if !ff.output.quiet {
		rep.progress = termprogress.New(io.err)
		if rep.progress != nil {
			env.Progress = rep.progress
		}
	}
	src, err := ff.open(ctx, inputs, env)
	if err != nil {
		fmt.Fprintf(io.err, "%s: %v\n", who, rep.hints.Replace(flagHint(err)))
		var ue *importers.UsageError
		if errors.As(err, &ue) {
			return exitUsage
		}
		return exitFailed
	}
	// Whatever the Opener opened (archives, their temporary files) is released however the
	// run ends, the stream read or not.
	defer src.Release()
	rep.progress.AddRecords(src.Total)
	samples := importers.PrefixNames(rep.progress.Count(src.Samples), ff.output.namePrefix)
	opts := ff.output.emitOptions()
	opts.LabelFormat = src.LabelFormat
	opts.Reject = rep.reject

	var st emit.Stats
	where := "to " + ff.output.out
	if ff.upload.enabled() {
		// The uploader prints its own lines (retries, refusals): clear the bar before each.
		upIO := io
		upIO.err = &termprogress.ClearingWriter{W: io.err, Bar: rep.progress}
		st, err = ff.upload.send(ctx, ff.output.out, upIO, func(j *upload.Journal) iter.Seq2[*emit.Batch, error] {
			return emit.Batches(ctx, j.Skip(samples), opts) // the journal's default place is the -o folder
		})
		where = "to the endpoint"
		if ff.upload.dryRun {
			where = "built and signed (dry run: none sent)"
		}
	} else {
		st, err = dir.Write(ctx, samples, opts, nil)
	}
	rep.progress.Clear()
	if dir != nil && dir.Removed > 0 && !ff.output.quiet {
		fmt.Fprintf(io.err, "%s: removed the %s of an earlier run from %s before writing (-overwrite)\n", who, plural(int64(dir.Removed), "request file", "request files"), dir.Path())
	}
	if dir != nil && (err != nil || ctx.Err() != nil) {
		fmt.Fprintf(io.err, "%s: stopped early: %s\n", who, dir.Wrote(st.Batches))
	}
	return finish(ctx, who, st, rep, where, err, io.err)
}

// openOutputDir opens the -o folder for writing; on failure it prints why and returns the
// exit status.
func openOutputDir(who string, o *outputFlags, inputs []string, io stdio) (*emit.Dir, int) {
	d, err := emit.OpenDir(o.out, emit.DirOptions{Overwrite: o.overwrite, Inputs: inputs})
	if err == nil {
		return d, exitOK
	}
	var existing *emit.ExistingRequestsError
	var conflict *emit.InputConflictError
	code, hint := exitFailed, "" // a busy folder too: "DIR is being written by another convert run"
	if errors.As(err, &existing) {
		code, hint = exitUsage, "; give -overwrite to replace them"
	} else if errors.As(err, &conflict) {
		code = exitUsage
	}
	fmt.Fprintf(io.err, "%s: %v%s\n", who, err, hint)
	return nil, code
}

// finish prints the summary and picks the exit status.
func finish(ctx context.Context, who string, st emit.Stats, rep *reporter, where string, err error, w io.Writer) int {
	if err != nil {
		fmt.Fprintf(w, "%s: %v\n", who, rep.hints.Replace(flagHint(err)))
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

// summary renders the end-of-run line: samples and labels by type, rejections, bodies.
func summary(st emit.Stats, rep *reporter, where string) string {
	s := fmt.Sprintf("%v; %s rejected", st, plural(int64(rep.rejected), "record", "records"))
	if rep.warnings > 0 {
		s += ", " + plural(int64(rep.warnings), "warning", "warnings")
	}
	return fmt.Sprintf("%s; %s (%s) %s", s, plural(int64(st.Batches), "request body", "request bodies"), plural(st.Bytes, "byte", "bytes"), where)
}
