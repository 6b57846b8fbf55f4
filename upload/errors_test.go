package upload

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRetryable(t *testing.T) {
	for status, want := range map[int]bool{
		400: false, 401: false, 403: false, 404: false, 409: false, 413: false, 422: false,
		429: true, 500: true, 501: false, 502: true, 503: true, 504: true,
	} {
		err := fmt.Errorf("wrapped: %w", &Error{StatusCode: status})
		assert.Equal(t, want, Retryable(err), "HTTP %d", status)
	}
	assert.True(t, Retryable(fmt.Errorf("%w: connection reset", ErrTransport)))
	assert.False(t, Retryable(context.Canceled))
	assert.False(t, Retryable(errors.New("something else")))
}

func TestErrorIs(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		is   error
		want bool
	}{
		{&Error{StatusCode: 401}, ErrUnauthorized, true},
		{&Error{StatusCode: 403}, ErrForbidden, true},
		{&Error{StatusCode: 404}, ErrNotFound, true},
		{&Error{StatusCode: 400, Code: CodeDatasetNotFound}, ErrNotFound, true},
		{&Error{StatusCode: 429}, ErrThrottled, true},
		{&Error{StatusCode: 413}, ErrTooLarge, true},
		{&Error{StatusCode: 400, Code: CodeBodyTooLarge}, ErrTooLarge, true},
		{&Error{StatusCode: 200, Code: CodeExists}, ErrExists, true},
		{&Error{StatusCode: 503}, ErrServer, true},
		{&Error{StatusCode: 400}, ErrServer, false},
		{&Error{StatusCode: 400}, ErrTooLarge, false},
	} {
		err := fmt.Errorf("context: %w", tc.err)
		assert.Equal(t, tc.want, errors.Is(err, tc.is), "%v is %v", tc.err, tc.is)
		var e *Error
		assert.True(t, errors.As(err, &e))
	}
}

func TestUnauthorizedMessage(t *testing.T) {
	msg := (&Error{StatusCode: 401, Code: CodeSignatureFailed, Message: "verify aksk signature fail", RequestID: "r1"}).Error()
	assert.Contains(t, msg, "HTTP 401 APIGW.0301: verify aksk signature fail (request ID r1)")
	assert.Contains(t, msg, "credentials")
	assert.Contains(t, msg, "clock")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	assert.Equal(t, 3*time.Second, parseRetryAfter("3", now))
	assert.Equal(t, 90*time.Second, parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now))
	assert.Equal(t, time.Duration(0), parseRetryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now), "a date in the past")
	assert.Equal(t, time.Duration(0), parseRetryAfter("soon", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("", now))
	assert.Equal(t, maxRetryAfter, parseRetryAfter("999999999999", now), "capped")
}

func TestBackoffIsCappedExponentialWithJitter(t *testing.T) {
	c := &Client{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	c.Jitter = func() float64 { return 0 }
	var lows []time.Duration
	for i := range 6 {
		lows = append(lows, c.backoff(i, errors.New("x")))
	}
	assert.Equal(t, []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
		400 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond}, lows)
	c.Jitter = func() float64 { return 0.999999 }
	assert.InDelta(t, float64(time.Second), float64(c.backoff(10, errors.New("x"))), float64(time.Millisecond), "the cap")
	assert.Equal(t, 7*time.Second, c.backoff(0, &Error{StatusCode: 429, RetryAfter: 7 * time.Second}), "Retry-After wins")
	c.Jitter = func() float64 { return 0 }
	assert.Equal(t, c.MaxBackoff/2, c.backoff(1000, errors.New("x")), "no overflow")
}

func TestSecretNeverPrints(t *testing.T) {
	s := Signer{AK: "AKID", SK: "the-secret-key", SecurityToken: "the-security-token"}
	tok := Token{Value: "the-iam-token"}
	c := &Client{Endpoint: "https://x", Auth: s}
	for _, out := range []string{
		fmt.Sprintf("%v %+v %#v %s %q %x %d", s, s, s, s.SK, s.SK, s.SK, s.SK),
		fmt.Sprintf("%v %+v %#v", tok, tok, tok),
		fmt.Sprintf("%v %+v", c, c),
	} {
		for _, secret := range []string{"the-secret-key", "the-security-token", "the-iam-token"} {
			assert.NotContains(t, out, secret)
		}
		assert.Contains(t, out, "[redacted]")
	}
	assert.Contains(t, fmt.Sprint(s), "AKID", "the access key is not a secret")
	assert.Equal(t, "a [redacted] b", c.scrub("a the-secret-key b"))
}
