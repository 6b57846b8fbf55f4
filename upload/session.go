package upload

import (
	"cmp"
	"context"
	"io"
	"iter"
	"log"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/modelarts-convert/convert/emit"
)

// Session is one resumable upload run as a command makes it: it opens the journal (and
// its folder), reports what happens as lines (resume, retries, each refused sample and
// each sample of unknown outcome, each already existing one), sends the batches, and
// returns what became of them with Explain's error.
type Session struct {
	Client       *Client // OnRetry is set by Send unless Quiet
	Journal      string  // the journal's path (see JournalName)
	Concurrency  int
	DryRun       bool
	SkipExisting bool
	// Log receives the lines, each ending with a newline; Send serializes the calls.
	Log io.Writer
	// Quiet leaves out resume, retries, already existing samples and the summary; refused
	// samples and unknown outcomes are always reported.
	Quiet bool
	// ConflictHint follows the report of a sample the dataset already holds under its name
	// (ModelArts.4422, not sent by this journal): what the user can do about it.
	ConflictHint string
	// OnInterrupt, when set, is called once when ctx ends before the run does (a command
	// restores the default signal handling there, so a second Ctrl-C quits at once: the
	// journal makes that safe).
	OnInterrupt func()
	// Prefix starts every line ("convert upload: ").
	Prefix string
}

// Send runs the upload of the batches that batches makes from the opened journal (which
// leaves out what it knows as done).
func (s *Session) Send(ctx context.Context, batches func(*Journal) iter.Seq2[*emit.Batch, error]) (Stats, error) {
	if !s.DryRun {
		if err := os.MkdirAll(filepath.Dir(s.Journal), 0o755); err != nil {
			return Stats{}, err
		}
	}
	j, err := OpenJournal(s.Journal, s.Client.Destination(), s.DryRun)
	if err != nil {
		return Stats{}, err
	}
	defer j.Close()
	w := log.New(s.Log, s.Prefix, log.Lmsgprefix) // serializes the lines of the workers
	if n := j.Acknowledged(); n > 0 && !s.Quiet {
		w.Printf("resuming with journal %s: %d samples acknowledged earlier are skipped; %d refused earlier are sent again", s.Journal, n, len(j.Failed()))
	}
	if !s.Quiet {
		s.Client.OnRetry = func(attempt int, err error, wait time.Duration) {
			w.Printf("attempt %d failed: %v; retrying in %s", attempt, err, wait.Round(time.Millisecond))
		}
	}
	up := &Uploader{Client: s.Client, Journal: j, Concurrency: s.Concurrency, DryRun: s.DryRun, SkipExisting: s.SkipExisting,
		OnBatch: func(b *BatchResult) {
			for _, f := range b.Failed {
				if f.Code == CodeExists && f.Message == MsgConflict {
					w.Printf("sample %q: the dataset already holds a sample of this name (%s)%s", f.Name, CodeExists, s.ConflictHint)
					continue
				}
				w.Printf("sample %q: refused: %s", f.Name, f)
			}
			for _, f := range b.Unknown {
				w.Printf("sample %q: %s (outcome unknown; a rerun sends it again)", f.Name, f.Message)
			}
			if !s.Quiet {
				for _, name := range b.Existing {
					w.Printf("sample %q: already in the dataset (%s); counted as done", name, CodeExists)
				}
			}
		}}
	done := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Go(func() {
		select {
		case <-ctx.Done():
			if s.OnInterrupt != nil {
				s.OnInterrupt()
			}
			if !s.DryRun {
				w.Printf("interrupted: taking no new batch; waiting at most %s for the requests in flight (Ctrl-C again quits at once, safely)", cmp.Or(s.Client.Timeout, DefaultTimeout))
			}
		case <-done:
		}
	})
	st, err := up.Upload(ctx, batches(j))
	close(done)
	watcher.Wait()
	if !s.Quiet {
		w.Print(st.Summary(s.DryRun, s.Journal))
	}
	return st, Explain(err, st, s.Journal, ctx.Err() != nil)
}
