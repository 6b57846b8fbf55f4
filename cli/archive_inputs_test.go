package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/internal/testarchive"
)

// fileSet is a dataset of named files, written as a folder, a zip or a tar.gz by the test.
type fileSet []struct{ name, data string }

func (fs fileSet) folder(t *testing.T, p string) {
	t.Helper()
	for _, f := range fs {
		q := filepath.Join(p, filepath.FromSlash(f.name))
		require.NoError(t, os.MkdirAll(filepath.Dir(q), 0o755))
		require.NoError(t, os.WriteFile(q, []byte(f.data), 0o644))
	}
}

// members is the set as archive members.
func (fs fileSet) members() []testarchive.Member {
	out := make([]testarchive.Member, len(fs))
	for i, f := range fs {
		out[i] = testarchive.Member{Name: f.name, Data: f.data}
	}
	return out
}

// inputsOf writes the set as a folder, a zip and a tar.gz in a temporary folder and returns
// their paths by kind.
func (fs fileSet) inputsOf(t *testing.T, name string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	in := map[string]string{"folder": filepath.Join(dir, name), "zip": filepath.Join(dir, name+".zip"), "tar.gz": filepath.Join(dir, name+".tar.gz")}
	fs.folder(t, in["folder"])
	testarchive.Zip(t, in["zip"], fs.members())
	testarchive.TarGz(t, in["tar.gz"], fs.members())
	return in
}

func sampleNames(samples []api.Sample) []string {
	var names []string
	for _, s := range samples {
		names = append(names, s.Name)
	}
	return names
}

// TestFileFormatsReadFoldersAndArchives: conll, csv and manifest read a folder, a zip and a
// tar.gz as every file of their kind inside, in name order, as if each had been given;
// README files, hidden files, __MACOSX and files of other kinds are left alone; positions
// name the archive and the member.
func TestFileFormatsReadFoldersAndArchives(t *testing.T) {
	conllSet := fileSet{
		{"ner/train.txt", "Peter B-PER\nBlackburn I-PER\n\nEU B-ORG rejects\nrejects O\n"},
		{"ner/dev.txt", "EU B-ORG\nrejects O\n\nGerman B-MISC\ncall O\n"},
		{"ner/README.md", "not a CoNLL file"},
		{"ner/.hidden.txt", "junk"},
		{"__MACOSX/ner/._dev.txt", "\x00\x05\x16\x07"},
		{"ner/paper.pdf", "%PDF-1.4"},
	}
	csvSet := fileSet{
		{"cls/b.txt", "text,label\nbad service,negative\n"},
		{"cls/a.csv", "text,label\ngood movie,positive\n\"unclosed,x\n"},
		{"cls/notes.json", `{"x": 1}`},
	}
	separateSet := fileSet{
		{"sep/news.txt", "股市大涨\n球队夺冠\n"},
		{"sep/news_result.txt", "财经\n体育\n"},
		{"sep/more.txt", "新品发布\n"},
		{"sep/more_result.txt", "科技\n"},
	}
	voc, err := os.ReadFile(manifestData + "voc/260730932.xml")
	require.NoError(t, err)
	manifestSet := fileSet{
		{"export/v1.manifest", `{"source":"s3://b/ds/260730932.jpg","annotation":[{"type":"modelarts/object_detection","annotation-loc":"./voc/260730932.xml","annotation-format":"PASCAL VOC"}]}` + "\n" +
			`{"source":"s3://b/ds/x.jpg","annotation":[{"type":"modelarts/object_detection","annotation-loc":"../../outside.xml","annotation-format":"PASCAL VOC"}]}` + "\n"},
		{"export/voc/260730932.xml", string(voc)},
		{"text.manifest", `{"source":"content://hello","annotation":[{"type":"modelarts/text_classification","name":"greeting"}]}` + "\n"},
	}

	tests := []struct {
		format string
		set    fileSet
		flags  []string
		names  []string // the samples, in order
		code   int
		stderr string // a message naming the member, after the input's path
	}{
		{"conll", conllSet, nil, []string{"dev.txt-000001.txt", "dev.txt-000002.txt", "train.txt-000001.txt"}, exitFailed, "/ner/train.txt:4: rejected"},
		{"csv", csvSet, nil, []string{"a.csv-000002.txt", "b.txt-000002.txt"}, exitFailed, "/cls/a.csv:3"},
		{"csv", separateSet, []string{"-layout", "separate"}, []string{"more.txt-000001.txt", "news.txt-000001.txt", "news.txt-000002.txt"}, exitOK, ""},
		{"manifest", manifestSet, nil, []string{"260730932.jpg", "text.manifest-000001.txt"}, exitFailed, "/export/v1.manifest:2: rejected"},
	}
	for _, tt := range tests {
		inputs := tt.set.inputsOf(t, "set")
		var want []api.Sample
		for _, kind := range []string{"folder", "zip", "tar.gz"} {
			t.Run(tt.format+"/"+tt.set[0].name+"/"+kind, func(t *testing.T) {
				out := t.TempDir()
				code, _, stderr := runCmd(t, append(append([]string{tt.format, "-o", out}, tt.flags...), inputs[kind])...)
				assert.Equal(t, tt.code, code, stderr)
				samples := writtenSamples(t, out)
				assert.Equal(t, tt.names, sampleNames(samples), stderr)
				sep := "/"
				if kind != "folder" {
					sep = ":"
				}
				if tt.stderr != "" {
					assert.Contains(t, stderr, inputs[kind]+sep+tt.stderr[1:], "positions name the input and the member")
				}
				assert.NotContains(t, stderr, "README")
				assert.NotContains(t, stderr, "MACOSX")
				if want == nil {
					want = samples
				} else {
					assert.Equal(t, want, samples, "a zip, a tar.gz and a folder give the same samples")
				}
			})
		}
	}
}

// TestArchiveSameFileNames: two files of one name inside an archive are named by their
// paths, so that no two samples share a name; the files given one by one are read the same.
func TestArchiveSameFileNames(t *testing.T) {
	set := fileSet{
		{"a/train.txt", "EU B-ORG\nrejects O\n"},
		{"b/train.txt", "Peter B-PER\nBlackburn I-PER\n"},
	}
	inputs := set.inputsOf(t, "corpus")
	out := t.TempDir()
	code, _, stderr := runCmd(t, "conll", "-o", out, inputs["zip"])
	require.Equal(t, exitOK, code, stderr)
	names := sampleNames(writtenSamples(t, out))
	require.Len(t, names, 2)
	assert.True(t, strings.HasSuffix(names[0], "corpus.zip_a_train.txt-000001.txt"), names[0])
	assert.True(t, strings.HasSuffix(names[1], "corpus.zip_b_train.txt-000001.txt"), names[1])
}

// TestArchiveWithoutFilesOfItsKind: an archive that holds no file of the format is a fatal
// error naming it; nothing is written.
func TestArchiveWithoutFilesOfItsKind(t *testing.T) {
	inputs := fileSet{{"README.md", "hello"}, {"images/a.jpg", "\xff\xd8\xff"}}.inputsOf(t, "empty")
	for _, format := range []string{"conll", "csv", "manifest"} {
		code, _, stderr := runCmd(t, format, "-o", t.TempDir(), inputs["zip"])
		assert.Equal(t, exitFailed, code, stderr)
		assert.Contains(t, stderr, inputs["zip"]+": no ", format)
		assert.Contains(t, stderr, "files inside", format)
	}
}

// TestDetectWrappedFiles: an archive (or a folder) that wraps the files in one folder, as
// `zip -r ner.zip ner/` does, is detected as its files' format, and `convert auto` reads it.
func TestDetectWrappedFiles(t *testing.T) {
	tests := []struct {
		format string
		set    fileSet
	}{
		{"conll", fileSet{{"ner/train.txt", "EU B-ORG\nrejects O\n\nPeter B-PER\n"}, {"ner/dev.txt", "German B-MISC\ncall O\n"}, {"README.md", "a corpus"}}},
		{"csv", fileSet{{"cls/a.csv", "text,label\ngood movie,positive\n"}}},
		{"manifest", fileSet{{"export/v1.manifest", `{"source":"content://hello","annotation":[{"type":"modelarts/text_classification","name":"greeting"}]}` + "\n"}}},
	}
	for _, tt := range tests {
		for kind, p := range tt.set.inputsOf(t, "wrapped") {
			code, stdout, stderr := runCmd(t, "detect", p)
			assert.Equal(t, exitOK, code, stderr)
			assert.True(t, strings.HasPrefix(stdout, p+": "+tt.format+" ("), "%s %s: %s", tt.format, kind, stdout)
			assert.NotContains(t, stdout, ";", "%s %s: one format only", tt.format, kind)
			out := t.TempDir()
			code, _, stderr = runCmd(t, "auto", "-o", out, p)
			assert.Equal(t, exitOK, code, stderr)
			assert.NotEmpty(t, writtenSamples(t, out), "%s %s", tt.format, kind)
		}
	}
}
