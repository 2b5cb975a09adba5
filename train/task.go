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

// zeroGrads clears every set's gradients, chunk by chunk on all cores
// (optim.Clear). Training clears them once before its first step and
// after a step that stops; between steps reduceGrads clears the replicas'
// and update the master's, each as it reads them.
func zeroGrads(sets []*mat.Set[float32]) {
	for _, s := range sets {
		clearSlab(s.G)
	}
}

// clearSlab zeroes g on all cores (optim.Clear: no allocation).
func clearSlab(g []float32) { optim.Clear(g) }

// reduceGrads adds the replicas' gradients into the first set's, in
// replica order for every element, clears the replicas', and returns the
// norm of the sum: one pass chunk by chunk on all cores
// (optim.ReduceNorm), whose results do not depend on the number of cores.
// It allocates nothing for up to 17 sets.
func reduceGrads(sets []*mat.Set[float32]) float64 {
	var buf [16][]float32 // on the stack: ReduceNorm copies srcs, so it does not escape
	srcs := buf[:0]
	for _, s := range sets[1:] {
		srcs = append(srcs, s.G)
	}
	return optim.ReduceNorm(sets[0].G, srcs)
}

// update clips and applies the reduced gradients g of norm norm, and
// leaves g zeroed for the next step: the optimizer scales and clears them
// as it reads them when it can (optim.Scaled, the same bits as scaling g
// first), else g is scaled in place and cleared after the step.
func update(opt optim.Optimizer[float32], w, g []float32, norm, clip, lr float64) {
	c := optim.ClipScale[float32](norm, clip)
	if s, ok := opt.(optim.Scaled[float32]); ok {
		s.StepScaled(w, g, lr, c, true)
		return
	}
	if c != 1 {
		optim.ClipGradNorm(g, clip)
	}
	opt.Step(w, g, lr)
	clearSlab(g)
}
