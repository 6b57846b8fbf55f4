// Package benchdata generates the text inputs the CoNLL and CSV benchmarks read (the
// importers' go test benchmarks and bench/text/run.sh alike), so that both measure one shape,
// and the samples the api and emit benchmarks check and encode (Shapes). Everything is
// deterministic.
package benchdata

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
)

// CoNLL2003 writes a file of CoNLL-2003 train's shape to w: four space-separated columns
// (token POS chunk NER), sentences of 1-28 tokens from a Zipf-like vocabulary, IOB1 entity
// tags on about 17% of the tokens (B- only between adjacent entities of one type), a
// -DOCSTART- line every 15 sentences. It stops after sentences sentences, or once about size
// bytes are written (whichever limit is not 0 comes first); 14,041 sentences are about 3.3 MB.
func CoNLL2003(w io.Writer, sentences, size int) error {
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
	for s := 0; (sentences == 0 || s < sentences) && (size == 0 || written+b.Len() < size); s++ {
		if s%15 == 0 {
			b.WriteString("-DOCSTART- -X- -X- O\n\n")
		}
		n := 1 + rng.IntN(28)
		left, typ, prevEnded := 0, "", ""
		for t := 0; t < n; t++ {
			// Zipf-like: common words are short and frequent.
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

// Text makes a short review- or news-like text for a CSV row: mostly Chinese, some English,
// with commas (ASCII and full-width), now and then a quote or a line break.
func Text(r *rand.Rand) string {
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
		return b.String() + "\n" + Text(r)
	case 2:
		return b.String() + ", " + enWords[r.IntN(len(enWords))]
	}
	return b.String()
}

// Labels makes a CSV row's label field: 1-3 labels joined by commas.
func Labels(r *rand.Rand) string {
	n := 1 + r.IntN(3)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = labels[r.IntN(len(labels))]
	}
	return strings.Join(parts, ",")
}
