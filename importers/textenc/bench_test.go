package textenc

import (
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/modelarts-convert/convert/internal/benchdata"
	"github.com/modelarts-convert/convert/internal/cputime"
)

// benchText returns about size bytes of the CSV benchmark's rows (short, mostly Chinese
// texts, ids and labels) as UTF-8.
func benchText(size int) string {
	r := rand.New(rand.NewPCG(6, 2026))
	var b strings.Builder
	for id := 1; b.Len() < size; id++ {
		b.WriteString(strings.ReplaceAll(benchdata.Text(r), "\n", " "))
		b.WriteString(",")
		b.WriteString(benchdata.Labels(r))
		b.WriteString("\n")
	}
	return b.String()
}

// BenchmarkDecodeGBK decodes 8 MB of the CSV benchmark's rows in GBK (auto-detected as
// GB18030) into a 256 KiB buffer, the way the CSV importer reads: "fast" is gbkReader (ASCII
// copied as is, two-byte characters from the table of x/text's answers, x/text for the rest,
// straight into the caller's buffer), "xtext-reader" the transform.Reader it replaced.
func BenchmarkDecodeGBK(b *testing.B) {
	in, err := simplifiedchinese.GBK.NewEncoder().String(benchText(8 << 20))
	if err != nil {
		b.Fatal(err)
	}
	readers := []struct {
		name string
		new  func(io.Reader) io.Reader
	}{
		{"fast", func(r io.Reader) io.Reader { return newGBKReader(r, GB18030, 0) }},
		{"xtext-reader", func(r io.Reader) io.Reader {
			return &offsetReader{r: transform.NewReader(r, GB18030.decoder()), enc: GB18030}
		}},
	}
	for _, rd := range readers {
		b.Run(rd.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			p := make([]byte, 256<<10)
			cpu0 := cputime.Now()
			for b.Loop() {
				r := rd.new(strings.NewReader(in))
				for {
					_, err := r.Read(p)
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			// Per second of CPU: unlike MB/s, it does not drop when other processes load the machine.
			cputime.ReportThroughput(b, int64(len(in)), cpu0)
		})
	}
}

// BenchmarkDecoder reads text through the auto-detecting decoder as the importers do (reads
// of 64 KiB): "conll" is 8 MB of ASCII CoNLL lines, "utf8" 8 MB of the CSV benchmark's rows,
// "small-files" 1,000 files of 2 KB of those rows each (the per-file cost: a decoder, its
// buffers and its detection window), "small-files-gbk" the same in GBK; "new" is the decoder, "old" the one before issue 17's
// second round (old_test.go).
func BenchmarkDecoder(b *testing.B) {
	conll := strings.Repeat("EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n", (8<<20)/64)
	rows := benchText(8 << 20)
	small := make([]string, 1000)
	for i := range small {
		small[i] = rows[i*2000 : (i+1)*2000]
	}
	enc := simplifiedchinese.GBK.NewEncoder()
	smallGBK := make([]string, len(small))
	for i, f := range small {
		var err error
		if smallGBK[i], err = enc.String(strings.ToValidUTF8(f, "")); err != nil {
			b.Fatal(err)
		}
	}
	inputs := []struct {
		name  string
		files []string
	}{{"conll", []string{conll}}, {"utf8", []string{rows}}, {"small-files", small}, {"small-files-gbk", smallGBK}}
	for _, in := range inputs {
		size := 0
		for _, f := range in.files {
			size += len(f)
		}
		for _, v := range []struct {
			name string
			new  func(io.Reader) (io.Reader, error)
		}{
			{"new", func(r io.Reader) (io.Reader, error) { return NewDecoder(r, Auto) }},
			{"old", func(r io.Reader) (io.Reader, error) { return oldNewDecoder(r, Auto, false) }},
		} {
			b.Run(in.name+"/"+v.name, func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				p := make([]byte, 64<<10)
				cpu0 := cputime.Now()
				for b.Loop() {
					for _, f := range in.files {
						d, err := v.new(strings.NewReader(f))
						if err != nil {
							b.Fatal(err)
						}
						for {
							_, err := d.Read(p)
							if err == io.EOF {
								break
							}
							if err != nil {
								b.Fatal(err)
							}
						}
					}
				}
				cputime.ReportThroughput(b, int64(size), cpu0)
			})
		}
	}
}
