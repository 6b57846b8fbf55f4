package conll

import (
	"bufio"
	"context"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/internal/peers"
	"path/filepath"
)

// seqevalPeer is seqeval's CoNLL-2000 chunking test file (token POS gold predicted), kept in
// the shared peers folder beside the repository.
const seqevalPeer = "seqeval/ground_truth.txt"

// TestSeqevalGroundTruth reads the peer file's gold column (-tag-column 3) and its predicted
// column (4) and checks every chunk against the reference reader (reference_test.go) and
// against the totals conlleval itself prints for this file ("processed 961 tokens with 459
// phrases; found: 539 phrases; correct: 371."; the per-type counts below were taken with
// seqeval's get_entities): type, first and last token, and the character offsets those
// tokens have in the sample's text.
func TestSeqevalGroundTruth(t *testing.T) {
	file := peers.Path(t, seqevalPeer)
	data, err := os.ReadFile(file)
	require.NoError(t, err)

	// The file's sentences, split independently of the importer.
	var sentences [][][]string
	var cur [][]string
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			if cur != nil {
				sentences = append(sentences, cur)
			}
			cur = nil
			continue
		}
		require.Len(t, f, 4)
		cur = append(cur, f)
	}
	if cur != nil {
		sentences = append(sentences, cur)
	}
	require.Len(t, sentences, 40)

	for _, tc := range []struct {
		column int
		total  int
		byType map[string]int
	}{
		{3, 459, map[string]int{"ADJP": 6, "ADVP": 8, "NP": 262, "PP": 90, "SBAR": 6, "VP": 87}},
		{4, 539, map[string]int{"ADJP": 1, "ADVP": 11, "NP": 317, "PP": 107, "SBAR": 3, "VP": 100}},
	} {
		var warnings []importers.Warning
		samples, err := importers.Collect(Read(context.Background(), os.DirFS(filepath.Dir(file)), filepath.Base(file),
			Options{TagColumn: tc.column, Warn: func(w importers.Warning) { warnings = append(warnings, w) }}))
		require.NoError(t, err)
		require.Empty(t, warnings)
		require.Len(t, samples, len(sentences))

		total, byType := 0, map[string]int{}
		for i, sent := range sentences {
			s := samples[i]
			require.Empty(t, api.ValidateSample("s", s))
			// Where each token sits in the text: tokens joined by one space (all ASCII).
			var tokens, tags []string
			starts, ends := []int{}, []int{}
			off := 0
			for _, f := range sent {
				tokens = append(tokens, f[0])
				tags = append(tags, f[tc.column-1])
				starts = append(starts, off)
				off += len(f[0])
				ends = append(ends, off)
				off++
			}
			text := strings.Join(tokens, " ")
			require.Equal(t, text, decoded(t, s), "sentence %d", i+1)

			want := refChunks(tags)
			require.Equal(t, want, Chunks(tags), "sentence %d", i+1)
			got := ents(s)
			require.Len(t, got, len(want), "sentence %d", i+1)
			for j, c := range want {
				assert.Equal(t, ent{c.Type, starts[c.Start], ends[c.End-1]}, got[j], "sentence %d chunk %d (tokens %d..%d)", i+1, j, c.Start, c.End-1)
				byType[c.Type]++
				total++
			}
		}
		assert.Equal(t, tc.total, total, "column %d", tc.column)
		assert.Equal(t, tc.byType, byType, "column %d", tc.column)
		types := make([]string, 0, len(byType))
		for k := range byType {
			types = append(types, k)
		}
		sort.Strings(types)
		t.Logf("column %d: %d chunks %v", tc.column, total, types)
	}
}
