package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/modelarts-convert/convert/preview"
)

func init() {
	registerVerb(&verb{name: "preview", summary: "write an HTML page (and -png files) showing request bodies' samples and labels", run: runPreview})
}

// runPreview writes DIR/index.html; the rendering is package preview.
func runPreview(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("convert preview", flag.ContinueOnError)
	fs.SetOutput(io.err)
	limit := fs.Int("n", 100, "show the first `N` samples")
	dir := fs.String("o", "preview", "write index.html (and the PNGs) into `DIR`")
	pngs := fs.Bool("png", false, "also write DIR/NAME.png for each image sample, shapes drawn")
	utf16 := fs.Bool("utf16", false, "read entity offsets as UTF-16 units, not code points")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: convert preview [-n N] [-o DIR] [-png] [-utf16] PATH...")
		fmt.Fprintln(io.err, "\nWrites DIR/index.html, one self-contained page (no network) showing the first N samples of")
		fmt.Fprintln(io.err, "request bodies (files, or every *.json directly in a folder): images with their shapes, texts")
		fmt.Fprintln(io.err, "with entities highlighted, tags, triplets, audio segments, and each sample's violations in red.")
		fmt.Fprintln(io.err, "DIR/index.html and DIR/NAME.png are overwritten; nothing else in DIR is touched.")
		fmt.Fprintln(io.err, "Exit status: 0; 1 when a body does not decode or fails validation (it is previewed anyway); 2 usage error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 || *limit <= 0 {
		fmt.Fprintln(io.err, "convert preview: no PATH given, or -n is not positive")
		fs.Usage()
		return exitUsage
	}
	files, err := requestFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitUsage
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitFailed
	}
	opts := preview.Options{Limit: *limit, UTF16: *utf16}
	if *pngs {
		root, err := os.OpenRoot(*dir)
		if err != nil {
			fmt.Fprintf(io.err, "convert preview: %v\n", err)
			return exitFailed
		}
		defer root.Close()
		opts.PNG = root
	}
	index := filepath.Join(*dir, "index.html")
	out, err := os.Create(index)
	if err != nil {
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitFailed
	}
	defer out.Close()
	page := preview.NewWriter(out, opts)
	code := exitOK
	for _, file := range files {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		if page.Full() {
			break
		}
		data, err := os.ReadFile(file)
		if err == nil {
			err = page.AddBody(file, data)
		}
		if err != nil {
			fmt.Fprintf(io.err, "%s: %v\n", file, err)
			code = exitFailed
		}
	}
	if err := page.Close(); err != nil {
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitFailed
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(io.err, "convert preview: %v\n", err)
		return exitFailed
	}
	shown, invalid := page.Counts()
	if invalid > 0 {
		code = exitFailed
	}
	fmt.Fprintf(io.err, "convert preview: %d samples (%d with violations) in %s\n", shown, invalid, index)
	return code
}
