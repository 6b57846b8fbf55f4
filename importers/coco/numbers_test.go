package coco

import (
	"bytes"
	"fmt"
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
}

// checkNumbersInto compares numbersInto with numbersIntoRef on in, read after a polygon of
// two numbers, with the limits max.
func checkNumbersInto(t *testing.T, in []byte) {
	for _, max := range []int{2, 4, 1 << 20} {
		var got, want segBuf
		for _, s := range []*segBuf{&got, &want} {
			s.add([]byte("7"))
			s.add([]byte("8"))
		}
		lg, lw := &jsonlex.Lexer{B: in}, &jsonlex.Lexer{B: in}
		whyG, whyW := numbersInto(lg, 3, &got, max), numbersIntoRef(lw, 3, &want, max)
		if whyG != whyW || !bytes.Equal(got.data, want.data) || got.total != want.total ||
			got.literalBytes != want.literalBytes || got.signed != want.signed || whyW == "" && lg.I != lw.I {
			t.Fatalf("%q (max %d): numbersInto gives %q, %+v, at %d; before: %q, %+v, at %d", in, max, whyG, got, lg.I, whyW, want, lw.I)
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
