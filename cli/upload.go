package cli

// The uploader's commands: -upload on every format command streams the importer's samples
// to the endpoint, and `convert upload PATH...` sends request bodies written earlier.

import (
	"context"
	"flag"
	"iter"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
	"github.com/modelarts-convert/convert/importers"
	"github.com/modelarts-convert/convert/upload"
)

const uploadHelp = `Sends request bodies to POST /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples:
files, or the *.json directly in folders written with -o ("-" reads one body from standard
input). A valid file within the default -batch and -max-body is sent as read, the others are
re-batched (all with other values). From an importer: convert <format> -upload [flags] INPUT...

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
	fs       *flag.FlagSet
	on       bool          // -upload
	verb     bool          // `convert upload`: always on
	cfg      upload.Config // endpoint, region, project, dataset, token file
	conc     int
	timeout  time.Duration
	retries  int
	journal  string
	dryRun   bool
	existing upload.Existing

	client *upload.Client // built by check
}

var uploadOnly = []string{"endpoint", "region", "project-id", "dataset-id", "concurrency", "timeout", "retries", "journal", "dry-run", "token-file", "existing"}

// minBackoff is the first wait before a retry; tests shorten it.
var minBackoff = upload.DefaultMinBackoff

func addUploadFlags(fs *flag.FlagSet, withSwitch bool) *uploadFlags {
	u := &uploadFlags{fs: fs, verb: !withSwitch}
	if withSwitch {
		fs.BoolVar(&u.on, "upload", false, "send the samples to the endpoint instead of writing files (see convert help upload)")
	}
	fs.StringVar(&u.cfg.Endpoint, "endpoint", "", "endpoint `URL` (default https://modelarts.REGION.myhuaweicloud.com from -region)")
	fs.StringVar(&u.cfg.Region, "region", "", "Huawei Cloud `REGION` of the dataset, such as cn-north-4 (ap-southeast-1 is on myhuaweicloud.cn)")
	fs.StringVar(&u.cfg.ProjectID, "project-id", "", "project `ID` (default $"+upload.EnvProjectID+")")
	fs.StringVar(&u.cfg.DatasetID, "dataset-id", "", "`ID` of the dataset to add the samples to")
	fs.IntVar(&u.conc, "concurrency", upload.DefaultConcurrency, "send up to `N` requests at once")
	fs.DurationVar(&u.timeout, "timeout", upload.DefaultTimeout, "give each attempt of a request at most `DURATION`")
	fs.IntVar(&u.retries, "retries", upload.DefaultRetries, "retry a request up to `N` times after transport errors, timeouts, HTTP 429 and 5xx")
	fs.StringVar(&u.journal, "journal", "", "`FILE` recording what the endpoint acknowledged, for resuming (default upload-DATASET.journal beside the inputs, or in the -o folder)")
	fs.BoolVar(&u.dryRun, "dry-run", false, "build, validate and sign every request but send nothing")
	fs.StringVar(&u.cfg.TokenFile, "token-file", "", "read an IAM token from `FILE` (sent as X-Auth-Token) instead of signing with $"+upload.EnvAK+"/$"+upload.EnvSK)
	fs.TextVar(&u.existing, "existing", upload.ExistingFail, "what ModelArts.4422 (already exists) means for a sample this journal never sent: `fail` (a conflict: refused, exit 1) or skip (counted as done)")
	return u
}

func (u *uploadFlags) enabled() bool { return u.on || u.verb }

// check validates the flags and the credentials and builds the client; its errors are
// usage errors (exit 2).
func (u *uploadFlags) check() error {
	if !u.enabled() {
		var given []string
		u.fs.Visit(func(f *flag.Flag) { // the flags that mean nothing without -upload
			if slices.Contains(uploadOnly, f.Name) {
				given = append(given, "-"+f.Name)
			}
		})
		if len(given) > 0 {
			return importers.Usagef("%s only apply with -upload", strings.Join(given, ", "))
		}
		return nil
	}
	switch {
	case u.conc < 1 || u.conc > 64:
		return importers.Usagef("-concurrency must be 1..64")
	case u.timeout <= 0:
		return importers.Usagef("-timeout must be positive")
	case u.retries < 0:
		return importers.Usagef("-retries must be 0 or more")
	case strings.HasSuffix(strings.ToLower(u.journal), ".json"):
		return importers.Usagef("-journal %s: a journal must not be named *.json (it would be read as a request body)", u.journal)
	}
	client, err := u.cfg.Client()
	if err != nil {
		return importers.Usagef("%s", flagHint(err))
	}
	retries := u.retries
	if retries == 0 {
		retries = -1 // the client reads 0 as its default
	}
	client.UserAgent, client.Timeout, client.Retries, client.MinBackoff = "convert/"+Version, u.timeout, retries, minBackoff
	u.client = client
	return nil
}

// send runs the upload: opens the journal, reports each refused sample (always) and each
// already existing one and each retry (unless -q), and prints what the endpoint said.
func (u *uploadFlags) send(ctx context.Context, defaultDir string, io stdio, batches func(*upload.Journal) iter.Seq2[*emit.Batch, error]) (emit.Stats, error) {
	s := &upload.Session{Client: u.client, Journal: u.journal, Concurrency: u.conc, DryRun: u.dryRun,
		SkipExisting: u.existing == upload.ExistingSkip, Log: io.err, Prefix: u.fs.Name() + ": ",
		ConflictHint: "; use -name-prefix to keep both, or -existing skip",
		// The requests in flight may finish (their answers are recorded); a second Ctrl-C
		// ends the process at once, which the journal makes safe.
		OnInterrupt: func() { signal.Reset(os.Interrupt, syscall.SIGTERM) }}
	if f := u.fs.Lookup("q"); f != nil {
		s.Quiet = f.Value.String() == "true"
	}
	if s.Journal == "" {
		s.Journal = filepath.Join(defaultDir, upload.JournalName(u.cfg.DatasetID))
	}
	st, err := s.Send(ctx, batches)
	return st.Stats, err
}

func init() {
	registerVerb(&verb{name: "upload", usage: "[flags] PATH...", summary: "send request bodies to the endpoint, signed, retried and resumable", run: runUpload})
}

// runUpload is `convert upload [flags] PATH...`.
func runUpload(ctx context.Context, args []string, io stdio) int {
	cmd := newCommand("convert upload", "PATH...", uploadHelp, io.out)
	var out outputFlags
	var u *uploadFlags
	cmd.group("Output flags", func(fs *flag.FlagSet) { out.register(fs, false) })
	cmd.group("Upload flags", func(fs *flag.FlagSet) { u = addUploadFlags(fs, false) })
	who := cmd.name
	paths, code := cmd.parse(args, io.err, out.check, u.check)
	if code != proceed {
		return code
	}
	files, err := upload.RequestFiles(paths)
	if err != nil {
		return usageFailed(who, err, io.err)
	}
	rep := &reporter{w: io.err, quiet: out.quiet, hints: optionFlags(nil)}
	opts := out.emitOptions()
	opts.Reject = rep.reject
	st, err := u.send(ctx, besideInputs(paths[0]), io, func(j *upload.Journal) iter.Seq2[*emit.Batch, error] {
		return upload.FileBatches(ctx, files, opts, io.in, func(s iter.Seq2[*api.Sample, error]) iter.Seq2[*api.Sample, error] {
			return j.Skip(importers.PrefixNames(s, out.namePrefix))
		})
	})
	where := "to the endpoint"
	if u.dryRun {
		where = "built and signed (dry run: none sent)"
	}
	return finish(ctx, who, st, rep, where, err, io.err)
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
