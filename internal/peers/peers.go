// Package peers finds the shared peers folder (other projects' small test datasets, laid
// beside the repository as ../shared/peers) for tests. A test that needs it and does not
// find it is skipped on a developer's machine, and fails under CI=true: CI lays the folder
// out, so its absence there is a broken setup, not a reason to pass.
package peers

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// Path returns the path of rel (slash-separated) inside the peers folder, found from the
// test's working directory up to the module root (the folder holding go.mod). When it is
// missing the test is skipped, or failed when the CI environment variable is true.
func Path(t testing.TB, rel string) string {
	t.Helper()
	p, err := find(rel)
	if err != nil {
		Missing(t, err)
	}
	return p
}

// Missing ends a test whose peer data is absent: t.Fatal under CI=true, t.Skip elsewhere.
func Missing(t testing.TB, err error) {
	t.Helper()
	if InCI() {
		t.Fatalf("shared peers missing under CI=true: %v", err)
	}
	t.Skipf("shared peers missing (a failure under CI=true): %v", err)
}

// InCI reports whether the CI environment variable is set true (as GitHub Actions, GitLab
// and most CI systems set it).
func InCI() bool {
	v, _ := strconv.ParseBool(os.Getenv("CI"))
	return v
}

// find locates rel in ../shared/peers beside the module root.
func find(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := dir
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		up := filepath.Dir(root)
		if up == root {
			root = dir // no go.mod: look beside the working directory
			break
		}
		root = up
	}
	p := filepath.Join(root, "..", "shared", "peers", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		return "", err
	}
	rp, err := filepath.Rel(dir, p)
	if err != nil {
		return p, nil
	}
	return rp, nil
}
