package emit

import (
	"encoding/binary"
	"strings"
)

// names is the set of sample names a run has written (Batches' verdict, NameSet). Names
// that end in a number, as every importer makes them ("utf8.csv-000002.txt",
// "eng.train-000017.txt", a COCO file name), are kept as bits: a name is a prefix, a run of
// digits of some width and a suffix (the last run of digits in the name), and for each
// prefix, width and suffix (a "key") the set holds a bitmap of the numbers taken, in blocks
// of 4,096. An importer's names come nearly in order, so an insert finds its key and its
// block as the last name left them and sets one bit: no hash, no cache miss, no memory moved
// and no growing, at a few bytes per thousand names (the hash set, nameSet, takes 8.7 bytes
// per name, moves about a hundred bytes per insert, and was 8-9% of a CSV run's CPU). Other
// names go to the hash set.
//
// Each name has one place, so a repeat is caught exactly as the hash set alone caught it:
// a name without a number, or of a key that came when the key table was closed, is hashed;
// a name of a key in the table is a bit of its block, unless the key was refused a block
// (its numbers are too sparse for bits to pay), which marks the key "mixed": from then on a
// name of it not found in its block is looked for (and put) in the hash set too. Keys and
// blocks are taken only while the bytes they hold stay under a budget of
// numberedSlack plus numberedPerName bytes per name held as a bit; a key refused closes the
// table for good (a key's names are then all in one place). So the numbered part never holds
// more than 8 bytes per name (plus 64 KiB), and the whole set no more than the hash set
// alone would.
type names struct {
	num    numberedNames
	hashed nameSet
	// The name prepare expects next: the last name it prepared with its number plus one
	// (the importers number their samples in order), so that such a name is prepared by one
	// comparison instead of splitNumber and parseDigits, and its key is the last one's.
	next     []byte
	nextOK   bool // next holds a name (its number did not overflow its width)
	nextI    int  // next's digits are next[nextI:nextJ]
	nextJ    int
	nextN    uint64 // their number
	prepared uint64 // names prepared so far: the seq of the last one
}

// nameRef is a name prepared for the set's lookups: where its digits are and their number,
// when it has them, else its hash.
type nameRef struct {
	h        uint64 // nameHash(name), or the digits' start<<32 | end when numbered
	n        uint64 // the number of the digits, when numbered
	seq      uint64 // which name prepare made it for (1, 2, ...)
	numbered bool
	sameKey  bool // numbered, and the name prepared before it has the same key (see numberedNames.lookup)
}

// prepare parses name (see names) or hashes it.
func (s *names) prepare(name string) nameRef {
	s.prepared++
	if s.nextOK && len(name) == len(s.next) && name == string(s.next) {
		r := nameRef{h: uint64(s.nextI)<<32 | uint64(s.nextJ), n: s.nextN, seq: s.prepared, numbered: true, sameKey: true}
		s.advance()
		return r
	}
	if i, j, ok := splitNumber(name); ok {
		n := parseDigits(name[i:j])
		s.next = append(s.next[:0], name...)
		s.nextI, s.nextJ, s.nextN, s.nextOK = i, j, n, true
		s.advance()
		return nameRef{h: uint64(i)<<32 | uint64(j), n: n, seq: s.prepared, numbered: true}
	}
	s.nextOK = false
	return nameRef{h: nameHash(name), seq: s.prepared}
}

// advance makes next the name after it: its number plus one, in as many digits (a number
// whose digits are all 9 has no such name: nextOK is then false). splitNumber finds the
// same digits in it, as they are still the last run of digits of the name.
func (s *names) advance() {
	d := s.next[s.nextI:s.nextJ]
	k := len(d) - 1
	for ; k >= 0 && d[k] == '9'; k-- {
		d[k] = '0'
	}
	if k < 0 {
		s.nextOK = false
		return
	}
	d[k]++
	s.nextN++
}

// touch reads, for a hashed name, where the hash set will look for it (see nameSet.touch).
func (s *names) touch(r nameRef) uint64 {
	if r.numbered {
		return 0
	}
	return s.hashed.touch(r.h)
}

// has reports whether name (prepared as r) is in the set.
func (s *names) has(name string, r nameRef) bool {
	if r.numbered {
		if k := s.num.lookup(name, r, false); k != nil {
			if b := k.block(r.n>>blockBits, nil); b != nil && b.has(r.n) {
				return true
			}
			if !k.mixed {
				return false
			}
		}
		r.h = nameHash(name)
	}
	return s.hashed.has(r.h)
}

// insert puts name (prepared as r) in the set and reports whether it was not there yet.
func (s *names) insert(name string, r nameRef) bool {
	if r.numbered {
		if k := s.num.lookup(name, r, true); k != nil {
			n := r.n
			if b := k.block(n>>blockBits, &s.num); b != nil {
				if b.has(n) || k.mixed && s.hashed.has(nameHash(name)) {
					return false
				}
				b.set(n)
				s.num.n++
				return true
			}
		}
		r.h = nameHash(name)
	}
	return s.hashed.insert(r.h)
}

// maxDigits is the longest run of digits read as a number (10^18 fits a uint64); a name
// with a longer one is hashed.
const maxDigits = 18

// maxAffix bounds a key's prefix and suffix together (a key is kept for the whole run).
const maxAffix = 200

// splitNumber finds the last run of digits in name: name[i:j]. ok is false when there is
// none, it is longer than maxDigits, or the rest is longer than maxAffix.
func splitNumber(name string) (i, j int, ok bool) {
	j = len(name)
	for j > 0 && !isDigit(name[j-1]) {
		j--
	}
	if j == 0 {
		return 0, 0, false
	}
	i = j - 1
	for i > 0 && isDigit(name[i-1]) {
		i--
	}
	return i, j, j-i <= maxDigits && len(name)-(j-i) <= maxAffix
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

func parseDigits(d string) uint64 {
	var n uint64
	for i := 0; i < len(d); i++ {
		n = n*10 + uint64(d[i]-'0')
	}
	return n
}

// The budget of the numbered part (see names). A key and a block are counted at what they
// hold (structures, map entries, the key's strings), rounded up: 100,000 keys of one block
// each held 93% of what they were counted at, 100,000 blocks 93%.
var (
	numberedSlack   = 64 << 10
	numberedPerName = 8
)

const (
	blockBits = 12 // a block holds the numbers n>>blockBits of one key
	blockCost = 1<<blockBits/8 + 64
	keyCost   = 320
)

// numberedNames is the numbered part of names.
type numberedNames struct {
	keys    map[string]*nameKey
	last    *nameKey // the key of the last lookup
	lastSeq uint64   // the seq of the name (see nameRef) whose lookup returned last
	closed  bool     // a key was refused: no key is taken any more
	n       int      // names held as bits
	used    int      // bytes counted for keys and blocks
	scratch []byte   // the map key being looked up
}

// nameKey is a prefix, width and suffix, and the blocks of its numbers.
type nameKey struct {
	prefix, suffix string
	width          int
	mixed          bool // a block was refused: some names of this key are in the hash set
	blocks         map[uint64]*nameBlock
	lastNo         uint64
	last           *nameBlock
}

// nameBlock holds 4,096 numbers of a key as bits.
type nameBlock [1 << blockBits / 64]uint64

func (b *nameBlock) has(n uint64) bool {
	n &= 1<<blockBits - 1
	return b[n/64]&(1<<(n%64)) != 0
}

func (b *nameBlock) set(n uint64) {
	n &= 1<<blockBits - 1
	b[n/64] |= 1 << (n % 64)
}

// afford says whether cost more bytes stay under the budget, and counts them when they do.
func (nn *numberedNames) afford(cost int) bool {
	if nn.used+cost > numberedSlack+numberedPerName*nn.n {
		return false
	}
	nn.used += cost
	return true
}

// lookup returns the key of name (prepared as r, its digits name[i:j]); with create, a key
// not in the table is added to it while the budget allows (else the table is closed). It
// returns nil when the key is not (or cannot be) in the table: the name is then the hash
// set's. A name prepared right after the name of the last lookup, with the same key
// (r.sameKey), takes that key without a comparison.
func (nn *numberedNames) lookup(name string, r nameRef, create bool) *nameKey {
	if k := nn.last; k != nil && r.sameKey && nn.lastSeq == r.seq-1 {
		nn.lastSeq = r.seq
		return k
	}
	i, j := int(r.h>>32), int(uint32(r.h))
	if k := nn.last; k != nil && k.width == j-i && len(k.prefix) == i && name[:i] == k.prefix && name[j:] == k.suffix {
		nn.lastSeq = r.seq
		return k
	}
	b := append(nn.scratch[:0], byte(j-i))
	b = binary.LittleEndian.AppendUint16(b, uint16(i))
	b = append(append(b, name[:i]...), name[j:]...)
	nn.scratch = b
	k := nn.keys[string(b)]
	if k == nil {
		if !create || nn.closed {
			return nil
		}
		cost := keyCost + 2*(len(name)-(j-i)) // the affix is kept twice: the map key, prefix and suffix
		if !nn.afford(cost) {
			nn.closed = true
			return nil
		}
		k = &nameKey{prefix: strings.Clone(name[:i]), suffix: strings.Clone(name[j:]), width: j - i, blocks: map[uint64]*nameBlock{}}
		if nn.keys == nil {
			nn.keys = map[string]*nameKey{}
		}
		nn.keys[string(b)] = k
	}
	nn.last, nn.lastSeq = k, r.seq
	return k
}

// block returns the key's block no; when nn is not nil, a block not there yet is added
// while the budget allows (else the key is marked mixed). It returns nil when there is none.
func (k *nameKey) block(no uint64, nn *numberedNames) *nameBlock {
	if k.last != nil && k.lastNo == no {
		return k.last
	}
	b := k.blocks[no]
	if b == nil {
		if nn == nil {
			return nil
		}
		if !nn.afford(blockCost) {
			k.mixed = true
			return nil
		}
		b = new(nameBlock)
		k.blocks[no] = b
	}
	k.last, k.lastNo = b, no
	return b
}
