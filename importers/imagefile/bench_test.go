package imagefile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

// BenchmarkAttach compares inlining a 256 KiB image through DirFS (os.Root, stat, signature)
// with os.DirFS (links checked by resolve).
func BenchmarkAttach(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 256<<10)
	copy(data, "\xff\xd8\xff\xe0")
	require.NoError(b, os.WriteFile(filepath.Join(dir, "a.jpg"), data, 0o644))
	for name, fsys := range map[string]fs.FS{"DirFS": DirFS(dir), "os.DirFS": os.DirFS(dir)} {
		b.Run(name, func(b *testing.B) {
			src := &Source{FS: fsys, Dir: "."}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var s api.Sample
				if err := src.Attach(&s, "a.jpg"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
