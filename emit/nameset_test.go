package emit

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// The set agrees with a map on every has and add, across several splits, and keeps every
// shard sorted and in its range.
func TestNameSetMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var s nameSet
	ref := map[uint64]bool{}
	var added []uint64
	for i := range 200_000 {
		var h uint64
		switch {
		case len(added) > 0 && r.IntN(4) == 0:
			h = added[r.IntN(len(added))] // a repeat
		case i%3 == 0:
			h = nameHash(fmt.Sprintf("img-%06d.jpg", i)) // names that differ at the end
		default:
			h = r.Uint64()
		}
		if s.has(h) != ref[h] {
			t.Fatalf("step %d: has(%x) = %v, want %v", i, h, s.has(h), ref[h])
		}
		s.add(h)
		if !ref[h] {
			ref[h] = true
			added = append(added, h)
		}
	}
	if s.n != len(ref) || s.bits <= nameSetFirstBits {
		t.Fatalf("%d hashes in %d shards; want %d and a split", s.n, len(s.shards), len(ref))
	}
	total := 0
	for i, sh := range s.shards {
		if !slices.IsSorted(sh) {
			t.Fatalf("shard %d is not sorted", i)
		}
		for _, h := range sh {
			if h>>(64-s.bits) != uint64(i) {
				t.Fatalf("hash %x in shard %d", h, i)
			}
		}
		total += len(sh)
	}
	if total != len(ref) {
		t.Fatalf("%d hashes in the shards, want %d", total, len(ref))
	}
}

// A name repeated after a million others (and several splits) is still caught by Batches'
// set, and sample names are spread evenly over the shards by the hash's mix.
func TestNameHashSpread(t *testing.T) {
	var s nameSet
	for i := range 100_000 {
		s.add(nameHash(fmt.Sprintf("s%07d", i)))
	}
	for i, sh := range s.shards {
		if avg := s.n / len(s.shards); len(sh) > 2*avg {
			t.Fatalf("shard %d holds %d hashes; the average is %d", i, len(sh), avg)
		}
	}
	if !s.has(nameHash("s0000000")) || s.has(nameHash("s0100000")) {
		t.Fatal("lookup after splits")
	}
}

// BenchmarkNameSet adds 1,000,000 sample names to the set and, side by side, to the map of
// uint64 it replaced, and reports the heap each holds afterwards (MB per million names,
// measured with runtime.MemStats after a collection) and the CPU time per name.
func BenchmarkNameSet(b *testing.B) {
	const n = 1_000_000
	hashes := make([]uint64, n)
	for i := range hashes {
		hashes[i] = nameHash(fmt.Sprintf("train2017/%012d.jpg", i))
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for _, impl := range []string{"set", "map"} {
		b.Run(impl, func(b *testing.B) {
			var live uint64
			cpu0 := cpuTime()
			for b.Loop() {
				before := heap()
				if impl == "set" {
					var s nameSet
					for _, h := range hashes {
						if !s.has(h) {
							s.add(h)
						}
					}
					live = heap() - before
					runtime.KeepAlive(&s)
				} else {
					m := make(map[uint64]struct{})
					for _, h := range hashes {
						if _, ok := m[h]; !ok {
							m[h] = struct{}{}
						}
					}
					live = heap() - before
					runtime.KeepAlive(m)
				}
			}
			b.ReportMetric(float64(live)/1e6, "MB/million")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "ns/cpu-name")
			}
		})
	}
}

// Hashes that are not uniform (all in a narrow band of one shard, through splits) are kept
// too, and insert reports whether the hash was new.
func TestNameSetClusteredHashes(t *testing.T) {
	var s nameSet
	ref := map[uint64]bool{}
	r := rand.New(rand.NewPCG(7, 8))
	for i := range 20_000 {
		h := uint64(0x1234)<<48 | uint64(r.IntN(30_000))<<(i%3) // one shard, clustered low bits
		if got := s.insert(h); got == ref[h] {
			t.Fatalf("step %d: insert(%x) = %v with the hash present: %v", i, h, got, ref[h])
		}
		ref[h] = true
		if !s.has(h) {
			t.Fatalf("step %d: %x lost", i, h)
		}
	}
	for h := range ref {
		if !s.has(h) || s.has(h+1<<47) {
			t.Fatalf("has(%x) wrong", h)
		}
	}
	if s.n != len(ref) {
		t.Fatalf("%d hashes, want %d", s.n, len(ref))
	}
}
