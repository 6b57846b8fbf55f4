// Package uploadtest runs a local stand-in of ModelArts' Adding Samples in Batches endpoint
// (POST /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples) on loopback, for
// tests of code that uploads: this project's and its users'.
//
// The stand-in checks what the service checks: the SDK-HMAC-SHA256 signature (with the
// clock window of about 15 minutes) or the X-Auth-Token, X-Project-Id, the body size (12 MB,
// HTTP 413 ModelArts.4104) and the body itself with api.Validate. It answers like the
// service: HTTP 200 with one result per sample, error bodies {"error_code","error_msg"} with
// an X-Request-Id. It remembers the samples it stored and answers ModelArts.4422 ("already
// exists") when a name comes again. On demand it injects faults: any status (5xx, 429 with
// Retry-After, 413...), redirects, stalls, per-sample failures, samples already in the
// dataset (Preload), and answers a hostile or broken endpoint would give: any body ({},
// null, [], text, echoed secrets), results edited after the samples were stored (reordered,
// renamed, left out), answers larger than the client reads. Counters tell a test how many
// requests came, how each was answered and how often each sample arrived.
//
// The codes the service leaves undocumented are the stand-in's own: a body that does not
// parse or validate gets HTTP 400 ModelArts.0103.
package uploadtest

import (
	"bytes"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/upload"
)

// Defaults for Options' zero fields.
const (
	DefaultProjectID = "0123456789abcdef0123456789abcdef"
	DefaultDatasetID = "dataset-1"
	DefaultAK        = "UPLOADTEST-AK"
	DefaultSK        = "uploadtest-secret-key"
	DefaultMaxBody   = api.MaxRequestBytes // bodies of this many bytes or more are refused
	ClockSkew        = 15 * time.Minute    // signatures dated further off are refused
	CodeInvalid      = "ModelArts.0103"    // the stand-in's code for a body that does not parse or validate
)

// Options configure a Server. The zero value accepts DefaultAK/DefaultSK for
// DefaultProjectID/DefaultDatasetID.
type Options struct {
	ProjectID, DatasetID string
	// AK/SK credentials the server accepts; both empty (and Token empty) means the defaults.
	AK, SK string
	// SecurityToken, when set, must come as X-Security-Token (signed) with the AK/SK.
	SecurityToken string
	// Token, when set, is accepted as X-Auth-Token.
	Token   string
	MaxBody int // 0 means DefaultMaxBody
	// ResultPrefix is put before each sample's name in the results (the service answers
	// with the stored path, such as "/bucket/dataset/"); "" answers with the name.
	ResultPrefix string
	Now          func() time.Time // the service's clock; nil means time.Now
	// Addr is the loopback address to listen on ("127.0.0.1:18080"); "" picks a free port.
	Addr string
}

// Fault is what one request gets instead of a normal answer.
type Fault struct {
	Status     int    // answer with this status (and an error body); 0 answers normally after Stall
	Code       string // error_code; "" picks ModelArts.4206 for 429, ModelArts.4104 for 413
	Message    string // error_msg; "" means the status text
	RetryAfter string // Retry-After header, in seconds ("2") or as an HTTP-date
	// Stall holds the request this long before answering, or, when negative, until the
	// client gives up (the request is then never processed).
	Stall time.Duration

	Location  string // Location header (with a 3xx Status: a redirect)
	RequestID string // X-Request-Id header instead of a generated one

	// Body, when set, is the whole answer (with Status, 200 when 0) instead of a normal
	// answer or an error body; with Process the request is processed (its samples stored)
	// first, as if the service stored them and then answered badly.
	Body    string
	Process bool
	// Edit, when set, changes the normal answer to a valid request (after its samples were
	// stored): reorder, rename or drop results, echo things back.
	Edit func(*api.Response)
	// Pad makes a normal answer at least this many bytes long (trailing spaces).
	Pad int
}

// Server is a running stand-in. Close it when done.
type Server struct {
	// URL is the endpoint to give a client (http://127.0.0.1:PORT).
	URL  string
	opts Options
	srv  *httptest.Server
	quit chan struct{}

	mu          sync.Mutex
	faults      []Fault
	sampleFault map[string]*sampleFault
	stored      map[string]bool
	received    map[string]int
	requests    int
	statuses    map[int]int
	waiting     int
	last        http.Header
}

type sampleFault struct {
	code, msg string
	left      int // <= 0: always
}

// New starts a server on loopback. It panics when Options.Addr cannot be listened on.
func New(opts Options) *Server {
	if opts.ProjectID == "" {
		opts.ProjectID = DefaultProjectID
	}
	if opts.DatasetID == "" {
		opts.DatasetID = DefaultDatasetID
	}
	if opts.AK == "" && opts.SK == "" && opts.Token == "" {
		opts.AK, opts.SK = DefaultAK, DefaultSK
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, quit: make(chan struct{}), sampleFault: map[string]*sampleFault{},
		stored: map[string]bool{}, received: map[string]int{}, statuses: map[int]int{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	if opts.Addr != "" {
		l, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			panic(fmt.Sprintf("uploadtest: listening on %s: %v", opts.Addr, err))
		}
		s.srv.Listener.Close()
		s.srv.Listener = l
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close stops the server, releasing stalled requests.
func (s *Server) Close() {
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.srv.Close()
}

// ProjectID and DatasetID are the ones the server serves.
func (s *Server) ProjectID() string { return s.opts.ProjectID }

// DatasetID is the dataset the server serves.
func (s *Server) DatasetID() string { return s.opts.DatasetID }

// Client returns an upload.Client for this server with the server's credentials (AK/SK
// when it has them, else its token) and backoffs of a millisecond, so that retries in
// tests are quick.
func (s *Server) Client() *upload.Client {
	var auth upload.Auth = upload.Token{Value: upload.Secret(s.opts.Token)}
	if s.opts.AK != "" {
		auth = upload.Signer{AK: s.opts.AK, SK: upload.Secret(s.opts.SK), SecurityToken: upload.Secret(s.opts.SecurityToken)}
	}
	return &upload.Client{Endpoint: s.URL, ProjectID: s.opts.ProjectID, DatasetID: s.opts.DatasetID, Auth: auth,
		MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}
}

// Inject queues faults: the next len(faults) requests get them, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// FailSample makes the sample called name fail (success:false with code and message in an
// HTTP 200) the next times it arrives; times <= 0 means always.
func (s *Server) FailSample(name, code, message string, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sampleFault[name] = &sampleFault{code: code, msg: message, left: times}
}

// Preload stores samples by key, as if another upload had put them in the dataset: sent
// again, they are answered ModelArts.4422.
func (s *Server) Preload(keys ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.stored[k] = true
	}
}

// Requests is how many requests arrived.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Answered is how many requests were answered with status.
func (s *Server) Answered(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statuses[status]
}

// Waiting is how many requests are stalled right now.
func (s *Server) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Samples lists the stored samples by key (upload.SampleKey), sorted.
func (s *Server) Samples() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.stored))
	for k := range s.stored {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Received is how many times the sample known by key arrived in a request that was
// authenticated and valid, whatever the answer.
func (s *Server) Received(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[key]
}

// LastHeader is a copy of the headers of the last request that was authenticated.
func (s *Server) LastHeader() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last.Clone()
}

var requestIDs struct {
	sync.Mutex
	n int
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	requestIDs.Lock()
	requestIDs.n++
	w.Header().Set(upload.HeaderRequestID, fmt.Sprintf("uploadtest-%06d", requestIDs.n))
	requestIDs.Unlock()

	s.mu.Lock()
	s.requests++
	var f *Fault
	if len(s.faults) > 0 {
		f = &s.faults[0]
		s.faults = s.faults[1:]
	}
	s.mu.Unlock()

	if f != nil && f.Stall != 0 {
		if !s.stall(r, f.Stall) {
			panic(http.ErrAbortHandler) // drop the connection without an answer
		}
	}
	if f != nil && f.Location != "" {
		w.Header().Set("Location", f.Location)
	}
	if f != nil && f.RequestID != "" {
		w.Header().Set(upload.HeaderRequestID, f.RequestID)
	}
	if f != nil && f.Body != "" {
		if f.Process {
			s.handle(r)
		}
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		s.answerRaw(w, status, []byte(f.Body))
		return
	}
	if f != nil && f.Status != 0 {
		code := f.Code
		if code == "" {
			switch f.Status {
			case http.StatusTooManyRequests:
				code = "ModelArts.4206"
			case http.StatusRequestEntityTooLarge:
				code = upload.CodeBodyTooLarge
			}
		}
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		s.fail(w, f.Status, code, f.Message)
		return
	}
	status, v := s.handle(r)
	if resp, ok := v.(*api.Response); ok && f != nil && f.Edit != nil {
		f.Edit(resp)
	}
	b, _ := json.Marshal(v)
	if f != nil && len(b) < f.Pad {
		b = append(b, bytes.Repeat([]byte(" "), f.Pad-len(b))...)
	}
	s.answerRaw(w, status, b)
}

// stall holds r; false means the client gave up (or the server closed) and r is dropped.
func (s *Server) stall(r *http.Request, d time.Duration) bool {
	s.mu.Lock()
	s.waiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
	}()
	if d > 0 {
		// Processed when the stall ends even if the client left meanwhile, as a real
		// service would.
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true
		case <-s.quit:
			return false
		}
	}
	select {
	case <-r.Context().Done():
	case <-s.quit:
	}
	return false
}

// handle processes a request and returns the answer: its status and a body to encode.
func (s *Server) handle(r *http.Request) (int, any) {
	o := &s.opts
	want := "/v2/" + o.ProjectID + "/datasets/" + o.DatasetID + "/data-annotations/samples"
	if r.Method != http.MethodPost {
		return failure(http.StatusMethodNotAllowed, "", "only POST")
	}
	if r.URL.Path != want {
		if strings.HasPrefix(r.URL.Path, "/v2/"+o.ProjectID+"/datasets/") && strings.HasSuffix(r.URL.Path, "/data-annotations/samples") {
			return failure(http.StatusNotFound, upload.CodeDatasetNotFound, "the dataset does not exist")
		}
		return failure(http.StatusNotFound, "APIGW.0101", "the API does not exist or has not been published")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(o.MaxBody)+1))
	if err != nil {
		return failure(http.StatusBadRequest, CodeInvalid, "reading the body: "+err.Error())
	}
	if len(body) >= o.MaxBody {
		io.Copy(io.Discard, r.Body)
		return failure(http.StatusRequestEntityTooLarge, upload.CodeBodyTooLarge, fmt.Sprintf("the request body must be under %d bytes", o.MaxBody))
	}
	if code, msg := s.authenticate(r, body); code != "" {
		return failure(http.StatusUnauthorized, code, msg)
	}
	s.mu.Lock()
	s.last = r.Header.Clone()
	s.mu.Unlock()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return failure(http.StatusBadRequest, CodeInvalid, fmt.Sprintf("Content-Type is %q; must be application/json", ct))
	}
	if got := r.Header.Get(upload.HeaderProjectID); got != o.ProjectID {
		return failure(http.StatusBadRequest, CodeInvalid, fmt.Sprintf("X-Project-Id is %q; must be the project of the path", got))
	}
	var req api.Request
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil {
		return failure(http.StatusBadRequest, CodeInvalid, "the body is not a request: "+err.Error())
	}
	if vs := api.Validate(&req); len(vs) > 0 {
		return failure(http.StatusBadRequest, CodeInvalid, vs.Error())
	}
	resp := api.Response{Success: true, Results: make([]api.UploadSampleResp, len(req.Samples))}
	s.mu.Lock()
	for i := range req.Samples {
		key := upload.SampleKey(&req.Samples[i])
		s.received[key]++
		res := &resp.Results[i]
		res.Name = o.ResultPrefix + key
		if f := s.sampleFault[key]; f != nil {
			res.ErrorCode, res.ErrorMsg = f.code, f.msg
			if f.left--; f.left == 0 {
				delete(s.sampleFault, key)
			}
		} else if s.stored[key] {
			res.ErrorCode, res.ErrorMsg = upload.CodeExists, "the sample already exists"
		} else {
			s.stored[key] = true
			res.Success = true
			res.Info = upload.BodyHash([]byte(key))[:32]
		}
		if !res.Success {
			resp.Success = false
		}
	}
	s.mu.Unlock()
	return http.StatusOK, &resp
}

// authenticate returns the error code and message of a 401, or "".
func (s *Server) authenticate(r *http.Request, body []byte) (code, msg string) {
	o := &s.opts
	if tok := r.Header.Get(upload.HeaderAuthToken); tok != "" || r.Header.Get("Authorization") == "" {
		if o.Token != "" && hmac.Equal([]byte(tok), []byte(o.Token)) {
			return "", ""
		}
		return "ModelArts.0203", "the token is invalid or expired"
	}
	const sigFail = "Incorrect IAM authentication information: verify aksk signature fail"
	if o.AK == "" {
		return upload.CodeSignatureFailed, sigFail
	}
	ak, signed, sig, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok || ak != o.AK || !slices.Contains(signed, "x-sdk-date") {
		return upload.CodeSignatureFailed, sigFail
	}
	date, err := time.Parse(upload.DateFormat, r.Header.Get(upload.HeaderDate))
	if err != nil {
		return upload.CodeSignatureFailed, sigFail
	}
	if d := o.Now().Sub(date); d > ClockSkew || d < -ClockSkew {
		return upload.CodeSignatureFailed, sigFail
	}
	if o.SecurityToken != "" && (r.Header.Get(upload.HeaderSecurityToken) != o.SecurityToken || !slices.Contains(signed, "x-security-token")) {
		return upload.CodeSignatureFailed, sigFail
	}
	want := upload.Signature(upload.Secret(o.SK), r, signed, upload.BodyHash(body))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return upload.CodeSignatureFailed, sigFail
	}
	return "", ""
}

// parseAuthorization splits "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (ak string, signed []string, sig string, ok bool) {
	rest, found := strings.CutPrefix(h, upload.Algorithm+" ")
	if !found {
		return "", nil, "", false
	}
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		switch k {
		case "Access":
			ak = v
		case "SignedHeaders":
			signed = strings.Split(v, ";")
		case "Signature":
			sig = v
		}
	}
	return ak, signed, sig, ak != "" && len(signed) > 0 && sig != ""
}

func failure(status int, code, msg string) (int, any) {
	if msg == "" {
		msg = http.StatusText(status)
	}
	return status, map[string]string{"error_code": code, "error_msg": msg}
}

func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	status, v := failure(status, code, msg)
	b, _ := json.Marshal(v)
	s.answerRaw(w, status, b)
}

func (s *Server) answerRaw(w http.ResponseWriter, status int, b []byte) {
	s.mu.Lock()
	s.statuses[status]++
	s.mu.Unlock()
	ct := "application/json"
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] != '{' && t[0] != '[' && string(t) != "null" {
		ct = "text/plain; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	w.Write(b)
}
