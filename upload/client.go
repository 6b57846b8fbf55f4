package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/modelarts-convert/convert/api"
)

// Defaults for Client's zero fields.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultRetries    = 5
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	DefaultUserAgent  = "convert"

	maxRetryAfter = 10 * time.Minute // a longer Retry-After is cut to this
	maxResponse   = 16 << 20         // bytes of a response body read at most
	maxMessage    = 200              // characters of a plain-text error body kept
)

// RegionEndpoint is the ModelArts endpoint of a region:
// https://modelarts.{region}.myhuaweicloud.com, except ap-southeast-1, which is on
// myhuaweicloud.cn.
func RegionEndpoint(region string) string {
	domain := "myhuaweicloud.com"
	if region == "ap-southeast-1" {
		domain = "myhuaweicloud.cn"
	}
	return "https://modelarts." + region + "." + domain
}

// Client posts request bodies to one dataset's Adding Samples in Batches call,
// authenticating every attempt afresh and retrying what is worth retrying: transport errors,
// timeouts, HTTP 429 (after its Retry-After, in seconds or as an HTTP-date), 500, 502, 503
// and 504, with capped exponential backoff and jitter. Other 4xx are never retried. The zero
// values of the optional fields mean the defaults above. A Client is safe for concurrent use.
//
// Cancelling the context stops retries and waits at once, but lets an attempt that is
// already on the wire finish (within Timeout), so that its answer can still be recorded.
type Client struct {
	Endpoint  string // https://modelarts.{region}.myhuaweicloud.com; see RegionEndpoint
	ProjectID string
	DatasetID string
	Auth      Auth // Signer (AK/SK) or Token

	HTTPClient *http.Client  // nil: a client with keep-alive for many concurrent requests; redirects are never followed either way
	UserAgent  string        // "" means DefaultUserAgent; the command sends convert/<version>
	Timeout    time.Duration // per attempt; 0 means DefaultTimeout
	Retries    int           // retries after the first attempt; 0 means DefaultRetries, < 0 none

	MinBackoff time.Duration // first backoff; 0 means DefaultMinBackoff
	MaxBackoff time.Duration // backoff cap; 0 means DefaultMaxBackoff

	// Injectable for tests: the clock (signing dates, HTTP-date Retry-After), the wait between
	// attempts (it must return ctx.Err() when ctx ends first) and the jitter source ([0,1)).
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func() float64

	// OnRetry, when set, is told about each failed attempt that will be retried, and the wait.
	OnRetry func(attempt int, err error, wait time.Duration)

	once sync.Once
	http *http.Client
}

// URL is the address requests are posted to.
func (c *Client) URL() string {
	return strings.TrimRight(c.Endpoint, "/") + "/v2/" + url.PathEscape(c.ProjectID) + "/datasets/" +
		url.PathEscape(c.DatasetID) + "/data-annotations/samples"
}

func (c *Client) check() error {
	switch {
	case c.Endpoint == "":
		return errors.New("upload: no endpoint")
	case CheckEndpoint(c.Endpoint) != "":
		return fmt.Errorf("upload: endpoint: %s", CheckEndpoint(c.Endpoint))
	case c.ProjectID == "":
		return errors.New("upload: no project ID")
	case c.DatasetID == "":
		return errors.New("upload: no dataset ID")
	case c.Auth == nil:
		return errors.New("upload: no credentials")
	}
	return nil
}

// CheckEndpoint says what is wrong with an endpoint URL, or "". The request path is built
// from the project and dataset, so an endpoint carries only a scheme and a host: a path, a
// query or a fragment would be dropped or misplace the request, and user info would send a
// credential this package does not treat as a secret.
func CheckEndpoint(endpoint string) string {
	e, err := url.Parse(endpoint)
	switch {
	case err != nil:
		return "not a URL"
	case e.Scheme != "https" && e.Scheme != "http":
		return "must be an https://host URL"
	case e.Host == "" || e.Opaque != "":
		return "must be an https://host URL (no host)"
	case e.User != nil:
		return "must not carry user info (user@ or user:password@); credentials come from the environment or a token file"
	case e.RawQuery != "" || e.ForceQuery:
		return "must not have a query (?...)"
	case e.Fragment != "" || strings.Contains(endpoint, "#"):
		return "must not have a fragment (#...)"
	case e.Path != "" && e.Path != "/":
		return "must not have a path: give only https://host; the request path /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples is added"
	}
	return ""
}

// NewRequest builds one authenticated attempt of posting body: the headers are set and the
// request signed (or given its token) at the Client's current time.
func (c *Client) NewRequest(ctx context.Context, body []byte) (*http.Request, error) {
	return c.newRequest(ctx, body, BodyHash(body))
}

func (c *Client) newRequest(ctx context.Context, body []byte, bodyHash string) (*http.Request, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("upload: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderProjectID, c.ProjectID)
	ua := c.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	req.Header.Set("User-Agent", ua)
	if err := c.Auth.Authenticate(req, c.now(), bodyHash); err != nil {
		return nil, err
	}
	return req, nil
}

// Send posts body, retrying as the Client's documentation says, and returns the decoded
// answer. An HTTP 200 can still carry per-sample failures: check every Results[i].Success.
// A refused request is an *Error.
func (c *Client) Send(ctx context.Context, body []byte) (*api.Response, error) {
	resp, _, err := c.send(ctx, body)
	return resp, err
}

// send is Send that also counts the attempts made.
func (c *Client) send(ctx context.Context, body []byte) (*api.Response, int, error) {
	return c.sendHashed(ctx, body, BodyHash(body))
}

// sendHashed is send with the body's hash (BodyHash) computed beforehand.
func (c *Client) sendHashed(ctx context.Context, body []byte, hash string) (*api.Response, int, error) {
	retries := c.Retries
	if retries == 0 {
		retries = DefaultRetries
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	for attempt := 0; ; attempt++ {
		resp, err := c.attempt(ctx, body, hash)
		if err == nil {
			return resp, attempt + 1, nil
		}
		if !Retryable(err) {
			return nil, attempt + 1, err
		}
		if attempt >= retries {
			return nil, attempt + 1, fmt.Errorf("gave up after %d attempts: %w", attempt+1, err)
		}
		if cerr := ctx.Err(); cerr != nil {
			return nil, attempt + 1, fmt.Errorf("%w; interrupted before retrying: %w", err, cerr)
		}
		wait := c.backoff(attempt, err)
		if c.OnRetry != nil {
			c.OnRetry(attempt+1, err, wait)
		}
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, attempt + 1, fmt.Errorf("%w; interrupted before retrying: %w", err, serr)
		}
	}
}

// attempt makes one request. It is not cancelled with ctx (see Client), only timed out.
func (c *Client) attempt(ctx context.Context, body []byte, hash string) (*api.Response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	req, err := c.newRequest(actx, body, hash)
	if err != nil {
		return nil, err
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTransport, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("%w: reading the answer: %w", ErrTransport, err)
	}
	tooLarge := len(data) > maxResponse
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		return nil, &Error{StatusCode: resp.StatusCode, Location: c.scrub(resp.Header.Get("Location")),
			RequestID: c.scrub(resp.Header.Get(HeaderRequestID))}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		if tooLarge {
			data = nil
		}
		e := newError(resp, data, c.now(), c.scrub)
		if tooLarge {
			e.Message = msgTooLarge
		}
		return nil, e
	case tooLarge:
		return nil, &OutcomeError{StatusCode: resp.StatusCode, Reason: msgTooLarge}
	}
	var r api.Response
	if err := decodeResponse(data, &r); err != nil || !isObject(data) {
		reason := "the answer is not a response body"
		if err != nil {
			reason += " (" + c.scrub(err.Error()) + ")"
		}
		return nil, &OutcomeError{StatusCode: resp.StatusCode, Reason: reason}
	}
	r.ErrorCode = c.scrub(r.ErrorCode)
	r.ErrorMsg = c.scrub(r.ErrorMsg)
	for i := range r.Results {
		// Names are matched against the names sent before they are scrubbed (a name is
		// printed only when it is one that was sent); everything else is scrubbed now.
		r.Results[i].ErrorCode = c.scrub(r.Results[i].ErrorCode)
		r.Results[i].ErrorMsg = c.scrub(r.Results[i].ErrorMsg)
		r.Results[i].Info = c.scrub(r.Results[i].Info)
	}
	return &r, nil
}

const msgTooLarge = "response larger than 16 MiB"

// isObject reports whether a JSON text is an object (not null, an array or a scalar).
func isObject(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// backoff is the wait before retry number retry+1: the Retry-After the service asked for,
// or min(MaxBackoff, MinBackoff·2^retry) with "equal jitter" (half fixed, half random).
func (c *Client) backoff(retry int, err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return min(e.RetryAfter, maxRetryAfter)
	}
	lo, hi := c.MinBackoff, c.MaxBackoff
	if lo <= 0 {
		lo = DefaultMinBackoff
	}
	if hi <= 0 {
		hi = DefaultMaxBackoff
	}
	d := hi
	if retry < 30 && lo<<retry < hi {
		d = lo << retry
	}
	j := c.Jitter
	if j == nil {
		j = rand.Float64
	}
	return d/2 + time.Duration(j()*float64(d/2))
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.Sleep != nil {
		return c.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) client() *http.Client {
	c.once.Do(func() {
		if c.HTTPClient != nil {
			hc := *c.HTTPClient
			hc.CheckRedirect = noRedirects
			c.http = &hc
			return
		}
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		c.http = &http.Client{Transport: t, CheckRedirect: noRedirects}
	})
	return c.http
}

// noRedirects makes a client return a 3xx as it came: following it would send the body and
// the credentials to wherever the Location points (another host, plain http), and a 301 or
// 302 would turn the POST into a body-less GET whose answer says nothing about the samples.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// scrub replaces the credentials' secrets in s, in case a server echoes them. Every string
// that came from the network goes through it before it is cut, printed, recorded or
// wrapped in an error.
func (c *Client) scrub(s string) string {
	if s == "" {
		return s // most fields of most results (and the secrets' list costs an allocation)
	}
	a, ok := c.Auth.(interface{ secrets() []Secret })
	if !ok {
		return s
	}
	for _, sec := range a.secrets() {
		if sec != "" {
			s = strings.ReplaceAll(s, string(sec), redacted)
		}
	}
	return s
}
