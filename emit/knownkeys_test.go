package emit

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/api"
)

// TestKnownKeysSorted: the looked-up keys are in the order sortedEntries' sort gives.
func TestKnownKeysSorted(t *testing.T) {
	for _, p := range knownPairs {
		if !slices.IsSorted(p[:]) {
			t.Errorf("knownPairs %q not sorted", p)
		}
	}
	for _, k := range knownTriples {
		if !slices.IsSorted(k[:]) {
			t.Errorf("knownTriples %q not sorted", k)
		}
	}
}

// TestSortedEntriesMatchSort: sortedEntries gives a map's entries in key order, whether the
// map holds the usual keys (looked up) or others (ranged over), and appendProperty writes
// such properties as encoding/json does.
func TestSortedEntriesMatchSort(t *testing.T) {
	keys := []string{api.PropFeature, api.PropShape, "annotation_id", "iscrowd", "a", "@", "annotation_ie", "z", api.PropStartIndex, api.PropEndIndex}
	values := []any{json.Number("12"), "12", nil, true, []any{"x"}, map[string]any{"b": 1.5}, api.Feature{{"1", "2"}, {"3", "4"}, {"5", "6"}}}
	n := 0
	// Every map of 1 to 4 of the keys (with repeats collapsing), each value of every type.
	var walk func(m map[string]any, from, left int)
	walk = func(m map[string]any, from, left int) {
		if len(m) > 0 {
			n++
			var buf [16]mapEntry
			got := sortedEntries(m, &buf)
			var want []string
			for k := range m {
				want = append(want, k)
			}
			slices.Sort(want)
			var gotKeys []string
			for _, e := range got {
				gotKeys = append(gotKeys, e.key)
				if !sameValue(e.value, m[e.key]) {
					t.Fatalf("%v: entry %q has %v", m, e.key, e.value)
				}
			}
			if !slices.Equal(gotKeys, want) {
				t.Fatalf("%v: keys %q, want %q", m, gotKeys, want)
			}
			gotJSON, ok := appendProperty(nil, api.Property(m), false)
			var ref bytes.Buffer
			enc := json.NewEncoder(&ref)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(m); err != nil {
				t.Fatal(err)
			}
			if ok && string(gotJSON) != strings.TrimSuffix(ref.String(), "\n") {
				t.Fatalf("%v: %s, want %s", m, gotJSON, ref.String())
			}
		}
		if left == 0 {
			return
		}
		for i := from; i < len(keys); i++ {
			for _, v := range values {
				c := make(map[string]any, len(m)+1)
				for k, x := range m {
					c[k] = x
				}
				c[keys[i]] = v
				walk(c, i+1, left-1)
			}
		}
	}
	walk(map[string]any{}, 0, 3)
	if n < 10000 {
		t.Fatalf("only %d maps", n)
	}
}

// sameValue compares two property values as their JSON.
func sameValue(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
