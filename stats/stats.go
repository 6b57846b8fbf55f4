// Package stats counts what a set of request bodies (the Adding Samples in Batches call's
// JSON, as the format commands write them) holds: samples by type, labels by type and by
// name, shapes by kind, image sizes, text lengths, entities by type. It is what
// `convert stats` prints, so a wrong class list or a missing size is seen before an upload.
//
// A Stats reads one body at a time (AddBody) and keeps only counters: memory does not grow
// with the number of samples, except for one counter per distinct label name, entity type,
// image width or height and text length. Medians are read from those value→count maps.
package stats

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Stats accumulates counts over request bodies. The zero value is not ready: use New.
type Stats struct {
	bodies, badBodies int
	samples           int
	sampleTypes       map[api.SampleType]int
	labels            int
	labelTypes        map[api.LabelType]int
	names             map[string]*nameCount
	shapes            map[string]int
	images            int
	imagesNoSize      int
	widths, heights   map[int]int
	unlabeled         int
	texts             int
	textsUnreadable   int
	textLengths       map[int]int

	buf []byte // reused for decoded text
}

type nameCount struct {
	labels, samples int
	entities        int // labels of this name that are named entities (or triplet entities)
	lastSample      int // the sample that last counted this name, so a sample counts once
}

// New returns empty statistics.
func New() *Stats {
	return &Stats{
		sampleTypes: map[api.SampleType]int{},
		labelTypes:  map[api.LabelType]int{},
		names:       map[string]*nameCount{},
		shapes:      map[string]int{},
		widths:      map[int]int{},
		heights:     map[int]int{},
		textLengths: map[int]int{},
	}
}

// AddBody decodes one request body strictly (api.DecodeRequest) and counts its samples. A
// body that does not decode is counted as bad and its error returned (with line and column
// where the decoder gives them); the statistics stay usable.
func (s *Stats) AddBody(data []byte) error {
	req, err := api.DecodeRequest(data)
	if err != nil {
		s.badBodies++
		return err
	}
	s.bodies++
	s.AddRequest(req)
	return nil
}

// AddRequest counts the samples of a decoded request.
func (s *Stats) AddRequest(req *api.Request) {
	for i := range req.Samples {
		s.AddSample(&req.Samples[i])
	}
}

// AddSample counts one sample and its labels.
func (s *Stats) AddSample(sm *api.Sample) {
	s.samples++
	s.sampleTypes[sm.SampleType]++
	if len(sm.Labels) == 0 {
		s.unlabeled++
	}
	for i := range sm.Labels {
		l := &sm.Labels[i]
		s.labels++
		s.labelTypes[l.Type]++
		nc := s.names[l.Name]
		if nc == nil {
			nc = &nameCount{lastSample: -1}
			s.names[l.Name] = nc
		}
		nc.labels++
		if nc.lastSample != s.samples {
			nc.lastSample = s.samples
			nc.samples++
		}
		if sh := l.Property.Shape(); sh != "" {
			s.shapes[string(sh)]++
		}
		if l.Type == api.LabelNamedEntity || l.Type == api.LabelTextTripletEntity {
			nc.entities++ // entities by type are counted with the names: one lookup per label
		}
	}
	switch sm.SampleType {
	case api.SampleImage:
		s.images++
		w, h, ok := ImageSize(sm)
		if !ok {
			s.imagesNoSize++
			return
		}
		s.widths[w]++
		s.heights[h]++
	case api.SampleText:
		if sm.Data == "" {
			return // in OBS: its length is unknown here
		}
		s.texts++
		n, ok := s.textLength(sm)
		if !ok {
			s.textsUnreadable++
			return
		}
		s.textLengths[n]++
	}
}

// ImageSize returns an image sample's width and height: @modelarts:size when the metadata has
// it, else the header of the inline data (JPEG, PNG, BMP, GIF). ok is false when neither tells.
func ImageSize(sm *api.Sample) (w, h int, ok bool) {
	if size, ok := sm.Metadata.Size(); ok && len(size) >= 2 && size[0] > 0 && size[1] > 0 {
		return size[0], size[1], true
	}
	if sm.Data == "" {
		return 0, 0, false
	}
	// Only the header is read: a few hundred bytes of the base64.
	size, err := imagefile.ReadSize(base64.NewDecoder(base64.StdEncoding, strings.NewReader(sm.Data)))
	if err != nil || size.Width <= 0 || size.Height <= 0 {
		return 0, 0, false
	}
	return size.Width, size.Height, true
}

// textLength is the sample's text length in code points (the API's characters).
func (s *Stats) textLength(sm *api.Sample) (int, bool) {
	n := base64.StdEncoding.DecodedLen(len(sm.Data))
	if cap(s.buf) < n {
		s.buf = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(s.buf[:n], []byte(sm.Data))
	if err != nil {
		return 0, false
	}
	raw := s.buf[:n]
	switch sm.Encoding {
	case api.EncodingGBK, api.EncodingGB2312:
		b, err := simplifiedchinese.GBK.NewDecoder().Bytes(raw)
		if err != nil {
			return 0, false
		}
		raw = b
	default:
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(raw) {
			return 0, false
		}
	}
	return utf8.RuneCount(raw), true
}

// Range is the minimum, median and maximum of a set of integers. The median of an even count
// is the lower of the two middle values, so it is always one of the values.
type Range struct {
	Min    int `json:"min"`
	Median int `json:"median"`
	Max    int `json:"max"`
}

func rangeOf(counts map[int]int) *Range {
	if len(counts) == 0 {
		return nil
	}
	values := make([]int, 0, len(counts))
	total := 0
	for v, n := range counts {
		values = append(values, v)
		total += n
	}
	sort.Ints(values)
	r := &Range{Min: values[0], Max: values[len(values)-1]}
	target := (total - 1) / 2 // index of the lower middle
	seen := 0
	for _, v := range values {
		seen += counts[v]
		if seen > target {
			r.Median = v
			break
		}
	}
	return r
}

// NameCount is one label name: how many labels carry it and how many samples hold it.
type NameCount struct {
	Name    string `json:"name"`
	Labels  int    `json:"labels"`
	Samples int    `json:"samples"`
}

// Report is the statistics as plain values, for printing or JSON (keys are stable; maps are
// written sorted by encoding/json).
type Report struct {
	Bodies           int            `json:"bodies"`
	BadBodies        int            `json:"bad_bodies"`
	Samples          int            `json:"samples"`
	SamplesByType    map[string]int `json:"samples_by_type"`
	UnlabeledSamples int            `json:"unlabeled_samples"`
	Labels           int            `json:"labels"`
	LabelsByType     map[string]int `json:"labels_by_type"`
	LabelNames       []NameCount    `json:"label_names"`
	Shapes           map[string]int `json:"shapes"`
	Images           ImageReport    `json:"images"`
	Texts            TextReport     `json:"texts"`
	Entities         map[string]int `json:"entities"`
}

// ImageReport is image samples by size.
type ImageReport struct {
	Count      int    `json:"count"`
	SizeKnown  int    `json:"size_known"`
	SizeAbsent int    `json:"size_unknown"`
	Width      *Range `json:"width"`
	Height     *Range `json:"height"`
}

// TextReport is inline text samples by length in characters (code points).
type TextReport struct {
	Count      int    `json:"count"`
	Unreadable int    `json:"unreadable"`
	Length     *Range `json:"length"`
}

var sampleTypeNames = map[api.SampleType]string{
	api.SampleImage:  "image",
	api.SampleText:   "text",
	api.SampleSpeech: "speech",
	api.SampleTable:  "table",
	api.SampleVideo:  "video",
	api.SampleCustom: "custom",
}

// SampleTypeName names a sample type ("image"), or gives its number when unknown.
func SampleTypeName(t api.SampleType) string {
	if n, ok := sampleTypeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("sample type %d", int(t))
}

// Report returns the statistics so far. Label names are sorted by label count, most first,
// then by name.
func (s *Stats) Report() Report {
	r := Report{
		Bodies:           s.bodies,
		BadBodies:        s.badBodies,
		Samples:          s.samples,
		SamplesByType:    map[string]int{},
		UnlabeledSamples: s.unlabeled,
		Labels:           s.labels,
		LabelsByType:     map[string]int{},
		LabelNames:       make([]NameCount, 0, len(s.names)),
		Shapes:           map[string]int{},
		Entities:         map[string]int{},
		Images: ImageReport{Count: s.images, SizeKnown: s.images - s.imagesNoSize, SizeAbsent: s.imagesNoSize,
			Width: rangeOf(s.widths), Height: rangeOf(s.heights)},
		Texts: TextReport{Count: s.texts, Unreadable: s.textsUnreadable, Length: rangeOf(s.textLengths)},
	}
	for t, n := range s.sampleTypes {
		r.SamplesByType[SampleTypeName(t)] += n
	}
	for t, n := range s.labelTypes {
		r.LabelsByType[t.String()] += n
	}
	for name, nc := range s.names {
		r.LabelNames = append(r.LabelNames, NameCount{Name: name, Labels: nc.labels, Samples: nc.samples})
	}
	sort.Slice(r.LabelNames, func(i, j int) bool {
		a, b := r.LabelNames[i], r.LabelNames[j]
		if a.Labels != b.Labels {
			return a.Labels > b.Labels
		}
		return a.Name < b.Name
	})
	for k, n := range s.shapes {
		r.Shapes[k] = n
	}
	for name, nc := range s.names {
		if nc.entities > 0 {
			r.Entities[name] = nc.entities
		}
	}
	return r
}

// WriteJSON writes the report as one indented JSON object.
func (r Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteTable writes the report as aligned text tables, one section per count.
func (r Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	section := func(title string) { fmt.Fprintf(tw, "\n%s\n", title) }
	counts := func(m map[string]int) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if m[keys[i]] != m[keys[j]] {
				return m[keys[i]] > m[keys[j]]
			}
			return keys[i] < keys[j]
		})
		if len(keys) == 0 {
			fmt.Fprintln(tw, "  (none)")
		}
		for _, k := range keys {
			fmt.Fprintf(tw, "  %s\t%d\n", k, m[k])
		}
	}
	fmt.Fprintf(tw, "request bodies\t%d", r.Bodies)
	if r.BadBodies > 0 {
		fmt.Fprintf(tw, " (and %d that do not decode)", r.BadBodies)
	}
	fmt.Fprintf(tw, "\nsamples\t%d\nsamples without labels\t%d\nlabels\t%d\n", r.Samples, r.UnlabeledSamples, r.Labels)
	section("samples by type")
	counts(r.SamplesByType)
	section("labels by type")
	counts(r.LabelsByType)
	section("label names\tlabels\tsamples")
	if len(r.LabelNames) == 0 {
		fmt.Fprintln(tw, "  (none)")
	}
	for _, nc := range r.LabelNames {
		fmt.Fprintf(tw, "  %s\t%d\t%d\n", printable(nc.Name), nc.Labels, nc.Samples)
	}
	section("shapes")
	counts(r.Shapes)
	section("images\tmin\tmedian\tmax")
	if r.Images.Width != nil {
		fmt.Fprintf(tw, "  width\t%d\t%d\t%d\n", r.Images.Width.Min, r.Images.Width.Median, r.Images.Width.Max)
		fmt.Fprintf(tw, "  height\t%d\t%d\t%d\n", r.Images.Height.Min, r.Images.Height.Median, r.Images.Height.Max)
	}
	fmt.Fprintf(tw, "  %d images, %d of unknown size\n", r.Images.Count, r.Images.SizeAbsent)
	section("texts (characters)\tmin\tmedian\tmax")
	if r.Texts.Length != nil {
		fmt.Fprintf(tw, "  length\t%d\t%d\t%d\n", r.Texts.Length.Min, r.Texts.Length.Median, r.Texts.Length.Max)
	}
	fmt.Fprintf(tw, "  %d inline texts, %d unreadable\n", r.Texts.Count, r.Texts.Unreadable)
	section("entities by type")
	counts(r.Entities)
	return tw.Flush()
}

// printable quotes a name that is empty or holds spaces or control characters, so the table
// stays readable and unambiguous.
func printable(name string) string {
	if name == "" || strings.ContainsFunc(name, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Sprintf("%q", name)
	}
	return name
}
