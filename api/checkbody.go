package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// CheckBody reads one request body and returns its sample count and every problem, for a
// validator that reports all of them at once: a syntax error or repeated keys (with line
// and column; nothing else is then checked, since what the body means is undecided),
// fields of the wrong type, unknown fields (a misspelled key would silently drop what it
// holds), and Validate's violations.
func CheckBody(data []byte) (samples int, problems []string) {
	if !json.Valid(data) {
		_, err := DecodeRequest(data) // the syntax error, with its line and column
		return 0, []string{err.Error()}
	}
	if dups := DuplicateKeys(data); len(dups) > 0 {
		problems := make([]string, len(dups))
		for i, d := range dups {
			problems[i] = d.Error()
		}
		return 0, problems
	}
	var req Request
	if err := json.Unmarshal(data, &req); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return 0, []string{fmt.Sprintf("invalid request body: %v", err)}
		}
		// Unmarshal goes on past a type error, so the rest is still checked below.
		problems = append(problems, fmt.Sprintf("%s: is a JSON %s; must be %s", te.Field, te.Value, te.Type))
	}
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	var again Request
	if err := strict.Decode(&again); err != nil && strings.Contains(err.Error(), "unknown field") {
		problems = append(problems, fmt.Sprintf("request: %v (not a field of the API)", strings.TrimPrefix(err.Error(), "json: ")))
	}
	for _, v := range Validate(&req) {
		problems = append(problems, v.String())
	}
	return len(req.Samples), problems
}
