package coco

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelarts-convert/convert/bench/coco/cocogen"
	"github.com/modelarts-convert/convert/internal/jsonlex"
)

// passCases are values whose end passValue must find as jsonlex.Lexer.SkipValue does:
// escapes before quotes, brackets inside strings, flat and nested arrays, arrays past
// flatWindow, white space, scalars.
var passCases = []string{
	`1`, `-1.5e+3`, `true`, `false`, `null`, `""`, `"a"`, `"a\\"`, `"a\\\""`, `"\"\\"`, `"\\\\\\"`,
	`"\u0022]"`, `"]}[{"`, `[]`, `[ ]`, `{}`, `{ }`, `[1,2,3]`, `[ 1 , 2 , 3 ]`, "[\n1,\t2\r]",
	`[[1,2],[3,4]]`, `[[1,2],"]",[3]]`, `[1,"a]",2]`, `[1,{"a":[2]},3]`, `{"a":[1,2],"b":{"c":"}"}}`,
	`[[[[[[1]]]]]]`, `[[],[[]],{}]`, `{"segmentation":[[1.5,2,3.25,4]],"bbox":[1,2,3,4],"id":7}`,
	`{"counts":"a\\b\"]","size":[2,3]}`, `[true,false,null]`, `[1,true,[null,"x"]]`,
	"[" + strings.Repeat("1.25,", flatWindow/5+10) + "1]",
	"[[" + strings.Repeat("1.25,", flatWindow/5+10) + "1],[2]]",
	"[" + strings.Repeat("[", 100) + "1" + strings.Repeat("]", 100) + "]",
}

// checkPasses compares passValue with the Lexer's SkipValue at every value of the valid
// JSON text b (which may have bytes after the value); it returns how many it compared.
func checkPasses(t *testing.T, b []byte, i int) int {
	t.Helper()
	l := &jsonlex.Lexer{B: b, I: i}
	wantOK := l.SkipValue()
	end, ok := passValue(b, i)
	if ok != wantOK || end != l.I {
		t.Fatalf("passValue(%q at %d) = %d, %v; the Lexer's SkipValue: %d, %v", abbreviate(b), i, end, ok, l.I, wantOK)
	}
	n := 1
	if b[i] != '[' && b[i] != '{' {
		return n
	}
	// The members or items: each value compared in turn.
	c := &jsonlex.Lexer{B: b[:end], I: i + 1}
	for first := true; ; first = false {
		c.Space()
		if c.Consume(']') || c.Consume('}') {
			return n
		}
		if !first && !c.Consume(',') {
			t.Fatalf("malformed test input %q at %d", abbreviate(b), c.I)
		}
		c.Space()
		if b[i] == '{' {
			if _, ok := c.Key(); !ok {
				t.Fatalf("malformed test input %q at %d", abbreviate(b), c.I)
			}
			c.Space()
			c.Consume(':')
			c.Space()
		}
		n += checkPasses(t, b, c.I)
		if !c.SkipValue() {
			t.Fatalf("malformed test input %q at %d", abbreviate(b), c.I)
		}
	}
}

func abbreviate(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "..."
	}
	return string(b)
}

func TestPassValueMatchesLexer(t *testing.T) {
	for _, v := range passCases {
		if !json.Valid([]byte(v)) {
			t.Fatalf("test case %q is not valid JSON", v)
		}
		for _, b := range []string{v, v + ",1]", " " + v + "}"} {
			at := len(b) - len(strings.TrimLeft(b, " "))
			checkPasses(t, []byte(b), at)
		}
	}
	// Cut short: both say the value does not end.
	for _, v := range []string{`"ab`, `"a\"`, `[1,2`, `[[1,2],[3`, `{"a":[1]`, `["]"`} {
		l := &jsonlex.Lexer{B: []byte(v)}
		if _, ok := passValue([]byte(v), 0); ok || l.SkipValue() {
			t.Errorf("%q: passValue or the Lexer says it ends", v)
		}
	}
	// Every file of testdata, and a generated one of train2017's shape.
	files, _ := filepath.Glob("testdata/*.json")
	n := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(data) {
			continue // the malformed files test the walker
		}
		at := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
		n += checkPasses(t, data, at)
	}
	var gen bytes.Buffer
	if err := cocogen.Write(&gen, 50, 1); err != nil {
		t.Fatal(err)
	}
	n += checkPasses(t, gen.Bytes(), 0)
	if n < 10000 {
		t.Fatalf("only %d values compared", n)
	}
}

// FuzzPassValue checks passValue against the Lexer's SkipValue at every value of any valid
// JSON text.
func FuzzPassValue(f *testing.F) {
	for _, v := range passCases {
		f.Add([]byte(v))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		at := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
		checkPasses(t, data, at)
		checkPasses(t, append(data[:len(data):len(data)], `,1]`...), at)
	})
}
