// Package api is the one model every part of convert shares: the request and response bodies
// of ModelArts' "Adding Samples in Batches" call
// (POST /v2/{project_id}/datasets/{dataset_id}/data-annotations/samples) and the rules the
// service enforces on them.
//
// Importers produce [Sample] values, package emit writes them as request bodies and package
// upload sends them; all of them check their work with [Validate] or [ValidateSample]. This
// package imports none of them.
//
// Numbers that come from a source file (coordinates, scores) are carried as [json.Number], so
// that "100" prints as 100 and "12.5" as 12.5: nothing is rounded on the way through.
package api
