package decoder

import (
	"math"

	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// bridge sets h0 (B, H), the initial state of every layer (and for an
// LSTM the initial cell state too): tanh(W_b [final pieces] + b_b), or
// zeros with bridge none.
func (d *Decoder[F]) bridge(h0 mat.Mat[F], final []mat.Mat[F]) {
	if d.Cfg.Bridge == BridgeNone {
		h0.Zero()
		return
	}
	off := 0
	for i, f := range final {
		d.Bridge.Forward(h0, f, layer.Part[F]{Off: off, Add: i > 0, NoBias: i < len(final)-1})
		off += f.Cols
	}
	if off != d.Bridge.In() {
		panic("decoder: Encoded.Final widths do not sum to the bridge's input width")
	}
	for i, v := range h0.Data {
		h0.Data[i] = F(math.Tanh(float64(v)))
	}
}

// bridgeBackward adds the gradient dh0 (B, H) of the initial state into the
// bridge weights and dfinal. It overwrites dh0.
func (d *Decoder[F]) bridgeBackward(dh0, h0 mat.Mat[F], final, dfinal []mat.Mat[F]) {
	if d.Cfg.Bridge == BridgeNone {
		return
	}
	for i, v := range h0.Data {
		dh0.Data[i] *= 1 - v*v
	}
	off := 0
	for i, f := range final {
		var df mat.Mat[F]
		if i < len(dfinal) {
			df = dfinal[i]
		}
		d.Bridge.Backward(df, dh0, f, layer.Part[F]{Off: off, NoBias: i > 0})
		off += f.Cols
	}
}
