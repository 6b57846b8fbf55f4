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
	vs, notes := api.ValidateSampleNotes("sample", s)
	if len(vs) > 0 {
		// One rejection per sample, naming every broken rule: where in the sample and why
		// (the reporter names the sample itself).
		reasons := make([]string, len(vs))
		for i, v := range vs {
			where := strings.TrimPrefix(strings.TrimPrefix(v.Path, "sample"), ".")
			if where == "" {
				where = "sample"
			}
			reasons[i] = where + ": " + v.Reason
		}
		return dst, strings.Join(reasons, "; ")
	}
	if !useReflection {
		if out, ok := appendValidSample(dst, s, notes, strs); ok {
			return out, ""
		}
	}
	var b bytes.Buffer // a value the hand encoder leaves to encoding/json
	if err := encodeSampleReflect(&b, s); err != nil {
		return dst, fmt.Sprintf("cannot encode: %v", err)
	}
	return append(dst, b.Bytes()...), ""
}
