// Command gen writes the inputs of bench/text/run.sh: a CoNLL-2003-shaped NER file and a CSV
// text-classification file (UTF-8, or GBK with -gbk) of about -mb megabytes each.
// Deterministic for given flags.
//
//	go run ./bench/text/gen -kind conll -mb 50 -o /tmp/eng.train
//	go run ./bench/text/gen -kind csv -mb 50 -gbk -o /tmp/gbk.csv
//
// The CoNLL file has CoNLL-2003 train's shape: four space-separated columns (token POS chunk
// NER), sentences of 1-28 tokens, IOB1 tags on about 17% of the tokens, a -DOCSTART- line
// every 15 sentences. The CSV has a header (id,text,label), short Chinese and English
// texts (some quoted, with commas, quotes or line breaks) and 1-3 comma-separated labels,
// as the importers' own benchmarks generate.
package main

import (
	"bufio"
	"bytes"
	stdcsv "encoding/csv"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/modelarts-convert/convert/internal/benchdata"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func main() {
	kind := flag.String("kind", "conll", "conll or csv")
	mb := flag.Int("mb", 50, "size in megabytes (10^6 bytes), approximately")
	gbk := flag.Bool("gbk", false, "csv: encode the file in GBK")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fail(err)
		}
		defer func() {
			if err := f.Close(); err != nil {
				fail(err)
			}
		}()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	size := *mb * 1_000_000
	var err error
	switch *kind {
	case "conll":
		err = benchdata.CoNLL2003(bw, 0, size)
	case "csv":
		var dst io.Writer = bw
		if *gbk {
			dst = simplifiedchinese.GBK.NewEncoder().Writer(bw)
		}
		err = csv(dst, size)
	default:
		err = fmt.Errorf("unknown -kind %q", *kind)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// csv writes UTF-8 rows until about size bytes; with a GBK encoder under it, the file is
// smaller (two bytes per Chinese character instead of three).
func csv(w io.Writer, size int) error {
	r := rand.New(rand.NewPCG(6, 2026))
	var buf bytes.Buffer
	cw := stdcsv.NewWriter(&buf)
	if err := cw.Write([]string{"id", "text", "label"}); err != nil {
		return err
	}
	written := 0
	for id := 1; written+buf.Len() < size; id++ {
		if err := cw.Write([]string{strconv.Itoa(id), benchdata.Text(r), benchdata.Labels(r)}); err != nil {
			return err
		}
		if buf.Len() > 1<<16 {
			cw.Flush()
			written += buf.Len()
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
