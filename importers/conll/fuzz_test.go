package conll

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// fuzzOptions derives options from the fuzzer's flags byte.
func fuzzOptions(flags uint16) Options {
	all := []Scheme{SchemeNone, SchemeIOB1, SchemeIOB2, SchemeIOE1, SchemeIOE2, SchemeBIOES, SchemeBILOU, SchemeBMES, SchemeIO}
	o := Options{
		Tab:          flags&1 != 0,
		KeepEncoding: flags&2 != 0,
		Scheme:       all[int(flags>>2)%len(all)],
		Join:         []Join{JoinAuto, JoinSpace, JoinNone}[int(flags>>6)%3],
		TagColumn:    []int{0, 0, 2, 3}[int(flags>>8)%4],
	}
	if flags&(1<<10) != 0 {
		o.Group = GroupDocument
	}
	if flags&(1<<11) != 0 {
		o.Offsets = OffsetsUTF16
	}
	if flags&(1<<12) != 0 {
		o.Encoding = "gbk"
	}
	return o
}

// FuzzRead feeds arbitrary bytes and options to the reader: it must not panic, every sample
// must validate, every span must lie in its text on token boundaries (never starting or
// ending with the separators the reader puts between tokens), spans come in order without
// overlapping, and every warning carries a position.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for i, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(i*37))
	}
	f.Add([]byte("a O\n\nb B-X\n-DOCSTART-\nc\tI-Y\td\n"), uint16(1<<10))
	f.Add([]byte("😀 B-E\n中 I-E\n文 S-F\n"), uint16(1<<11))
	f.Fuzz(func(t *testing.T, data []byte, flags uint16) {
		opts := fuzzOptions(flags)
		opts.Warn = func(w importers.Warning) {
			if w.Pos.File == "" || w.Reason == "" || w.Pos.Line <= 0 {
				t.Fatalf("warning without a position or reason: %#v", w)
			}
		}
		names := map[string]bool{}
		for s, err := range ReadFrom(context.Background(), bytes.NewReader(data), "fuzz.conll", opts) {
			if err != nil {
				if s != nil {
					t.Fatal("sample with an error")
				}
				continue
			}
			if vs := api.ValidateSample("s", s); len(vs) > 0 {
				t.Fatalf("invalid sample: %v", vs)
			}
			if names[s.Name] {
				t.Fatalf("name %q repeats", s.Name)
			}
			names[s.Name] = true
			raw, err := base64.StdEncoding.DecodeString(s.Data)
			if err != nil {
				t.Fatal(err)
			}
			if s.Encoding == api.EncodingGBK || s.Encoding == api.EncodingGB2312 {
				if raw, err = simplifiedchinese.GBK.NewDecoder().Bytes(raw); err != nil {
					t.Fatal(err)
				}
			}
			units := []rune(string(raw))
			var sub func(a, b int) string
			n := len(units)
			if opts.Offsets == OffsetsUTF16 {
				u := utf16.Encode(units)
				n = len(u)
				sub = func(a, b int) string { return string(utf16.Decode(u[a:b])) }
			} else {
				sub = func(a, b int) string { return string(units[a:b]) }
			}
			last := 0
			for _, l := range s.Labels {
				a, b := l.Property[api.PropStartIndex].(int), l.Property[api.PropEndIndex].(int)
				if a < last || a >= b || b > n {
					t.Fatalf("span %d..%d after %d in %d units", a, b, last, n)
				}
				last = b
				text := sub(a, b)
				if l.Name == "" || strings.HasPrefix(text, "\n") || strings.HasSuffix(text, "\n") ||
					opts.Join != JoinNone && (strings.HasPrefix(text, " ") || strings.HasSuffix(text, " ")) {
					t.Fatalf("span %d..%d = %q (%s) is not on token boundaries", a, b, text, l.Name)
				}
			}
		}
	})
}

func TestFuzzOptionsCoverEveryScheme(t *testing.T) {
	seen := map[Scheme]bool{}
	for f := 0; f < 1<<13; f++ {
		seen[fuzzOptions(uint16(f)).Scheme] = true
	}
	if len(seen) != len(schemes)+1 {
		t.Fatal(fmt.Sprint(seen))
	}
}
