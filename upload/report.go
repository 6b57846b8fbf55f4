package upload

import (
	"errors"
	"fmt"
)

// Summary says what became of the samples of a run that used the journal at journal: the
// line a command prints at the end.
func (st Stats) Summary(dryRun bool, journal string) string {
	if dryRun {
		return fmt.Sprintf("dry run: %d requests (%d samples) built, validated and signed; nothing sent; %d samples skipped as acknowledged in %s",
			st.Batches, st.Samples, st.Skipped, journal)
	}
	s := fmt.Sprintf("endpoint acknowledged %d samples (%d added, %d already there); %d refused", st.Created+st.Existing, st.Created, st.Existing, st.Failed)
	if st.Unknown > 0 {
		s += fmt.Sprintf("; %d outcome unknown", st.Unknown)
	}
	if st.Unacknowledged > 0 {
		s += fmt.Sprintf("; %d not acknowledged", st.Unacknowledged)
	}
	return s + fmt.Sprintf("; %d requests; %d skipped as acknowledged earlier (journal %s)", st.Requests, st.Skipped, journal)
}

// Explain turns Upload's error into what a person does next: which samples the journal at
// journal holds as refused or pending, and that running the same upload again sends exactly
// what the endpoint did not acknowledge. interrupted says the run's context ended. A nil
// error stays nil.
func Explain(err error, st Stats, journal string, interrupted bool) error {
	switch {
	case err == nil:
		return nil
	case interrupted:
		return fmt.Errorf("interrupted: no new batch was taken; what the endpoint acknowledged is recorded in %s; rerun the same command to send the rest", journal)
	case errors.Is(err, ErrSamplesFailed) && errors.Is(err, ErrOutcomeUnknown):
		return fmt.Errorf("%d samples were refused and %d have an unknown outcome (listed above); they are recorded in %s and rerunning the same command sends exactly those again",
			st.Failed, st.Unknown, journal)
	case errors.Is(err, ErrSamplesFailed):
		return fmt.Errorf("%d samples were refused (listed above); they are recorded in %s and rerunning the same command sends exactly those again", st.Failed, journal)
	case errors.Is(err, ErrOutcomeUnknown):
		return fmt.Errorf("%d samples have an unknown outcome (listed above); they are recorded in %s as pending and rerunning the same command sends exactly those again", st.Unknown, journal)
	}
	return fmt.Errorf("%w; what the endpoint acknowledged is recorded in %s; rerun the same command to resume", err, journal)
}

// Existing is what ModelArts.4422 (a sample of that name already exists) means for a
// sample this journal never sent: ExistingFail (a conflict: refused) or ExistingSkip
// (counted as done; Uploader.SkipExisting). It is a text value ("fail", "skip") for flags
// and configuration.
type Existing string

// Existing policies.
const (
	ExistingFail Existing = "fail"
	ExistingSkip Existing = "skip"
)

// MarshalText gives the policy's name.
func (e Existing) MarshalText() ([]byte, error) { return []byte(e), nil }

// UnmarshalText reads fail or skip.
func (e *Existing) UnmarshalText(b []byte) error {
	switch v := Existing(b); v {
	case ExistingFail, ExistingSkip:
		*e = v
		return nil
	}
	return fmt.Errorf("must be fail or skip, not %q", b)
}
