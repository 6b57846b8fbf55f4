// Command plugin is the convert command with one more format, built the way a program
// outside this module would build it: import the format's package (it registers itself),
// importers/all for the formats the module ships, and call cli.Main.
package main

import (
	"os"

	"github.com/modelarts-convert/convert/cli"
	_ "github.com/modelarts-convert/convert/examples/plugin/myformat"
	_ "github.com/modelarts-convert/convert/importers/all"
)

func main() { os.Exit(cli.Main()) }
