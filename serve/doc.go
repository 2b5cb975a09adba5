// Package serve is the translation server behind `s2s serve`: HTTP routes
// (a strict JSON API, a LibreTranslate-compatible one, model info, health
// and Prometheus metrics), a batcher that forms batches from the sentences
// of all concurrent requests and runs them on translate's searchers, and
// an embedded page that shows the attention of the translation.
//
// Every search goes through package translate, so the output for a text
// is byte-identical to `s2s translate` with the same model and settings,
// however requests interleave.
package serve
