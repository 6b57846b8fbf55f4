package coco

import (
	"bytes"
	"testing"
)

// TestSpillView holds view to read: for every record of a store with several memory blocks
// and a file, view gives the bytes read gives, or says no (in the file, straddling two
// blocks), and what it gave stays the same while more records are appended.
func TestSpillView(t *testing.T) {
	s := &spill{limit: 2*spillBlock + spillBlock/2, dir: t.TempDir()}
	defer s.close()
	type rec struct {
		off, n int64
		view   string
	}
	var recs []rec
	for i := 0; s.size() < 3*spillBlock; i++ {
		b := bytes.Repeat([]byte{byte(i)}, 1+i*7919%5000)
		off := s.size()
		if err := s.append(b); err != nil {
			t.Fatal(err)
		}
		r := rec{off: off, n: int64(len(b))}
		if v, ok := s.view(r.off, r.n); ok {
			r.view = v
		}
		recs = append(recs, r)
	}
	if err := s.finish(); err != nil {
		t.Fatal(err)
	}
	views, straddling := 0, 0
	for _, r := range recs {
		b, err := s.read(r.off, r.n)
		if err != nil {
			t.Fatal(err)
		}
		v, ok := s.view(r.off, r.n)
		inBlock := s.inMemory(r.off) && r.off/spillBlock == (r.off+r.n-1)/spillBlock
		if ok != inBlock {
			t.Fatalf("record at %d (%d bytes): view says %v", r.off, r.n, ok)
		}
		if !ok {
			if s.inMemory(r.off) {
				straddling++
			}
			continue
		}
		views++
		if v != string(b) || r.view != v {
			t.Fatalf("record at %d (%d bytes): view differs from read, or changed", r.off, r.n)
		}
	}
	if views == 0 || straddling == 0 || s.fileSize == 0 {
		t.Fatalf("the store did not hold every case: %d views, %d straddling, %d bytes in the file", views, straddling, s.fileSize)
	}
}
