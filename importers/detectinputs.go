package importers

import (
	"context"
	"strings"
)

// DetectInputs detects the format of every input (DetectPath) and returns the one format
// that reads them all, with each input's detection, for a command run without a format
// word. It is a *UsageError when an input matches no format or two equally (see Choose), or
// when the inputs are of different formats; any other error is an input that cannot be
// opened. cache, when not nil, keeps the detections by path across calls (opening a
// .tar.gz decompresses it).
func DetectInputs(ctx context.Context, inputs []string, cache map[string][]Detection) (string, []Detection, error) {
	if cache == nil {
		cache = map[string][]Detection{}
	}
	chosen := make([]Detection, len(inputs))
	for i, in := range inputs {
		ds, ok := cache[in]
		if !ok {
			var err error
			if ds, err = DetectPath(ctx, in); err != nil {
				return "", nil, err
			}
			cache[in] = ds
		}
		d, err := Choose(in, ds)
		if err != nil {
			return "", nil, err
		}
		chosen[i] = d
	}
	if len(chosen) == 0 {
		return "", nil, Usagef("no input given")
	}
	for _, d := range chosen[1:] {
		if d.Format != chosen[0].Format {
			var each []string
			for i, d := range chosen {
				each = append(each, inputs[i]+": "+d.Format)
			}
			return "", nil, Usagef("the inputs are of different formats (%s); convert them one format at a time", strings.Join(each, ", "))
		}
	}
	return chosen[0].Format, chosen, nil
}
