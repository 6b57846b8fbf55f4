package emit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/modelarts-convert/convert/api"
)

// checkAppend validates s and appends its JSON to dst; when s cannot be sent it returns dst
// unchanged and the reason.
func checkAppend(s *api.Sample, dst []byte) ([]byte, string) {
	return checkAppendStrings(s, dst, nil)
}

// checkAppendStrings is checkAppend, keeping label names' JSON in strs (when not nil; see
// jsonStrings).
func checkAppendStrings(s *api.Sample, dst []byte, strs *jsonStrings) ([]byte, string) {
	// The validator leaves the points of polygons (and polylines, lines, points) to the
	// encoder, which checks them as it writes them (see appendValidSample); when a point
	// is not plain, or the sample is refused (a feature's first problem may then be
	// another), the whole validator says what is wrong.
	vs, notes, left := api.ValidateSampleLeavingPoints("sample", s)
	if len(vs) > 0 {
		vs = api.ValidateSample("sample", s)
	}
	if len(vs) > 0 {
		return dst, reasonsOf(vs)
	}
	if !useReflection {
		out, ok := appendValidSample(dst, s, notes, strs, left)
		if ok {
			return out, ""
		}
		if left != 0 {
			if vs := api.ValidateSample("sample", s); len(vs) > 0 {
				return dst, reasonsOf(vs)
			}
			if out, ok := appendValidSample(dst, s, notes, strs, 0); ok {
				return out, ""
			}
		}
	} else if left != 0 {
		if vs := api.ValidateSample("sample", s); len(vs) > 0 {
			return dst, reasonsOf(vs)
		}
	}
	var b bytes.Buffer // a value the hand encoder leaves to encoding/json
	if err := encodeSampleReflect(&b, s); err != nil {
		return dst, fmt.Sprintf("cannot encode: %v", err)
	}
	return append(dst, b.Bytes()...), ""
}

// reasonsOf is the one rejection of a sample, naming every broken rule: where in the sample
// and why (the reporter names the sample itself).
func reasonsOf(vs api.Violations) string {
	reasons := make([]string, len(vs))
	for i, v := range vs {
		where := strings.TrimPrefix(strings.TrimPrefix(v.Path, "sample"), ".")
		if where == "" {
			where = "sample"
		}
		reasons[i] = where + ": " + v.Reason
	}
	return strings.Join(reasons, "; ")
}
