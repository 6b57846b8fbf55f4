// Package cli is the convert command: a sub-command per registered format (see
// importers.Register), plus validate, upload, stats, preview, detect, auto, help and
// version (`convert help` lists them). A program that wants the command with its own
// formats imports them and importers/all, and calls Main:
//
//	func main() { os.Exit(cli.Main()) }
//
// Flags may come before or after the inputs; "--" ends the flags. Exit status: 0 when
// every input record became a sample, 1 when any was rejected or the run failed, 2 for
// usage errors, 130 when interrupted.
package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/modelarts-convert/convert/importers"
)

// Version names the tool in the User-Agent and in `convert version`.
const Version = "0.1.0"

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1 // records rejected, invalid bodies, or the run failed
	exitUsage       = 2
	exitInterrupted = 130
)

// Main runs the command on os.Args with SIGINT and SIGTERM cancelling the run, and returns
// the exit status.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// stdio bundles the command's streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// verb is a sub-command other than a format.
type verb struct {
	name    string
	summary string
	usage   string // the arguments, for the usage line
	help    string // for a verb without flags: its description for -h and convert help
	run     func(ctx context.Context, args []string, io stdio) int
}

var verbs = map[string]*verb{}

func registerVerb(v *verb) { verbs[v.name] = v }

func init() {
	registerVerb(&verb{name: "help", usage: "[verb]", summary: "describe a verb and its flags", run: help,
		help: "Describes a verb (a format, validate, upload, version, help) and its flags; without a verb, lists them all."})
	registerVerb(&verb{name: "version", summary: "print the version", help: "Prints the version of convert.",
		run: func(_ context.Context, args []string, io stdio) int {
			fmt.Fprintf(io.out, "convert %s\n", Version)
			return exitOK
		}})
}

// Run is the whole command, for tests and other programs: it returns the exit status.
// Data goes to stdout (and files), diagnostics to stderr; help asked for goes to stdout.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	io := stdio{in: stdin, out: stdout, err: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch {
	case isHelp(name):
		return help(ctx, args[1:], io)
	case name == "-version" || name == "--version":
		name = "version"
	}
	if f, ok := importers.Lookup(name); ok {
		return runFormat(ctx, f, args[1:], io)
	}
	if v, ok := verbs[name]; ok {
		if v.help != "" && len(args) > 1 && isHelp(args[1]) {
			return help(ctx, args[:1], io)
		}
		return v.run(ctx, args[1:], io)
	}
	if _, err := os.Stat(name); err == nil || strings.HasPrefix(name, "-") {
		return runAuto(ctx, args, io) // convert [flags] INPUT...
	}
	fmt.Fprintf(stderr, "convert: unknown verb %q\n\n", name)
	usage(stderr)
	return exitUsage
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h" }

func usage(w io.Writer) {
	fmt.Fprintf(w, "convert %s: move annotated datasets into ModelArts (Adding Samples in Batches)\n\n", Version)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  convert <format> [flags] INPUT...   convert a dataset into request bodies (or -upload them)")
	for _, n := range slices.Sorted(maps.Keys(verbs)) {
		v := verbs[n]
		fmt.Fprintf(w, "  %-35s %s\n", strings.TrimSpace("convert "+n+" "+v.usage), v.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Formats:")
	for _, f := range importers.Formats() {
		fmt.Fprintf(w, "  %-12s %s\n", f.Name, indentAfterFirst(f.Summary, strings.Repeat(" ", 15)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Flags may follow the inputs; -- ends the flags. convert help VERB describes a verb's flags.")
	fmt.Fprintln(w, "Exit status: 0 all records converted; 1 records rejected or the run failed; 2 usage error; 130 interrupted.")
}

// help is `convert help [verb]`: help goes to stdout.
func help(ctx context.Context, args []string, io stdio) int {
	if len(args) == 0 || isHelp(args[0]) {
		usage(io.out)
		return exitOK
	}
	if f, ok := importers.Lookup(args[0]); ok {
		_, cmd := newFormatFlagSet(f, io.out)
		cmd.usage()
		return exitOK
	}
	if v, ok := verbs[args[0]]; ok {
		if v.help != "" {
			fmt.Fprintf(io.out, "Usage: %s\n\n%s\n", strings.TrimSpace("convert "+v.name+" "+v.usage), v.help)
			return exitOK
		}
		return v.run(ctx, []string{"-h"}, stdio{in: io.in, out: io.out, err: io.out})
	}
	fmt.Fprintf(io.err, "convert help: unknown verb %q\n", args[0])
	return exitUsage
}

// indentAfterFirst prefixes every line of s but the first.
func indentAfterFirst(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}

// plural is "1 request body" or "2 request bodies".
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
