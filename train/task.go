package train

import (
	"encoding/json"
	"io"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/optim"
)

// task is what differs between training a translation model and a
// language model: the data, the passes and validation. The trainer owns
// the optimizer, schedule, checkpoints and logging around it.
type task interface {
	// params is the master parameter set (what the optimizer updates).
	params() *mat.Set[float32]
	// replicas are the workers' sets (the master first), whose gradients
	// reduce sums in this order.
	replicas() []*mat.Set[float32]
	// next loads the data of the next update and returns its target
	// tokens and 1-based epoch; ok is false when training.epochs is done.
	next() (tokens, epoch int, ok bool)
	// pass runs forward and backward over the loaded update on all
	// workers and returns the summed loss.
	pass(o passOptions) float64
	// evaluate validates on the dev data.
	evaluate() (validation, error)
	// position is the data position a checkpoint saves; seek restores it.
	position() json.RawMessage
	seek(json.RawMessage) error
	// saveExtra writes task state beyond weights into a checkpoint
	// directory (an LM's hidden state); loadExtra restores it.
	saveExtra(dir string) error
	loadExtra(dir string) error
	// samples prints n example outputs of the current weights.
	samples(w io.Writer, n int) error
}

// zeroGrads clears every replica's gradients, chunk by chunk on all
// cores (optim.ForChunks).
func zeroGrads(sets []*mat.Set[float32]) {
	for _, s := range sets {
		g := s.G
		if optim.Serial(len(g)) {
			clear(g)
			continue
		}
		optim.ForChunks(len(g), func(lo, hi int) { clear(g[lo:hi]) })
	}
}

// reduceGrads adds the replicas' gradients into the first set's, in
// replica order for every element, chunk by chunk on all cores
// (optim.ForChunks): the sums do not depend on the number of cores.
func reduceGrads(sets []*mat.Set[float32]) {
	if len(sets) < 2 {
		return
	}
	g := sets[0].G
	if optim.Serial(len(g)) {
		addGrads(g, sets[1:], 0)
		return
	}
	optim.ForChunks(len(g), func(lo, hi int) { addGrads(g[lo:hi], sets[1:], lo) })
}

// addGrads adds each set's gradients from offset lo on into dst, in order.
func addGrads(dst []float32, sets []*mat.Set[float32], lo int) {
	for _, s := range sets {
		src := s.G[lo : lo+len(dst)]
		for j := range dst {
			dst[j] += src[j]
		}
	}
}
