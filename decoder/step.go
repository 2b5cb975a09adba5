package decoder

import (
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// Memory is a batch's encoder outputs prepared for search: values, the
// attention key projection (computed once by Prepare) and the source
// lengths. Caller-owned; many hypotheses share one memory row.
type Memory[F mat.Float] struct {
	layer.Memory[F]
	keys mat.Mat[F]       // (B·S, D) storage of K
	whh  []gemm.Packed[F] // [l] each layer's W_hhᵀ, packed once per batch
	out  gemm.Packed[F]   // W_oᵀ (H, V), packed once per batch
	w    *StepWeights[F]  // the decoder's StepW at Prepare; then whh and out are unused
}

// Prepare fills m from enc: the values alias enc.Out, the keys are
// projected once, and the recurrent and output weights are packed for
// Step's products (Prepare again after the weights change; Step on a
// Memory that Prepare never filled multiplies unpacked). m's storage is
// reused across batches. With d.StepW set, m points at those weights
// instead and packs nothing; the keys stay fp32 (once per batch, like the
// encoder).
func (d *Decoder[F]) Prepare(m *Memory[F], enc Encoded[F]) {
	m.Memory = layer.Memory[F]{H: enc.Out, Lens: enc.Lens, S: enc.S}
	if d.attends() {
		m.keys = mat.Resize(m.keys, enc.Out.Rows, d.Att.KeyDim(d.Mem))
		m.K = d.Att.Keys(m.keys, enc.Out)
	}
	if m.w = d.StepW; m.w != nil {
		m.Query = m.w.Query
		return
	}
	m.whh = grow(m.whh, len(d.Cells))
	for l, c := range d.Cells {
		c.PackRecurrent(&m.whh[l])
	}
	d.Out.Pack(&m.out)
}

// packedHH returns layer l's packed W_hhᵀ, or nil before Prepare.
func (m *Memory[F]) packedHH(l int) gemm.PackedB[F] {
	if m.w != nil {
		return m.w.HH[l]
	}
	if l < len(m.whh) {
		return &m.whh[l]
	}
	return nil
}

// packedOut returns the packed W_oᵀ, or nil before Prepare.
func (m *Memory[F]) packedOut() gemm.PackedB[F] {
	if m.w != nil {
		return m.w.Out
	}
	if k, _ := m.out.Dims(); k > 0 {
		return &m.out
	}
	return nil
}

// State is the decoder state of N hypotheses (search rows).
type State[F mat.Float] struct {
	H   []mat.Mat[F] // [layer] (N, H) hidden states
	C   []mat.Mat[F] // [layer] (N, H) LSTM cell states; empty otherwise
	Att mat.Mat[F]   // (N, H) the last attentional vector (zeros at the start)
}

// Rows returns N, the number of hypotheses.
func (s *State[F]) Rows() int { return s.Att.Rows }

// resize shapes s for n rows of d.
func (s *State[F]) resize(d *Decoder[F], n int) {
	L, H := len(d.Cells), d.Cfg.Hidden
	s.H, s.C = grow(s.H, L), grow(s.C, L)
	for l := 0; l < L; l++ {
		s.H[l] = mat.Resize(s.H[l], n, H)
		if d.hasC() {
			s.C[l] = mat.Resize(s.C[l], n, H)
		}
	}
	s.Att = mat.Resize(s.Att, n, H)
}

// InitState sets s to the B initial states of enc's sentences (the
// bridge), row b for sentence b.
func (d *Decoder[F]) InitState(s *State[F], enc Encoded[F]) {
	B := len(enc.Lens)
	s.resize(d, B)
	d.bridge(s.H[0], enc.Final)
	for l := range s.H {
		copy(s.H[l].Data, s.H[0].Data)
		if d.hasC() {
			copy(s.C[l].Data, s.H[0].Data)
		}
	}
	s.Att.Zero()
}

// Gather sets s's row i to src's row idx[i] (beam reordering, or K copies
// of each sentence's initial state). s and src must be distinct.
func (s *State[F]) Gather(src *State[F], idx []int) {
	s.H, s.C = grow(s.H, len(src.H)), grow(s.C, len(src.C))
	for l := range src.H {
		s.H[l] = gatherRows(s.H[l], src.H[l], idx)
		if len(src.C) > l && src.C[l].Data != nil {
			s.C[l] = gatherRows(s.C[l], src.C[l], idx)
		}
	}
	s.Att = gatherRows(s.Att, src.Att, idx)
}

// gatherRows returns dst resized to len(idx) rows of src's width with row
// i = src row idx[i].
func gatherRows[F mat.Float](dst, src mat.Mat[F], idx []int) mat.Mat[F] {
	dst = mat.Resize(dst, len(idx), src.Cols)
	for i, r := range idx {
		copy(dst.Row(i), src.Row(r))
	}
	return dst
}

// StepWork is one goroutine's scratch for Step, reused across steps.
type StepWork[F mat.Float] struct {
	ids   []int           // (N) previous tokens
	x     mat.Mat[F]      // (N, E)
	gx    []mat.Mat[F]    // [l] (N, G·H)
	tr    []cell.Trace[F] // [l]
	attTr layer.AttnTrace[F]
	ctx   mat.Mat[F] // (N, C)
	logp  mat.Mat[F] // (N, V)
	cat   mat.Mat[F] // (N, ·) a concatenated input, with StepWeights only
}

// Alpha returns the attention weights (N, S) of the last Step: row n is
// hypothesis n's alignment over its source (0 at padded positions). Empty
// with attention none.
func (sw *StepWork[F]) Alpha() mat.Mat[F] { return sw.attTr.Alpha }

// resize shapes sw for n rows over a source of length s.
func (sw *StepWork[F]) resize(d *Decoder[F], n, s int) {
	sw.ids = grow(sw.ids, n)
	sw.x = mat.Resize(sw.x, n, d.Cfg.Emb)
	sw.gx, sw.tr = grow(sw.gx, len(d.Cells)), grow(sw.tr, len(d.Cells))
	for l, c := range d.Cells {
		sw.gx[l] = mat.Resize(sw.gx[l], n, c.GH())
	}
	if d.attends() {
		sw.attTr.Resize(d.Att, n, s)
		sw.ctx = mat.Resize(sw.ctx, n, d.Mem)
	}
	sw.logp = mat.Resize(sw.logp, n, d.Vocab)
}

// Step advances N hypotheses by one token: tokens[n] is hypothesis n's
// previous token, rows[n] its sentence (memory row; nil means n, for N = B), prev its
// state. It writes the new state into next (resized; distinct from prev)
// and returns the log-probabilities (N, V) of the next token, a view into
// sw valid until its next Step. Step only reads d and m: goroutines with
// their own StepWork and States may share them. Computed exactly as
// Forward computes a step, so gold tokens reproduce its log-probabilities.
func (d *Decoder[F]) Step(sw *StepWork[F], next, prev *State[F], tokens []int32, m *Memory[F], rows []int) mat.Mat[F] {
	n := prev.Rows()
	if len(tokens) != n || (rows != nil && len(rows) != n) {
		panic("decoder: Step shape mismatch")
	}
	sw.resize(d, n, m.S)
	next.resize(d, n)
	for i, t := range tokens {
		sw.ids[i] = int(t)
	}
	d.Embed.Forward(sw.x, sw.ids)
	d.project0(sw, prev.Att, m)
	for l, c := range d.Cells {
		switch {
		case l > 0 && m.w != nil:
			layer.Linear[F]{W: c.Wih, B: c.Bih}.Forward(sw.gx[l], next.H[l-1], layer.Part[F]{Packed: m.w.IH[l]})
		case l > 0:
			c.Project(sw.gx[l], next.H[l-1])
		}
		tr := &sw.tr[l]
		tr.H = next.H[l]
		var cp mat.Mat[F]
		if d.hasC() {
			tr.C, cp = next.C[l], prev.C[l]
		}
		tr.Resize(c, n)
		c.Step(tr, cell.StepIn[F]{Gx: sw.gx[l], HPrev: prev.H[l], CPrev: cp, Whh: m.packedHH(l)})
	}
	d.stepAttend(sw, next.Att, next.H[d.top()], m, rows)
	d.Out.Forward(sw.logp, next.Att, layer.Part[F]{Packed: m.packedOut()})
	logSoftmaxRows(sw.logp)
	return sw.logp
}

// project0 sets sw.gx[0], layer 0's input projection of the embedded
// tokens sw.x (and, with input feeding, of the previous attentional
// vector att): in two products as Forward computes it, or with
// StepWeights in one over [x; att].
func (d *Decoder[F]) project0(sw *StepWork[F], att mat.Mat[F], m *Memory[F]) {
	p := d.proj0()
	switch {
	case m.w != nil && d.Cfg.InputFeeding:
		p.Forward(sw.gx[0], sw.concat(sw.x, att), layer.Part[F]{Packed: m.w.IH[0]})
	case m.w != nil:
		p.Forward(sw.gx[0], sw.x, layer.Part[F]{Packed: m.w.IH[0]})
	default:
		p.Forward(sw.gx[0], sw.x, layer.Part[F]{})
		if d.Cfg.InputFeeding {
			p.Forward(sw.gx[0], att, layer.Part[F]{Off: d.Cfg.Emb, Add: true, NoBias: true})
		}
	}
}

// stepAttend sets att (N, H), the attentional vector of the top states q:
// attention then tanh(W_a [q; c] + b_a), with StepWeights in one product
// over [q; c]; q itself with attention none.
func (d *Decoder[F]) stepAttend(sw *StepWork[F], att, q mat.Mat[F], m *Memory[F], rows []int) {
	switch {
	case d.attends() && m.w != nil:
		d.Att.Forward(&sw.attTr, sw.ctx, q, m.Memory, rows)
		d.AttVec.Forward(att, sw.concat(q, sw.ctx), layer.Part[F]{Packed: m.w.AttVec})
		gemm.Tanh(att.Data, att.Data)
	case d.attends():
		attVector(d, &sw.attTr, att, sw.ctx, q, m.Memory, rows)
	default:
		copy(att.Data, q.Data)
	}
}

// logSoftmaxRows applies layer.LogSoftmax to every row of x, on the
// calling goroutine (searchers and training workers are the parallelism).
func logSoftmaxRows[F mat.Float](x mat.Mat[F]) {
	for i := 0; i < x.Rows; i++ {
		layer.LogSoftmax(x.Row(i))
	}
}

// concat returns [a b], a's rows followed by b's, in sw's scratch: the
// one input row of a product by a StepWeights matrix.
func (sw *StepWork[F]) concat(a, b mat.Mat[F]) mat.Mat[F] {
	sw.cat = mat.Resize(sw.cat, a.Rows, a.Cols+b.Cols)
	for i := 0; i < a.Rows; i++ {
		row := sw.cat.Row(i)
		copy(row, a.Row(i))
		copy(row[a.Cols:], b.Row(i))
	}
	return sw.cat
}
