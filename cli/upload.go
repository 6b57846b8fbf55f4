package main

// The uploader's commands: -upload on every format command streams the importer's samples
// to the endpoint, and `convert upload PATH...` sends request bodies written earlier.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/upload"
)

// Environment variables the uploader reads.
const (
	envAK            = "HUAWEICLOUD_SDK_AK"
	envSK            = "HUAWEICLOUD_SDK_SK"
	envSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
	envProjectID     = "HUAWEICLOUD_SDK_PROJECT_ID"
	envAuthToken     = "HUAWEICLOUD_SDK_AUTH_TOKEN" // this tool's own; the platform's SDKs do not read it
)

const uploadHelp = `Sends request bodies to POST /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples:
files, or the *.json directly in folders written with -o ("-" reads one body from standard
input). The samples are re-batched with the -batch and -max-body rules of the writer. The
same flags upload straight from an importer: convert <format> -upload [flags] INPUT...

Credentials, first found wins:
  -token-file FILE                          an IAM token, sent as X-Auth-Token
  $HUAWEICLOUD_SDK_AK, $HUAWEICLOUD_SDK_SK  an access key, SDK-HMAC-SHA256 signatures
                                            ($HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary keys)
  $HUAWEICLOUD_SDK_AUTH_TOKEN               an IAM token
Secrets never appear in output, error messages or the journal.

Resume: each acknowledged batch is recorded (fsynced) in a journal, by default
upload-DATASET.journal beside the inputs (in the -o folder with -upload). Rerunning the same
command after a failure, Ctrl-C or kill -9 sends only what the endpoint did not acknowledge,
including the samples it refused and those whose outcome the endpoint's answer left unknown.

Already there (ModelArts.4422): done for a sample this journal sent before (a request that
may have landed before a crash or timeout); for any other sample it is a conflict, another
sample of that name is in the dataset: reported, recorded as refused, exit 1. Use
-name-prefix (on the format command) to keep both, or -existing skip to count them as done.

Redirects are never followed (the body and credentials would go wherever they point): a 3xx
stops the run. -endpoint is scheme and host only.

Exit status: 0 every sample acknowledged; 1 samples rejected or refused, or the run stopped;
2 usage error; 130 interrupted.`

// uploadFlags are the uploader's flags, on a format command (behind -upload) or on
// `convert upload`.
type uploadFlags struct {
	fs        *flag.FlagSet
	on        bool // -upload
	verb      bool // `convert upload`: always on
	endpoint  string
	region    string
	projectID string
	datasetID string
	conc      int
	timeout   time.Duration
	retries   int
	journal   string
	dryRun    bool
	tokenFile string
	existing  string

	client *upload.Client // built by check
}

// minBackoff is the first wait before a retry; tests shorten it.
var minBackoff = upload.DefaultMinBackoff

// uploadOnly are the flags that mean nothing without -upload.
var uploadOnly = []string{"endpoint", "region", "project-id", "dataset-id", "concurrency", "timeout", "retries", "journal", "dry-run", "token-file", "existing"}

func addUploadFlags(fs *flag.FlagSet, withSwitch bool) *uploadFlags {
	u := &uploadFlags{fs: fs, verb: !withSwitch}
	if withSwitch {
		fs.BoolVar(&u.on, "upload", false, "send the samples to the endpoint instead of writing files (see `convert help upload`)")
	}
	fs.StringVar(&u.endpoint, "endpoint", "", "endpoint `URL` (default https://modelarts.REGION.myhuaweicloud.com from -region)")
	fs.StringVar(&u.region, "region", "", "Huawei Cloud `REGION` of the dataset, such as cn-north-4 (ap-southeast-1 is on myhuaweicloud.cn)")
	fs.StringVar(&u.projectID, "project-id", "", "project `ID` (default $"+envProjectID+")")
	fs.StringVar(&u.datasetID, "dataset-id", "", "`ID` of the dataset to add the samples to")
	fs.IntVar(&u.conc, "concurrency", upload.DefaultConcurrency, "send up to `N` requests at once")
	fs.DurationVar(&u.timeout, "timeout", upload.DefaultTimeout, "give each attempt of a request at most `DURATION`")
	fs.IntVar(&u.retries, "retries", upload.DefaultRetries, "retry a request up to `N` times after transport errors, timeouts, HTTP 429 and 5xx")
	fs.StringVar(&u.journal, "journal", "", "`FILE` recording what the endpoint acknowledged, for resuming (default upload-DATASET.journal beside the inputs, or in the -o folder)")
	fs.BoolVar(&u.dryRun, "dry-run", false, "build, validate and sign every request but send nothing")
	fs.StringVar(&u.tokenFile, "token-file", "", "read an IAM token from `FILE` (sent as X-Auth-Token) instead of signing with $"+envAK+"/$"+envSK)
	fs.StringVar(&u.existing, "existing", "fail", "what ModelArts.4422 (already exists) means for a sample this journal never sent: fail (a conflict: refused, exit 1) or skip (counted as done)")
	return u
}

func (u *uploadFlags) enabled() bool { return u.on || u.verb }

// check validates the flags and the credentials and builds the client; its errors are
// usage errors (exit 2).
func (u *uploadFlags) check() error {
	if !u.enabled() {
		var given []string
		u.fs.Visit(func(f *flag.Flag) {
			if slices.Contains(uploadOnly, f.Name) {
				given = append(given, "-"+f.Name)
			}
		})
		if len(given) > 0 {
			return usagef("%s only apply with -upload", strings.Join(given, ", "))
		}
		return nil
	}
	endpoint, err := u.endpointURL()
	if err != nil {
		return err
	}
	project := u.projectID
	if project == "" {
		project = os.Getenv(envProjectID)
	}
	switch {
	case project == "":
		return usagef("no project: give -project-id or set $%s", envProjectID)
	case u.datasetID == "":
		return usagef("no dataset: give -dataset-id")
	case u.conc < 1 || u.conc > 64:
		return usagef("-concurrency must be 1..64")
	case u.timeout <= 0:
		return usagef("-timeout must be positive")
	case u.retries < 0:
		return usagef("-retries must be 0 or more")
	case u.existing != "fail" && u.existing != "skip":
		return usagef("-existing must be fail or skip")
	case strings.HasSuffix(strings.ToLower(u.journal), ".json"):
		return usagef("-journal %s: a journal must not be named *.json (it would be read as a request body)", u.journal)
	}
	auth, err := u.auth()
	if err != nil {
		return err
	}
	retries := u.retries
	if retries == 0 {
		retries = -1 // the client reads 0 as its default
	}
	u.client = &upload.Client{Endpoint: endpoint, ProjectID: project, DatasetID: u.datasetID, Auth: auth,
		UserAgent: "convert/" + version, Timeout: u.timeout, Retries: retries, MinBackoff: minBackoff}
	return nil
}

// endpointURL is -endpoint, or the region's endpoint. It is a scheme and a host only: a
// path, query, fragment or user info is refused (the request path is built, and a fragment
// or query would be silently dropped or misplaced). Plain http is refused except on
// loopback, so that credentials never cross a network in the clear.
func (u *uploadFlags) endpointURL() (string, error) {
	if u.endpoint == "" {
		if u.region == "" {
			return "", usagef("no endpoint: give -region (or -endpoint)")
		}
		return upload.RegionEndpoint(u.region), nil
	}
	e, err := url.Parse(u.endpoint)
	if err != nil || e.Host == "" {
		return "", usagef("-endpoint %q: must be an https://host URL", u.endpoint)
	}
	if e.User != nil {
		// Not quoted: the user info may hold a password.
		return "", usagef("-endpoint: must not carry user info (user@ or user:password@); credentials come from the environment or -token-file")
	}
	if why := upload.CheckEndpoint(u.endpoint); why != "" {
		return "", usagef("-endpoint %q: %s", u.endpoint, why)
	}
	switch e.Scheme {
	case "https":
	case "http":
		if ip := net.ParseIP(e.Hostname()); e.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "", usagef("-endpoint %q: plain http is only allowed on loopback; use https", u.endpoint)
		}
	default:
		return "", usagef("-endpoint %q: must be an https://host URL", u.endpoint)
	}
	return strings.TrimRight(u.endpoint, "/"), nil
}

// auth picks the credentials: -token-file, then AK/SK, then the token variable.
func (u *uploadFlags) auth() (upload.Auth, error) {
	if u.tokenFile != "" {
		tok, err := readTokenFile(u.tokenFile)
		if err != nil {
			return nil, err
		}
		return upload.Token{Value: upload.Secret(tok)}, nil
	}
	ak, sk := os.Getenv(envAK), os.Getenv(envSK)
	for _, v := range []string{envAK, envSK, envSecurityToken, envAuthToken} {
		val := os.Getenv(v)
		if v == envAuthToken {
			val = strings.TrimSpace(val) // trimmed before use
		}
		if hasControl(val) {
			return nil, usagef("$%s holds a control character (a newline, a tab...): it cannot be sent in a header", v)
		}
	}
	switch {
	case ak != "" && sk != "":
		return upload.Signer{AK: ak, SK: upload.Secret(sk), SecurityToken: upload.Secret(os.Getenv(envSecurityToken))}, nil
	case ak != "" || sk != "":
		return nil, usagef("$%s and $%s must both be set", envAK, envSK)
	case os.Getenv(envAuthToken) != "":
		return upload.Token{Value: upload.Secret(strings.TrimSpace(os.Getenv(envAuthToken)))}, nil
	}
	return nil, usagef("no credentials: set $%s and $%s (an access key), or give -token-file FILE or set $%s (an IAM token)",
		envAK, envSK, envAuthToken)
}

// maxTokenFile is the largest -token-file read: IAM tokens are a few KiB.
const maxTokenFile = 64 << 10

// readTokenFile reads an IAM token: a regular file (not a device or pipe that never ends) of
// at most 64 KiB, one token without control characters, surrounding white space trimmed.
// Its errors are usage errors and never quote the file's content.
func readTokenFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", usagef("-token-file: %v", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
		return "", usagef("-token-file: %v", err)
	case !fi.Mode().IsRegular():
		return "", usagef("-token-file %s is not a regular file", path)
	case fi.Size() > maxTokenFile:
		return "", usagef("-token-file %s is %d bytes; a token file holds at most %d", path, fi.Size(), maxTokenFile)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTokenFile+1))
	if err != nil {
		return "", usagef("-token-file: %v", err)
	}
	if len(data) > maxTokenFile {
		return "", usagef("-token-file %s holds more than %d bytes", path, maxTokenFile)
	}
	tok := strings.TrimSpace(string(data))
	switch {
	case tok == "":
		return "", usagef("-token-file %s is empty", path)
	case hasControl(tok):
		return "", usagef("-token-file %s: the token holds a control character (a newline, a tab...); the file must hold one token", path)
	}
	return tok, nil
}

// hasControl reports whether s holds a control character, which no header value may.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }) >= 0
}

// stream uploads an importer's samples (-upload). The journal's default place is the -o
// folder.
func (u *uploadFlags) stream(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts emit.Options, io stdio) (emit.Stats, error) {
	dir := "."
	if f := u.fs.Lookup("o"); f != nil {
		dir = f.Value.String()
	}
	return u.send(ctx, dir, io, func(j *upload.Journal) iter.Seq2[*emit.Batch, error] {
		return emit.Batches(ctx, j.Skip(samples), opts)
	})
}

// lockedWriter serializes writes from the upload's workers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format, args...)
}

// send runs the upload: opens the journal, reports each refused sample (always) and each
// already existing one and each retry (unless -q), and prints what the endpoint said.
func (u *uploadFlags) send(ctx context.Context, defaultDir string, io stdio, batches func(*upload.Journal) iter.Seq2[*emit.Batch, error]) (emit.Stats, error) {
	who := u.fs.Name()
	quiet := false
	if f := u.fs.Lookup("q"); f != nil {
		quiet = f.Value.String() == "true"
	}
	path := u.journal
	if path == "" {
		path = filepath.Join(defaultDir, upload.JournalName(u.datasetID))
	}
	if !u.dryRun {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return emit.Stats{}, err
		}
	}
	j, err := upload.OpenJournal(path, u.client.Destination(), u.dryRun)
	if err != nil {
		return emit.Stats{}, err
	}
	defer j.Close()
	w := &lockedWriter{w: io.err}
	if n := j.Acknowledged(); n > 0 && !quiet {
		w.printf("%s: resuming with journal %s: %d samples acknowledged earlier are skipped; %d refused earlier are sent again\n",
			who, path, n, len(j.Failed()))
	}
	if !quiet {
		u.client.OnRetry = func(attempt int, err error, wait time.Duration) {
			w.printf("%s: attempt %d failed: %v; retrying in %s\n", who, attempt, err, wait.Round(time.Millisecond))
		}
	}
	up := &upload.Uploader{Client: u.client, Journal: j, Concurrency: u.conc, DryRun: u.dryRun,
		SkipExisting: u.existing == "skip",
		OnBatch: func(b *upload.BatchResult) {
			for _, f := range b.Failed {
				if f.Code == upload.CodeExists && f.Message == upload.MsgConflict {
					w.printf("%s: sample %q: the dataset already holds a sample of this name (%s); use -name-prefix to keep both, or -existing skip\n",
						who, f.Name, upload.CodeExists)
					continue
				}
				w.printf("%s: sample %q: refused: %s\n", who, f.Name, f)
			}
			for _, f := range b.Unknown {
				w.printf("%s: sample %q: %s (outcome unknown; a rerun sends it again)\n", who, f.Name, f.Message)
			}
			if !quiet {
				for _, name := range b.Existing {
					w.printf("%s: sample %q: already in the dataset (%s); counted as done\n", who, name, upload.CodeExists)
				}
			}
		}}
	done := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Go(func() {
		select {
		case <-ctx.Done():
			// The requests in flight may finish (their answers are recorded); a second
			// Ctrl-C ends the process at once, which the journal makes safe.
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			if !u.dryRun {
				w.printf("%s: interrupted: taking no new batch; waiting at most %s for the requests in flight (Ctrl-C again quits at once, safely)\n", who, u.timeout)
			}
		case <-done:
		}
	})
	st, err := up.Upload(ctx, batches(j))
	close(done)
	watcher.Wait()
	if !quiet {
		w.printf("%s: %s\n", who, uploadSummary(st, u.dryRun, path))
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		err = fmt.Errorf("interrupted: no new batch was taken; what the endpoint acknowledged is recorded in %s; rerun the same command to send the rest", path)
	case errors.Is(err, upload.ErrSamplesFailed) && errors.Is(err, upload.ErrOutcomeUnknown):
		err = fmt.Errorf("%d samples were refused and %d have an unknown outcome (listed above); they are recorded in %s and rerunning the same command sends exactly those again",
			st.Failed, st.Unknown, path)
	case errors.Is(err, upload.ErrSamplesFailed):
		err = fmt.Errorf("%d samples were refused (listed above); they are recorded in %s and rerunning the same command sends exactly those again", st.Failed, path)
	case errors.Is(err, upload.ErrOutcomeUnknown):
		err = fmt.Errorf("%d samples have an unknown outcome (listed above); they are recorded in %s as pending and rerunning the same command sends exactly those again", st.Unknown, path)
	default:
		err = fmt.Errorf("%w; what the endpoint acknowledged is recorded in %s; rerun the same command to resume", err, path)
	}
	return st.Stats, err
}

// uploadSummary says what became of the samples: the line the uploader adds to finish's.
func uploadSummary(st upload.Stats, dryRun bool, journal string) string {
	if dryRun {
		return fmt.Sprintf("dry run: %d requests (%d samples) built, validated and signed; nothing sent; %d samples skipped as acknowledged in %s",
			st.Batches, st.Samples, st.Skipped, journal)
	}
	s := fmt.Sprintf("endpoint acknowledged %d samples (%d added, %d already there); %d refused", st.Created+st.Existing, st.Created, st.Existing, st.Failed)
	if st.Unknown > 0 {
		s += fmt.Sprintf("; %d outcome unknown", st.Unknown)
	}
	if st.Unacknowledged > 0 {
		s += fmt.Sprintf("; %d not acknowledged", st.Unacknowledged)
	}
	return s + fmt.Sprintf("; %d requests; %d skipped as acknowledged earlier (journal %s)", st.Requests, st.Skipped, journal)
}

func init() {
	registerVerb(&verb{name: "upload", summary: "send request bodies to the endpoint, signed, retried and resumable", run: runUpload})
}

// runUpload is `convert upload [flags] PATH...`.
func runUpload(ctx context.Context, args []string, io stdio) int {
	fs := flag.NewFlagSet("convert upload", flag.ContinueOnError)
	fs.SetOutput(io.err)
	var out outputFlags
	out.register(fs, false)
	u := addUploadFlags(fs, false)
	prefix := addNamePrefixFlag(fs)
	fs.Usage = func() {
		fmt.Fprintf(io.err, "Usage: convert upload [flags] PATH...\n\n%s\n\nFlags:\n", uploadHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if err := out.check(); err != nil {
		fmt.Fprintf(io.err, "convert upload: %v\n", err)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(io.err, "convert upload: no PATH given")
		fs.Usage()
		return exitUsage
	}
	if err := u.check(); err != nil {
		fmt.Fprintf(io.err, "convert upload: %v\n", err)
		return exitUsage
	}
	if err := prefix.check(); err != nil {
		fmt.Fprintf(io.err, "convert upload: %v\n", err)
		return exitUsage
	}
	var files []string
	for _, a := range fs.Args() {
		if a == "-" {
			files = append(files, a)
			continue
		}
		more, err := requestFiles([]string{a})
		if err != nil {
			fmt.Fprintf(io.err, "convert upload: %v\n", err)
			return exitUsage
		}
		files = append(files, more...)
	}
	rep := &reporter{w: io.err, quiet: out.quiet}
	opts := out.emitOptions()
	opts.Reject = rep.reject
	st, err := u.send(ctx, besideInputs(fs.Arg(0)), io, func(j *upload.Journal) iter.Seq2[*emit.Batch, error] {
		return fileBatches(ctx, files, opts, j, prefix, io.in)
	})
	return finish(ctx, "convert upload", st, rep, "the endpoint", err, io.err)
}

// besideInputs is the folder for the default journal: the first PATH if it is a folder,
// else the folder it is in.
func besideInputs(path string) string {
	if path == "-" {
		return "."
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return path
	}
	return filepath.Dir(path)
}

// requestFile is a decoded request body.
type requestFile struct {
	path string
	req  api.Request
}

func readRequestFile(path string, stdin io.Reader) (*requestFile, error) {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	// Strict: one JSON object, no repeated key (a reader would keep one value and lose the
	// other), no unknown key (a misspelled one would drop what it holds).
	req, err := api.DecodeRequest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a request body (%v); `convert validate %s` says more", path, err, path)
	}
	rf := &requestFile{path: path, req: *req}
	if vs := api.Validate(&api.Request{LabelFormat: rf.req.LabelFormat}); len(vs) > 0 {
		return nil, fmt.Errorf("%s: %w", path, vs)
	}
	return rf, nil
}

// fileBatches reads the request files one at a time and re-batches their samples with
// opts. Consecutive files with the same request-level settings (final_annotation, unless
// -final-annotation sets it for all, and label_format) are batched together; a change of
// settings starts new batches. Batch numbers run on across the files.
func fileBatches(ctx context.Context, files []string, opts emit.Options, j *upload.Journal, prefix *namePrefix, stdin io.Reader) iter.Seq2[*emit.Batch, error] {
	fixedFinal := opts.FinalAnnotation != nil
	return func(yield func(*emit.Batch, error) bool) {
		next := 0
		read := func() (*requestFile, error) {
			if next == len(files) {
				return nil, nil
			}
			next++
			return readRequestFile(files[next-1], stdin)
		}
		first, err := read()
		seq := 0
		for first != nil || err != nil {
			if err != nil {
				yield(nil, err)
				return
			}
			group := opts
			if !fixedFinal {
				group.FinalAnnotation = first.req.FinalAnnotation
			}
			group.LabelFormat = first.req.LabelFormat
			var pending *requestFile
			samples := func(yield func(*api.Sample, error) bool) {
				for cur := first; ; {
					for i := range cur.req.Samples {
						s := &cur.req.Samples[i]
						s.Origin = fmt.Sprintf("%s: samples[%d]", cur.path, i)
						if !yield(s, nil) {
							return
						}
					}
					cur.req.Samples = nil
					nxt, err := read()
					switch {
					case err != nil:
						yield(nil, err)
						return
					case nxt == nil:
						return
					case !sameSettings(&nxt.req, &first.req, fixedFinal):
						pending = nxt
						return
					}
					cur = nxt
				}
			}
			for b, err := range emit.Batches(ctx, j.Skip(prefix.apply(samples)), group) {
				if err == nil {
					seq++
					b.Seq = seq
				}
				if !yield(b, err) || err != nil {
					return
				}
			}
			first = pending
		}
	}
}

func sameSettings(a, b *api.Request, ignoreFinal bool) bool {
	if !ignoreFinal && !reflect.DeepEqual(a.FinalAnnotation, b.FinalAnnotation) {
		return false
	}
	return reflect.DeepEqual(a.LabelFormat, b.LabelFormat)
}
