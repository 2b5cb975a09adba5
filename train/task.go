package train

import (
	"encoding/json"
	"io"

	"github.com/s2s-nmt/s2s/internal/mat"
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

// zeroGrads clears every replica's gradients.
func zeroGrads(sets []*mat.Set[float32]) {
	for _, s := range sets {
		s.ZeroGrad()
	}
}

// reduceGrads adds the replicas' gradients into the first set's, in order.
func reduceGrads(sets []*mat.Set[float32]) {
	g := sets[0].G
	for _, s := range sets[1:] {
		for j, v := range s.G {
			g[j] += v
		}
	}
}
