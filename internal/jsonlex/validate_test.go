package jsonlex

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzScanValue checks the scanner against encoding/json: a value it accepts whole is one
// json.Valid accepts, and the other way round; a value cut short is never accepted.
func FuzzScanValue(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,false,null,"x\u00e9\n"]}`, `0`, `-0.0e0`, `[]`, `{}`, `"\ud800"`, "\"\xff\"", `01`, `1.`, `[1,]`, `{"a"}`, ` 1 `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var stack []byte
		// A value followed by a space, as an element is followed by ',' or ']'.
		doc := append(bytes.Clone(b), ' ')
		i := 0
		for i < len(doc) && isSpace[doc[i]] {
			i++
		}
		end, ok := ScanValue(doc, i, &stack)
		whole := ok && len(bytes.Trim(doc[end:], " \t\r\n")) == 0
		if whole != json.Valid(b) {
			t.Fatalf("scanValue says %v (end %d), json.Valid %v, for %q", ok, end, json.Valid(b), b)
		}
		if ok {
			// The value scanned is valid JSON by itself, and cut short it is unfinished.
			if !json.Valid(doc[i:end]) {
				t.Fatalf("accepted %q, which is not valid JSON", doc[i:end])
			}
			if _, ok := ScanValue(doc[:end-1], i, &stack); ok {
				t.Fatalf("accepted %q, cut short", doc[i:end-1])
			}
		}
	})
}

// numberRunCases are arrays of numbers of every shape the inline path of ScanValue reads or
// hands on to scanNumber, and object keys, well-formed or not, each also cut short at every
// byte.
var numberRunCases = []string{
	`[1,2,3]`, `[0,1.5,22.25,333.125]`, `[1,-2,3e4,5.6E-7,0.5,0,00,1.,1.e3,.5,1..2]`,
	`[12.5 ,3]`, `[1, 2 , 3 ]`, `[1,2,]`, `[1,2,x]`, `[1,2,"a"]`, `[1,2,[3]]`, `[1,2}`, `[1,2.]`,
	`[1,2.a]`, `[1,23.45e]`, `[1,23.45e+1,6]`, `[1,2,-]`, `[1,2,-0.5]`, `[1,9999999999999999999999.1]`,
	`{"a":[1,2.5,3],"b":[4,5]}`, `[[1,2.5],[3,4]]`, `[1,2]]`, `[1,2],`, `[1,2.5,1a]`, `[1,2.5x]`,
	// Keys, plain or not (escapes, control characters, cut short), read inline or by scanString.
	`{"segmentation":[[1,2]],"a\"b":1,"c\u0041":2,"d\\":3}`, "{\"a\x01\":1}", `{"ab`, `{"a\`, `{"":1}`,
}

func TestScanValueMatchesReference(t *testing.T) {
	for _, c := range numberRunCases {
		for cut := 0; cut <= len(c); cut++ {
			checkScanValue(t, []byte(c[:cut]))
			checkScanValue(t, []byte(c[:cut]+" "))
		}
	}
}

// TestScanValueMatchesReferenceOnFiles compares the two from every '[' and '{' of the COCO
// importer's test files, and of each cut short at every ',' (an unfinished number).
func TestScanValueMatchesReferenceOnFiles(t *testing.T) {
	files, _ := filepath.Glob("../../importers/coco/testdata/*.json")
	if len(files) == 0 {
		t.Fatal("no test files")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s1, s2 []byte
		for i, c := range b {
			switch c {
			case '[', '{':
				e1, ok1 := ScanValue(b, i, &s1)
				e2, ok2 := scanValueReference(b, i, &s2)
				if e1 != e2 || ok1 != ok2 {
					t.Fatalf("%s: ScanValue from %d = %d, %v; the reference %d, %v", name, i, e1, ok1, e2, ok2)
				}
			case ',':
				from := bytes.LastIndexByte(b[:i], '[')
				if from < 0 {
					continue
				}
				e1, ok1 := ScanValue(b[:i-1], from, &s1)
				e2, ok2 := scanValueReference(b[:i-1], from, &s2)
				if e1 != e2 || ok1 != ok2 {
					t.Fatalf("%s: ScanValue cut at %d = %d, %v; the reference %d, %v", name, i-1, e1, ok1, e2, ok2)
				}
			}
		}
	}
}

func FuzzScanValueMatchesReference(f *testing.F) {
	for _, c := range numberRunCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkScanValue(t, b) })
}

// checkScanValue compares ScanValue with the reference from every start in b.
func checkScanValue(t *testing.T, b []byte) {
	t.Helper()
	var s1, s2 []byte
	for i := range b {
		e1, ok1 := ScanValue(b, i, &s1)
		e2, ok2 := scanValueReference(b, i, &s2)
		if e1 != e2 || ok1 != ok2 {
			t.Fatalf("ScanValue(%q, %d) = %d, %v; the reference %d, %v", b, i, e1, ok1, e2, ok2)
		}
	}
}
