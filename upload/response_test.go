package upload

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/modelarts-convert/convert/api"
)

var responseSeeds = []string{
	`{"success":true,"results":[{"success":true,"name":"a.jpg"},{"success":false,"name":"b.jpg","error_code":"ModelArts.4421","error_msg":"upload failed"}]}`,
	`{"success":false,"error_code":"ModelArts.4352","error_msg":"dataset not found"}`,
	"{ \"success\" : true ,\n\t\"results\" : [ ] }\r\n",
	`{"success":true,"results":[{"success":true,"name":"名字.jpg","info":"ok"}]}`,
	`{}`,
	`{"results":[{}]}`,
	`{"Success":true}`,                           // another case: json.Unmarshal
	`{"success":true,"success":false}`,           // repeated: json.Unmarshal
	`{"success":true,"request_id":"x"}`,          // unknown key: json.Unmarshal
	`{"results":[{"name":"a\"b"}]}`,              // escape: json.Unmarshal
	`{"results":[{"name":"a\u00e9"}]}`,           // escape: json.Unmarshal
	"{\"results\":[{\"name\":\"\xff\"}]}",        // invalid UTF-8: json.Unmarshal
	`{"results":null}`,                           // null: json.Unmarshal
	`{"success":1}`,                              // a number: json.Unmarshal's error
	`{"success":true}x`,                          // trailing data: json.Unmarshal's error
	`{"success":tru}`,                            //
	`{"results":[{"success":true,"name":"a"},]}`, // a trailing comma
	`[]`, `null`, `"x"`, ``, `{`,
}

// The scanner reads what json.Unmarshal reads, exactly, whenever it accepts a body.
func FuzzDecodeResponse(f *testing.F) {
	for _, s := range responseSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast api.Response
		if !fastResponse(data, &fast) {
			return
		}
		var want api.Response
		require.NoError(t, json.Unmarshal(data, &want), "the scanner accepted %q", data)
		assert.Equal(t, want, fast, "%q", data)
	})
}

// decodeResponse gives json.Unmarshal's result and error for every body, and the usual
// answers (as the service and the test endpoint give them) take the scanner.
func TestDecodeResponseIsJSONUnmarshal(t *testing.T) {
	for _, s := range responseSeeds {
		var got, want api.Response
		err := decodeResponse([]byte(s), &got)
		werr := json.Unmarshal([]byte(s), &want)
		assert.Equal(t, werr, err, "%q", s)
		if werr == nil {
			assert.Equal(t, want, got, "%q", s)
		}
	}
	var b strings.Builder
	b.WriteString(`{"success":false,"results":[`)
	for i := range 100 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"success":%t,"name":"img-%07d.jpg"`, i%7 != 0, i)
		if i%7 == 0 {
			b.WriteString(`,"error_code":"ModelArts.4421","error_msg":"upload failed"`)
		}
		b.WriteString("}")
	}
	b.WriteString("]}")
	var r api.Response
	require.True(t, fastResponse([]byte(b.String()), &r))
	require.Len(t, r.Results, 100)
	assert.Equal(t, api.UploadSampleResp{Name: "img-0000007.jpg", ErrorCode: "ModelArts.4421", ErrorMsg: "upload failed"}, r.Results[7])
	for i, s := range responseSeeds[:6] {
		assert.True(t, fastResponse([]byte(s), &r), "seed %d takes the scanner", i)
	}
}

func BenchmarkDecodeResponse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"success":true,"results":[`)
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"success":true,"name":"img-%07d.jpg"}`, i)
	}
	sb.WriteString("]}")
	data := []byte(sb.String())
	for _, bc := range []struct {
		name   string
		decode func([]byte, *api.Response) error
	}{
		{"scanner", decodeResponse},
		{"encoding-json", func(d []byte, r *api.Response) error { return json.Unmarshal(d, r) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var r api.Response
				if err := bc.decode(data, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
