package coco

import (
	"context"
	"fmt"

	"github.com/modelarts-convert/convert/api"
	"github.com/modelarts-convert/convert/importers"
)

// The emission as it was before the samples were built on several goroutines: one
// producer goroutine building every sample in images[] order. TestBuildersDifferential
// compares the new emission with it.

// refItemBatch is how many items the producer handed over at once.
const refItemBatch = 32

// emit yields one sample per image, in images[] order, then rejects the records whose
// image_id matched no image. The samples are built on a second goroutine, ahead of the
// consumer (which validates, encodes and writes them) by at most a few batches; warnings
// are passed along and reported from the consumer's goroutine.
func (c *converter) emitRef(ctx context.Context, yield func(*api.Sample, error) bool) {
	batches := make(chan []item, 8)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		defer close(batches)
		c.produceRef(ctx, batches, done)
	}()
	defer func() {
		close(done)
		<-finished
	}()
	for batch := range batches {
		for _, it := range batch {
			for _, w := range it.warns {
				c.opts.Warn.Warn(w)
			}
			if it.err == nil && ctx.Err() != nil {
				it.err = importers.Check(ctx, importers.Position{File: c.name})
			}
			if it.err != nil {
				yield(nil, it.err)
				return
			}
			if it.sample != nil && !yield(it.sample, nil) {
				return
			}
		}
	}
}

// produce builds the samples and hands them over in batches; it stops when done is closed.
func (c *converter) produceRef(ctx context.Context, batches chan<- []item, done <-chan struct{}) {
	var pending []importers.Warning
	c.warn = func(w importers.Warning) { pending = append(pending, w) }
	var batch []item
	flush := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case batches <- batch:
			batch = make([]item, 0, refItemBatch)
			return true
		case <-done:
			return false
		}
	}
	send := func(it item) bool {
		it.warns, pending = pending, nil
		batch = append(batch, it)
		return len(batch) < refItemBatch || flush()
	}
	var idxs []int32
	for i := range c.images {
		im := &c.images[i]
		if ctx.Err() != nil {
			send(item{err: importers.Check(ctx, importers.Position{File: c.name, Offset: im.off, Element: imageElement(i, im)})})
			flush()
			return
		}
		var recs []record
		if im.hasID && im.dupeOf < 0 {
			ch, ok := c.chains[im.id]
			if ok && ch.over {
				// Its records are not read back: the sample could not be sent anyway.
				delete(c.chains, im.id)
				reason := im.bad
				if reason == "" {
					reason = fmt.Sprintf("its annotations would make a sample of more than %d bytes, the most one sample may hold", sampleLimit)
				}
				c.rejectImage(i, im, int(ch.n), reason)
				if !send(item{}) {
					return
				}
				continue
			}
			if ok {
				delete(c.chains, im.id)
				idxs = c.chainIndexes(*ch, idxs[:0])
				var err error
				if recs, err = c.readRecords(idxs); err != nil {
					send(item{err: &importers.Error{Pos: importers.Position{File: c.name}, Err: err}})
					flush()
					return
				}
			}
		}
		s := c.sample(i, im, recs)
		if s == nil && len(pending) == 0 {
			continue
		}
		if !send(item{sample: s}) {
			return
		}
	}
	c.rejectOrphans()
	if c.boxOnly > 0 {
		reason := "has no segmentation; its bbox is converted as a bndbox"
		if c.boxOnly > 1 {
			reason += fmt.Sprintf(" (so are the bboxes of %d more without a segmentation)", c.boxOnly-1)
		}
		c.warn.Warn(importers.Warning{Pos: c.boxOnlyFirst, Reason: reason})
	}
	if len(pending) > 0 {
		send(item{})
	}
	flush()
}
