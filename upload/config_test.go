package upload

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigRegionEndpoint(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-4":     "https://modelarts.cn-north-4.myhuaweicloud.com",
		"ap-southeast-1": "https://modelarts.ap-southeast-1.myhuaweicloud.cn",
	} {
		c, err := Config{Region: region, ProjectID: "p", DatasetID: "d", Getenv: env(map[string]string{EnvAK: "ak", EnvSK: "sk"})}.Client()
		require.NoError(t, err)
		assert.Equal(t, want, c.Endpoint)
	}
}

func TestConfigCredentials(t *testing.T) {
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte(" tok \n"), 0o600))
	base := Config{Endpoint: "https://example.com", DatasetID: "d"}
	tests := []struct {
		name    string
		cfg     Config
		vars    map[string]string
		auth    Auth
		setting string // of the *SettingError, when one is expected
		missing bool
	}{
		{"access key", base, map[string]string{EnvProjectID: "p", EnvAK: "ak", EnvSK: "sk"}, Signer{AK: "ak", SK: "sk"}, "", false},
		{"token file wins", Config{Endpoint: base.Endpoint, DatasetID: "d", TokenFile: tokenFile}, map[string]string{EnvProjectID: "p", EnvAK: "ak", EnvSK: "sk"}, Token{Value: "tok"}, "", false},
		{"token variable", base, map[string]string{EnvProjectID: "p", EnvAuthToken: " t "}, Token{Value: "t"}, "", false},
		{"half a key", base, map[string]string{EnvProjectID: "p", EnvAK: "ak"}, nil, "$" + EnvAK, false},
		{"control character", base, map[string]string{EnvProjectID: "p", EnvAuthToken: "a\x01b"}, nil, "$" + EnvAuthToken, false},
		{"nothing", base, map[string]string{EnvProjectID: "p"}, nil, "TokenFile", true},
		{"no project", base, nil, nil, "ProjectID", true},
		{"no endpoint", Config{DatasetID: "d"}, nil, nil, "Region", true},
		{"endpoint path", Config{Endpoint: "https://h/v2", DatasetID: "d"}, nil, nil, "Endpoint", false},
		{"plain http", Config{Endpoint: "http://example.com", DatasetID: "d"}, nil, nil, "Endpoint", false},
		{"missing token file", Config{Endpoint: base.Endpoint, DatasetID: "d", ProjectID: "p", TokenFile: filepath.Join(dir, "none")}, nil, nil, "TokenFile", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Getenv = env(tt.vars)
			c, err := tt.cfg.Client()
			if tt.setting == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.auth, c.Auth)
				return
			}
			var se *SettingError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Equal(t, tt.setting, se.Setting)
			assert.Equal(t, tt.missing, se.Missing)
			assert.NotContains(t, err.Error(), "a\x01b", "no secret in the message")
		})
	}
}

func TestRequestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"part-000002.json", "part-000001.json", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("{}"), 0o644))
	}
	files, err := RequestFiles([]string{dir, "-"})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "part-000001.json"), filepath.Join(dir, "part-000002.json"), "-"}, files)
	_, err = RequestFiles([]string{t.TempDir()})
	assert.ErrorContains(t, err, "no *.json files")
}

func TestExplain(t *testing.T) {
	assert.NoError(t, Explain(nil, Stats{}, "j", false))
	err := Explain(ErrSamplesFailed, Stats{Failed: 2}, "j", false)
	assert.EqualError(t, err, "2 samples were refused (listed above); they are recorded in j and rerunning the same command sends exactly those again")
	other := errors.New("boom")
	assert.ErrorIs(t, Explain(other, Stats{}, "j", false), other)
	assert.ErrorContains(t, Explain(other, Stats{}, "j", true), "interrupted")
	assert.Contains(t, Stats{Requests: 3}.Summary(false, "j"), "; 3 requests;")
	assert.Contains(t, Stats{}.Summary(true, "j"), "dry run")
}

func TestSettingErrorMessages(t *testing.T) {
	_, err := Config{Endpoint: "https://h", DatasetID: "d", ProjectID: "p", TokenFile: "/nonexistent/token"}.Client()
	assert.ErrorContains(t, err, "option TokenFile: open /nonexistent/token:")
	_, err = Config{DatasetID: "d"}.Client()
	assert.EqualError(t, err, "no endpoint: give option Region (or option Endpoint)")
	_, err = Config{Endpoint: "https://h/x", DatasetID: "d"}.Client()
	assert.ErrorContains(t, err, `option Endpoint "https://h/x": must not have a path`)
}
