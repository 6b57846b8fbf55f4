package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/emit"
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

// missingHints are what to do when a required upload setting was not given.
var missingHints = map[string]string{
	"Region":    "no endpoint: give -region (or -endpoint)",
	"ProjectID": "no project: give -project-id or set $" + upload.EnvProjectID,
	"DatasetID": "no dataset: give -dataset-id",
	"TokenFile": fmt.Sprintf("no credentials: set $%s and $%s (an access key), or give -token-file FILE or set $%s (an IAM token)",
		upload.EnvAK, upload.EnvSK, upload.EnvAuthToken),
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

// flagHint renders a library error for the command: settings become flag names, and a
// pointer to the command that says more is added where there is one.
func flagHint(err error) string {
	var se *upload.SettingError
	var oe *emit.OptionError
	var rf *upload.RequestFileError
	switch {
	case errors.As(err, &se):
		if hint, ok := missingHints[se.Setting]; ok && se.Missing {
			return hint
		}
		if name, ok := settingFlags[se.Setting]; ok {
			return strings.Replace(name+" "+se.Msg, " : ", ": ", 1)
		}
		return se.Setting + " " + se.Msg
	case errors.As(err, &oe):
		if name, ok := settingFlags[oe.Field]; ok {
			return name + " " + oe.Msg
		}
	case errors.As(err, &rf):
		return fmt.Sprintf("%v; `convert validate %s` says more", err, rf.Path)
	}
	return optionFlags(nil).Replace(err.Error())
}
