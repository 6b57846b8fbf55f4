package cli

// The verbs that read request bodies written earlier: stats and preview.

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/modelarts-convert/convert/preview"
	"github.com/modelarts-convert/convert/stats"
	"github.com/modelarts-convert/convert/upload"
)

func init() {
	registerVerb(&verb{name: "stats", usage: "[-json] PATH...", summary: "count samples, labels, shapes, sizes and entities in request bodies", run: runStats})
	registerVerb(&verb{name: "preview", usage: "[flags] PATH...", summary: "write an HTML page (and -png files) showing request bodies' samples and labels", run: runPreview})
}

// bodyFiles parses a body-reading verb's command line and expands its PATHs (see
// upload.RequestFiles); on failure it returns the exit status.
func bodyFiles(cmd *command, args []string, io stdio) ([]string, int) {
	paths, code := cmd.parse(args, io.err)
	if code != proceed {
		return nil, code
	}
	files, err := upload.RequestFiles(paths)
	if err != nil {
		return nil, usageFailed(cmd.name, err, io.err)
	}
	return files, proceed
}

// runStats prints what request bodies hold; the counting is package stats.
func runStats(ctx context.Context, args []string, io stdio) int {
	cmd := newCommand("convert stats", "PATH...", `Counts what request bodies (files, or every *.json directly in a folder) hold: samples by
type, labels by type and by name (labels and samples), shapes by kind, image sizes
(min/median/max), samples without labels, text lengths, entities by type. Decodes one body
per CPU at a time.
Exit status: 0; 1 when a body does not decode (the others are still counted); 2 usage error.`, io.out)
	var asJSON *bool
	cmd.group("Flags", func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object (stable keys) instead of tables")
	})
	files, code := bodyFiles(cmd, args, io)
	if code != proceed {
		return code
	}
	st := stats.New()
	problems, err := st.AddFiles(ctx, files, 0)
	if err != nil {
		return exitInterrupted
	}
	code = exitOK
	for _, p := range problems {
		fmt.Fprintln(io.err, p)
		code = exitFailed
	}
	write := st.Report().WriteTable
	if *asJSON {
		write = st.Report().WriteJSON
	}
	if err := write(io.out); err != nil {
		fmt.Fprintf(io.err, "convert stats: %v\n", err)
		return exitFailed
	}
	return code
}

// runPreview writes DIR/index.html; the page is package preview's.
func runPreview(ctx context.Context, args []string, io stdio) int {
	cmd := newCommand("convert preview", "PATH...", `Writes DIR/index.html, one self-contained page (no network) showing the first N samples of
request bodies (files, or every *.json directly in a folder): images with their shapes, texts
with entities highlighted, tags, triplets, audio segments, and each sample's violations in red.
DIR/index.html and DIR/NAME.png are overwritten; nothing else in DIR is touched.
Exit status: 0; 1 when a body does not decode or fails validation (it is previewed anyway); 2 usage error.`, io.out)
	var opts preview.Options
	var dir *string
	var pngs *bool
	cmd.group("Flags", func(fs *flag.FlagSet) {
		fs.IntVar(&opts.Limit, "n", 100, "show the first `N` samples")
		dir = fs.String("o", "preview", "write index.html (and the PNGs) into `DIR`")
		pngs = fs.Bool("png", false, "also write DIR/NAME.png for each image sample, shapes drawn")
		fs.BoolVar(&opts.UTF16, "utf16", false, "read entity offsets as UTF-16 units, not code points")
	})
	files, code := bodyFiles(cmd, args, io)
	if code != proceed {
		return code
	}
	if opts.Limit <= 0 {
		return usageFailed(cmd.name, errors.New("-n must be positive"), io.err)
	}
	res, err := preview.WriteDir(ctx, *dir, files, opts, *pngs)
	switch {
	case ctx.Err() != nil:
		return exitInterrupted
	case err != nil:
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitFailed
	}
	for _, p := range res.Problems {
		fmt.Fprintln(io.err, p)
	}
	fmt.Fprintf(io.err, "convert preview: %s (%d with violations) in %s\n", plural(int64(res.Shown), "sample", "samples"), res.Invalid, res.Index)
	if len(res.Problems) > 0 || res.Invalid > 0 {
		return exitFailed
	}
	return exitOK
}
