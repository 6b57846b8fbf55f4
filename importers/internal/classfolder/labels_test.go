package classfolder

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestParseLabels(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    string
		want  []Label
		notes []string
	}{
		{"one", "Rabbit", []Label{{"Rabbit", 1}}, nil},
		{"several", "Rabbit\nPanda\n", []Label{{"Rabbit", 1}, {"Panda", 2}}, nil},
		{"CRLF and CR", "a\r\nb\rc", []Label{{"a", 1}, {"b", 2}, {"c", 3}}, nil},
		{"blank lines and spaces", "\n  a \t\n\n b\n", []Label{{"a", 2}, {"b", 4}}, nil},
		{"BOM", "\ufeffa\n", []Label{{"a", 1}}, nil},
		{"repeat", "a\nb\na\n", []Label{{"a", 1}, {"b", 2}}, []string{`3: the label "a" is given again (first on line 1)`}},
		{"empty", "", nil, nil},
		{"GBK", "\xb9\xb7\n", []Label{{"狗", 1}}, []string{"0: the label file is not UTF-8; read as gb18030"}},
		{"UTF-8 Chinese", "猫\n狗", []Label{{"猫", 1}, {"狗", 2}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := ParseLabels([]byte(tt.in))
			assert.Equal(t, tt.want, got)
			var ns []string
			for _, n := range notes {
				ns = append(ns, strconv.Itoa(n.Line)+": "+n.Reason)
			}
			assert.Equal(t, len(tt.notes), len(ns), "%v", ns)
			for i := range min(len(ns), len(tt.notes)) {
				assert.Contains(t, ns[i], tt.notes[i])
			}
		})
	}
}

func TestCheckLabelName(t *testing.T) {
	for name, ok := range map[string]bool{
		"Rabbit": true, "cat_1": true, "big-cat": true, "猫": true, "Ünïcode": true,
		"big cat": false, "a/b": false, "a.b": false, "": false, "a\tb": false,
	} {
		assert.Equal(t, ok, CheckLabelName(name) == "", "%q: %s", name, CheckLabelName(name))
	}
}

// FuzzParseLabels: any bytes give labels that are trimmed, non-empty, distinct, valid
// UTF-8 and on increasing lines, without a panic.
func FuzzParseLabels(f *testing.F) {
	for _, s := range []string{"Rabbit\nPanda\n", "a\r\nb\rc", "\ufeffa", "\xb9\xb7\n", "a\na\n", "", "\n\n \t\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		labels, _ := ParseLabels(data)
		seen := map[string]bool{}
		last := 0
		for _, l := range labels {
			if l.Name == "" || strings.TrimSpace(l.Name) != l.Name || !utf8.ValidString(l.Name) || strings.ContainsAny(l.Name, "\r\n") {
				t.Fatalf("bad label %q", l.Name)
			}
			if seen[l.Name] {
				t.Fatalf("label %q twice", l.Name)
			}
			seen[l.Name] = true
			if l.Line <= last {
				t.Fatalf("line %d after %d", l.Line, last)
			}
			last = l.Line
		}
	})
}
