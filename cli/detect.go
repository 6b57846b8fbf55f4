package cli

// convert detect, and converting without a format word (convert auto, or flags and inputs
// straight after convert).

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/modelarts-convert/convert/importers"
)

func init() {
	registerVerb(&verb{name: "detect", usage: "INPUT...", summary: "say which formats can read each input, and the layout found", run: runDetect,
		help: "Prints, for each input, the formats that can read it and the layout found, most likely first.\nExit status: 0; 1 when an input matches no format or cannot be opened; 2 usage error."})
	registerVerb(&verb{name: "auto", usage: "[flags] INPUT...", summary: "detect the inputs' format and convert them (also: convert [flags] INPUT...)", run: runAuto,
		help: "Detects the format of the inputs and runs it: the flags are those of the detected format\n(convert help FORMAT). Two formats matching an input equally, or inputs of different formats,\nare a usage error: name the format then."})
}

func runDetect(ctx context.Context, args []string, io stdio) int {
	code := exitOK
	if len(args) == 0 {
		fmt.Fprintln(io.err, "convert detect: no INPUT given\nUsage: convert detect INPUT...")
		return exitUsage
	}
	for _, in := range args {
		ds, err := importers.DetectPath(ctx, in)
		if err == nil && len(ds) == 0 {
			err = fmt.Errorf("%s: no format recognises this input", in)
		}
		if err != nil {
			fmt.Fprintf(io.err, "convert detect: %v\n", err)
			code = exitFailed
			continue
		}
		names := make([]string, len(ds))
		for i, d := range ds {
			names[i] = d.String()
		}
		fmt.Fprintf(io.out, "%s: %s\n", in, strings.Join(names, "; "))
	}
	return code
}

// runAuto runs the format that reads every input. The inputs are told from the flags by
// each format's flag set in turn (flags differ between formats); the first format whose
// reading of the command line gives inputs that are all of that format runs.
func runAuto(ctx context.Context, args []string, std stdio) int {
	cache := map[string][]importers.Detection{}
	var firstErr error
	for _, f := range importers.Formats() {
		_, cmd := newFormatFlagSet(f, io.Discard)
		inputs, code := cmd.parse(args, io.Discard)
		if code != proceed {
			continue
		}
		format, ds, err := importers.DetectInputs(ctx, inputs, cache)
		if err != nil || format != f.Name {
			firstErr = firstOf(firstErr, err)
			continue
		}
		for i, d := range ds {
			fmt.Fprintf(std.err, "convert: %s: %s\n", inputs[i], d)
		}
		return runFormat(ctx, f, args, std)
	}
	if firstErr == nil {
		firstErr = importers.Usagef("no format reads these inputs with these flags; name the format (convert FORMAT -h lists its flags)")
	}
	fmt.Fprintf(std.err, "convert: %v\n", firstErr)
	return exitUsage
}

// firstOf is the first non-nil error.
func firstOf(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
