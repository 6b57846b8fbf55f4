// Command targz generates a large VOC dataset as a .tar.gz and reads it the way convert does
// (importers.OpenInput, then voc.Read with the images inlined), for bench/memory/targz.sh.
//
//	targz gen OUT.tar.gz BYTES   writes a VOCdevkit/VOC2007 set of about BYTES
//	targz read IN.tar.gz         reads it, printing samples, rejections and inlined bytes
//
// The images are JPEG-like: a JPEG signature and header, then pseudo-random bytes, so that
// the archive hardly compresses and its size is what the reader must handle.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"

	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/voc"
)

const imageBytes = 256 << 10

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: targz gen OUT BYTES | targz read IN")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		var n int64
		if n, err = strconv.ParseInt(os.Args[3], 10, 64); err == nil {
			err = gen(os.Args[2], n)
		}
	case "read":
		err = read(os.Args[2])
	default:
		err = fmt.Errorf("unknown verb %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "targz:", err)
		os.Exit(1)
	}
}

func gen(out string, total int64) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	rng := rand.New(rand.NewPCG(1, 2))
	img := make([]byte, imageBytes)
	add := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	for i := 0; int64(i)*imageBytes < total; i++ {
		id := fmt.Sprintf("%06d", i)
		xml := fmt.Sprintf("<annotation><folder>VOC2007</folder><filename>%s.jpg</filename>"+
			"<size><width>640</width><height>480</height><depth>3</depth></size>"+
			"<object><name>cat</name><bndbox><xmin>%d</xmin><ymin>10</ymin><xmax>300</xmax><ymax>200</ymax></bndbox></object>"+
			"</annotation>\n", id, i%100)
		if err := add("VOCdevkit/VOC2007/Annotations/"+id+".xml", []byte(xml)); err != nil {
			return err
		}
		for j := 0; j+8 <= len(img); j += 8 {
			v := rng.Uint64()
			for k := range 8 {
				img[j+k] = byte(v >> (8 * k))
			}
		}
		copy(img, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
		if err := add("VOCdevkit/VOC2007/JPEGImages/"+id+".jpg", img); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func read(p string) error {
	rejected := 0
	warn := func(w importers.Warning) {
		if w.Rejected {
			rejected++
			if rejected <= 3 {
				fmt.Fprintln(os.Stderr, w)
			}
		}
	}
	in, err := importers.OpenInput(p, warn)
	if err != nil {
		return err
	}
	defer in.Close()
	roots, err := voc.FindRoots(context.Background(), in.FS, in.Name)
	if err != nil {
		return err
	}
	samples, inlined := 0, int64(0)
	for _, r := range roots {
		opts := voc.Options{Warn: warn, Path: in.Path}
		for s, err := range voc.ReadRoot(context.Background(), in.FS, r, opts) {
			if err != nil {
				return err
			}
			samples++
			inlined += int64(len(s.Data))
		}
	}
	fmt.Printf("samples %d rejected %d inlined %d bytes\n", samples, rejected, inlined)
	return nil
}
