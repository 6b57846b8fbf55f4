package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/modelarts-convert/convert/stats"
)

func init() {
	registerVerb(&verb{name: "stats", summary: "count samples, labels, shapes, sizes and entities in request bodies", run: runStats})
}

// runStats prints what request bodies hold; the counting is package stats.
func runStats(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("convert stats", flag.ContinueOnError)
	fs.SetOutput(io.err)
	asJSON := fs.Bool("json", false, "print one JSON object (stable keys) instead of tables")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: convert stats [-json] PATH...")
		fmt.Fprintln(io.err, "\nCounts what request bodies (files, or every *.json directly in a folder) hold: samples by")
		fmt.Fprintln(io.err, "type, labels by type and by name (labels and samples), shapes by kind, image sizes")
		fmt.Fprintln(io.err, "(min/median/max), samples without labels, text lengths, entities by type. Decodes one body")
		fmt.Fprintln(io.err, "per CPU at a time.")
		fmt.Fprintln(io.err, "Exit status: 0; 1 when a body does not decode (the others are still counted); 2 usage error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "convert stats: no PATH given")
		fs.Usage()
		return exitUsage
	}
	files, err := requestFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(io.err, "convert stats: %v\n", err)
		return exitUsage
	}
	st := stats.New()
	problems, err := st.AddFiles(ctx, files, 0)
	if err != nil {
		return exitInterrupted
	}
	code := exitOK
	for _, p := range problems {
		fmt.Fprintln(io.err, p)
		code = exitFailed
	}
	r := st.Report()
	if *asJSON {
		err = r.WriteJSON(io.out)
	} else {
		err = r.WriteTable(io.out)
	}
	if err != nil {
		fmt.Fprintf(io.err, "convert stats: %v\n", err)
		return exitFailed
	}
	return code
}
