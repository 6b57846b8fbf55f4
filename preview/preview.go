// Package preview renders request bodies (the Adding Samples in Batches call's JSON) as one
// self-contained HTML page, so people look at a dataset before they upload it: images with
// every shape drawn where the labels say, texts with their entities highlighted at the
// offsets the API counts, classification tags, triplets, audio segments on a time line, and
// every validation violation in red beside its sample. It is what `convert preview` writes.
//
// The page needs no network: images are inline data: URIs, shapes are SVG in the image's
// pixel coordinates, styles are inline, there is no script. A Writer takes one body at a
// time and writes samples as it reads them; it keeps only the label names (for the legend
// and their colours), so memory does not grow with the number of bodies. DrawPNG draws the
// same shapes into PNG files, in pure Go.
package preview

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"image/color"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers/imagefile"
)

// Options configure a Writer.
type Options struct {
	// Limit is how many samples the page shows; 0 means 100.
	Limit int
	// UTF16 reads entity offsets as UTF-16 code units instead of code points (the API's
	// default "characters"). They differ only in text past the BMP (emoji).
	UTF16 bool
	// PNG, when set, receives one PNG per image sample (shapes drawn): the Writer creates
	// SafeFileName(name)+".png" in it, inside the folder whatever the name says.
	PNG *os.Root
}

// Writer writes the preview page. Call AddBody for each request body, then Close.
type Writer struct {
	w       *bufio.Writer
	opts    Options
	colours *palette
	shown   int
	read    int
	bad     int // samples with violations
	pngs    map[string]bool
	err     error
}

// NewWriter starts a page on w.
func NewWriter(w io.Writer, opts Options) *Writer {
	if opts.Limit <= 0 {
		opts.Limit = 100
	}
	p := &Writer{w: bufio.NewWriter(w), opts: opts, colours: newPalette(), pngs: map[string]bool{}}
	p.printf("%s", pageHead)
	return p
}

// Full reports whether the page already shows Limit samples: callers may stop reading.
func (p *Writer) Full() bool { return p.shown >= p.opts.Limit }

// Colour is the colour the page gives a label name (assigned in order of first appearance).
func (p *Writer) Colour(name string) color.RGBA { return p.colours.colour(name) }

func (p *Writer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

var esc = html.EscapeString

// AddBody previews the samples of one request body, named file on the page. The body is read
// strictly (api.DecodeRequest); when that fails the error is shown in red and the body is
// previewed anyway as far as a lenient read gets, and the decode error is returned. Write
// errors are returned by Close.
func (p *Writer) AddBody(file string, data []byte) error {
	if p.Full() {
		return nil
	}
	req, decodeErr := api.DecodeRequest(data)
	p.printf("<section class=\"file\"><h2>%s</h2>\n", esc(file))
	bySample := map[int][]string{}
	var requestLevel []string
	if decodeErr != nil {
		// Each problem goes beside its sample when it names one (a repeated key, a value of
		// the wrong type), else at the top of the file.
		var all api.DecodeErrors
		var one *api.DecodeError
		switch {
		case errors.As(decodeErr, &all):
		case errors.As(decodeErr, &one):
			all = api.DecodeErrors{one}
		}
		for _, e := range all {
			if i, ok := sampleIndex(e.Path); ok {
				bySample[i] = append(bySample[i], e.Error())
			} else {
				requestLevel = append(requestLevel, e.Error())
			}
		}
		if len(all) == 0 {
			requestLevel = append(requestLevel, decodeErr.Error())
		}
		var lenient api.Request
		if json.Unmarshal(data, &lenient) != nil {
			p.violations(requestLevel)
			p.printf("</section>\n")
			return decodeErr
		}
		req = &lenient
	}
	for _, v := range api.Validate(req) {
		if i, ok := sampleIndex(v.Path); ok {
			bySample[i] = append(bySample[i], v.Path+": "+v.Reason)
		} else {
			requestLevel = append(requestLevel, v.String())
		}
	}
	if len(requestLevel) > 0 {
		p.violations(requestLevel)
	}
	for i := range req.Samples {
		if p.Full() {
			break
		}
		p.read++
		if len(bySample[i]) > 0 {
			p.bad++
		}
		p.sample(file, i, &req.Samples[i], bySample[i])
	}
	p.printf("</section>\n")
	return decodeErr
}

var samplePath = regexp.MustCompile(`^samples\[(\d+)\]`)

func sampleIndex(path string) (int, bool) {
	m := samplePath.FindStringSubmatch(path)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

func (p *Writer) violations(vs []string) {
	p.printf("<ul class=\"violations\">")
	for _, v := range vs {
		p.printf("<li>%s</li>", esc(v))
	}
	p.printf("</ul>\n")
}

var sampleTypeNames = map[api.SampleType]string{
	api.SampleImage: "image", api.SampleText: "text", api.SampleSpeech: "speech",
	api.SampleTable: "table", api.SampleVideo: "video", api.SampleCustom: "custom",
}

func (p *Writer) sample(file string, index int, s *api.Sample, violations []string) {
	p.shown++
	typ, ok := sampleTypeNames[s.SampleType]
	if !ok {
		typ = fmt.Sprintf("sample type %d", s.SampleType)
	}
	class := "sample"
	if len(violations) > 0 {
		class += " invalid"
	}
	name := s.Name
	if name == "" {
		name = fmt.Sprintf("(unnamed sample %d)", index)
	}
	p.printf("<article class=\"%s\" id=\"sample-%d\"><h3>%s <small>%s · samples[%d] · %s</small></h3>\n<div class=\"row\"><div class=\"view\">",
		class, p.shown, esc(name), esc(file), index, typ)
	if ds := s.DataSource; ds != nil && ds.DataPath != "" {
		p.printf("<p class=\"path\">%s</p>", esc(ds.DataPath))
	}
	switch s.SampleType {
	case api.SampleImage:
		p.image(s)
	case api.SampleText:
		p.text(s)
	case api.SampleSpeech:
		p.audio(s)
	default:
		p.tags(s, func(*api.SampleLabel) bool { return true })
	}
	p.printf("</div>")
	if len(violations) > 0 {
		p.violations(violations)
	}
	p.printf("</div></article>\n")
}

// tags writes the labels keep accepts as coloured tags.
func (p *Writer) tags(s *api.Sample, keep func(*api.SampleLabel) bool) {
	open := false
	for i := range s.Labels {
		l := &s.Labels[i]
		if !keep(l) {
			continue
		}
		if !open {
			p.printf("<p class=\"tags\">")
			open = true
		}
		c := hex(p.Colour(l.Name))
		p.printf("<span class=\"tag\" style=\"border-color:%s;color:%s\" title=\"%s\">%s</span> ", c, c, esc(l.Type.String()), esc(l.Name))
	}
	if open {
		p.printf("</p>")
	}
}

// An image is shown maxThumb CSS pixels wide at most and minThumb at least; in between at 1:1.
const (
	maxThumb = 480
	minThumb = 240
)

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (p *Writer) image(s *api.Sample) {
	w, h := 0, 0
	if size, ok := s.Metadata.Size(); ok && len(size) >= 2 && size[0] > 0 && size[1] > 0 {
		w, h = size[0], size[1]
	}
	mime := ""
	if s.Data != "" && base64Chars(s.Data) {
		head, _ := io.ReadAll(io.LimitReader(base64.NewDecoder(base64.StdEncoding, strings.NewReader(s.Data)), 512))
		mime = http.DetectContentType(head)
		if !strings.HasPrefix(mime, "image/") {
			mime = ""
		}
		if w == 0 {
			if size, err := imagefile.ReadSize(base64.NewDecoder(base64.StdEncoding, strings.NewReader(s.Data))); err == nil {
				w, h = size.Width, size.Height
			}
		}
	}
	var shapes []Shape
	var names []string
	var problems []string
	for i := range s.Labels {
		sh, ok, err := ShapeOf(&s.Labels[i])
		if !ok {
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("labels[%d] (%s) not drawn: %v", i, s.Labels[i].Name, err))
			continue
		}
		shapes = append(shapes, sh)
		names = append(names, s.Labels[i].Name)
	}
	note := ""
	if (w == 0 || h == 0) && len(shapes) == 0 && mime == "" {
		p.printf("<p class=\"note\">image size unknown and nothing to draw</p>")
		p.tags(s, func(l *api.SampleLabel) bool { return l.Property.Shape() == "" })
		return
	}
	if w == 0 || h == 0 {
		// Size unknown: a canvas just big enough for the shapes, so they are still seen.
		w, h = 1, 1
		for _, sh := range shapes {
			for _, pt := range sh.Points {
				w = max(w, int(pt[0]+sh.R)+1)
				h = max(h, int(pt[1]+sh.R)+1)
			}
		}
		note = "image size unknown: canvas fits the shapes"
	}
	dw, dh := float64(w), float64(h)
	if w > maxThumb {
		dw, dh = maxThumb, float64(h)*maxThumb/float64(w)
	} else if w < minThumb {
		dw, dh = minThumb, float64(h)*minThumb/float64(w)
	}
	unit := float64(w) / dw // one CSS pixel in image pixels
	p.printf("<svg class=\"image\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%s\" height=\"%s\">", w, h, num(dw), num(dh))
	if mime != "" {
		p.printf("<image x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" preserveAspectRatio=\"none\" href=\"data:%s;base64,", w, h, mime)
		if p.err == nil {
			_, p.err = p.w.WriteString(s.Data) // validated base64: nothing to escape
		}
		p.printf("\"/>")
	} else {
		p.printf("<rect class=\"blank\" width=\"%d\" height=\"%d\"/>", w, h)
	}
	for i, sh := range shapes {
		p.svgShape(sh, names[i], unit)
	}
	p.printf("</svg>")
	if note != "" {
		p.printf("<p class=\"note\">%s</p>", note)
	}
	if len(problems) > 0 {
		p.violations(problems)
	}
	p.tags(s, func(l *api.SampleLabel) bool { return l.Property.Shape() == "" })
	if p.opts.PNG != nil && p.err == nil {
		if err := p.writePNG(s); err != nil {
			p.printf("<p class=\"note\">no PNG: %s</p>", esc(err.Error()))
		}
	}
}

func (p *Writer) writePNG(s *api.Sample) error {
	base := SafeFileName(s.Name)
	name := base + ".png"
	for n := 2; p.pngs[name]; n++ {
		name = fmt.Sprintf("%s-%d.png", base, n)
	}
	p.pngs[name] = true
	f, err := p.opts.PNG.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	err = DrawPNG(f, s, p.Colour)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		p.opts.PNG.Remove(name) // it was created by this run
		return err
	}
	p.printf("<p class=\"path\">%s</p>", esc(name))
	return nil
}

func (p *Writer) svgShape(s Shape, name string, unit float64) {
	c := hex(p.Colour(name))
	title := "<title>" + esc(name) + "</title>"
	pts := func() string {
		var b strings.Builder
		for i, pt := range s.Points {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(num(pt[0]) + "," + num(pt[1]))
		}
		return b.String()
	}
	style := fmt.Sprintf("stroke=\"%s\" fill=\"%s\"", c, c)
	q := s.Points
	switch s.Kind {
	case api.ShapeBndbox:
		x, y := min(q[0][0], q[1][0]), min(q[0][1], q[1][1])
		p.printf("<rect class=\"shape\" %s x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\">%s</rect>", style, num(x), num(y),
			num(max(q[0][0], q[1][0])-x), num(max(q[0][1], q[1][1])-y), title)
	case api.ShapePolygon:
		p.printf("<polygon class=\"shape\" %s points=\"%s\">%s</polygon>", style, pts(), title)
	case api.ShapePolyline, api.ShapeLine:
		p.printf("<polyline class=\"shape open\" %s points=\"%s\">%s</polyline>", style, pts(), title)
	case api.ShapeDashed:
		p.printf("<polyline class=\"shape open dashed\" %s points=\"%s\">%s</polyline>", style, pts(), title)
	case api.ShapeCircle:
		p.printf("<circle class=\"shape\" %s cx=\"%s\" cy=\"%s\" r=\"%s\">%s</circle>", style, num(q[0][0]), num(q[0][1]), num(s.R), title)
	case api.ShapePoint:
		p.printf("<circle class=\"shape point\" %s cx=\"%s\" cy=\"%s\" r=\"%s\">%s</circle>", style, num(q[0][0]), num(q[0][1]), num(4*unit), title)
	}
}

func (p *Writer) text(s *api.Sample) {
	isEntity := func(l *api.SampleLabel) bool {
		return l.Type == api.LabelNamedEntity || l.Type == api.LabelTextTripletEntity
	}
	if s.Data == "" {
		p.printf("<p class=\"note\">text in OBS: not shown</p>")
		p.tags(s, func(*api.SampleLabel) bool { return true })
		return
	}
	text, err := sampleText(s)
	if err != nil {
		p.violations([]string{"text not shown: " + err.Error()})
		p.tags(s, func(*api.SampleLabel) bool { return true })
		return
	}
	runes := []rune(text)
	unitName := "code points"
	if p.opts.UTF16 {
		unitName = "UTF-16 units"
	}
	var entities []Entity
	var problems, notes []string
	byID := map[string]int{} // triplet entity id → entity index
	for i := range s.Labels {
		l := &s.Labels[i]
		if !isEntity(l) {
			continue
		}
		start, end, ok := l.Property.Span()
		if !ok {
			problems = append(problems, fmt.Sprintf("labels[%d] (%s) has no span", i, l.Name))
			continue
		}
		rs, re := start, end
		if p.opts.UTF16 {
			if rs, re, ok = utf16ToRunes(runes, start, end); !ok {
				problems = append(problems, fmt.Sprintf("labels[%d] (%s) %d..%d does not fall on characters of the %d-unit text", i, l.Name, start, end, utf16Len(runes)))
				continue
			}
		}
		if rs < 0 || re > len(runes) || rs >= re {
			problems = append(problems, fmt.Sprintf("labels[%d] (%s) %d..%d is outside the %d-character text (%s)", i, l.Name, start, end, len(runes), unitName))
			continue
		}
		if l.ID != "" {
			byID[l.ID] = len(entities)
		}
		entities = append(entities, Entity{Label: i, Name: l.Name, Start: rs, End: re})
	}
	// Past the BMP the two ways of counting disagree: say what the other one would mark, so
	// an exporter that counted UTF-16 units is caught.
	if n := pastBMP(runes); n > 0 && len(entities) > 0 {
		notes = append(notes, fmt.Sprintf("%d characters past the BMP: offsets are read as %s", n, unitName))
		for _, e := range entities {
			l := &s.Labels[e.Label]
			start, end, _ := l.Property.Span()
			var other string
			if p.opts.UTF16 {
				if start <= len(runes) && end <= len(runes) {
					other = string(runes[start:end])
				}
			} else if rs, re, ok := utf16ToRunes(runes, start, end); ok {
				other = string(runes[rs:re])
			}
			if other != string(runes[e.Start:e.End]) {
				alt := "UTF-16 units"
				if p.opts.UTF16 {
					alt = "code points"
				}
				notes = append(notes, fmt.Sprintf("%s %d..%d read as %s would be %q", l.Name, start, end, alt, other))
			}
		}
	}
	p.printf("<p class=\"text\">")
	for _, seg := range Segments(runes, entities) {
		if len(seg.Entities) == 0 {
			p.printf("%s", esc(seg.Text))
			continue
		}
		ids := make([]string, len(seg.Entities))
		names := make([]string, len(seg.Entities))
		for k, e := range seg.Entities {
			ids[k] = strconv.Itoa(entities[e].Label)
			names[k] = entities[e].Name
		}
		first := entities[seg.Entities[0]]
		c := p.Colour(first.Name)
		p.printf("<mark data-labels=\"%s\" style=\"background:rgba(%d,%d,%d,.3);border-bottom:2px solid %s\" title=\"%s\">%s</mark>",
			strings.Join(ids, " "), c.R, c.G, c.B, hex(c), esc(strings.Join(names, ", ")), esc(seg.Text))
	}
	p.printf("</p>")
	p.tags(s, func(l *api.SampleLabel) bool { return !isEntity(l) && l.Type != api.LabelTextTripletRelation })
	// Triplets: head —relation→ tail, by the entity labels' ids.
	first := true
	for i := range s.Labels {
		l := &s.Labels[i]
		if l.Type != api.LabelTextTripletRelation {
			continue
		}
		if first {
			p.printf("<ul class=\"triplets\">")
			first = false
		}
		from, _ := l.Property[api.PropFrom].(string)
		to, _ := l.Property[api.PropTo].(string)
		show := func(id string) string {
			if k, ok := byID[id]; ok {
				e := entities[k]
				return fmt.Sprintf("<b>%s</b> <small>%s</small>", esc(string(runes[e.Start:e.End])), esc(e.Name))
			}
			problems = append(problems, fmt.Sprintf("labels[%d] (%s) refers to entity id %q, which no entity label has", i, l.Name, id))
			return "<i>?" + esc(id) + "</i>"
		}
		c := hex(p.Colour(l.Name))
		p.printf("<li>%s <span style=\"color:%s\">—%s→</span> %s</li>", show(from), c, esc(l.Name), show(to))
	}
	if !first {
		p.printf("</ul>")
	}
	for _, n := range notes {
		p.printf("<p class=\"note\">%s</p>", esc(n))
	}
	if len(problems) > 0 {
		p.violations(problems)
	}
}

// parseTime reads hh:mm:ss.SSS (and, leniently, fewer fields) into seconds.
func parseTime(s string) (float64, bool) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 || s == "" {
		return 0, false
	}
	total := 0.0
	for _, part := range parts {
		v, err := strconv.ParseFloat(part, 64)
		if err != nil || v < 0 {
			return 0, false
		}
		total = total*60 + v
	}
	return total, true
}

func (p *Writer) audio(s *api.Sample) {
	if s.Data != "" && base64Chars(s.Data) {
		p.printf("<audio controls src=\"data:audio/wav;base64,")
		if p.err == nil {
			_, p.err = p.w.WriteString(s.Data)
		}
		p.printf("\"></audio>")
	}
	type segment struct {
		label      int
		start, end float64
	}
	var segs []segment
	var problems []string
	end := 0.0
	for i := range s.Labels {
		l := &s.Labels[i]
		st, ok1 := l.Property[api.PropStartTime].(string)
		et, ok2 := l.Property[api.PropEndTime].(string)
		if !ok1 && !ok2 {
			continue
		}
		a, okA := parseTime(st)
		b, okB := parseTime(et)
		if !okA || !okB || b < a {
			problems = append(problems, fmt.Sprintf("labels[%d] (%s): times %q..%q are not hh:mm:ss.SSS with start <= end", i, l.Name, st, et))
			continue
		}
		segs = append(segs, segment{i, a, b})
		end = max(end, b)
	}
	p.tags(s, func(l *api.SampleLabel) bool {
		_, timed := l.Property[api.PropStartTime]
		return !timed
	})
	if len(segs) > 0 && end > 0 {
		p.printf("<div class=\"timeline\" title=\"0 .. %s\">", esc(fmtSeconds(end)))
		for _, sg := range segs {
			l := &s.Labels[sg.label]
			c := p.Colour(l.Name)
			content, _ := l.Property[api.PropContent].(string)
			source, _ := l.Property[api.PropSource].(string)
			tip := fmt.Sprintf("%s %s–%s", l.Name, fmtSeconds(sg.start), fmtSeconds(sg.end))
			if source != "" {
				tip += " [" + source + "]"
			}
			if content != "" {
				tip += ": " + content
			}
			p.printf("<div class=\"seg\" style=\"left:%.3f%%;width:%.3f%%;background:%s\" title=\"%s\">%s</div>",
				100*sg.start/end, max(0.5, 100*(sg.end-sg.start)/end), hex(c), esc(tip), esc(tip))
		}
		p.printf("</div><p class=\"note\">time line 0 – %s</p>", esc(fmtSeconds(end)))
	}
	if len(problems) > 0 {
		p.violations(problems)
	}
}

func fmtSeconds(s float64) string {
	d := time.Duration(s * float64(time.Second)).Round(time.Millisecond)
	return fmt.Sprintf("%02d:%02d:%06.3f", int(d.Hours()), int(d.Minutes())%60, float64(d%time.Minute)/float64(time.Second))
}

// Close writes the legend (every label name with its colour and label count) and the end of
// the page, and returns the first write error.
func (p *Writer) Close() error {
	p.printf("<aside id=\"legend\"><h2>%d samples shown", p.shown)
	if p.bad > 0 {
		p.printf(", <span class=\"bad\">%d with violations</span>", p.bad)
	}
	p.printf("</h2><p>")
	for _, name := range p.colours.names {
		c := hex(p.Colour(name))
		p.printf("<span class=\"tag\" style=\"border-color:%s;color:%s\"><i style=\"background:%s\"></i>%s</span> ", c, c, c, esc(name))
	}
	p.printf("</p></aside>\n</body></html>\n")
	if p.err != nil {
		return p.err
	}
	return p.w.Flush()
}

// base64Chars reports whether s holds only the characters of standard base64, so it can go
// into an attribute as it is (a bad body's data might hold a quote).
func base64Chars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

func utf16Len(r []rune) int {
	n := 0
	for _, c := range r {
		n += utf16.RuneLen(c)
	}
	return n
}

// The page's style sheet: inline, no fonts or scripts from anywhere.
const pageHead = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>convert preview</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; media-src data:; style-src 'unsafe-inline'">
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0;padding:12px 20px;color:#222;background:#fff;display:flex;flex-direction:column}
#legend{order:-1;border-bottom:1px solid #ddd;margin-bottom:8px}
h2{font-size:16px;margin:10px 0 6px}h3{font-size:14px;margin:0 0 6px}h3 small{color:#777;font-weight:normal}
.file{margin:0}.sample{border:1px solid #ddd;border-radius:6px;padding:10px;margin:8px 0}
.sample.invalid{border-color:#d00}
.row{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.view{min-width:0}
svg.image{display:block;background:#fafafa}
.blank{fill:#eee}
.shape{stroke-width:2px;fill-opacity:.25;vector-effect:non-scaling-stroke}
.shape.open{fill:none}.shape.dashed{stroke-dasharray:6 4}.shape.point{fill-opacity:1}
.shape:hover{stroke-width:4px;fill-opacity:.4}
.violations{color:#d00;margin:0;padding-left:18px;max-width:560px}
.bad{color:#d00}
.note{color:#8a6d00;margin:4px 0}.path{color:#555;font-family:monospace;margin:4px 0}
.text{white-space:pre-wrap;max-width:760px;margin:0;font-size:15px}
mark{color:inherit;border-radius:2px}
.tag{display:inline-block;border:1px solid;border-radius:10px;padding:0 8px;margin:2px;font-size:12px}
.tag i{display:inline-block;width:9px;height:9px;margin-right:4px;border-radius:2px}
.timeline{position:relative;width:560px;height:26px;background:#f0f0f0;margin:6px 0;border-radius:3px}
.seg{position:absolute;top:3px;height:20px;border-radius:3px;overflow:hidden;white-space:nowrap;color:#fff;font-size:11px;padding:0 3px;box-sizing:border-box}
</style></head><body>
`

// Counts returns how many samples the page shows and how many of them have violations.
func (p *Writer) Counts() (shown, invalid int) { return p.shown, p.bad }
