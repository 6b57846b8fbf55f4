package conll_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing/fstest"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/conll"
)

func ExampleRead() {
	fsys := fstest.MapFS{"eng.train": {Data: []byte(
		"-DOCSTART- -X- -X- O\r\n\r\n" +
			"EU NNP I-NP I-ORG\r\nrejects VBZ I-VP O\r\nGerman JJ I-NP I-MISC\r\ncall NN I-NP O\r\n" +
			"to TO I-VP O\r\nboycott VB I-VP O\r\nBritish JJ I-NP I-MISC\r\nlamb NN I-NP O\r\n. . O O\r\n\r\n" +
			"Peter NNP I-NP I-PER\r\nBlackburn\r\n")}}
	warn := func(w importers.Warning) { fmt.Println(w) }
	for s, err := range conll.Read(context.Background(), fsys, "eng.train", conll.Options{Warn: warn}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		text, _ := base64.StdEncoding.DecodeString(s.Data)
		fmt.Printf("%s (%s): %s\n", s.Name, s.Encoding, text)
		for _, l := range s.Labels {
			fmt.Printf("  %s %v..%v\n", l.Name, l.Property[api.PropStartIndex], l.Property[api.PropEndIndex])
		}
	}
	// Output:
	// eng.train-000001.txt (UTF-8): EU rejects German call to boycott British lamb .
	//   ORG 0..2
	//   MISC 11..17
	//   MISC 34..41
	// eng.train:14: rejected: has 1 column where the file's token lines have 4 (as its first, line 3, has); sentence 2 (lines 13-14) not converted
}

func ExampleChunks() {
	for _, tags := range [][]string{
		{"O", "I-PER", "I-PER"},              // IOB1
		{"B-PER", "I-LOC"},                   // ill-formed IOB2
		{"B-PER", "E-PER", "B-PER", "E-PER"}, // BIOES
		{"U-PER", "B-LOC", "I-LOC", "L-LOC"}, // BILOU
		{"B-LOC", "M-LOC", "E-LOC", "S-ORG"}, // BMES
		{"PER", "PER", "O", "LOC"},           // bare types (IO)
	} {
		fmt.Println(tags, conll.Chunks(tags))
	}
	// Output:
	// [O I-PER I-PER] [{PER 1 3}]
	// [B-PER I-LOC] [{PER 0 1} {LOC 1 2}]
	// [B-PER E-PER B-PER E-PER] [{PER 0 2} {PER 2 4}]
	// [U-PER B-LOC I-LOC L-LOC] [{PER 0 1} {LOC 1 4}]
	// [B-LOC M-LOC E-LOC S-ORG] [{LOC 0 3} {ORG 3 4}]
	// [PER PER O LOC] [{PER 0 2} {LOC 3 4}]
}
