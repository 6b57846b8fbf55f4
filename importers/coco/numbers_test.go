package coco

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// numbersIntoRef is numbersInto as it was before its one-loop form: nextNumber's loop and
// segBuf.add.
func numbersIntoRef(l *jsonlex.Lexer, part int, seg *segBuf, max int) string {
	what := func() string { return fmt.Sprintf("segmentation[%d]", part) }
	if !l.Consume('[') {
		return what() + " is not an array of numbers"
	}
	for k := 0; ; k++ {
		l.Space()
		if l.Consume(']') {
			return ""
		}
		if k > 0 {
			if !l.Consume(',') {
				return what() + " is not an array of numbers"
			}
			l.Space()
		}
		n := l.Number()
		if len(n) == 0 {
			return fmt.Sprintf("%s[%d] is not a number", what(), k)
		}
		if seg.total >= max {
			return fmt.Sprintf("%s has more numbers than one sample may hold", what())
		}
		seg.add(n)
	}
}

var numbersCases = []string{
	`[]`, `[ ]`, `[1]`, `[1,2,3.5,4]`, ` [1, 2 ,3 ]`, "[\n1,\t-2e5,\r+3,1E-7]", `[1,,2]`, `[1 2]`, `[,1]`,
	`[1,"a"]`, `[1,null]`, `[1,2`, `[1,`, `[`, `1`, `{}`, `[1.2.3,--4]`, `[0.5,1e+3,-0]`,
	"[" + string(bytes.Repeat([]byte("1"), 200)) + ",2]",
	// digitRun's eight-byte steps: runs ending at every place in a word, bytes past the
	// digits with the top bit set or just outside '0'..'9', and control bytes below ' '.
	`[251.05,258.07,283.07,264.33]`, `[12345678,123456789,1234567,1.2345678e-12]`, "[12345678\xb0,1]",
	"[1234567/,1]", "[1234567:,1]", "[0123456789012345678901234567890]", "[1,\x01 2]", "[1 ,\x0b2]",
	"[ \t\n\r12345678901 , 23456789012345 \n]", "[1234567\xff]", "[12345678", "[1234567",
}

// checkNumbersInto compares numbersInto with numbersIntoRef on in, read after a polygon of
// two numbers, with the limits max.
func checkNumbersInto(t *testing.T, in []byte) {
	for _, max := range []int{2, 4, 1 << 20} {
		// numbersInto's eight-byte path needs room for nine more bytes in data: given data
		// of no room, of a room that runs out after the two first numbers' four bytes or a
		// few numbers later, and of ample room.
		for _, room := range []int{0, 12, 22, 4096} {
			got, want := segBuf{data: make([]byte, 0, room)}, segBuf{}
			for _, s := range []*segBuf{&got, &want} {
				s.add([]byte("7"))
				s.add([]byte("8"))
			}
			lg, lw := &jsonlex.Lexer{B: in}, &jsonlex.Lexer{B: in}
			whyG, whyW := numbersInto(lg, 3, &got, max), numbersIntoRef(lw, 3, &want, max)
			if whyG != whyW || !bytes.Equal(got.data, want.data) || got.total != want.total ||
				got.literalBytes != want.literalBytes || got.signed != want.signed || whyW == "" && lg.I != lw.I {
				t.Fatalf("%q (max %d, room %d): numbersInto gives %q, %+v, at %d; before: %q, %+v, at %d", in, max, room, whyG, got, lg.I, whyW, want, lw.I)
			}
		}
	}
}

func TestNumbersIntoMatchesReference(t *testing.T) {
	for _, c := range numbersCases {
		checkNumbersInto(t, []byte(c))
	}
}

func FuzzNumbersInto(f *testing.F) {
	for _, c := range numbersCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkNumbersInto(t, in) })
}

// TestNumberWord checks numberWord against a byte loop for every byte value in every lane,
// the lanes before it digits or '.', and for random words.
func TestNumberWord(t *testing.T) {
	check := func(w []byte) {
		want := 0
		for want < len(w) && (w[want] >= '0' && w[want] <= '9' || w[want] == '.') {
			want++
		}
		if got := numberWord(binary.LittleEndian.Uint64(w)); got != want {
			t.Fatalf("numberWord(%q) = %d, want %d", w, got, want)
		}
	}
	for lane := range 8 {
		for v := range 256 {
			for _, fill := range []byte{'0', '9', '.', ',', 0xff, 0x80, 0xae, 0xb0, '/', ':', '-'} {
				w := bytes.Repeat([]byte{fill}, 8)
				copy(w[:lane], "1.234567")
				w[lane] = byte(v)
				check(w)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789./:+-eE,] \x00\x7f\x80\xae\xb0\xb9\xff")
	for range 100000 {
		w := make([]byte, 8)
		for k := range w {
			w[k] = alphabet[rng.IntN(len(alphabet))]
		}
		check(w)
	}
}

// TestNumbersIntoEveryByte checks numbersInto's eight-byte path against numbersIntoRef: every
// byte value in every place of an eight-byte word after the bytes of a number, and random
// words, each read as the start of an array's number and after one.
func TestNumbersIntoEveryByte(t *testing.T) {
	check := func(w []byte) {
		for _, tail := range []string{"]", ",1]", ""} {
			checkNumbersInto(t, append([]byte("["+string(w)), tail...))
			checkNumbersInto(t, append([]byte("[1,"+string(w)), tail...))
		}
	}
	for lane := range 9 {
		for v := range 256 {
			for _, before := range []string{"01234567", "1.2-3e4E", "9.9+9.9."} {
				w := []byte(before[:min(lane, 8)] + ",1234567]")
				if lane < 8 {
					w[lane] = byte(v)
				}
				check(w)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789./:+-eE,] \x00\x80\xac\xae\xb0\xdd\xff")
	for range 5000 {
		w := make([]byte, 8+rng.IntN(12))
		for k := range w {
			w[k] = alphabet[rng.IntN(len(alphabet))]
		}
		check(w)
	}
}
