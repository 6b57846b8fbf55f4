package emit

import "testing"

// The bodies kept to fill again add up to spareBytes at most whatever their sizes: four of
// 1 MB and then smaller and smaller ones (the rule before, (len(spare)+1)*cap <= spareBytes,
// took them all while none was taken: about 14 MB), and room comes back as the batcher
// takes them, oldest first.
func TestSpareKeeperBound(t *testing.T) {
	var k spareKeeper
	queued, held := 0, 0 // the bodies in the channel, none taken, and their capacities
	send := func(c int) bool {
		if !k.room(c, queued) || queued == spareBatches {
			return false
		}
		k.sent(c)
		queued++
		held += c
		return true
	}
	var caps []int
	for i := range spareBatches {
		caps = append(caps, min(spareBodyBytes, spareBytes/(i+1)))
	}
	for _, c := range caps {
		send(c)
	}
	if held > spareBytes {
		t.Fatalf("%d bodies of %d bytes kept; at most %d", queued, held, spareBytes)
	}
	if queued != 4 {
		t.Fatalf("%d bodies kept, want the four of 1 MB", queued)
	}
	// The batcher takes two (the oldest): two more of 1 MB fit, a third does not.
	queued -= 2
	held -= 2 * spareBodyBytes
	if !send(spareBodyBytes) || !send(spareBodyBytes) || send(1) {
		t.Fatalf("after two were taken: %d kept, %d bytes", queued, held)
	}
	// Bodies of one small size: as many as the rule before took, spareBatches at most.
	k, queued, held = spareKeeper{}, 0, 0
	for range 2 * spareBatches {
		send(32 << 10)
	}
	if want := min(spareBatches, spareBytes/(32<<10)); queued != want {
		t.Fatalf("%d bodies of 32 KiB kept, want %d", queued, want)
	}
	k, queued, held = spareKeeper{}, 0, 0
	if send(spareBodyBytes + 1) {
		t.Fatal("a body over spareBodyBytes was kept")
	}
}
