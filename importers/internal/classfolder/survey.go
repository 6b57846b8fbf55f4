package classfolder

import (
	"context"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Survey is what a detector learns of a folder from names and a few first KiBs: how many
// files of each kind the root and its first folders hold, and the marks of other formats.
type Survey struct {
	Images, Audio, Texts, XMLs, Others int
	// Pairs counts label files (x.txt) beside an image of the same stem; YOLOPairs those of
	// them whose first KiB reads as YOLO rows (class and normalized numbers).
	Pairs, YOLOPairs int
	// ImageDirs and AudioDirs count the folders below the root that hold images or audio.
	ImageDirs, AudioDirs int
	RootMedia            int // media files directly in the root
	// Foreign names the first mark of another format found ("Annotations/", "obj.names",
	// "data.yaml", "a .json file", an XML beside an image), or "".
	Foreign string
}

// foreignNames are files and folders of the root that belong to other formats.
var foreignNames = map[string]bool{
	"annotations": true, "jpegimages": true, "imagesets": true, "obj.names": true, "obj.data": true,
	"data.yaml": true, "data.yml": true, "train.txt": true, "valid.txt": true, "classes.txt": true,
	"labels": true, "segmentationclass": true, "segmentationobject": true,
}

var imageExts = map[string]bool{".jpg": true, ".jpeg": true, ".png": true, ".bmp": true}

// audioExts are the audio files a survey counts (WAV and the others people hold).
var audioExts = map[string]bool{".wav": true, ".mp3": true, ".flac": true, ".ogg": true, ".m4a": true, ".aac": true, ".wma": true, ".amr": true, ".aiff": true}

// maxSurveyDirs bounds the folders a survey lists.
const maxSurveyDirs = 64

// SurveyFolder looks at the folder name in fsys: its entries, and those of its folders
// breadth-first up to a bound; it reads the first KiB of at most a few label files.
func SurveyFolder(ctx context.Context, fsys fs.FS, name string) (Survey, bool) {
	var sv Survey
	fi, err := fs.Stat(fsys, name)
	if err != nil || !fi.IsDir() {
		return sv, false
	}
	queue := []string{name}
	listed, peeked := 0, 0
	for len(queue) > 0 && listed < maxSurveyDirs && ctx.Err() == nil {
		dir := queue[0]
		queue = queue[1:]
		entries, err := fs.ReadDir(fsys, dir)
		listed++
		if err != nil {
			continue
		}
		images := map[string]bool{}
		var txts []string
		hasImage, hasAudio := false, false
		for _, e := range entries {
			n := e.Name()
			if hidden(n) {
				continue
			}
			if dir == name && foreignNames[strings.ToLower(n)] && sv.Foreign == "" {
				sv.Foreign = n
			}
			if e.IsDir() {
				queue = append(queue, path.Join(dir, n))
				continue
			}
			ext := strings.ToLower(path.Ext(n))
			stem := strings.TrimSuffix(n, path.Ext(n))
			switch {
			case imageExts[ext]:
				sv.Images++
				images[stem] = true
				hasImage = true
			case audioExts[ext]:
				sv.Audio++
				hasAudio = true
			case ext == ".txt":
				sv.Texts++
				txts = append(txts, n)
			case ext == ".xml":
				sv.XMLs++
			case ext == ".json" || ext == ".manifest" || ext == ".names":
				if sv.Foreign == "" {
					sv.Foreign = n
				}
			default:
				sv.Others++
			}
			if dir == name && (imageExts[ext] || audioExts[ext]) {
				sv.RootMedia++
			}
		}
		for _, t := range txts {
			if !images[strings.TrimSuffix(t, path.Ext(t))] {
				continue
			}
			sv.Pairs++
			if peeked < 3 {
				peeked++
				if looksYOLO(fsys, path.Join(dir, t)) {
					sv.YOLOPairs++
				}
			}
		}
		if dir != name && hasImage {
			sv.ImageDirs++
		}
		if dir != name && hasAudio {
			sv.AudioDirs++
		}
	}
	return sv, true
}

// looksYOLO reports whether a label file's first KiB reads as YOLO rows: every complete line
// is numbers only ("0 0.25 0.4 0.3 0.4"), at least one line.
func looksYOLO(fsys fs.FS, name string) bool {
	f, err := fsys.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 1024)
	n, _ := io.ReadFull(f, buf)
	lines := strings.Split(string(buf[:n]), "\n")
	if n == len(buf) && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	rows := 0
	for _, l := range lines {
		fields := strings.Fields(l)
		if len(fields) == 0 {
			continue
		}
		if len(fields) < 5 {
			return false
		}
		for _, fl := range fields {
			if strings.Trim(fl, "0123456789.eE+-") != "" {
				return false
			}
		}
		rows++
	}
	return rows > 0
}
