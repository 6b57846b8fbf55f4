package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/upload"
)

// settingFlags maps the libraries' setting names (upload.Config and emit.Options fields)
// to the command's flags, so that library errors, which name settings, read in terms of
// the flags a person typed.
var settingFlags = map[string]string{
	"Endpoint":  "-endpoint",
	"Region":    "-region",
	"ProjectID": "-project-id",
	"DatasetID": "-dataset-id",
	"TokenFile": "-token-file",
	"BatchSize": "-batch",
	"MaxBody":   "-max-body",
}

// optionFlags rewrites the options library messages name ("option FollowLinks") into the
// flags that set them: a format's (importers.Format.OptionFlags) and the upload and output
// settings. No option name is a prefix of another.
func optionFlags(format map[string]string) *strings.Replacer {
	var pairs []string
	for _, m := range []map[string]string{settingFlags, format} {
		for name, flag := range m {
			pairs = append(pairs, "option "+name, flag)
		}
	}
	return strings.NewReplacer(pairs...)
}

// flagHint renders a library error for the command: options become flag names, and a
// pointer to the command that says more is added where there is one.
func flagHint(err error) string {
	if rf := (*upload.RequestFileError)(nil); errors.As(err, &rf) {
		return fmt.Sprintf("%v; convert validate %s says more", err, rf.Path)
	}
	return optionFlags(nil).Replace(err.Error())
}
