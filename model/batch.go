package model

import "fmt"

// Batch is B sentence pairs, padded, row-major (B, S) and (B, T), with
// the special ids of package corpora (PAD, BOS, EOS).
// A source-only batch (for Greedy) leaves the target fields empty.
type Batch struct {
	B, S, T int
	Src     []int32 // (B, S) source ids, PAD after each length
	SrcLen  []int   // (B) source lengths, 1 ≤ SrcLen[b] ≤ S
	TgtIn   []int32 // (B, T) decoder inputs: BOS y1 … yn PAD …
	TgtOut  []int32 // (B, T) decoder targets: y1 … yn EOS PAD …
	TgtLen  []int   // (B) target lengths n+1, 1 ≤ TgtLen[b] ≤ T
}

// Tokens returns the number of target tokens (Σ TgtLen), the loss's
// normaliser.
func (b *Batch) Tokens() int {
	n := 0
	for _, l := range b.TgtLen {
		n += l
	}
	return n
}

// check returns an error if the shapes disagree; target fields are checked
// when withTarget is true.
func (b *Batch) check(withTarget bool) error {
	if b.B < 1 || b.S < 1 || len(b.Src) != b.B*b.S || len(b.SrcLen) != b.B {
		return fmt.Errorf("model: batch B=%d S=%d with %d source ids and %d lengths", b.B, b.S, len(b.Src), len(b.SrcLen))
	}
	for i, l := range b.SrcLen {
		if l < 1 || l > b.S {
			return fmt.Errorf("model: source length %d of sentence %d not in [1, %d]", l, i, b.S)
		}
	}
	if !withTarget {
		return nil
	}
	if b.T < 1 || len(b.TgtIn) != b.B*b.T || len(b.TgtOut) != b.B*b.T || len(b.TgtLen) != b.B {
		return fmt.Errorf("model: batch B=%d T=%d with %d/%d target ids and %d lengths", b.B, b.T, len(b.TgtIn), len(b.TgtOut), len(b.TgtLen))
	}
	for i, l := range b.TgtLen {
		if l < 1 || l > b.T {
			return fmt.Errorf("model: target length %d of sentence %d not in [1, %d]", l, i, b.T)
		}
	}
	return nil
}
