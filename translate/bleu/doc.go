// Package bleu computes corpus and sentence BLEU and chrF/chrF++ with exactly
// the numbers and output of sacreBLEU 2.6.0.
//
// Everything sacreBLEU does to text is reproduced: its 13a, intl, char and
// none tokenizers, Python's str.lower, str.split and str.rstrip (Unicode
// whitespace included) and its way of reading files (only \n ends a line,
// trailing whitespace is stripped). Scores are computed from per-sentence
// sufficient statistics, so a caller can accumulate them one sentence at a
// time (a Scorer or a ChrF) or score in-memory slices (Corpus, CorpusChrF).
//
// References are laid out as sacreBLEU lays them out: refs[k] is the k-th
// reference stream and refs[k][i] is the k-th reference of hypothesis i.
// An empty reference line is kept, as sacreBLEU 2.6.0 keeps it: it counts
// for the closest reference length and for nrefs.
package bleu

// Version is the sacreBLEU version whose numbers and output this package
// reproduces; it appears in every signature.
const Version = "2.6.0"
