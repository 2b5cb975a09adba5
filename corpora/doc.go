// Package corpora turns a user's parallel text into the token ids a model
// trains on: reading aligned corpora (two files or TSV, optionally gzip),
// cleaning filters, a byte-level BPE tokenizer stored as Hugging Face
// tokenizer.json (learner, encoder, decoder), encoding with an on-disk cache,
// length-bucketed batching (with BPE-dropout re-segmenting the training
// pairs of each epoch when asked), and the built-in synthetic corpus
// numbers-en-ru.
//
// Ids are int32. Every tokenizer this package writes has the four special
// tokens at the ids below; they are in the vocabulary but are not Hugging Face
// "added tokens", so a literal "</s>" in a sentence is encoded as text.
package corpora

// The special token ids, the same in every tokenizer s2s uses; models and
// search refer to these, the one definition.
const (
	PAD int32 = 0 // <pad>: padding of short sentences in a batch
	BOS int32 = 1 // <s>: start of a target sentence
	EOS int32 = 2 // </s>: end of a sentence
	UNK int32 = 3 // <unk>: never produced by a byte-level encoder; reserved
)

// Specials are the special tokens' strings, indexed by id.
var Specials = [4]string{"<pad>", "<s>", "</s>", "<unk>"}
