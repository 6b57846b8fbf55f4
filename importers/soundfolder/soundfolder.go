// Package soundfolder reads the platform's sound-classification folder layout, "ModelArts
// audio classification dir 1.0": one folder of WAV files per class, the folder's name (the
// last folder level) being the label. Each file becomes an audio sample (sample_type 2) with
// one sound-classification label (type 200); files directly in the root are unlabeled.
//
// The service takes WAV only: a file is taken when its name ends in .wav (any case) and,
// when it is inlined, when it starts with a RIFF/WAVE (or RF64/WAVE) signature. Every other
// file is a rejection that says so (MP3, FLAC, Ogg, M4A and others are named by their
// signature). Inline data is capped at the service's per-sample limit (12,582,912 bytes;
// larger files need -obs-prefix), and only regular files inside the folder are read, through
// the same confinement as images (imagefile.Source). With Options.OBSPrefix the files are only
// listed, never opened.
package soundfolder

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"iter"
	"path"
	"strings"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"github.com/modelarts-convert/convert/importers/internal/classfolder"
)

// Options control a read.
type Options struct {
	// OBSPrefix (obs://bucket/dir/), when set, makes each sample point at OBSPrefix + the
	// file's path under the root instead of carrying its bytes; the files are then only listed.
	OBSPrefix string
	// FollowLinks lets a link in the folder lead to a file outside it.
	FollowLinks bool
	// Base is put before paths in positions and Sample.Origin.
	Base string
	Warn importers.WarnFunc
	// Listed, when set, is told how many records each listed folder adds.
	Listed func(records int)
}

// otherAudio names, by extension, the audio files people hold that the service does not take.
var otherAudio = map[string]string{
	".mp3": "MP3", ".flac": "FLAC", ".ogg": "Ogg", ".oga": "Ogg", ".opus": "Opus", ".m4a": "M4A", ".aac": "AAC",
	".wma": "WMA", ".amr": "AMR", ".aif": "AIFF", ".aiff": "AIFF", ".mp4": "MP4", ".webm": "WebM", ".ape": "APE",
}

// WAVOnly is the end of every rejection of a file that is not WAV.
const WAVOnly = "the service takes WAV audio only; convert it to WAV first"

var media = classfolder.Media{
	SampleType: api.SampleSpeech,
	LabelType:  api.LabelSpeechClassification,
	Exts:       []string{".wav"},
	Accept:     []imagefile.Kind{imagefile.WAV},
	Refuse: func(name string) string {
		if kind, ok := otherAudio[strings.ToLower(path.Ext(name))]; ok {
			return fmt.Sprintf("%s audio, by its name: %s", kind, WAVOnly)
		}
		return "not a WAV file (.wav): " + WAVOnly
	},
	RefuseKind: WAVOnly,
}

// Read streams the WAV files of the folder at name in fsys, in path order. The stream is
// single-use; rejected files are reported to opts.Warn; an unlistable root or a cancelled
// context ends it with an *importers.Error.
func Read(ctx context.Context, fsys fs.FS, name string, opts Options) iter.Seq2[*api.Sample, error] {
	return classfolder.Read(ctx, fsys, name, media, classfolder.Options{OBSPrefix: opts.OBSPrefix,
		FollowLinks: opts.FollowLinks, Base: opts.Base, Warn: opts.Warn, Listed: opts.Listed})
}

func init() {
	importers.Register(importers.Format{
		Name: "soundfolder",
		Summary: "sound classification folders, the platform's layout (audio classification dir 1.0): one folder\n" +
			"of WAV files per class; each INPUT is a folder or a .zip/.tar/.tgz of one",
		Args:        "FOLDER...",
		Flags:       flags,
		Detect:      Detect,
		OptionFlags: map[string]string{"OBSPrefix": "-obs-prefix", "FollowLinks": "-follow-links"},
	})
}

func flags(fset *flag.FlagSet) importers.Opener {
	obsPrefix := fset.String("obs-prefix", "", "samples point at `obs://bucket/dir/` + the file's path under the folder (data_source) instead of carrying its bytes; files are then only listed")
	followLinks := fset.Bool("follow-links", false, "read files through links that lead out of the folder (default: such a file is rejected)")
	return func(ctx context.Context, inputs []string, env importers.Env) (*importers.Source, error) {
		if err := imagefile.CheckOBSPrefix(*obsPrefix); err != nil {
			return nil, importers.Usagef("%v", err)
		}
		var listed func(int)
		if env.Progress != nil {
			listed = env.Progress.AddRecords
		}
		return classfolder.Open(ctx, "soundfolder", inputs, env, func(ctx context.Context, fsys fs.FS, root, base string) iter.Seq2[*api.Sample, error] {
			return Read(ctx, fsys, root, Options{OBSPrefix: *obsPrefix, FollowLinks: *followLinks, Base: base, Warn: env.Warn, Listed: listed})
		})
	}
}

// Detect recognizes a sound-classification folder: audio files in class folders, no images
// and none of the marks of other formats.
func Detect(ctx context.Context, fsys fs.FS, name string) (importers.Detection, bool) {
	sv, ok := classfolder.SurveyFolder(ctx, fsys, name)
	if !ok || sv.Foreign != "" || sv.Audio == 0 || sv.Images > 0 || sv.XMLs > 0 {
		return importers.Detection{}, false
	}
	if sv.AudioDirs == 0 {
		return importers.Detection{Score: 30, Layout: fmt.Sprintf("%d audio files, no class folders (unlabeled)", sv.Audio)}, true
	}
	return importers.Detection{Score: 90, Layout: fmt.Sprintf("audio classification dir 1.0: %d class folders", sv.AudioDirs)}, true
}
