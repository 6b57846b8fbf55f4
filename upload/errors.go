package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error codes the uploader acts on (facts.md, "Limits and errors of the service").
const (
	CodeBodyTooLarge     = "ModelArts.4104" // request body of 12 MB or more (HTTP 413)
	CodeExists           = "ModelArts.4422" // the sample already exists: counted as done
	CodeDatasetNotFound  = "ModelArts.4352"
	CodeDatasetPublished = "ModelArts.4343" // the dataset is being published
	CodeDatasetPublish2  = "ModelArts.4381" // the dataset is being published
	CodeSignatureFailed  = "APIGW.0301"     // verify aksk signature fail (wrong key or clock ~15 minutes off)
)

// Sentinels that errors.Is matches against an *Error (and ErrTransport against failures
// that happened before any HTTP status arrived).
var (
	ErrUnauthorized = errors.New("unauthorized")           // HTTP 401
	ErrForbidden    = errors.New("forbidden")              // HTTP 403
	ErrNotFound     = errors.New("not found")              // HTTP 404 or ModelArts.4352
	ErrThrottled    = errors.New("throttled")              // HTTP 429
	ErrTooLarge     = errors.New("request body too large") // HTTP 413 or ModelArts.4104
	ErrExists       = errors.New("sample already exists")  // ModelArts.4422
	ErrServer       = errors.New("server error")           // HTTP 5xx
	ErrTransport    = errors.New("transport error")        // no HTTP status: connection, timeout
	ErrRedirect     = errors.New("redirected")             // HTTP 3xx: never followed
	// ErrOutcomeUnknown is matched by an *OutcomeError: the endpoint answered, but the
	// answer does not say what became of the samples.
	ErrOutcomeUnknown = errors.New("outcome unknown")
	// ErrSamplesFailed is wrapped by the error Uploader.Upload returns when samples finally
	// failed; they are in the journal and a rerun retries exactly those.
	ErrSamplesFailed = errors.New("samples failed")
)

// Error is an answer of the service that refused a request: its HTTP status, the
// error_code and error_msg of its body, and the request ID to quote to support.
type Error struct {
	StatusCode int
	Code       string // "ModelArts.4104", "APIGW.0301"; "" when the body had none
	Message    string
	RequestID  string
	Location   string // the Location header of a 3xx
	// RetryAfter is how long the service asked to wait (Retry-After), 0 when it did not.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.StatusCode >= 300 && e.StatusCode <= 399 {
		return fmt.Sprintf("the endpoint answered %d (Location: %s); convert does not follow redirects: give the final URL as option Endpoint",
			e.StatusCode, e.Location)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request ID %s)", e.RequestID)
	}
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		b.WriteString("; the endpoint refused the credentials: either the access key, secret key or token is wrong, " +
			"or this machine's clock is wrong (AK/SK signatures more than about 15 minutes off the service's time are refused)")
	case e.StatusCode == http.StatusForbidden:
		b.WriteString("; the credentials are not allowed to add samples to this dataset")
	}
	return b.String()
}

// Is matches the sentinels: errors.Is(err, ErrThrottled) and so on.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrRedirect:
		return e.StatusCode >= 300 && e.StatusCode <= 399
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Code == CodeDatasetNotFound
	case ErrThrottled:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge || e.Code == CodeBodyTooLarge
	case ErrExists:
		return e.Code == CodeExists
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

// Retryable reports whether a request that failed with err may succeed if sent again:
// transport errors and timeouts, HTTP 429, 500, 502, 503 and 504. Other 4xx never are.
func Retryable(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		switch e.StatusCode {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	return errors.Is(err, ErrTransport)
}

// sampleLevel reports whether err condemns only the samples of the request it answered
// (a 4xx about this body), so that the run can go on with the next batch. Anything else
// (credentials, a missing dataset, retries exhausted) stops the run.
func sampleLevel(err error) bool {
	var e *Error
	if !errors.As(err, &e) || Retryable(err) {
		return false
	}
	switch {
	case errors.Is(e, ErrRedirect), errors.Is(e, ErrUnauthorized), errors.Is(e, ErrForbidden), errors.Is(e, ErrNotFound),
		e.Code == CodeDatasetPublished, e.Code == CodeDatasetPublish2:
		return false
	}
	return e.StatusCode < 500
}

// newError builds an *Error from a response and its body. scrub removes secrets from
// anything the server echoed.
func newError(resp *http.Response, body []byte, now time.Time, scrub func(string) string) *Error {
	e := &Error{StatusCode: resp.StatusCode, RequestID: resp.Header.Get(HeaderRequestID)}
	var eb struct {
		ErrorCode string `json:"error_code"`
		ErrorMsg  string `json:"error_msg"`
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(body, &eb) == nil && (eb.ErrorCode != "" || eb.ErrorMsg != "") {
		e.Code, e.Message = scrub(eb.ErrorCode), scrub(eb.ErrorMsg)
		if e.RequestID == "" {
			e.RequestID = eb.RequestID
		}
	} else {
		// Scrubbed before it is cut: a cut secret would no longer be found.
		msg := strings.TrimSpace(scrub(string(body)))
		if r := []rune(msg); len(r) > maxMessage {
			msg = string(r[:maxMessage]) + "..."
		}
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		e.Message = msg
	}
	e.RequestID = scrub(e.RequestID)
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	return e
}

// OutcomeError is an answer that does not say what became of the samples of the request:
// an HTTP 2xx whose body is not a response object ({}, null, [], text) or is larger than
// the 16 MiB read at most. The request may have stored them; it is not retried.
type OutcomeError struct {
	StatusCode int
	Reason     string // scrubbed
}

func (e *OutcomeError) Error() string {
	return fmt.Sprintf("HTTP %d: %s; what became of the samples is unknown", e.StatusCode, e.Reason)
}

// Is matches ErrOutcomeUnknown.
func (e *OutcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// parseRetryAfter reads Retry-After as seconds or as an HTTP-date; 0 when absent, invalid
// or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
