package imagefolder_test

import (
	"testing"

	"github.com/modelarts-convert/convert/importers/importertest"
)

// The detector recognizes its layout, and no other format's.
func TestDetect(t *testing.T) { importertest.CheckDetector(t, "imagefolder") }
