package termprogress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestProgressSilentWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	assert.Nil(t, New(&buf), "a buffer is not a terminal")
	var p *Bar
	p.Clear() // a nil progress is a valid, silent one
	p.AddRecords(3)
	p.AddBytes(3)
	p.ReadBytes(3)
	p.CountRejected()
	assert.Empty(t, buf.String())
}

func TestProgressDraw(t *testing.T) {
	var buf bytes.Buffer
	start := time.Unix(1000, 0)
	p := &Bar{w: &buf, total: 100, n: 25, start: start}
	p.draw(start.Add(5 * time.Second))
	assert.Equal(t, "\r\033[K25/100 records (25%), 5/s, ETA 15s", buf.String())
	buf.Reset()
	p.Clear()
	assert.Equal(t, "\r\033[K", buf.String())

	buf.Reset()
	u := &Bar{w: &buf, n: 10, start: start}
	u.draw(start.Add(2 * time.Second))
	assert.True(t, strings.HasSuffix(buf.String(), "10 records, 5/s"), buf.String())
}

func TestProgressTotalFromImporter(t *testing.T) {
	var buf bytes.Buffer
	start := time.Unix(1000, 0)
	p := &Bar{w: &buf, start: start}
	p.AddRecords(40) // VOC tells its file count once listed
	p.n = 9
	p.CountRejected()
	p.draw(start.Add(2 * time.Second))
	assert.Equal(t, "\r\033[K10/40 records (25%), 5/s, ETA 6s", buf.String())
}

func TestProgressFromBytes(t *testing.T) {
	var buf bytes.Buffer
	start := time.Unix(1000, 0)
	p := &Bar{w: &buf, start: start}
	p.AddBytes(1000) // CoNLL, CSV and COCO tell their files' sizes and count what they read
	p.ReadBytes(250)
	p.n = 10
	p.draw(start.Add(5 * time.Second))
	assert.Equal(t, "\r\033[K10 records (25%), 2/s, ETA 15s", buf.String())

	buf.Reset()
	p.AddRecords(40) // bytes win over records: records vary in size
	p.draw(start.Add(5 * time.Second))
	assert.Equal(t, "\r\033[K10/40 records (25%), 2/s, ETA 15s", buf.String())
}
