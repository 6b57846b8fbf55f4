package importers_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

func TestSafeName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"train.csv", "train.csv"},
		{"a:b.csv", "a_b.csv"},
		{"new\nline\r.txt", "new_line_.txt"},
		{"nul\x00.txt", "nul_.txt"},
		{"tab\tdel\x7f c1\u0085.txt", "tab_del_ c1_.txt"},
		{"ls\u2028ps\u2029", "ls_ps_"},
		{`Tom's <a=b> & "c"!`, "Tom_s _a_b_ _ _c__"},
		{`d/e\f`, "d_e_f"},
		{"bad\xffutf8", "bad_utf8"},
		{"文本 ok.csv", "文本 ok.csv"},
	}
	for _, c := range cases {
		got := importers.SafeName(c.in, 0)
		assert.Equal(t, c.want, got, "%q", c.in)
		assert.Empty(t, api.CheckName(got+"-000001.txt"), "%q", c.in)
	}
	assert.Equal(t, "文本", importers.SafeName("文本文本", 2), "cut in characters")
}
