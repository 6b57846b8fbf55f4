package upload

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Secret is a credential: a secret key, a security token or an IAM token. It prints as
// "[redacted]" under every fmt verb, in JSON and in slog, so that it cannot reach output,
// logs, error messages or files by accident. Convert it with string(s) where the value is
// really needed (only the signer and the X-Auth-Token header do).
type Secret string

const redacted = "[redacted]"

// Format prints "[redacted]" whatever the verb.
func (Secret) Format(f fmt.State, _ rune) { io.WriteString(f, redacted) }

// MarshalText makes encoders (JSON among them) write "[redacted]".
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue makes slog write "[redacted]".
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Auth authenticates one attempt of a request. It is called afresh for every attempt, with
// the time of the attempt and the hex SHA-256 of exactly the body bytes sent.
type Auth interface {
	Authenticate(r *http.Request, now time.Time, bodyHash string) error
}

// Names of the signing algorithm and its headers.
const (
	Algorithm           = "SDK-HMAC-SHA256"
	DateFormat          = "20060102T150405Z" // X-Sdk-Date, always UTC
	HeaderDate          = "X-Sdk-Date"
	HeaderSecurityToken = "X-Security-Token"
	HeaderAuthToken     = "X-Auth-Token"
	HeaderProjectID     = "X-Project-Id"
	HeaderRequestID     = "X-Request-Id"
)

// Signer authenticates requests with an access key: AK/SK, signed with SDK-HMAC-SHA256.
// SecurityToken is set for temporary keys; it is sent as X-Security-Token (and signed).
type Signer struct {
	AK            string
	SK            Secret
	SecurityToken Secret
}

var _ Auth = Signer{}

// Authenticate sets X-Security-Token when the signer has one, then signs r (see Sign).
func (s Signer) Authenticate(r *http.Request, now time.Time, bodyHash string) error {
	if s.SecurityToken != "" {
		r.Header.Set(HeaderSecurityToken, string(s.SecurityToken))
	}
	return s.Sign(r, now, bodyHash)
}

// Sign sets X-Sdk-Date to now (UTC) and Authorization to
//
//	SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>
//
// bodyHash is the hex SHA-256 of exactly the body bytes that are sent. Sign signs every
// header r carries except Content-Type, Authorization and names containing "_" (as the
// platform's SDK does), plus host when r has one (as its API-gateway signer does).
func (s Signer) Sign(r *http.Request, now time.Time, bodyHash string) error {
	if s.AK == "" || s.SK == "" {
		return errors.New("upload: the access key (AK) and secret key (SK) must both be set")
	}
	r.Header.Set(HeaderDate, now.UTC().Format(DateFormat))
	r.Header.Del("Authorization")
	signed := SignedHeaders(r)
	sig := Signature(s.SK, r, signed, bodyHash)
	r.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		Algorithm, s.AK, strings.Join(signed, ";"), sig))
	return nil
}

func (s Signer) secrets() []Secret { return []Secret{s.SK, s.SecurityToken} }

// Token authenticates requests with an IAM token (from POST /v3/auth/tokens, header
// X-Subject-Token), sent as X-Auth-Token. Tokens are valid for 24 hours.
type Token struct {
	Value Secret
}

var _ Auth = Token{}

// Authenticate sets X-Auth-Token.
func (t Token) Authenticate(r *http.Request, _ time.Time, _ string) error {
	if t.Value == "" {
		return errors.New("upload: the token is empty")
	}
	r.Header.Set(HeaderAuthToken, string(t.Value))
	return nil
}

func (t Token) secrets() []Secret { return []Secret{t.Value} }

// SignedHeaders lists the lowercase names Sign signs for r, sorted.
func SignedHeaders(r *http.Request) []string {
	names := make([]string, 0, len(r.Header)+1)
	for k := range r.Header {
		lk := strings.ToLower(k)
		if lk == "content-type" || lk == "authorization" || strings.Contains(lk, "_") {
			continue
		}
		names = append(names, lk)
	}
	if requestHost(r) != "" && r.Header.Get("Host") == "" {
		names = append(names, "host")
	}
	sort.Strings(names)
	return names
}

func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if r.URL != nil {
		return r.URL.Host
	}
	return ""
}

// Signature computes the SDK-HMAC-SHA256 signature of r over the signed headers (lowercase
// names; "host" is r.Host) and bodyHash, with the date taken from r's X-Sdk-Date header.
// Sign uses it; so does a server that verifies requests (see package uploadtest).
func Signature(sk Secret, r *http.Request, signedHeaders []string, bodyHash string) string {
	sum := sha256.Sum256([]byte(CanonicalRequest(r, signedHeaders, bodyHash)))
	sts := Algorithm + "\n" + r.Header.Get(HeaderDate) + "\n" + hex.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, []byte(sk))
	mac.Write([]byte(sts))
	return hex.EncodeToString(mac.Sum(nil))
}

// CanonicalRequest is step 1 of the signature: method, canonical URI, canonical query,
// canonical headers, signed headers and the body hash, one per line.
func CanonicalRequest(r *http.Request, signedHeaders []string, bodyHash string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL.EscapedPath()))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.URL.Query()))
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		v := r.Header.Get(name)
		if name == "host" && v == "" {
			v = requestHost(r)
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(v))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(bodyHash)
	return b.String()
}

// canonicalURI escapes each segment of the path (as sent, so that an escaped "/" stays
// inside its segment) and appends "/" when the result does not end in one. The slash is for
// the signature only, never for the URL sent.
func canonicalURI(escapedPath string) string {
	segs := strings.Split(escapedPath, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[i] = escape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// canonicalQuery sorts the keys and each key's values and joins escape(k)=escape(v) with &.
func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// escape percent-escapes every byte but A-Z a-z 0-9 _ - ~ . with upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '~' || c == '.' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// BodyHash is the hex SHA-256 of body, as Auth.Authenticate expects it.
func BodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
