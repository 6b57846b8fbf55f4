package importers

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"strings"
)

// HeadBytes is how much of a file a detector reads.
const HeadBytes = 1024

// ReadHead returns the first HeadBytes of the file at name in fsys, without a UTF-8 byte
// order mark, for a format's detector.
func ReadHead(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, HeadBytes)
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	return bytes.TrimPrefix(buf[:n], []byte("\xef\xbb\xbf")), nil
}

// Ext is a name's extension in lower case (".xml").
func Ext(name string) string { return strings.ToLower(path.Ext(name)) }

// IsAside reports whether a file is one that sits beside a dataset without being part of it
// (README, LICENSE, hidden files), so that detectors do not count it.
func IsAside(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, ".") || strings.HasPrefix(n, "readme") || strings.HasPrefix(n, "license") ||
		strings.HasPrefix(n, "licence")
}

// FilesOnly lists the files of the folder dir when it holds files only (no subfolders;
// hidden entries and IsAside files are ignored); ok is false when it has a subfolder or
// cannot be listed. Text formats (CoNLL, CSV) detect folders of their files with it.
func FilesOnly(fsys fs.FS, dir string) (files []string, ok bool) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, false
	}
	for _, e := range entries {
		if IsAside(e.Name()) {
			continue
		}
		if e.IsDir() {
			return nil, false
		}
		files = append(files, path.Join(dir, e.Name()))
	}
	return files, true
}

// LooksBinary reports whether head holds a NUL byte or starts like an image, an archive or
// a PDF: no text format reads it.
func LooksBinary(head []byte) bool {
	return bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(head, []byte("\xff\xd8\xff")) ||
		bytes.HasPrefix(head, []byte("\x89PNG")) || bytes.HasPrefix(head, []byte("PK\x03\x04")) ||
		bytes.HasPrefix(head, []byte("\x1f\x8b")) || bytes.HasPrefix(head, []byte("%PDF"))
}

// LooksLikeTokenTags reports whether head reads like a CoNLL column file: a token per line
// with a tag column ("O", "B-PER", "I_LOC", or a bare upper-case type such as "PER"), most
// lines with the same number of columns. Both the conll detector (to claim such a file)
// and the csv detector (to leave it) ask it, so the two never claim the same file.
func LooksLikeTokenTags(head []byte) bool {
	text := bytes.ReplaceAll(head, []byte("\r\n"), []byte("\n"))
	lines := bytes.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == '\r' })
	if len(head) == HeadBytes && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	content, tokens, tagged := 0, 0, 0
	widths := map[int]int{}
	for _, l := range lines {
		l = bytes.TrimRight(l, "\r")
		t := bytes.TrimSpace(l)
		if len(t) == 0 || bytes.HasPrefix(t, []byte("-DOCSTART-")) {
			continue
		}
		fields := bytes.Fields(t)
		if bytes.IndexByte(t, '\t') >= 0 { // tab-separated columns may hold spaces ("New York")
			fields = bytes.Split(t, []byte("\t"))
			for i := range fields {
				fields[i] = bytes.TrimSpace(fields[i])
			}
		}
		isTag := false
		if len(fields) >= 2 && len(fields) <= 30 {
			for _, f := range fields[1:] {
				if tagLike(string(f)) {
					isTag = true
					break
				}
			}
		}
		if t[0] == '#' && (!isTag || len(t) > 1 && t[1] == ' ') {
			continue // a comment ("# sent_id = 1"; germeval's "#<Tab>source")
		}
		content++
		if isTag {
			tokens++
			widths[len(fields)]++
			if string(fields[len(fields)-1]) == "O" || prefixedTag(string(fields[len(fields)-1])) {
				tagged++
			}
		}
	}
	if tokens < 2 || tokens*10 < content*9 {
		return false
	}
	most := 0
	for _, n := range widths {
		most = max(most, n)
	}
	return most*10 >= tokens*6 && (tagged > 0 || tokens >= 3)
}

// tagLike: "O", a prefixed tag ("B-PER", "I_LOC", "S-ORG.NAM", "B-corporation,B-person"), or a
// bare upper-case type of the IO scheme ("PER", "MISC").
func tagLike(f string) bool {
	if f == "O" || prefixedTag(f) {
		return true
	}
	if len(f) < 2 || len(f) > 16 {
		return false
	}
	for _, r := range f {
		if (r < 'A' || r > 'Z') && r != '_' && r != '.' {
			return false
		}
	}
	return true
}

func prefixedTag(f string) bool {
	return len(f) >= 3 && strings.IndexByte("BIESMLU", f[0]) >= 0 && (f[1] == '-' || f[1] == '_')
}

// LooksLikeSegmentation reports whether head, the first KiB of a VOC XML file, is one of the
// platform's image-segmentation files: an <annotation> naming <mask_source> or <mask_color>.
// The segvoc detector claims a set whose XML files all are, and the voc detector leaves it,
// so the two never claim the same set.
func LooksLikeSegmentation(head []byte) bool {
	return bytes.Contains(head, []byte("<annotation")) &&
		(bytes.Contains(head, []byte("<mask_source")) || bytes.Contains(head, []byte("<mask_color")))
}

// Unwrap follows dir down through folders that hold nothing but one folder (IsAside files
// and __MACOSX aside), as `zip -r ner.zip ner/` wraps the files it holds, and returns the
// first folder that holds anything else (dir itself when it does). The detectors of formats
// that read every file of their kind inside a folder (conll, csv, manifest) look there.
func Unwrap(fsys fs.FS, dir string) string {
	for range 8 {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return dir
		}
		var only string
		n := 0
		for _, e := range entries {
			if IsAside(e.Name()) || e.Name() == "__MACOSX" {
				continue
			}
			if n++; e.IsDir() {
				only = e.Name()
			}
		}
		if n != 1 || only == "" {
			return dir
		}
		dir = path.Join(dir, only)
	}
	return dir
}
