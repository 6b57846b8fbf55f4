package textenc_test

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/modelarts-convert/convert/importers/textenc"
)

// A text importer reads its file through a Decoder: UTF-8 comes out whatever the file's
// encoding, and Encode gives a sample's bytes back in the source encoding when asked.
func ExampleNewDecoder() {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("你好\t问候\n")
	dec, err := textenc.NewDecoder(strings.NewReader(gbk), textenc.Auto)
	if err != nil {
		fmt.Println(err)
		return
	}
	text, _ := io.ReadAll(dec)
	fmt.Printf("%s %q\n", dec.Encoding(), text)
	data, enc := textenc.Encode("你好", dec.Encoding(), true)
	fmt.Printf("% x %s\n", data, enc)
	// Output:
	// gb18030 "你好\t问候\n"
	// c4 e3 ba c3 GBK
}

// Detect decides the charset of a whole document held in memory.
func ExampleDetect() {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("<name>狗</name>\n")
	for _, doc := range []string{"\ufeff<name>dog</name>\n", "<name>狗</name>\n", gbk} {
		d := textenc.Detect([]byte(doc))
		fmt.Println(d.Encoding, d.BOMLen, d.OtherLine)
	}
	// Output:
	// utf-8 3 0
	// utf-8 0 0
	// gb18030 0 1
}

// Parse reads an encoding name as a user types it.
func ExampleParse() {
	enc, err := textenc.Parse("CP936")
	fmt.Println(enc, err)
	_, err = textenc.Parse("latin1")
	fmt.Println(err)
	// Output:
	// gbk <nil>
	// unknown encoding "latin1" (want auto|utf-8|gbk|gb18030|gb2312)
}
