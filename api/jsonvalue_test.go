package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference decodes the way parseObject must: encoding/json with UseNumber.
func reference(b []byte) (map[string]any, error) {
	if !json.Valid(b) {
		return nil, fmt.Errorf("not valid JSON")
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func TestParseObject(t *testing.T) {
	for _, in := range []string{
		`{}`,
		`{"@modelarts:feature":[[100,45.70000076293945],[120.0,200]],"@modelarts:shape":"bndbox"}`,
		`{"color":"yellow","n":-0.5e-3,"ok":true,"no":false,"nil":null,"nested":{"a":[1,{"b":[]}]}}`,
		`{"esc":"a\"b\\c\/d\u00e9\ud83d\ude00\n","中文":"值"}`,
		" { \"a\" : [ 1 , 2 ] , \"b\" : \"x\" } ",
		"{\"bad utf8\":\"\xff\"}",
	} {
		want, err := reference([]byte(in))
		require.NoError(t, err, in)
		got, err := parseObject([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	got, err := parseObject([]byte("null"))
	require.NoError(t, err)
	assert.Nil(t, got)
	for _, bad := range []string{``, `[1]`, `{"a":}`, `{"a":1,}`, `{"a" 1}`, `{"a":01}`, `{"a":tru}`, `{"a":"x}`, `{"a":1} x`, "{\"a\":\"\x01\"}", `{"dup":1,"dup":2}`, `{"a":{"b":1,"b":1}}`, `{"k":1,"\u006b":2}`} {
		_, err := parseObject([]byte(bad))
		assert.Error(t, err, bad)
	}
}

// FuzzParseObject: parseObject agrees with encoding/json on every object encoding/json reads.
func FuzzParseObject(f *testing.F) {
	f.Add([]byte(`{"@modelarts:feature":[[1,2.5],[3,4]],"k":"v\u00e9"}`))
	f.Add([]byte(`{"a":{"b":[null,true,false,-1e10]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		want, err := reference(b)
		if err != nil || want == nil {
			return
		}
		got, err := parseObject(b)
		if s := (dupScanner{data: b}); true {
			s.valueAt("", true, 0)
			if len(s.found) > 0 {
				if err == nil {
					t.Fatalf("%q repeats a key; parseObject reads it", b)
				}
				return
			}
		}
		if err != nil {
			t.Fatalf("encoding/json reads %q, parseObject fails: %v", b, err)
		}
		if !assert.ObjectsAreEqual(want, got) {
			t.Fatalf("%q: got %v, want %v", b, got, want)
		}
	})
}
