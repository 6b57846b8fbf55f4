package csv

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// TestLabelSetMatchesSplit checks the table of label fields against splitting each field
// anew: random fields of every length around the table's limits (short ones kept in its
// entries, longer ones in its map, the longest never kept), looked up many times in a random
// order, must give the labels splitLabels gives, and the same array each time for a field
// it keeps; past the number of fields it keeps, the labels are still right.
func TestLabelSetMatchesSplit(t *testing.T) {
	require.EqualValues(t, 64, reflect.TypeFor[labelSetEntry]().Size(), "an entry is one cache line")
	s, err := Options{}.settings()
	require.NoError(t, err)
	r := rand.New(rand.NewPCG(41, 2026))
	words := []string{"a", "b", "正面", "neutral", " ", "", "positive", "体育 ", "x,y"}
	field := func() string {
		var b strings.Builder
		for n := r.IntN(maxLongLabelSet + 40); b.Len() < n; {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(words[r.IntN(len(words))])
			if r.IntN(3) == 0 { // many short fields, as in a dataset
				break
			}
		}
		return b.String()
	}
	m := newMapper(s, "f.csv")
	ref := newMapper(s, "f.csv")
	check := func(fields []string, shared bool) {
		first := map[string]*api.SampleLabel{}
		for n := range 8 * len(fields) {
			f := fields[r.IntN(len(fields))]
			got := m.labelSet([]byte(f))
			require.Equal(t, ref.splitLabels([]byte(f)), got, "%q", f)
			if !shared || len(got) == 0 || len(f) > maxLongLabelSet {
				continue
			}
			if p, ok := first[f]; ok {
				require.Same(t, p, &got[0], "%q split again (lookup %d)", f, n)
			}
			first[f] = &got[0]
		}
	}
	var fields []string
	for len(fields) < maxLabelSets/2 {
		fields = append(fields, field())
	}
	check(fields, true)
	for len(fields) < 3*maxLabelSets {
		fields = append(fields, field())
	}
	check(fields, false)
}
