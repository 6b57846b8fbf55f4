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
	"strings"

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
		err = conll(bw, size)
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

func conll(w *bufio.Writer, size int) error {
	rng := rand.New(rand.NewPCG(2003, 1))
	const letters = "abcdefghijklmnopqrstuvwxyz"
	vocab := make([]string, 3000)
	for i := range vocab {
		n := 1 + rng.IntN(5) + rng.IntN(5)
		var b strings.Builder
		for j := 0; j < n; j++ {
			c := letters[rng.IntN(len(letters))]
			if j == 0 && rng.IntN(3) == 0 {
				c -= 'a' - 'A'
			}
			b.WriteByte(c)
		}
		vocab[i] = b.String()
	}
	pos := []string{"NNP", "NN", "VBZ", "JJ", "IN", "DT", "CD", ".", ",", "NNS", "VBD", "PRP", "TO", "VB", "RB"}
	chunk := []string{"I-NP", "I-NP", "I-VP", "I-PP", "O", "B-NP", "I-ADVP"}
	types := []string{"ORG", "PER", "LOC", "MISC"}
	var b bytes.Buffer
	written := 0
	for s := 0; written+b.Len() < size; s++ {
		if s%15 == 0 {
			b.WriteString("-DOCSTART- -X- -X- O\n\n")
		}
		n := 1 + rng.IntN(28)
		left, typ, prevEnded := 0, "", ""
		for t := 0; t < n; t++ {
			w := vocab[int(float64(len(vocab))*rng.Float64()*rng.Float64())]
			b.WriteString(w)
			b.WriteByte(' ')
			b.WriteString(pos[rng.IntN(len(pos))])
			b.WriteByte(' ')
			b.WriteString(chunk[rng.IntN(len(chunk))])
			b.WriteByte(' ')
			if left == 0 && rng.IntN(100) < 13 {
				left, typ = 1+rng.IntN(2)+rng.IntN(2), types[rng.IntN(len(types))]
				if prevEnded == typ {
					b.WriteString("B-")
				} else {
					b.WriteString("I-")
				}
				b.WriteString(typ)
			} else if left > 0 {
				b.WriteString("I-")
				b.WriteString(typ)
			} else {
				b.WriteByte('O')
			}
			if left > 0 {
				left--
				if left == 0 {
					prevEnded = typ
				}
			} else {
				prevEnded = ""
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
		if b.Len() > 1<<16 {
			written += b.Len()
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

var (
	zhWords = strings.Fields("我们 今天 这家 餐厅 的 菜 很 好吃 服务 也 不错 价格 太贵 了 不会 再来 物流 很快 包装 完好 质量 一般 客服 态度 非常 差 推荐 购买 性价比 高 屏幕 清晰 电池 续航 时间 短 比赛 结果 球队 赢得 冠军 股市 上涨 政策 发布 天气 晴朗 下雨")
	enWords = strings.Fields("the food was great and the service friendly but prices are too high delivery fast package intact quality average support rude would recommend battery life short screen sharp team won the final stocks rose policy announced weather sunny rain")
	zhPunct = []string{"，", "。", "！", "？", "、"}
	labels  = strings.Fields("正面 负面 中性 价格 服务 物流 质量 体育 财经 天气 positive negative neutral")
)

func genText(r *rand.Rand) string {
	var b strings.Builder
	n := 4 + r.IntN(16)
	english := r.IntN(4) == 0
	for i := range n {
		if english {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(enWords[r.IntN(len(enWords))])
			if r.IntN(8) == 0 {
				b.WriteByte(',')
			}
		} else {
			b.WriteString(zhWords[r.IntN(len(zhWords))])
			if r.IntN(6) == 0 {
				b.WriteString(zhPunct[r.IntN(len(zhPunct))])
			}
		}
	}
	switch r.IntN(40) {
	case 0:
		return `"` + b.String() + `"`
	case 1:
		return b.String() + "\n" + genText(r)
	case 2:
		return b.String() + ", " + enWords[r.IntN(len(enWords))]
	}
	return b.String()
}

func genLabels(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = labels[r.IntN(len(labels))]
	}
	return strings.Join(parts, ",")
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
		if err := cw.Write([]string{strconv.Itoa(id), genText(r), genLabels(r)}); err != nil {
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
