// Package viz renders what s2s shows about a model: training curves from a
// run's metrics.jsonl, attention heatmaps with their text alignment, and a
// self-contained HTML page of hidden-cell activations over a text
// (Karpathy's char-rnn visualisation) with the cells most correlated with
// simple features of the text.
//
// Every function here is plain: it takes numbers that the model, trainer or
// translator already computed and writes an image or a page. Nothing here
// knows about models.
//
// Legend: S source length, T target length, N characters of a text,
// H hidden cells.
package viz
