package emit

import "fmt"

// NameSet is the set of sample names a run has used, kept as Batches keeps its own (8-byte
// hashes, about 8.7 MB per million names; see nameSet), for a caller that batches some
// samples itself and must catch a name that repeats across them (package upload sends
// request files that need no re-batching as they were read). The zero value is empty.
type NameSet struct{ s nameSet }

// Has reports whether name is in the set.
func (n *NameSet) Has(name string) bool { return n.s.has(nameHash(name)) }

// Add puts name in the set.
func (n *NameSet) Add(name string) { n.s.add(nameHash(name)) }

// RepeatReason is the reason Batches gives a sample whose name repeats an earlier sample's.
func RepeatReason(name string) string {
	return fmt.Sprintf("sample name %q repeats an earlier sample's; the service keeps one sample per name", name)
}
