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
//     backoff and jitter, never retries other 4xx, and turns refusals into an [*Error]
//     (StatusCode, Code, Message, RequestID) that errors.Is matches against [ErrThrottled],
//     [ErrUnauthorized] and the other sentinels; [Retryable] says which errors are transient.
//   - [Uploader] streams the batches of emit.Batches with N requests in flight, splits a batch
//     the service finds too large (413 / ModelArts.4104), reports every sample refused in an
//     HTTP 200 (name, error_code, error_msg) and counts ModelArts.4422 ("already exists") as
//     done.
//   - [Journal] records every answered batch durably (fsync) before it is counted, so that a
//     rerun after a failure, an interrupt or kill -9 sends only what the endpoint did not
//     acknowledge, including the samples it refused.
//
// Package uploadtest runs a local stand-in of the endpoint for tests.
package upload
