package encoder

import (
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// State is a recurrent state of one layer and direction for a batch.
type State[F mat.Float] struct {
	H mat.Mat[F] // (B, H)
	C mat.Mat[F] // (B, H), LSTM only; empty otherwise
}

// Work is one goroutine's encoder activations and gradients, sized on first
// use for a batch shape and reused: steady-state Forward and Backward
// allocate nothing. The zero value is ready to use.
type Work[F mat.Float] struct {
	B, S int
	// Out is the top layer's output, batch-major: row b·S+t, forward
	// direction in columns [0, H), backward in [H, 2H). (B·S, D)
	Out mat.Mat[F]
	// DOut is the gradient of the loss with respect to Out; Forward zeroes
	// it, the caller adds into it, Backward reads it. (B·S, D)
	DOut mat.Mat[F]
	// Final[l][d] is layer l's final state in direction d (0 forward: the
	// state after each sentence's last token; 1 backward: the state after
	// its first token). Views into the traces, valid until the next Forward.
	Final [][]State[F]
	// DFinal[l][d] is the gradient with respect to Final[l][d]; zeroed by
	// Forward, added into by the caller, read by Backward.
	DFinal [][]State[F]

	lens    []int      // (B) source lengths
	ids     []int      // (S·B) time-major token ids
	x       mat.Mat[F] // (S·B, E) time-major embeddings, after dropout
	xMask   []F        // (S·B·E) dropout mask of x
	outMask []F        // (B·S·D) dropout mask of Out
	layers  []layerWork[F]
	zero    mat.Mat[F] // (B, H) the initial state h0 = c0 = 0
	// (B, H) backward carries, their next values, and the saved carries of
	// padded rows; the C ones are empty unless the cell is an LSTM.
	dh, dhp, dc, dcp, keepH, keepC mat.Mat[F]
	// Which dropout masks Forward drew: of x, of the outputs between
	// layers, of Out.
	dropIn, dropMid, dropOut bool
}

// layerWork is one layer's activations and gradients, time-major.
type layerWork[F mat.Float] struct {
	out  mat.Mat[F] // (S·B, D) output after dropout; unused on the top layer
	mask []F        // (S·B·D) dropout mask of out
	dout mat.Mat[F] // (S·B, D) gradient of the output before dropout
	din  mat.Mat[F] // (S·B, In) gradient of the layer's input
	dirs []dirWork[F]
}

// dirWork is one direction's activations and gradients.
type dirWork[F mat.Float] struct {
	gx   mat.Mat[F]        // (S·B, G·H) input projections
	g    cell.GateGrads[F] // (S·B rows) their gradients, time-major
	hs   mat.Mat[F]        // (S·B, H) new states, time-major; the traces' H are views of it
	tr   []cell.Trace[F]   // (S) one trace per time step
	whh  gemm.Packed[F]    // W_hhᵀ packed once per Forward
	whhB gemm.Packed[F]    // W_hh packed once per Backward
}

// resize shapes w for a B×S batch of e.
func (w *Work[F]) resize(e *Encoder[F], B, S int) {
	if B < 1 || S < 1 {
		panic("encoder: empty batch")
	}
	cfg := e.Cfg
	H, D, L := cfg.Hidden, cfg.OutDim(), cfg.Layers
	w.B, w.S = B, S
	w.Out, w.DOut = mat.Resize(w.Out, B*S, D), mat.Resize(w.DOut, B*S, D)
	w.lens, w.ids = grow(w.lens, B), grow(w.ids, S*B)
	w.x = mat.Resize(w.x, S*B, cfg.Emb)
	if e.inDrop.Active() {
		w.xMask = grow(w.xMask, S*B*cfg.Emb)
	}
	if e.outDrop.Active() {
		w.outMask = grow(w.outMask, B*S*D)
	}
	w.zero = mat.Resize(w.zero, B, H)
	w.zero.Zero()
	for _, m := range []*mat.Mat[F]{&w.dh, &w.dhp, &w.keepH} {
		*m = mat.Resize(*m, B, H)
	}
	if cfg.Cell.HasC() {
		for _, m := range []*mat.Mat[F]{&w.dc, &w.dcp, &w.keepC} {
			*m = mat.Resize(*m, B, H)
		}
	}
	if len(w.layers) != L {
		w.layers = make([]layerWork[F], L)
		w.Final, w.DFinal = make([][]State[F], L), make([][]State[F], L)
	}
	for l := range w.layers {
		w.resizeLayer(e, l)
	}
}

func (w *Work[F]) resizeLayer(e *Encoder[F], l int) {
	cfg, B, S := e.Cfg, w.B, w.S
	lw, D := &w.layers[l], cfg.OutDim()
	lw.din = mat.Resize(lw.din, S*B, e.Layers[l][0].In)
	if l < cfg.Layers-1 {
		lw.out, lw.dout = mat.Resize(lw.out, S*B, D), mat.Resize(lw.dout, S*B, D)
		lw.mask = grow(lw.mask, S*B*D)
	}
	if len(lw.dirs) != cfg.Dirs() {
		lw.dirs = make([]dirWork[F], cfg.Dirs())
		w.Final[l], w.DFinal[l] = make([]State[F], cfg.Dirs()), make([]State[F], cfg.Dirs())
	}
	for d, c := range e.Layers[l] {
		dw := &lw.dirs[d]
		dw.gx = mat.Resize(dw.gx, S*B, c.GH())
		dw.g.Resize(c, S*B)
		dw.hs = mat.Resize(dw.hs, S*B, c.Hidden)
		for len(dw.tr) < S {
			dw.tr = append(dw.tr, cell.Trace[F]{})
		}
		for t := 0; t < S; t++ {
			dw.tr[t].H = dw.hs.Slice(t*B, (t+1)*B)
			dw.tr[t].Resize(c, B)
		}
		df := &w.DFinal[l][d]
		df.H = mat.Resize(df.H, B, c.Hidden)
		if cfg.Cell.HasC() {
			df.C = mat.Resize(df.C, B, c.Hidden)
		}
	}
}

// setFinal points Final at the traces of each direction's last step.
func (w *Work[F]) setFinal(e *Encoder[F]) {
	for l, lw := range w.layers {
		for d := range lw.dirs {
			t := w.S - 1 // the forward direction ends at S−1 …
			if d == 1 {
				t = 0 // … the backward one at 0
			}
			tr := &lw.dirs[d].tr[t]
			w.Final[l][d] = State[F]{H: tr.H, C: tr.C}
		}
	}
}

// input returns layer l's input: the embeddings, or the layer below's output.
func (w *Work[F]) input(l int) mat.Mat[F] {
	if l == 0 {
		return w.x
	}
	return w.layers[l-1].out
}

// prev returns the state before step t in direction d: h0 = c0 = 0 at the
// direction's first step, else the previous step's.
func (w *Work[F]) prev(dw *dirWork[F], d, t int) (h, c mat.Mat[F]) {
	p := t - 1
	if d == 1 {
		p = t + 1
	}
	if p < 0 || p >= w.S {
		return w.zero, w.zero
	}
	return dw.tr[p].H, dw.tr[p].C
}

// grow returns s resized to n, reusing its storage when large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}
