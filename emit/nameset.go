package emit

import (
	"math/bits"
	"slices"
)

// nameSet is the set of sample names a run has written, kept as 8-byte hashes so that a
// repeat anywhere in the run is caught. A Go map of uint64 took about 40 bytes per name (its
// groups, control bytes, load factor and doubling); this set takes about 8.7: the hashes sit
// in sorted slices, one per range of the hash's top bits ("shards"), each grown by a
// twelfth at a time, and the shards are split in two when they average 128 hashes, so a
// lookup is a short search among a few hundred at most and an insert moves about 100
// bytes. (Shards of 256 grown by a sixteenth took 8.6 bytes, but each insert moved twice as
// much and the growing copied 79 bytes per name instead of 60.) BenchmarkNameSet measures
// it against the map.
type nameSet struct {
	shards [][]uint64 // shards[i] holds, sorted, the hashes whose top bits are i
	bits   uint       // len(shards) == 1<<bits
	n      int
}

const (
	nameSetFirstBits = 4   // 16 shards to begin with
	nameSetSplitAt   = 128 // split the shards when they hold this many hashes on average
)

// nameHash is a name's 64-bit FNV-1a hash, mixed so that its top bits (which choose the
// shard) are even for names that differ only at the end. The mix is a bijection, so two
// names collide exactly when their FNV-1a hashes do.
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	// splitmix64's finalizer
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

func (s *nameSet) shard(h uint64) *[]uint64 {
	if s.shards == nil {
		s.bits = nameSetFirstBits
		s.shards = make([][]uint64, 1<<s.bits)
	}
	return &s.shards[h>>(64-s.bits)]
}

// has reports whether h is in the set.
func (s *nameSet) has(h uint64) bool {
	_, found := s.find(*s.shard(h), h)
	return found
}

// add puts h in the set (nothing happens when it is there already).
func (s *nameSet) add(h uint64) { s.insert(h) }

// insert puts h in the set and reports whether it was not there yet: has and add with one
// search.
func (s *nameSet) insert(h uint64) bool {
	sh := s.shard(h)
	i, found := s.find(*sh, h)
	if found {
		return false
	}
	if len(*sh) == cap(*sh) {
		*sh = clip(*sh)
	}
	*sh = slices.Insert(*sh, i, h)
	s.n++
	if s.n > nameSetSplitAt<<s.bits {
		s.split()
	}
	return true
}

// find returns where h is or would be in the sorted shard sh. The hashes are uniform, so
// h's place is guessed from its bits below the shard's (an interpolation) and found by
// stepping from there: the guess is off by about the square root of the shard's length, a
// cache line or two, where a binary search reads five lines or more. A guess far off (never
// for well-mixed hashes) falls back to the binary search.
func (s *nameSet) find(sh []uint64, h uint64) (int, bool) {
	n := len(sh)
	j := s.guess(sh, h)
	for steps := 0; ; steps++ {
		switch {
		case steps == 64:
			return slices.BinarySearch(sh, h)
		case j > 0 && sh[j-1] >= h:
			j--
		case j < n && sh[j] < h:
			j++
		default:
			return j, j < n && sh[j] == h
		}
	}
}

func (s *nameSet) guess(sh []uint64, h uint64) int {
	g, _ := bits.Mul64(h<<s.bits, uint64(len(sh)))
	return int(g)
}

// touch reads the hash where find will begin looking for h, and returns it (for the caller
// to keep, so that the read is not optimized away). The set outgrows the caches; looking up a
// hash is then mostly waiting for its shard to come from memory. Batches touches a chunk's
// hashes before it encodes the chunk's samples, so that those reads overlap one another and
// the encoding, and the lookups in stream order afterwards find the lines in the cache.
func (s *nameSet) touch(h uint64) uint64 {
	sh := *s.shard(h)
	if len(sh) == 0 {
		return 0
	}
	return sh[s.guess(sh, h)]
}

// split doubles the shards: each splits where the next bit of its hashes turns to 1 (they
// are sorted, so that is one cut).
func (s *nameSet) split() {
	next := make([][]uint64, 2<<s.bits)
	bit := uint64(1) << (63 - s.bits)
	for i, sh := range s.shards {
		cut, _ := slices.BinarySearchFunc(sh, true, func(h uint64, _ bool) int {
			if h&bit != 0 {
				return 1
			}
			return -1
		})
		next[2*i] = clip(sh[:cut])
		next[2*i+1] = clip(sh[cut:])
	}
	s.shards = next
	s.bits++
}

// clip copies hashes into a slice of their own with room for a twelfth more. (Not
// append's growth, which adds a quarter and more; and the capacity is the allocation's
// whole size class, so none of it is lost to rounding.)
func clip(hs []uint64) []uint64 {
	out := slices.Grow([]uint64(nil), len(hs)+len(hs)/12+4)[:len(hs)]
	copy(out, hs)
	return out
}
