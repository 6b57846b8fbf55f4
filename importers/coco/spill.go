package coco

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
)

// spillBlock is the size of the store's in-memory blocks.
const spillBlock = 1 << 20

// Records bound for the file are gathered per group (the run of images they belong to, or
// noGroup) and written a group's buffer at a time: the records of one run then lie together
// in a few places of the file, and the builder of the run reads them back with a few reads
// (readFile) instead of one per record. Without it, the records of an image lie wherever its
// annotations were in the input: one pread per record, 75,000 of them for train2017's shape
// at 38.9 MB, about a tenth of the command's CPU. There are at most spillGroups buffers of
// spillGroupBytes (group g's is g % spillGroups: past that many runs, two share one), so
// that they hold at most 2 MiB.
const (
	spillGroups     = 512
	spillGroupBytes = 4 << 10
	noGroup         = -1
)

// spill is an append-only store of records: the first limit bytes in memory (in blocks, so
// that growing it copies nothing), the rest in a temporary file that close removes. Records
// are appended while the input is read and read back, by index and offset, after finish.
// Offsets are logical: each record starts where the one before it ends, wherever it lies.
type spill struct {
	limit    int
	dir      string
	blocks   [][]byte
	memSize  int64 // bytes in blocks
	f        *os.File
	named    bool // f still has its name (it could not be removed while open: Windows)
	w        *bufio.Writer
	fileSize int64 // bytes of the records bound for the file
	scratch  []byte

	records   int32         // records appended
	firstFile int32         // the first record bound for the file
	phys      []int64       // where record firstFile+k is in the file (-1 while buffered)
	groups    []*spillGroup // noGroup's, then group g's at 1 + g%spillGroups
	written   int64         // bytes written to the file
	placed    []spillPlaced // scratch of readFile
}

// spillGroup is the records of one group not yet written to the file.
type spillGroup struct {
	buf  []byte
	recs []int32 // their indexes less firstFile
	at   []int32 // where each starts in buf
}

func (s *spill) size() int64 { return s.memSize + s.fileSize }

// toFile reports whether a record of n bytes appended now goes to the file.
func (s *spill) toFile(n int) bool {
	return s.f != nil || s.memSize+int64(n) > int64(s.limit)
}

// append appends a record; group says which records are read back together (noGroup for
// none known): it matters only for records bound for the file.
func (s *spill) append(b []byte, group int) error {
	s.records++
	if !s.toFile(len(b)) {
		for len(b) > 0 {
			if len(s.blocks) == 0 || len(s.blocks[len(s.blocks)-1]) == spillBlock {
				s.blocks = append(s.blocks, make([]byte, 0, min(spillBlock, s.limit)))
			}
			last := &s.blocks[len(s.blocks)-1]
			n := min(len(b), cap(*last)-len(*last))
			if n == 0 { // a limit below one block: the last block is full
				*last = append(*last, b...)
				n = len(b)
			} else {
				*last = append(*last, b[:n]...)
			}
			s.memSize += int64(n)
			b = b[n:]
		}
		return nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "convert-coco-*.spill")
		if err != nil {
			return err
		}
		// Nameless from the start where the system allows it, so that a run killed before
		// close leaves no file behind; the open file is read and written as before.
		s.f, s.named = f, os.Remove(f.Name()) != nil
		s.w = bufio.NewWriterSize(f, 256<<10)
		s.firstFile = s.records - 1
	}
	g := s.group(group)
	if len(g.buf) > 0 && len(g.buf)+len(b) > spillGroupBytes {
		if err := s.flush(g); err != nil {
			return err
		}
	}
	s.fileSize += int64(len(b))
	if len(b) >= spillGroupBytes { // a large record is written as it comes
		s.phys = append(s.phys, s.written)
		n, err := s.w.Write(b)
		s.written += int64(n)
		return err
	}
	if g.buf == nil {
		g.buf = make([]byte, 0, spillGroupBytes)
	}
	g.recs = append(g.recs, int32(len(s.phys)))
	g.at = append(g.at, int32(len(g.buf)))
	g.buf = append(g.buf, b...)
	s.phys = append(s.phys, -1)
	return nil
}

// group returns the buffer of group g.
func (s *spill) group(g int) *spillGroup {
	k := 0 // noGroup's
	if g >= 0 {
		k = 1 + g%spillGroups
	}
	for len(s.groups) <= k {
		s.groups = append(s.groups, nil)
	}
	if s.groups[k] == nil {
		s.groups[k] = &spillGroup{}
	}
	return s.groups[k]
}

// flush writes a group's buffer to the file.
func (s *spill) flush(g *spillGroup) error {
	for k, r := range g.recs {
		s.phys[r] = s.written + int64(g.at[k])
	}
	n, err := s.w.Write(g.buf)
	s.written += int64(n)
	g.buf, g.recs, g.at = g.buf[:0], g.recs[:0], g.at[:0]
	return err
}

// finish writes what is buffered for the file, so that read sees every record.
func (s *spill) finish() error {
	if s.w == nil {
		return nil
	}
	for _, g := range s.groups {
		if g != nil && len(g.buf) > 0 {
			if err := s.flush(g); err != nil {
				return err
			}
		}
	}
	s.groups = nil
	return s.w.Flush()
}

// inMemory reports whether the bytes at off are in memory.
func (s *spill) inMemory(off int64) bool { return off < s.memSize }

// read returns record rec, the n bytes at off. A record lies wholly in memory or wholly in
// the file. The result is valid until the next read.
func (s *spill) read(rec int32, off, n int64) ([]byte, error) {
	if off+n <= s.memSize {
		i, at := int(off/spillBlock), off%spillBlock
		if len(s.blocks) == 1 || at+n <= int64(len(s.blocks[i])) {
			if len(s.blocks) == 1 {
				i, at = 0, off
			}
			return s.blocks[i][at : at+n], nil
		}
		buf := s.buffer(n)[:0] // straddles blocks
		for len(buf) < int(n) {
			part := s.blocks[i][at:]
			buf = append(buf, part[:min(len(part), int(n)-len(buf))]...)
			i, at = i+1, 0
		}
		return buf, nil
	}
	p, err := s.where(rec, off)
	if err != nil {
		return nil, err
	}
	buf := s.buffer(n)
	if err := s.readAt(buf, p); err != nil {
		return nil, err
	}
	return buf, nil
}

// where returns the file position of record rec, which starts at off.
func (s *spill) where(rec int32, off int64) (int64, error) {
	k := int64(rec) - int64(s.firstFile)
	if off < s.memSize || s.f == nil || k < 0 || k >= int64(len(s.phys)) || s.phys[k] < 0 {
		return 0, fmt.Errorf("spill: record %d at %d is not in the store's file", rec, off)
	}
	return s.phys[k], nil
}

func (s *spill) readAt(buf []byte, p int64) error {
	if m, err := s.f.ReadAt(buf, p); m < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("spill: %w", err)
	}
	return nil
}

// fileRecord is a record to read from the file: its index, logical offset and size, and
// (once readFile has read it) its bytes.
type fileRecord struct {
	rec   int32
	off   int64
	n     int64
	bytes []byte
}

// spillPlaced is one of readFile's records: its file position and index in recs, and
// whether a read starts with it.
type spillPlaced struct {
	p    int64
	i    int
	span bool
}

// readFile reads the records of recs (all in the file) into their bytes, by one read per
// run of records that lie less than spillGroupBytes apart in the file. The bytes between
// them (records of another run that shares a group's buffer) are read too, but never more
// of them than of the records' own. The bytes are in buf (grown as needed and returned),
// valid until its next use.
func (s *spill) readFile(recs []fileRecord, buf []byte) ([]byte, error) {
	order := s.placed[:0]
	defer func() { s.placed = order[:0] }()
	for i := range recs {
		p, err := s.where(recs[i].rec, recs[i].off)
		if err != nil {
			return buf, err
		}
		order = append(order, spillPlaced{p: p, i: i})
	}
	slices.SortFunc(order, func(a, b spillPlaced) int { return cmp.Compare(a.p, b.p) })
	// Mark where each read starts (span), and size buf.
	total, waste, end := int64(0), int64(0), int64(0)
	for j := range order {
		p, n := order[j].p, recs[order[j].i].n
		gap := p - end
		order[j].span = j == 0 || gap < 0 || gap >= spillGroupBytes || waste+gap > total
		if !order[j].span {
			waste += gap
		}
		total += n
		end = p + n
	}
	if int64(cap(buf)) < total+waste {
		buf = make([]byte, 0, total+waste)
	}
	buf = buf[:0]
	for j := 0; j < len(order); {
		start, end := order[j].p, order[j].p+recs[order[j].i].n
		k := j + 1
		for ; k < len(order) && !order[k].span; k++ {
			end = max(end, order[k].p+recs[order[k].i].n)
		}
		at := len(buf)
		buf = buf[:at+int(end-start)]
		if err := s.readAt(buf[at:], start); err != nil {
			return buf, err
		}
		for ; j < k; j++ {
			r := &recs[order[j].i]
			from := int64(at) + order[j].p - start
			r.bytes = buf[from : from+r.n]
		}
	}
	return buf, nil
}

func (s *spill) buffer(n int64) []byte {
	if int64(cap(s.scratch)) < n {
		s.scratch = make([]byte, n)
	}
	return s.scratch[:n]
}

func (s *spill) close() {
	if s.f != nil {
		s.f.Close()
		if s.named {
			os.Remove(s.f.Name())
		}
		s.f, s.w = nil, nil
	}
	s.blocks = nil
}
