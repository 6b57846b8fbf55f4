package emit

import "fmt"

// NameSet is the set of sample names a run has used, kept as Batches keeps its own (bits
// for names that end in a number, 8-byte hashes for others: at most about 8.7 MB per
// million names; see names), for a caller that batches some
// samples itself and must catch a name that repeats across them (package upload sends
// request files that need no re-batching as they were read). The zero value is empty.
type NameSet struct{ s names }

// Has reports whether name is in the set.
func (n *NameSet) Has(name string) bool { return n.s.has(name, n.s.prepare(name)) }

// Add puts name in the set.
func (n *NameSet) Add(name string) { n.s.insert(name, n.s.prepare(name)) }

// RepeatReason is the reason Batches gives a sample whose name repeats an earlier sample's.
func RepeatReason(name string) string {
	return fmt.Sprintf("sample name %q repeats an earlier sample's; the service keeps one sample per name", name)
}
