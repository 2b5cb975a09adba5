// Package layer holds the stateless building blocks of the encoder and the
// decoder: Linear, Embedding, Dropout, log-softmax with negative
// log-likelihood, and attention (additive, dot, general). Each layer holds
// only parameters; what its backward pass needs lives in caller-owned
// matrices or traces, so one model can serve many goroutines. Every
// backward pass adds into parameter gradients (and into input gradients
// where it says so).
//
// Legend: N rows (batch·time, or search hypotheses), B batch, S source
// length, T target length, E embedding, H hidden, C memory (encoder output)
// width, A attention size, V vocabulary.
package layer
