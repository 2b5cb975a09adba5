package translate

// history is a batch's search tree: every token any hypothesis produced,
// with a back-pointer to the token before it and, when alignments are
// recorded, the attention weights it was produced with. Hypotheses are
// node indices; -1 is the root (BOS).
type history struct {
	nodes []node
	align []float32 // the weights of all nodes, one run per node
	keep  bool      // record alignments
}

// node is one produced token.
type node struct {
	parent int32 // previous node, -1 for the first token
	token  int32
	off    int32 // start of its weights in align; -1 if none
	n      int32 // number of weights (the source length)
}

// reset empties h; keep says whether to record alignments.
func (h *history) reset(keep bool) {
	h.nodes, h.align, h.keep = h.nodes[:0], h.align[:0], keep
}

// add records token produced after parent with attention weights alpha
// (ignored unless recording) and returns its node.
func add[F ~float32 | ~float64](h *history, parent, token int32, alpha []F) int32 {
	nd := node{parent: parent, token: token, off: -1}
	if h.keep {
		nd.off, nd.n = int32(len(h.align)), int32(len(alpha))
		for _, a := range alpha {
			h.align = append(h.align, float32(a))
		}
	}
	h.nodes = append(h.nodes, nd)
	return int32(len(h.nodes) - 1)
}

// hypothesis returns the hypothesis that ends at node end (its EOS, or its
// last token when it was cut), with log-probability logp: its tokens
// without EOS and, when recorded, one row of weights per node.
func (h *history) hypothesis(end int32, logp float64, lp LengthPenalty, alpha float64) Hypothesis {
	n := 0
	for i := end; i >= 0; i = h.nodes[i].parent {
		n++
	}
	hyp := Hypothesis{LogProb: logp, Score: lp.Score(logp, n, alpha)}
	if h.keep {
		hyp.Align = make([][]float32, n)
	}
	toks := make([]int32, n)
	for i, k := end, n-1; i >= 0; i, k = h.nodes[i].parent, k-1 {
		nd := h.nodes[i]
		toks[k] = nd.token
		if h.keep {
			hyp.Align[k] = append([]float32(nil), h.align[nd.off:nd.off+nd.n]...)
		}
	}
	if toks[n-1] == eos {
		toks = toks[:n-1]
	}
	hyp.Tokens = toks
	return hyp
}
