package voc_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/importers/importertest"
	"github.com/modelarts-convert/convert/importers/voc"
	"github.com/modelarts-convert/convert/internal/peers"
)

// Datumaro's VOC test datasets convert with every XML accounted for: a sample, or a
// rejection that says why.
func TestPeers(t *testing.T) {
	// Other projects' VOC test datasets; CI has shared/ beside the repository.
	datumaro := peers.Path(t, "datumaro")
	tests := []struct {
		name                      string
		dataset                   string
		opts                      voc.Options
		samples, labels, rejected int
		warnings                  int
		reason                    string // in every rejection
	}{
		// One XML: cat, and person with a <part> (head, float coordinates) and <actions>.
		{"dataset1", "voc_dataset1", voc.Options{}, 1, 3, 0, 0, ""},
		{"dataset1 train", "voc_dataset1", voc.Options{Subset: "train"}, 1, 3, 0, 0, ""},
		// test.txt lists 2007_000002, which has an image but no XML: an unlabeled sample.
		{"dataset1 test", "voc_dataset1", voc.Options{Subset: "test"}, 1, 0, 0, 1, ""},
		// No images at all, so nothing can be inlined.
		{"dataset2", "voc_dataset2", voc.Options{}, 0, 0, 5, 0, "image file not found"},
		// With -obs-prefix, @.xml (no objects) needs no size; a..d have objects but neither a
		// <size> nor a local image to read it from.
		{"dataset2 obs", "voc_dataset2", voc.Options{OBSPrefix: obs}, 1, 0, 4, 0, "no <size>, and the image is not in the images folder"},
		{"dataset2 obs trainval", "voc_dataset2", voc.Options{OBSPrefix: obs, Subset: "trainval"}, 1, 0, 4, 0, "no <size>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filepath.Join(datumaro, tt.dataset)
			r := importertest.Read(t, context.Background(), opener(os.DirFS(root), ".", tt.opts))
			require.NoError(t, r.Err)
			samples, labels, rejected := counts(r)
			assert.Equal(t, []int{tt.samples, tt.labels, tt.rejected}, []int{samples, labels, rejected}, "samples, labels, rejections; warnings: %v", r.Warnings)
			assert.Equal(t, tt.warnings, len(r.Warnings)-rejected, "%v", r.Warnings)

			// Every XML of Annotations/ is a sample or a rejection, never both, never neither.
			xmls, err := filepath.Glob(filepath.Join(root, "Annotations", "*.xml"))
			require.NoError(t, err)
			seen := map[string]string{}
			for _, s := range r.Samples {
				if strings.HasSuffix(s.Origin, ".xml") {
					seen[filepath.Base(s.Origin)] = "sample"
				}
			}
			for _, w := range r.Warnings {
				if !w.Rejected {
					continue
				}
				assert.Contains(t, w.Reason, tt.reason)
				base := filepath.Base(w.Pos.File)
				assert.NotContains(t, seen, base, "%s both converted and rejected", base)
				seen[base] = "rejected"
			}
			if tt.opts.Subset == "" { // a subset reads only the XMLs it lists
				for _, x := range xmls {
					assert.Contains(t, seen, filepath.Base(x), "%s is not accounted for", x)
				}
				assert.Len(t, seen, len(xmls))
			}
			for i, s := range r.Samples {
				assert.Empty(t, validate(s), "sample %d", i)
			}
		})
	}
}
