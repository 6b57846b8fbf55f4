package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command is a verb's flag set with its flags in groups, for the usage text, and a parser
// that lets flags follow the inputs.
type command struct {
	fs     *flag.FlagSet
	name   string // "convert voc"
	args   string // "INPUT..."
	about  string
	out    io.Writer // where -h and `convert help` print
	groups []flagGroup
}

type flagGroup struct {
	title string
	names []string
}

func newCommand(name, args, about string, out io.Writer) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {} // -h prints through parse; a bad flag gets one line and a pointer to help
	return &command{fs: fs, name: name, args: args, about: about, out: out}
}

// group runs add, which adds flags, and files the new flags under title.
func (c *command) group(title string, add func(fs *flag.FlagSet)) {
	seen := map[string]bool{}
	c.fs.VisitAll(func(f *flag.Flag) { seen[f.Name] = true })
	add(c.fs)
	g := flagGroup{title: title}
	c.fs.VisitAll(func(f *flag.Flag) {
		if !seen[f.Name] {
			g.names = append(g.names, f.Name)
		}
	})
	if len(g.names) > 0 {
		c.groups = append(c.groups, g)
	}
}

// usage prints the usage line, the description and the flags, group by group.
func (c *command) usage() {
	w := c.out
	fmt.Fprintf(w, "Usage: %s [flags] %s\n\n%s\n", c.name, c.args, c.about)
	for _, g := range c.groups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		// A flag set of the group's flags, with their defaults as registered, so that
		// PrintDefaults renders them the standard way.
		part := flag.NewFlagSet(c.name, flag.ContinueOnError)
		part.SetOutput(w)
		for _, name := range g.names {
			f := c.fs.Lookup(name)
			part.Var(f.Value, f.Name, f.Usage)
			part.Lookup(name).DefValue = f.DefValue
		}
		part.PrintDefaults()
	}
}

// proceed is parse's status for a command line to run.
const proceed = -1

// parse parses args, flags and inputs in any order ("--" ends the flags; "-" is an
// input), runs the checks, and returns the inputs and proceed. Otherwise it returns the
// exit status: on -h it prints the usage to c.out (0); on a bad flag, no input or a failed
// check it prints why to stderr (2).
func (c *command) parse(args []string, stderr io.Writer, checks ...func() error) ([]string, int) {
	c.fs.SetOutput(stderr)
	var inputs []string
	for {
		if err := c.fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			c.usage()
			return nil, exitOK
		} else if err != nil {
			fmt.Fprintf(stderr, "Run '%s -h' for the flags.\n", c.name)
			return nil, exitUsage
		}
		rest := c.fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			inputs = append(inputs, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		inputs = append(inputs, rest[0])
		args = rest[1:]
	}
	if len(inputs) == 0 {
		fmt.Fprintf(stderr, "%s: no %s given\nUsage: %s [flags] %s (%s -h for the flags)\n", c.name, strings.TrimSuffix(c.args, "..."), c.name, c.args, c.name)
		return nil, exitUsage
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return nil, usageFailed(c.name, err, stderr)
		}
	}
	return inputs, proceed
}

// usageFailed prints a usage error and returns its exit status.
func usageFailed(who string, err error, w io.Writer) int {
	fmt.Fprintf(w, "%s: %v\n", who, err)
	return exitUsage
}
