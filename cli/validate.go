package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

func init() {
	registerVerb(&verb{name: "validate", summary: "check request bodies against every rule of the API", run: runValidate})
}

// runValidate checks request bodies: files, or every *.json directly in a folder.
func runValidate(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("convert validate", flag.ContinueOnError)
	fs.SetOutput(io.err)
	quiet := fs.Bool("q", false, "print violations only, no summary")
	fs.Usage = func() {
		fmt.Fprintln(io.err, "Usage: convert validate [flags] PATH...")
		fmt.Fprintln(io.err, "\nChecks request bodies (files, or every *.json directly in a folder) against every rule of the")
		fmt.Fprintln(io.err, "Adding Samples in Batches API. Prints one line per violation (file, location, sample, reason).")
		fmt.Fprintln(io.err, "Exit status: 0 all valid; 1 violations found; 2 usage error.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "convert validate: no PATH given")
		fs.Usage()
		return exitUsage
	}
	files, err := requestFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(io.err, "convert validate: %v\n", err)
		return exitUsage
	}
	bad, samples := 0, 0
	for _, file := range files {
		if ctx.Err() != nil {
			return exitInterrupted
		}
		n, problems := validateFile(file)
		samples += n
		for _, p := range problems {
			fmt.Fprintf(io.out, "%s: %s\n", file, p)
		}
		if len(problems) > 0 {
			bad++
		}
	}
	if !*quiet {
		fmt.Fprintf(io.err, "convert validate: %d files, %d samples; %d files with violations\n", len(files), samples, bad)
	}
	if bad > 0 {
		return exitFailed
	}
	return exitOK
}

// requestFiles expands the arguments: a folder stands for the *.json directly in it.
func requestFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
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

// validateFile decodes one request body and returns its sample count and every problem:
// syntax errors and repeated keys (with line and column), fields of the wrong type, unknown
// fields, and the validator's violations.
func validateFile(path string) (int, []string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, []string{err.Error()}
	}
	if !json.Valid(data) {
		_, err := api.DecodeRequest(data) // the syntax error, with its line and column
		return 0, []string{err.Error()}
	}
	// A repeated key means two values where a reader keeps one: what the body means is
	// undecided, so nothing else is checked.
	if dups := api.DuplicateKeys(data); len(dups) > 0 {
		problems := make([]string, len(dups))
		for i, d := range dups {
			problems[i] = d.Error()
		}
		return 0, problems
	}
	var req api.Request
	var problems []string
	if err := json.Unmarshal(data, &req); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return 0, []string{fmt.Sprintf("invalid request body: %v", err)}
		}
		// Unmarshal goes on past a type error, so the rest is still checked below.
		problems = append(problems, fmt.Sprintf("%s: is a JSON %s; must be %s", te.Field, te.Value, te.Type))
	}
	// A misspelled key ("lables") would silently drop what it holds, so unknown keys are
	// reported too.
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	var again api.Request
	if err := strict.Decode(&again); err != nil && strings.Contains(err.Error(), "unknown field") {
		problems = append(problems, fmt.Sprintf("request: %v (not a field of the API)", strings.TrimPrefix(err.Error(), "json: ")))
	}
	for _, v := range api.Validate(&req) {
		problems = append(problems, v.String())
	}
	return len(req.Samples), problems
}
