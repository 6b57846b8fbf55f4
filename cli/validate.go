package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/modelarts-convert/convert/api"
)

func init() {
	registerVerb(&verb{name: "validate", usage: "[flags] PATH...", summary: "check request bodies against every rule of the API", run: runValidate})
}

const validateHelp = `Checks request bodies (files, or every *.json directly in a folder) against every rule of the
Adding Samples in Batches API. Prints one line per violation (file, location, sample, reason).
Exit status: 0 all valid; 1 violations found; 2 usage error.`

// runValidate checks request bodies: files, or every *.json directly in a folder.
func runValidate(ctx context.Context, args []string, std stdio) int {
	cmd := newCommand("convert validate", "PATH...", validateHelp, std.out)
	var quiet *bool
	cmd.group("Flags", func(fs *flag.FlagSet) { quiet = fs.Bool("q", false, "print violations only, no summary") })
	files, code := bodyFiles(cmd, args, std)
	if code != proceed {
		return code
	}
	bad, samples := 0, 0
	for _, file := range files {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		var n int
		var problems []string
		if data, err := readBody(file, std); err != nil {
			problems = []string{err.Error()}
		} else {
			n, problems = api.CheckBody(data)
		}
		samples += n
		for _, p := range problems {
			fmt.Fprintf(std.out, "%s: %s\n", file, p)
		}
		if len(problems) > 0 {
			bad++
		}
	}
	if !*quiet {
		fmt.Fprintf(std.err, "convert validate: %s, %s; %s with violations\n", plural(int64(len(files)), "file", "files"), plural(int64(samples), "sample", "samples"), plural(int64(bad), "file", "files"))
	}
	if bad > 0 {
		return exitFailed
	}
	return exitOK
}

// readBody reads a request file, or standard input for "-".
func readBody(path string, std stdio) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(std.in)
	}
	return os.ReadFile(path)
}
