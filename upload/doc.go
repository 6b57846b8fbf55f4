// Package upload sends request bodies to ModelArts' Adding Samples in Batches call,
// POST /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples, safely enough for a
// production dataset of a million samples that is killed halfway and run again.
//
//   - [Signer] signs with an access key (AK/SK, SDK-HMAC-SHA256, optionally with a security
//     token) and [Token] sends an IAM token; both implement [Auth]. The signer takes the time
//     and the body hash as inputs, so it is tested against the platform's published vectors.
//     Credentials are [Secret]s, which never print.
//   - [Client] posts one body: it signs every attempt afresh, retries transport errors,
//     timeouts, 429 (honouring Retry-After) and 500/502/503/504 with capped exponential
//     backoff and jitter, never retries other 4xx, never follows a redirect (a 3xx is an
//     [*Error] matching [ErrRedirect]), and turns refusals into an [*Error] (StatusCode, Code,
//     Message, RequestID) that errors.Is matches against [ErrThrottled], [ErrUnauthorized] and
//     the other sentinels; [Retryable] says which errors are transient. A 2xx that is not a
//     response object, or larger than 16 MiB, is an [*OutcomeError] ([ErrOutcomeUnknown]).
//     Every string it got from the network has the credentials' secrets replaced before
//     anything cuts, prints or wraps it.
//   - [Uploader] streams the batches of emit.Batches with N requests in flight, splits a batch
//     the service finds too large (413 / ModelArts.4104), matches results to samples by exact
//     name only, reports every sample refused in an HTTP 200 (name, error_code, error_msg) and
//     every sample whose outcome the answer leaves unknown (kept pending), and counts
//     ModelArts.4422 ("already exists") as done only for samples that may have landed
//     earlier (else it is a conflict, unless SkipExisting).
//   - [Journal] records every batch before it is sent (written at once, fsynced while the
//     request is in flight) and every answer durably (fsync) before it is counted, so that a
//     rerun after a failure, an interrupt or kill -9 sends only what the endpoint did not
//     acknowledge, including the samples it refused, and knows which samples it may already
//     have stored. One goroutine fsyncs everything written since its last fsync began (group
//     commit): no request waits for an fsync, and 64 in flight do not wait on 64 in turn.
//   - [FileBatches] reads request files written earlier, a few ahead on several goroutines,
//     and sends a file that needs no re-batching as it was read (validated, not re-encoded;
//     signed over exactly those bytes); the others are re-batched with emit.Batches.
//
// Package uploadtest runs a local stand-in of the endpoint for tests.
package upload
