package importers

import (
	"context"
	"strings"
)

// DetectPath opens the input at p as OpenInput does (a folder, a file, an archive, a .gz)
// and asks every registered format about it (see Detect). Problems with the archive's
// members are not reported here: detection only looks. `convert detect` prints the result;
// `convert INPUT...` without a format word passes it to Choose.
func DetectPath(ctx context.Context, p string) ([]Detection, error) {
	in, err := OpenInput(p, nil)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return Detect(ctx, in.FS, in.Name), nil
}

// Choose picks the format to run from the detections of one input (most likely first, as
// Detect returns them). It is a *UsageError when nothing matched, or when the best score is
// shared by several formats (the message lists them, so that the user names one).
func Choose(input string, ds []Detection) (Detection, error) {
	if len(ds) == 0 {
		return Detection{}, Usagef("%s: no format recognises this input; name one (convert FORMAT %s)", input, input)
	}
	var tied []string
	for _, d := range ds {
		if d.Score == ds[0].Score {
			tied = append(tied, d.Format+" ("+d.Layout+")")
		}
	}
	if len(tied) > 1 {
		return Detection{}, Usagef("%s: it reads equally as %s; name the format (convert FORMAT %s)", input, strings.Join(tied, " or "), input)
	}
	return ds[0], nil
}

// String renders a detection as `convert detect` prints it: "voc (2 roots: VOC2007, VOC2012)".
func (d Detection) String() string {
	if d.Layout == "" {
		return d.Format
	}
	return d.Format + " (" + d.Layout + ")"
}
