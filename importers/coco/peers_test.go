package coco

import (
	"context"
	"os"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/internal/peers"
)

// The peers' COCO sets convert with every annotation accounted for: each annotation becomes
// its label(s), each visible keypoint a point label, with no rejection.
func TestPeers(t *testing.T) {
	// The shared test assets folder, beside the clone (CI lays shared/ there too).
	datumaro := peers.Path(t, "datumaro")
	tests := []struct {
		set, subset, file string
		shape             Shape
		size              []int // the image's size (inline: with the JPEG's depth)
		shapes            map[api.Shape]int
		warnings          int
	}{
		// One annotation (bbox, no segmentation); category ids 1, 2, 4.
		{"coco_instances", "train", "instances_train.json", ShapeBBox, []int{10, 5, 3}, map[api.Shape]int{api.ShapeBndbox: 1}, 0},
		{"coco_instances", "train", "instances_train.json", ShapePolygon, []int{10, 5, 3}, map[api.Shape]int{api.ShapeBndbox: 1}, 1},
		// A polygon with attributes and an uncompressed-RLE crowd region.
		{"coco_instances", "val", "instances_val.json", ShapeBBox, []int{5, 10, 3}, map[api.Shape]int{api.ShapeBndbox: 2}, 0},
		{"coco_instances", "val", "instances_val.json", ShapePolygon, []int{5, 10, 3}, map[api.Shape]int{api.ShapePolygon: 2}, 0},
		// Keypoints [0,0,0, 0,2,1, 4,1,2]: two visible ones.
		{"coco_person_keypoints", "train", "person_keypoints_train.json", ShapeBBox, []int{10, 5, 3}, map[api.Shape]int{api.ShapeBndbox: 1, api.ShapePoint: 2}, 0},
		// Two annotations with three visible keypoints each.
		{"coco_person_keypoints", "val", "person_keypoints_val.json", ShapeBBox, []int{5, 10, 3}, map[api.Shape]int{api.ShapeBndbox: 2, api.ShapePoint: 6}, 0},
		{"coco_person_keypoints", "val", "person_keypoints_val.json", ShapePolygon, []int{5, 10, 3}, map[api.Shape]int{api.ShapePolygon: 2, api.ShapePoint: 6}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.shape), func(t *testing.T) {
			root := os.DirFS(path.Join(datumaro, tt.set))
			var ws []importers.Warning
			opts := Options{Shape: tt.shape, Images: &imagefile.Source{FS: root, Dir: "images/" + tt.subset},
				Warn: func(w importers.Warning) { ws = append(ws, w) }}
			samples, err := importers.Collect(Read(context.Background(), root, "annotations/"+tt.file, opts))
			require.NoError(t, err)
			require.Len(t, samples, 1)
			s := samples[0]
			assert.Empty(t, api.ValidateSample("s", s))
			assert.NotEmpty(t, s.Data, "inline image data")
			assert.Equal(t, tt.size, s.Metadata[api.MetaSize])
			got := map[api.Shape]int{}
			for _, l := range s.Labels {
				got[l.Property.Shape()]++
			}
			assert.Equal(t, tt.shapes, got)
			for _, w := range ws {
				assert.False(t, w.Rejected, "%v", w)
			}
			assert.Len(t, ws, tt.warnings, "%v", ws)
		})
	}
}
