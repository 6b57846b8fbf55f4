package upload

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
)

// Environment variables Config reads: the platform SDKs' credential variables, and one of
// this module's own.
const (
	EnvAK            = "HUAWEICLOUD_SDK_AK"
	EnvSK            = "HUAWEICLOUD_SDK_SK"
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	EnvProjectID     = "HUAWEICLOUD_SDK_PROJECT_ID"
	EnvAuthToken     = "HUAWEICLOUD_SDK_AUTH_TOKEN" // this module's own; the platform's SDKs do not read it
)

// MaxTokenFile is the largest token file read: IAM tokens are a few KiB.
const MaxTokenFile = 64 << 10

// Config is where an upload goes and as whom, as a person gives it: an endpoint or a
// region, a project (or $HUAWEICLOUD_SDK_PROJECT_ID), a dataset, and credentials from a
// token file or the environment. Client checks it and builds the Client.
type Config struct {
	Endpoint  string // scheme and host only; "" means RegionEndpoint(Region)
	Region    string
	ProjectID string // "" means $HUAWEICLOUD_SDK_PROJECT_ID
	DatasetID string
	// TokenFile, when set, holds an IAM token (sent as X-Auth-Token); it wins over the
	// environment's credentials.
	TokenFile string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// SettingError is a Config setting that cannot work. Setting names the Config field
// ("Endpoint", "TokenFile"...) or the environment variable ("$HUAWEICLOUD_SDK_AK"); the
// message names fields as "option Endpoint", so that a command can show its own flag in
// their place. Missing says nothing was given. The message never quotes a secret.
type SettingError struct {
	Setting string
	Missing bool
	Msg     string
}

func (e *SettingError) Error() string { return e.Msg }

// settingErr is a *SettingError whose message starts with the setting's name.
func settingErr(setting, format string, args ...any) error {
	name := setting
	if !strings.HasPrefix(setting, "$") {
		name = "option " + setting
	}
	if !strings.HasPrefix(format, ":") {
		name += " "
	}
	return &SettingError{Setting: setting, Msg: name + fmt.Sprintf(format, args...)}
}

// Client checks the config and returns a Client with its Endpoint, ProjectID, DatasetID
// and Auth set. Credentials are looked for in this order: TokenFile; $HUAWEICLOUD_SDK_AK
// with $HUAWEICLOUD_SDK_SK (and $HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys);
// $HUAWEICLOUD_SDK_AUTH_TOKEN. Its errors are *SettingError.
func (c Config) Client() (*Client, error) {
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	endpoint, err := c.endpoint()
	if err != nil {
		return nil, err
	}
	project := c.ProjectID
	if project == "" {
		project = getenv(EnvProjectID)
	}
	switch {
	case project == "":
		return nil, &SettingError{Setting: "ProjectID", Missing: true, Msg: "no project: give option ProjectID or set $" + EnvProjectID}
	case c.DatasetID == "":
		return nil, &SettingError{Setting: "DatasetID", Missing: true, Msg: "no dataset: give option DatasetID"}
	}
	auth, err := c.auth(getenv)
	if err != nil {
		return nil, err
	}
	return &Client{Endpoint: endpoint, ProjectID: project, DatasetID: c.DatasetID, Auth: auth}, nil
}

// endpoint is Endpoint, or the region's endpoint. It is a scheme and a host only: a path,
// query, fragment or user info is refused (the request path is built, and a fragment or
// query would be silently dropped or misplaced). Plain http is refused except on loopback,
// so that credentials never cross a network in the clear.
func (c Config) endpoint() (string, error) {
	if c.Endpoint == "" {
		if c.Region == "" {
			return "", &SettingError{Setting: "Region", Missing: true, Msg: "no endpoint: give option Region (or option Endpoint)"}
		}
		return RegionEndpoint(c.Region), nil
	}
	e, err := url.Parse(c.Endpoint)
	if err != nil || e.Host == "" {
		return "", settingErr("Endpoint", "%q: must be an https://host URL", c.Endpoint)
	}
	if e.User != nil {
		// Not quoted: the user info may hold a password.
		return "", settingErr("Endpoint", "must not carry user info (user@ or user:password@); credentials come from the environment or a token file")
	}
	if why := CheckEndpoint(c.Endpoint); why != "" {
		return "", settingErr("Endpoint", "%q: %s", c.Endpoint, why)
	}
	switch e.Scheme {
	case "https":
	case "http":
		if ip := net.ParseIP(e.Hostname()); e.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", settingErr("Endpoint", "%q: plain http is only allowed on loopback; use https", c.Endpoint)
		}
	default:
		return "", settingErr("Endpoint", "%q: must be an https://host URL", c.Endpoint)
	}
	return strings.TrimRight(c.Endpoint, "/"), nil
}

// auth picks the credentials: TokenFile, then AK/SK, then the token variable.
func (c Config) auth(getenv func(string) string) (Auth, error) {
	if c.TokenFile != "" {
		tok, err := ReadTokenFile(c.TokenFile)
		if err != nil {
			return nil, err
		}
		return Token{Value: Secret(tok)}, nil
	}
	ak, sk := getenv(EnvAK), getenv(EnvSK)
	for _, v := range []string{EnvAK, EnvSK, EnvSecurityToken, EnvAuthToken} {
		val := getenv(v)
		if v == EnvAuthToken {
			val = strings.TrimSpace(val) // trimmed before use
		}
		if hasControl(val) {
			return nil, settingErr("$"+v, "holds a control character (a newline, a tab...): it cannot be sent in a header")
		}
	}
	switch {
	case ak != "" && sk != "":
		return Signer{AK: ak, SK: Secret(sk), SecurityToken: Secret(getenv(EnvSecurityToken))}, nil
	case ak != "" || sk != "":
		return nil, settingErr("$"+EnvAK, "and $%s must both be set", EnvSK)
	case getenv(EnvAuthToken) != "":
		return Token{Value: Secret(strings.TrimSpace(getenv(EnvAuthToken)))}, nil
	}
	return nil, &SettingError{Setting: "TokenFile", Missing: true, Msg: fmt.Sprintf(
		"no credentials: set $%s and $%s (an access key), or give option TokenFile FILE or set $%s (an IAM token)", EnvAK, EnvSK, EnvAuthToken)}
}

// ReadTokenFile reads an IAM token: a regular file (not a device or pipe that never ends)
// of at most MaxTokenFile bytes, one token without control characters, surrounding white
// space trimmed. Its errors are *SettingError (Setting "TokenFile") and never quote the
// file's content.
func ReadTokenFile(path string) (string, error) {
	bad := func(format string, args ...any) (string, error) { return "", settingErr("TokenFile", format, args...) }
	f, err := os.Open(path)
	if err != nil {
		return bad(": %v", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return bad(": %v", err)
	case !fi.Mode().IsRegular():
		return bad("%s is not a regular file", path)
	case fi.Size() > MaxTokenFile:
		return bad("%s is %d bytes; a token file holds at most %d", path, fi.Size(), MaxTokenFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxTokenFile+1))
	if err != nil {
		return bad(": %v", err)
	}
	if len(data) > MaxTokenFile {
		return bad("%s holds more than %d bytes", path, MaxTokenFile)
	}
	tok := strings.TrimSpace(string(data))
	switch {
	case tok == "":
		return bad("%s is empty", path)
	case hasControl(tok):
		return bad("%s: the token holds a control character (a newline, a tab...); the file must hold one token", path)
	}
	return tok, nil
}

// hasControl reports whether s holds a control character, which no header value may.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }) >= 0
}
