package upload

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The published vectors of the platform's Go SDK: AK "AccessKey", SK "SecretKey",
// X-Sdk-Date 20060102T150405Z, only x-sdk-date signed (the requests have no host).
func TestSignPublishedVectors(t *testing.T) {
	date := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name, method, url, body, want string
	}{
		{"GET with query", http.MethodGet, "/path?limit=1", "",
			"5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"},
		{"POST with body", http.MethodPost, "/path?key=value", "{\"Name\":\"test\",\"Id\":1}\n",
			"cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := http.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			require.NoError(t, err)
			s := Signer{AK: "AccessKey", SK: "SecretKey"}
			require.NoError(t, s.Sign(r, date, BodyHash([]byte(tc.body))))
			assert.Equal(t, "20060102T150405Z", r.Header.Get(HeaderDate))
			assert.Equal(t, "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature="+tc.want,
				r.Header.Get("Authorization"))
		})
	}
}

func TestSignDependsOnBodyAndTime(t *testing.T) {
	s := Signer{AK: "ak", SK: "sk"}
	date := time.Date(2024, 5, 6, 7, 8, 9, 0, time.FixedZone("CST", 8*3600))
	sign := func(body string, at time.Time) string {
		r, _ := http.NewRequest(http.MethodPost, "https://modelarts.example/v2/p/datasets/d/data-annotations/samples", nil)
		r.Header.Set(HeaderProjectID, "p")
		r.Header.Set("Content-Type", "application/json")
		require.NoError(t, s.Sign(r, at, BodyHash([]byte(body))))
		return r.Header.Get("Authorization")
	}
	a := sign(`{"samples":[]}`, date)
	assert.Contains(t, a, "SignedHeaders=host;x-project-id;x-sdk-date,", "host and every header but Content-Type are signed")
	assert.NotEqual(t, a, sign(`{"samples":[ ]}`, date), "one byte of body changes the signature")
	assert.NotEqual(t, a, sign(`{"samples":[]}`, date.Add(time.Second)), "the time changes the signature")
}

func TestSignDateIsUTC(t *testing.T) {
	r, _ := http.NewRequest(http.MethodGet, "/x", nil)
	require.NoError(t, Signer{AK: "a", SK: "b"}.Sign(r, time.Date(2024, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600)), BodyHash(nil)))
	assert.Equal(t, "20240101T000000Z", r.Header.Get(HeaderDate))
}

func TestSignNeedsKeys(t *testing.T) {
	r, _ := http.NewRequest(http.MethodGet, "/x", nil)
	assert.Error(t, Signer{AK: "a"}.Sign(r, time.Now(), BodyHash(nil)))
	assert.Error(t, Token{}.Authenticate(r, time.Now(), ""))
}

func TestCanonicalRequest(t *testing.T) {
	r, _ := http.NewRequest(http.MethodGet, "https://h.example/a%20b/c%2Fd/%C3%A9?b=2&a=z&a=y&c=", nil)
	r.Header.Set(HeaderDate, "20060102T150405Z")
	r.Header.Set("X-Custom", "  spaced value ")
	got := CanonicalRequest(r, []string{"host", "x-custom", "x-sdk-date"}, "HASH")
	want := "GET\n" +
		"/a%20b/c%2Fd/%C3%A9/\n" +
		"a=y&a=z&b=2&c=\n" +
		"host:h.example\nx-custom:spaced value\nx-sdk-date:20060102T150405Z\n\n" +
		"host;x-custom;x-sdk-date\n" +
		"HASH"
	assert.Equal(t, want, got)
}

func TestSecurityTokenIsSentAndSigned(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPost, "https://h.example/p", nil)
	s := Signer{AK: "a", SK: "b", SecurityToken: "temp-token"}
	require.NoError(t, s.Authenticate(r, time.Now(), BodyHash(nil)))
	assert.Equal(t, "temp-token", r.Header.Get(HeaderSecurityToken))
	assert.Contains(t, r.Header.Get("Authorization"), "SignedHeaders=host;x-sdk-date;x-security-token,")
}

func TestTokenAuth(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPost, "https://h.example/p", nil)
	require.NoError(t, Token{Value: "tok"}.Authenticate(r, time.Now(), ""))
	assert.Equal(t, "tok", r.Header.Get(HeaderAuthToken))
	assert.Empty(t, r.Header.Get("Authorization"))
}
