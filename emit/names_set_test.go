package emit

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"
)

// withNumberedBudget runs f with the numbered part's budget set to slack and perName bytes.
func withNumberedBudget(t testing.TB, slack, perName int, f func()) {
	t.Helper()
	s0, p0 := numberedSlack, numberedPerName
	numberedSlack, numberedPerName = slack, perName
	defer func() { numberedSlack, numberedPerName = s0, p0 }()
	f()
}

// checkNames feeds names to a names set (insert, or has then insert, as Batches' verdict
// and NameSet do) and to a map, and fails at the first answer they disagree on.
func checkNames(t testing.TB, ns []string) *names {
	t.Helper()
	var s names
	ref := map[string]bool{}
	prepare := func(name string) nameRef {
		r := s.prepare(name)
		checkRef(t, name, r)
		return r
	}
	for i, name := range ns {
		if i%5 == 0 {
			if got := s.has(name, prepare(name)); got != ref[name] {
				t.Fatalf("step %d: has(%q) = %v, want %v", i, name, got, ref[name])
			}
		}
		if got := s.insert(name, prepare(name)); got == ref[name] {
			t.Fatalf("step %d: insert(%q) = %v with the name present: %v", i, name, got, ref[name])
		}
		ref[name] = true
	}
	for name := range ref {
		if !s.has(name, s.prepare(name)) {
			t.Fatalf("%q lost", name)
		}
	}
	if s.num.n+s.hashed.n != len(ref) {
		t.Fatalf("%d names held (%d as bits), want %d", s.num.n+s.hashed.n, s.num.n, len(ref))
	}
	return &s
}

// checkRef fails unless r is name prepared as splitNumber and parseDigits (or nameHash)
// make it: prepare takes the name it expects next (see names.next) without them.
func checkRef(t testing.TB, name string, r nameRef) {
	t.Helper()
	i, j, ok := splitNumber(name)
	want := nameRef{h: nameHash(name)}
	if ok {
		want = nameRef{h: uint64(i)<<32 | uint64(j), n: parseDigits(name[i:j]), numbered: true}
	}
	if r.h != want.h || r.n != want.n || r.numbered != want.numbered {
		t.Fatalf("prepare(%q) = %+v, want %+v", name, r, want)
	}
}

// nameShapes are streams of names of the shapes importers make and of shapes made to
// exercise every branch: numbers in order with gaps, shuffled, sparse (a key refused
// blocks, mixed), many keys (the table closed), widths that differ only by leading zeros,
// numbers too long, no digits, repeats of all of them.
func nameShapes(r *rand.Rand) map[string][]string {
	shapes := map[string][]string{}
	var ns []string
	for i := 2; i < 30_000; i += 1 + r.IntN(3) {
		ns = append(ns, fmt.Sprintf("utf8.csv-%06d.txt", i))
	}
	shapes["lines"] = ns
	shuffled := append([]string(nil), ns...)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	shapes["shuffled"] = shuffled
	ns = nil
	for range 20_000 {
		ns = append(ns, fmt.Sprintf("img-%d.jpg", r.Uint64N(1<<40))) // far too sparse for bits
	}
	shapes["sparse"] = ns
	ns = nil
	for i := range 20_000 {
		ns = append(ns, fmt.Sprintf("f%d/s-%04d", r.IntN(3000), i%7)) // thousands of keys
	}
	shapes["keys"] = ns
	ns = nil
	for i := range 30_000 {
		var name string
		switch r.IntN(8) {
		case 0:
			name = fmt.Sprintf("a%d", r.IntN(2000)) // widths 1-4
		case 1:
			name = fmt.Sprintf("a%0*d", 1+r.IntN(5), r.IntN(2000)) // the same numbers, zero-padded
		case 2:
			name = fmt.Sprintf("x%019d", r.IntN(100)) // 19 digits: hashed
		case 3:
			name = fmt.Sprintf("noDigits%c", 'a'+r.IntN(26))
		case 4:
			name = fmt.Sprintf("%d", r.IntN(100_000)) // digits only
		case 5:
			name = fmt.Sprintf("b-%d-%d.txt", r.IntN(10), r.IntN(500_000)) // sparse in ten keys
		case 6:
			name = fmt.Sprintf("c-%06d", i) // in order
		default:
			name = fmt.Sprintf("数据%03d标注", r.IntN(1000))
		}
		ns = append(ns, name)
	}
	shapes["mixed"] = ns
	ns = nil
	for i := range 12_000 { // in order without gaps: widths grow at 10, 100, 1000, 10000
		ns = append(ns, fmt.Sprintf("n-%d.txt", i))
		if i%1000 == 999 {
			ns = append(ns, fmt.Sprintf("z%03d", i/1000+995)) // "z999" then "z1000", another key
		}
		if i%3000 == 0 {
			ns = append(ns, fmt.Sprintf("n-%d.txt", i+1)) // the next name, early: repeated next
		}
	}
	for i := 990; i < 1010; i++ {
		ns = append(ns, fmt.Sprintf("z%03d", i), fmt.Sprintf("y%03d9", i)) // "z999" then "z1000"; two keys in turn
	}
	shapes["consecutive"] = ns
	// Every shape again, repeated: each name comes back somewhere later.
	for name, ns := range shapes {
		rep := append([]string(nil), ns...)
		for range len(ns) / 4 {
			rep = append(rep, ns[r.IntN(len(ns))])
		}
		r.Shuffle(len(rep)-len(ns), func(i, j int) { rep[len(ns)+i], rep[len(ns)+j] = rep[len(ns)+j], rep[len(ns)+i] })
		shapes[name+"+repeats"] = rep
	}
	return shapes
}

// The set of names agrees with a map on every has and insert, for every shape of names,
// with the numbered part's default budget and with budgets small enough that keys and
// blocks are refused early (the hash set then holds part of a key's names).
func TestNamesMatchMap(t *testing.T) {
	shapes := nameShapes(rand.New(rand.NewPCG(9, 10)))
	for _, budget := range []struct{ slack, perName int }{{numberedSlack, numberedPerName}, {2000, 1}, {0, 0}, {1 << 30, 64}} {
		for name, ns := range shapes {
			t.Run(fmt.Sprintf("%s/%d+%d", name, budget.slack, budget.perName), func(t *testing.T) {
				withNumberedBudget(t, budget.slack, budget.perName, func() { checkNames(t, ns) })
			})
		}
	}
}

// Names in order are held as bits (a few bytes per thousand), and the numbered part stays
// within its budget whatever the names: never more than 8 bytes per name it holds, plus
// 64 KiB.
func TestNamesBudget(t *testing.T) {
	for name, ns := range nameShapes(rand.New(rand.NewPCG(11, 12))) {
		s := checkNames(t, ns)
		if s.num.used > numberedSlack+numberedPerName*s.num.n {
			t.Errorf("%s: %d bytes counted for %d names as bits", name, s.num.used, s.num.n)
		}
		if name == "lines" && (s.hashed.n != 0 || s.num.used > 10_000) {
			t.Errorf("lines: %d names hashed, %d bytes counted", s.hashed.n, s.num.used)
		}
		if name == "sparse" && s.num.n > 1000 {
			t.Errorf("sparse: %d names as bits", s.num.n)
		}
	}
}

func TestSplitNumber(t *testing.T) {
	for _, c := range []struct {
		name string
		i, j int
		ok   bool
	}{
		{"utf8.csv-000002.txt", 9, 15, true},
		{"img2.v3", 6, 7, true},
		{"42", 0, 2, true},
		{"abc", 0, 0, false},
		{"", 0, 0, false},
		{"x1234567890123456789", 1, 20, false}, // 19 digits
		{"x123456789012345678", 1, 19, true},
		{"数据007", 6, 9, true},
	} {
		i, j, ok := splitNumber(c.name)
		if ok != c.ok || ok && (i != c.i || j != c.j) {
			t.Errorf("splitNumber(%q) = %d, %d, %v; want %d, %d, %v", c.name, i, j, ok, c.i, c.j, c.ok)
		}
	}
}

// FuzzNamesMatchMap: any stream of names (cut from the input at newlines) gets the map's
// answers, with a budget small enough for keys and blocks to be refused.
func FuzzNamesMatchMap(f *testing.F) {
	f.Add("a1\na2\na1\nb007\nb7\nb07\n\nx\nx\n")
	f.Add("f-000001.txt\nf-000002.txt\nf-004097.txt\nf-999999999999999999.txt\nf-000002.txt\n")
	f.Fuzz(func(t *testing.T, input string) {
		var ns []string
		start := 0
		for i := 0; i <= len(input); i++ {
			if i == len(input) || input[i] == '\n' {
				ns = append(ns, input[start:i])
				start = i + 1
			}
		}
		withNumberedBudget(t, 600, 1, func() { checkNames(t, ns) })
		checkNames(t, ns)
	})
}

// BenchmarkNames adds 1,000,000 sample names to the set of names, in order (as the
// importers name them), shuffled (a COCO file's images in any order), and with numbers
// too sparse to be bits (hashed), and, side by side, to the hash set alone (nameSet, which
// held every name before); it reports the heap held afterwards (MB per million names,
// runtime.MemStats after a collection) and the CPU time per name of the inserts (hashing
// included; the collections that measure the heap left out).
func BenchmarkNames(b *testing.B) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(1, 2))
	ordered := make([]string, n)
	sparse := make([]string, n)
	for i := range ordered {
		ordered[i] = fmt.Sprintf("train2017-%06d.txt", i+2)
		sparse[i] = fmt.Sprintf("train2017/%012d.jpg", r.Uint64N(1e12))
	}
	shuffled := append([]string(nil), ordered...)
	r.Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for _, c := range []struct {
		name  string
		names []string
	}{{"ordered", ordered}, {"shuffled", shuffled}, {"sparse", sparse}} {
		for _, impl := range []string{"names", "hashed"} {
			b.Run(c.name+"/"+impl, func(b *testing.B) {
				var live uint64
				var cpu time.Duration
				for b.Loop() {
					before := heap()
					cpu0 := cpuTime()
					if impl == "names" {
						var s names
						for _, name := range c.names {
							s.insert(name, s.prepare(name))
						}
						cpu += cpuTime() - cpu0
						live = heap() - before
						runtime.KeepAlive(&s)
					} else {
						var s nameSet
						for _, name := range c.names {
							s.insert(nameHash(name))
						}
						cpu += cpuTime() - cpu0
						live = heap() - before
						runtime.KeepAlive(&s)
					}
				}
				b.ReportMetric(float64(live)/1e6, "MB/million")
				if cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*n), "ns/cpu-name")
				}
			})
		}
	}
}
