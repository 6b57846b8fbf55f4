// Command convert moves annotated datasets (Pascal VOC, COCO, CoNLL NER, CSV/TXT text
// classification) into ModelArts: it writes request bodies for the Adding Samples in Batches
// call, validates them, and uploads them.
//
// Usage:
//
//	convert <format> [flags] INPUT...   convert one dataset (formats: voc, coco, conll, csv)
//	convert validate PATH...            check request bodies
//	convert upload [flags] PATH...      send request bodies
//	convert help [verb]                 describe a verb
//
// Flags come before the inputs, in the Go flag style (-o and --o both work). Exit status: 0
// when every input record became a sample, 1 when any was rejected or the run failed, 2 for
// usage errors, 130 when interrupted.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// version names the tool in the User-Agent and in `convert help`.
const version = "0.1.0"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1 // records rejected, invalid bodies, or the run failed
	exitUsage       = 2
	exitInterrupted = 130
)

// run is the whole command, for tests: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdin, stdout, stderr)
}

// stdio bundles the command's streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// verb is a sub-command.
type verb struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, io stdio) int
}

var verbs = map[string]*verb{}

func registerVerb(v *verb) { verbs[v.name] = v }

func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := stdio{in: stdin, out: stdout, err: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(args[1:], io)
	case "version", "-version", "--version":
		fmt.Fprintf(stdout, "convert %s\n", version)
		return exitOK
	}
	if f, ok := formats[name]; ok {
		return runFormat(ctx, f, args[1:], io)
	}
	if v, ok := verbs[name]; ok {
		return v.run(ctx, args[1:], io)
	}
	fmt.Fprintf(stderr, "convert: unknown verb %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "convert %s: move annotated datasets into ModelArts (Adding Samples in Batches)\n\n", version)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  convert <format> [flags] INPUT...   convert a dataset into request bodies (or -upload them)")
	fmt.Fprintln(w, "  convert validate PATH...            check request bodies (files, or the *.json in folders)")
	fmt.Fprintln(w, "  convert upload [flags] PATH...      send request bodies to the endpoint")
	fmt.Fprintln(w, "  convert help [verb]                 describe a verb and its flags")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Formats:")
	for _, name := range sortedKeys(formats) {
		fmt.Fprintf(w, "  %-8s %s\n", name, formats[name].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Exit status: 0 all records converted; 1 records rejected or the run failed; 2 usage error; 130 interrupted.")
}

func help(args []string, io stdio) int {
	if len(args) == 0 {
		usage(io.out)
		return exitOK
	}
	if f, ok := formats[args[0]]; ok {
		fs, _ := newFormatFlagSet(f, io.out)
		fs.Usage()
		return exitOK
	}
	if v, ok := verbs[args[0]]; ok {
		return v.run(context.Background(), []string{"-h"}, stdio{in: io.in, out: io.out, err: io.out})
	}
	fmt.Fprintf(io.err, "convert help: unknown verb %q\n", args[0])
	return exitUsage
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
