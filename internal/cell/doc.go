// Package cell holds the recurrent cells of s2s — the Elman RNN, the GRU and
// the LSTM, exactly as PyTorch documents them — with forward and hand-written
// backward passes side by side.
//
// Legend: B batch, S source length, T target length, E embedding, H hidden,
// G gates per cell (RNN 1, GRU 3, LSTM 4), In input width (E, or the width of
// the layer below).
//
// A Cell holds only parameters, in PyTorch's layout and gate order:
//
//	W_ih (G·H, In)   W_hh (G·H, H)   b_ih (1, G·H)   b_hh (1, G·H)
//
// What backward needs is written into a caller-owned Trace, one per time step
// (like hs[t] in min-char-rnn), so one cell serves many goroutines. Masks are
// never inside a cell: the encoder and decoder handle padding.
//
// The input side of a layer is one GEMM for all time steps: the caller
// projects every input row at once with Project (GX = X·W_ihᵀ + b_ih, rows in
// the caller's order, usually time-major t·B+b), then runs Step on each row
// block gx (B, G·H). Step does the one recurrent GEMM h_prev·W_hhᵀ with the
// gates fused, from W_hhᵀ packed once per sequence (PackRecurrent) or not.
// Backward mirrors it: StepBackward per step writes the step's rows of the
// caller's GateGrads and dh_prev (dc_prev), then ProjectBackward turns all
// of DGx into dW_ih, db_ih and dX, and RecurrentGrad all the steps' gate
// gradients into dW_hh and db_hh, one GEMM each. Every backward adds into
// parameter gradients.
package cell

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/field"
)

// Kind names a cell type. It is a config value: "rnn", "gru" or "lstm".
type Kind string

// The cell kinds.
const (
	RNN  Kind = "rnn"  // Elman: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
	GRU  Kind = "gru"  // PyTorch's GRU, gates r, z, n
	LSTM Kind = "lstm" // PyTorch's LSTM, gates i, f, g, o
)

// Kinds lists the valid kinds in a stable order, for error messages.
var Kinds = []Kind{GRU, LSTM, RNN}

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == RNN || k == GRU || k == LSTM }

// Gates returns G, the number of gate blocks of H rows in W_ih and W_hh:
// 1 for RNN, 3 for GRU, 4 for LSTM. It panics on an invalid kind.
func (k Kind) Gates() int {
	switch k {
	case RNN:
		return 1
	case GRU:
		return 3
	case LSTM:
		return 4
	}
	panic("cell: invalid kind " + string(k))
}

// HasC reports whether the cell carries a cell state c (LSTM only).
func (k Kind) HasC() bool { return k == LSTM }

// ValidateStack checks the settings a stack of cells shares in the encoder
// and decoder sections: the kind and the layers, emb and hidden sizes. It
// returns one "key: problem" error per invalid value.
func ValidateStack(kind Kind, layers, emb, hidden int) []error {
	var errs []error
	if !kind.Valid() {
		errs = append(errs, fmt.Errorf("cell: %q is not one of %s", kind, field.OneOf(Kinds)))
	}
	for _, f := range []struct {
		key string
		v   int
	}{{"layers", layers}, {"emb", emb}, {"hidden", hidden}} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("%s: %d must be at least 1", f.key, f.v))
		}
	}
	return errs
}
