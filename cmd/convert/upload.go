package main

// This file is a placeholder until the uploader lands: -upload and `convert upload` report
// that they are not available yet.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"iter"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/emit"
)

type uploadFlags struct{ on bool }

func addUploadFlags(fs *flag.FlagSet, withSwitch bool) *uploadFlags {
	u := &uploadFlags{}
	if withSwitch {
		fs.BoolVar(&u.on, "upload", false, "send the samples to the endpoint instead of writing files")
	}
	return u
}

func (u *uploadFlags) enabled() bool { return u.on }

func (u *uploadFlags) check() error {
	if u.on {
		return usagef("-upload is not available yet")
	}
	return nil
}

func (u *uploadFlags) stream(ctx context.Context, samples iter.Seq2[*api.Sample, error], opts emit.Options, io stdio) (emit.Stats, error) {
	return emit.Stats{}, errors.New("upload is not available yet")
}

func init() {
	registerVerb(&verb{name: "upload", summary: "send request bodies to the endpoint", run: func(ctx context.Context, args []string, io stdio) int {
		fmt.Fprintln(io.err, "convert upload: not available yet")
		return exitUsage
	}})
}
