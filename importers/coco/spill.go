package coco

import (
	"bufio"
	"fmt"
	"io"
	"os"
)

// spillBlock is the size of the store's in-memory blocks.
const spillBlock = 1 << 20

// spill is an append-only store of records: the first limit bytes in memory (in blocks, so
// that growing it copies nothing), the rest in a temporary file that close removes. Records
// are appended while the input is read and read back, by offset, after finish.
type spill struct {
	limit    int
	dir      string
	blocks   [][]byte
	memSize  int64 // bytes in blocks
	f        *os.File
	w        *bufio.Writer
	fileSize int64
	scratch  []byte
}

func (s *spill) size() int64 { return s.memSize + s.fileSize }

func (s *spill) append(b []byte) error {
	if s.f == nil && s.memSize+int64(len(b)) <= int64(s.limit) {
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
		s.f = f
		s.w = bufio.NewWriterSize(f, 256<<10)
	}
	n, err := s.w.Write(b)
	s.fileSize += int64(n)
	return err
}

// finish flushes what is buffered for the file, so that read sees every record.
func (s *spill) finish() error {
	if s.w == nil {
		return nil
	}
	return s.w.Flush()
}

// inMemory reports whether the bytes at off are in memory.
func (s *spill) inMemory(off int64) bool { return off < s.memSize }

// read returns the n bytes at off. A record lies wholly in memory or wholly in the file.
// The result is valid until the next read.
func (s *spill) read(off, n int64) ([]byte, error) {
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
	if off < s.memSize || s.f == nil {
		return nil, fmt.Errorf("spill: read of %d bytes at %d straddles the store", n, off)
	}
	buf := s.buffer(n)
	if m, err := s.f.ReadAt(buf, off-s.memSize); m < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("spill: %w", err)
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
		name := s.f.Name()
		s.f.Close()
		os.Remove(name)
		s.f, s.w = nil, nil
	}
	s.blocks = nil
}
