package preview

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite ../docs/preview.png, the README's screenshot, from the browser test's run")

const chromium = "/usr/bin/chromium"

// demoBodies is the page the browser renders: a synthetic magenta image with a bndbox and a
// polygon the test measures (and more shapes, for the screenshot), a text with entities past
// the BMP, a triplet, an audio time line and an invalid sample.
func demoBodies(t testing.TB) []string {
	img := pngB64(t, 320, 240, magenta)
	return []string{
		`{"samples":[{"name":"synthetic.png","sample_type":0,"data":"` + img + `","metadata":{"@modelarts:size":[320,240,3]},"labels":[
			{"name":"car","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[40,30],[200,150]]}},
			{"name":"road","type":1,"property":{"@modelarts:shape":"polygon","@modelarts:feature":[[220,60],[300,60],[300,200],[220,200]]}},
			{"name":"wheel","type":1,"property":{"@modelarts:shape":"circle","@modelarts:feature":[[80,200],[20]]}},
			{"name":"lane","type":1,"property":{"@modelarts:shape":"dashed","@modelarts:feature":[[130,230],[310,225]]}},
			{"name":"lamp","type":1,"property":{"@modelarts:shape":"point","@modelarts:feature":[[160,190]]}}]},
		 {"name":"street.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/street.jpg"},"metadata":{"@modelarts:size":[1280,720]},"labels":[
			{"name":"car","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[100,300],[500,600]]}},
			{"name":"lane","type":1,"property":{"@modelarts:shape":"polyline","@modelarts:feature":[[0,700],[640,420],[1280,700]]}}]},
		 {"name":"broken.jpg","sample_type":0,"data_source":{"data_path":"obs://bucket/broken.jpg"},"labels":[
			{"name":"car","type":1,"property":{"@modelarts:shape":"bndbox","@modelarts:feature":[[300,200],[100,50]]}}]}]}`,
		`{"samples":[{"name":"news-1","sample_type":1,"data":"` + b64("😀 Angela Merkel met Emmanuel Macron in Paris 🎉") + `","labels":[
			{"name":"PER","type":103,"id":"a","property":{"@modelarts:start_index":2,"@modelarts:end_index":15}},
			{"name":"PER","type":103,"id":"b","property":{"@modelarts:start_index":20,"@modelarts:end_index":35}},
			{"name":"LOC","type":101,"property":{"@modelarts:start_index":39,"@modelarts:end_index":44}},
			{"name":"meets","type":102,"property":{"@modelarts:from":"a","@modelarts:to":"b"}},
			{"name":"politics","type":100}]},
		 {"name":"call.wav","sample_type":2,"data_source":{"data_path":"obs://bucket/call.wav"},"labels":[
			{"name":"agent","type":202,"property":{"@modelarts:content":"Hello, how can I help?","@modelarts:start_time":"00:00:00.500","@modelarts:end_time":"00:00:02.000"}},
			{"name":"caller","type":202,"property":{"@modelarts:content":"My order is late.","@modelarts:start_time":"00:00:02.300","@modelarts:end_time":"00:00:04.000"}},
			{"name":"complaint","type":200}]}]}`,
	}
}

var magenta = color.RGBA{255, 0, 255, 255}

// TestBrowserDrawsShapesWhereTheLabelsSay renders the page in headless Chromium and reads the
// screenshot's pixels: a bndbox's corners have its label's colour, a polygon's interior its
// translucent fill, and a pixel outside every shape the image's own colour.
func TestBrowserDrawsShapesWhereTheLabelsSay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser: not with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; .ci/run installs it (apt-get install chromium)", chromium)
		}
		t.Skipf("%s is missing: install chromium to run the browser test", chromium)
	}
	dir := t.TempDir()
	var page bytes.Buffer
	w := NewWriter(&page, Options{})
	for i, body := range demoBodies(t) {
		_ = w.AddBody(fmt.Sprintf("part-%06d.json", i+1), []byte(body))
	}
	require.NoError(t, w.Close())
	index := filepath.Join(dir, "index.html")
	require.NoError(t, os.WriteFile(index, page.Bytes(), 0o644))
	shot := filepath.Join(dir, "shot.png")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hung browser must not hang the suite
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--force-device-scale-factor=1", "--hide-scrollbars",
		"--screenshot="+shot, "--window-size=1000,1720", "file://"+index)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	f, err := os.Open(shot)
	require.NoError(t, err, "%s", out)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)

	// Find the synthetic image: the bounding box of its pure magenta pixels.
	box := image.Rectangle{Min: image.Pt(1<<30, 1<<30)}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if near(rgba(img.At(x, y)), magenta, 8) {
				box.Min.X, box.Min.Y = min(box.Min.X, x), min(box.Min.Y, y)
				box.Max.X, box.Max.Y = max(box.Max.X, x+1), max(box.Max.Y, y+1)
			}
		}
	}
	require.False(t, box.Empty(), "the synthetic image is not on the screenshot")
	require.InDelta(t, 320, box.Dx(), 2, "shown at 1:1")
	require.InDelta(t, 240, box.Dy(), 2, "shown at 1:1")
	at := func(x, y int) color.RGBA { return rgba(img.At(box.Min.X+x, box.Min.Y+y)) }

	car, road := w.Colour("car"), w.Colour("road")
	for _, c := range []image.Point{{40, 30}, {200, 30}, {40, 150}, {200, 150}} {
		require.True(t, near(at(c.X, c.Y), car, 40), "bndbox corner %v is %v, want %v", c, at(c.X, c.Y), car)
	}
	fill := blend(road, magenta, 0.25)
	for _, c := range []image.Point{{260, 130}, {230, 70}, {290, 190}} {
		require.True(t, near(at(c.X, c.Y), fill, 30), "polygon interior %v is %v, want %v", c, at(c.X, c.Y), fill)
	}
	require.True(t, near(at(120, 90), blend(car, magenta, 0.25), 30), "bndbox interior is %v", at(120, 90))
	for _, c := range []image.Point{{10, 10}, {210, 20}, {310, 20}} {
		require.True(t, near(at(c.X, c.Y), magenta, 8), "outside every shape %v is %v", c, at(c.X, c.Y))
	}
	if *update {
		data, err := os.ReadFile(shot)
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll("../docs", 0o755))
		require.NoError(t, os.WriteFile("../docs/preview.png", data, 0o644))
	}
}

func rgba(c color.Color) color.RGBA { return color.RGBAModel.Convert(c).(color.RGBA) }

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

func blend(top, under color.RGBA, alpha float64) color.RGBA {
	mix := func(a, b uint8) uint8 { return uint8(alpha*float64(a) + (1-alpha)*float64(b) + 0.5) }
	return color.RGBA{mix(top.R, under.R), mix(top.G, under.G), mix(top.B, under.B), 255}
}
