package translate

// frontier is the alive hypotheses of one search step, grouped by
// sentence in batch order. Row i feeds token[i] to the decoder from the
// state row parent[i] of the previous step's output, reads the memory of
// batch sentence sent[i], ends at history node node[i] and has the
// cumulative log-probability logp[i].
type frontier struct {
	parent []int
	token  []int32
	sent   []int
	node   []int32
	logp   []float64
}

// reset empties f, keeping its storage.
func (f *frontier) reset() {
	f.parent, f.token, f.sent = f.parent[:0], f.token[:0], f.sent[:0]
	f.node, f.logp = f.node[:0], f.logp[:0]
}

// push appends a row.
func (f *frontier) push(parent int, token int32, sent int, node int32, logp float64) {
	f.parent, f.token, f.sent = append(f.parent, parent), append(f.token, token), append(f.sent, sent)
	f.node, f.logp = append(f.node, node), append(f.logp, logp)
}

// len returns the number of rows.
func (f *frontier) len() int { return len(f.token) }

// group returns the end of the run of rows of sentence f.sent[lo].
func (f *frontier) group(lo int) int {
	hi := lo + 1
	for hi < len(f.sent) && f.sent[hi] == f.sent[lo] {
		hi++
	}
	return hi
}
