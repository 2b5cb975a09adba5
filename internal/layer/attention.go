package layer

import (
	"fmt"
	"math"

	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// AttentionKind names a score function. It is a config value.
type AttentionKind string

// The attention kinds.
const (
	// Bahdanau is additive attention: e_j = vᵀ tanh(W_q q + W_k h_j).
	Bahdanau AttentionKind = "bahdanau"
	// Dot is Luong's dot score: e_j = qᵀ h_j (needs q and h of one width).
	Dot AttentionKind = "dot"
	// General is Luong's general score: e_j = qᵀ W_k h_j.
	General AttentionKind = "general"
	// NoAttention means no attention layer at all.
	NoAttention AttentionKind = "none"
)

// AttentionKinds lists the valid kinds in a stable order, for messages.
var AttentionKinds = []AttentionKind{Bahdanau, Dot, General, NoAttention}

// Valid reports whether k is one of AttentionKinds.
func (k AttentionKind) Valid() bool {
	return k == Bahdanau || k == Dot || k == General || k == NoAttention
}

// Memory is what a batch attends over: B sentences of S positions, with
// their key projection and lengths. The caller owns and keeps it; nothing
// is cached on the Attention.
type Memory[F mat.Float] struct {
	H    mat.Mat[F] // (B·S, C) values, row b·S+j: encoder outputs
	K    mat.Mat[F] // (B·S, D) keys, from Attention.Keys (for Dot, H itself)
	Lens []int      // (B) source lengths; positions j ≥ Lens[b] are padding
	S    int        // source length of the padded batch
	// Query is Bahdanau's W_qᵀ (Hq, A) packed for Forward's query
	// projection (another precision, such as int8, may give other bits);
	// nil multiplies W_q itself. Backward ignores it.
	Query gemm.PackedB[F]
}

// Attention scores a query row against the positions of its memory row,
// normalises the scores with a softmax over the unpadded positions (padded
// positions get weight exactly 0 and gradient exactly 0) and returns the
// weighted sum of the values, the context.
type Attention[F mat.Float] struct {
	Kind AttentionKind
	Q    Linear[F]     // Bahdanau: W_q (A, Hq), no bias; key name+".query_layer"
	K    Linear[F]     // Bahdanau: W_k (A, C); General: (Hq, C); no bias; name+".key_layer"
	V    *mat.Param[F] // Bahdanau: v (1, A); key name+".energy_layer.weight"
}

// NewAttention declares the parameters of a kind of attention with query
// width hq, memory width c and (Bahdanau) attention size a, named as in
// the PyTorch reference (name+".key_layer.weight", …). It panics on an
// invalid kind, NoAttention, or Dot with hq != c.
func NewAttention[F mat.Float](ps *mat.Set[F], name string, kind AttentionKind, hq, c, a int) Attention[F] {
	at := Attention[F]{Kind: kind}
	switch kind {
	case Bahdanau:
		at.K = NewLinear(ps, name+".key_layer", c, a, false)
		at.Q = NewLinear(ps, name+".query_layer", hq, a, false)
		at.V = ps.Add(name+".energy_layer.weight", 1, a, mat.Uniform, mat.InvSqrt(a))
	case General:
		at.K = NewLinear(ps, name+".key_layer", c, hq, false)
	case Dot:
		if hq != c {
			panic(fmt.Sprintf("layer: dot attention needs query width %d == memory width %d", hq, c))
		}
	default:
		panic("layer: invalid attention kind " + string(kind))
	}
	return at
}

// KeyDim returns the width D of a key for memory width c.
func (a Attention[F]) KeyDim(c int) int {
	if a.Kind == Dot {
		return c
	}
	return a.K.Out()
}

// Keys computes the key projection of the memory h (B·S, C) into k
// (B·S, D), once per batch, and returns it; Dot returns h itself and leaves
// k alone. Put the result in Memory.K.
func (a Attention[F]) Keys(k, h mat.Mat[F]) mat.Mat[F] {
	if a.Kind == Dot {
		return h
	}
	a.K.Forward(k, h, Part[F]{})
	return k
}

// KeysBackward adds the gradient of the keys dk (B·S, D) into dh (B·S, C)
// and the key weights. h is the forward memory.
func (a Attention[F]) KeysBackward(dh, dk, h mat.Mat[F]) {
	if a.Kind == Dot {
		for i, v := range dk.Data {
			dh.Data[i] += v
		}
		return
	}
	a.K.Backward(dh, dk, h, Part[F]{})
}

// AttnTrace is what one Forward records for its Backward, owned by the
// caller; Resize it for the call's shape first. Bahdanau's tanh values
// (N·S, A) are not kept: each query row recomputes its (S, A) block in
// scratch, in Forward and again in Backward (vectorised, it costs less
// than storing and re-reading them).
type AttnTrace[F mat.Float] struct {
	Alpha mat.Mat[F] // (N, S) attention weights; exactly 0 at padded positions
	QP    mat.Mat[F] // (N, A) Bahdanau: q·W_qᵀ
	E     mat.Mat[F] // (S, A) Bahdanau scratch: tanh(qp_n + k_j) of one query row n
	dQP   mat.Mat[F] // (N, A) Bahdanau backward scratch
	dA    []F        // (S) backward scratch: gradient of the weights of a row
	dAl   mat.Mat[F] // (N, S) backward scratch: gradient of the weights, time-major batches
}

// Resize shapes tr for n query rows over a memory of length s.
func (tr *AttnTrace[F]) Resize(a Attention[F], n, s int) {
	tr.Alpha = mat.Resize(tr.Alpha, n, s)
	tr.dAl = mat.Resize(tr.dAl, n, s)
	if a.Kind == Bahdanau {
		A := a.Q.Out()
		tr.QP = mat.Resize(tr.QP, n, A)
		tr.E = mat.Resize(tr.E, s, A)
		tr.dQP = mat.Resize(tr.dQP, n, A)
	}
	if cap(tr.dA) < s {
		tr.dA = make([]F, s)
	}
	tr.dA = tr.dA[:s]
}

// Rows returns a trace over query rows [i, j) of tr, aliasing it, so that
// one trace sized for all T·B rows serves T per-step calls on B rows each.
// The scratch is shared: use the views one at a time.
func (tr *AttnTrace[F]) Rows(i, j int) AttnTrace[F] {
	v := AttnTrace[F]{Alpha: tr.Alpha.Slice(i, j), dA: tr.dA, E: tr.E, dAl: tr.dAl.Slice(i, j)}
	if tr.QP.Rows > 0 {
		v.QP, v.dQP = tr.QP.Slice(i, j), tr.dQP.Slice(i, j)
	}
	return v
}

// memRow returns the memory row of query row n: rows[n], or n mod B when
// rows is nil (time-major teacher forcing, n = t·B+b).
func memRow(rows []int, n, b int) int {
	if rows == nil {
		return n % b
	}
	return rows[n]
}

// Forward attends with each query row q_n (N, Hq) over memory row
// rows[n] of m (rows nil: n mod B), writing the weights into tr.Alpha and
// the contexts into ctx (N, C). tr must be Resized for (N, m.S).
func (a Attention[F]) Forward(tr *AttnTrace[F], ctx, q mat.Mat[F], m Memory[F], rows []int) {
	if a.Kind == Bahdanau {
		a.Q.Forward(tr.QP, q, Part[F]{Packed: m.Query})
	}
	B := len(m.Lens)
	for n := 0; n < q.Rows; n++ {
		b := memRow(rows, n, B)
		L, al := m.Lens[b], tr.Alpha.Row(n)
		clear(al)
		a.scores(tr, al[:L], q, m, n, b)
		softmax(al[:L])
		if rows != nil && L > 0 {
			// The same product as the batched one below, one row: bit for
			// bit equal, as gemm's sums do not depend on M.
			C := m.H.Cols
			gemm.Gemm(false, false, 1, C, L, 1, al, m.S, m.H.Data[b*m.S*C:], C, 0, ctx.Data[n*C:], C)
		} else if rows != nil {
			clear(ctx.Row(n))
		}
	}
	if rows == nil {
		for b, L := range m.Lens {
			if L == 0 {
				for n := b; n < q.Rows; n += B {
					clear(ctx.Row(n))
				}
			}
		}
		forSentences(m, q.Rows, func(b, T, L int) {
			// ctx_b (T, C) = α_b (T, L)·H_b (L, C), rows n = t·B+b.
			C := m.H.Cols
			gemm.Gemm(false, false, T, C, L, 1, tr.Alpha.Data[b*m.S:], B*m.S, m.H.Data[b*m.S*C:], C,
				0, ctx.Data[b*C:], B*C)
		})
	}
}

// forSentences calls f(b, T, L) for each sentence b of m that has T query
// rows n = t·B+b among the first nq (time-major, nq a multiple of B) and
// L = Lens[b] > 0 positions: the shape of its batched products.
func forSentences[F mat.Float](m Memory[F], nq int, f func(b, T, L int)) {
	B := len(m.Lens)
	if nq%B != 0 {
		panic("layer: time-major attention rows not a multiple of the batch")
	}
	for b, L := range m.Lens {
		if L > 0 && nq > 0 {
			f(b, nq/B, L)
		}
	}
}

// scores sets e[j] to the score of query row n against position j < len(e)
// of memory row b. Bahdanau leaves tanh(qp_n + k_j) in tr.E's first len(e)
// rows.
func (a Attention[F]) scores(tr *AttnTrace[F], e []F, q mat.Mat[F], m Memory[F], n, b int) {
	if a.Kind != Bahdanau {
		qn := q.Row(n)
		for j := range e {
			e[j] = gemm.Dot(qn, m.K.Row(b*m.S+j))
		}
		return
	}
	a.energies(tr, n, b, len(e), m)
	v := a.V.W.Data
	for j := range e {
		e[j] = energyScore(v, tr.E.Row(j))
	}
}

// energyScore returns v·e: in float32 an AVX kernel's fixed order over the
// first multiple of 16 elements, then the rest in index order; in float64
// (the gradient checks and the PyTorch reference) gemm.Dot's index order.
func energyScore[F mat.Float](v, e []F) F {
	if v32, ok := any(v).([]float32); ok {
		if s, n := dotF32(v32, any(e).([]float32)); n > 0 {
			return F(s) + gemm.Dot(v[n:], e[n:])
		}
	}
	return gemm.Dot(v, e)
}

// energies sets tr.E's rows j < L to tanh(qp_n + k_{b,j}), the tanh
// vectorised over the whole (L, A) block.
func (a Attention[F]) energies(tr *AttnTrace[F], n, b, L int, m Memory[F]) {
	qp, A := tr.QP.Row(n), tr.E.Cols
	for j := 0; j < L; j++ {
		e, k := tr.E.Row(j), m.K.Row(b*m.S+j)
		k = k[:len(e)]
		i0 := 0
		if e32, ok := any(e).([]float32); ok {
			i0 = addF32(e32, any(qp).([]float32), any(k).([]float32))
		}
		for i := i0; i < len(e); i++ {
			e[i] = qp[i] + k[i]
		}
	}
	blk := tr.E.Data[:L*A]
	gemm.Tanh(blk, blk)
}

// Backward is Forward's backward: from dctx (N, C) it adds into dq (N, Hq),
// dk (B·S, D), dh (B·S, C) and the query and energy weights. q, m and rows
// are the forward's; positions beyond a sentence's length get nothing.
func (a Attention[F]) Backward(tr *AttnTrace[F], dq, dk, dh, dctx, q mat.Mat[F], m Memory[F], rows []int) {
	B := len(m.Lens)
	if a.Kind == Bahdanau {
		tr.dQP.Zero()
	}
	if rows == nil {
		a.contextBackward(tr, dh, dctx, m, q.Rows)
	}
	for n := 0; n < q.Rows; n++ {
		b := memRow(rows, n, B)
		L, al, dc := m.Lens[b], tr.Alpha.Row(n), dctx.Row(n)
		de := tr.dA[:L]
		if rows == nil {
			de = tr.dAl.Row(n)[:L]
		}
		var s F
		for j := range de {
			if rows != nil {
				hj := m.H.Row(b*m.S + j)
				de[j] = gemm.Dot(dc, hj)
				gemm.Axpy(al[j], dc, dh.Row(b*m.S+j))
			}
			s += al[j] * de[j]
		}
		for j := range de {
			de[j] = al[j] * (de[j] - s) // softmax backward
		}
		if a.Kind == Bahdanau {
			a.energies(tr, n, b, L, m)
		}
		for j := range de {
			a.scoreBackward(tr, dq, dk, q, m, n, b, j, de[j])
		}
	}
	if a.Kind == Bahdanau {
		a.Q.Backward(dq, tr.dQP, q, Part[F]{})
	}
}

// contextBackward is the context's backward for time-major query rows,
// two products per sentence: the weights' gradient dα_b (T, L) =
// dctx_b·H_bᵀ into tr.dAl, and dH_b (L, C) += α_bᵀ·dctx_b.
func (a Attention[F]) contextBackward(tr *AttnTrace[F], dh, dctx mat.Mat[F], m Memory[F], nq int) {
	B, S, C := len(m.Lens), m.S, m.H.Cols
	forSentences(m, nq, func(b, T, L int) {
		gemm.Gemm(false, true, T, L, C, 1, dctx.Data[b*C:], B*C, m.H.Data[b*S*C:], C, 0, tr.dAl.Data[b*S:], B*S)
		gemm.Gemm(true, false, L, C, T, 1, tr.Alpha.Data[b*S:], B*S, dctx.Data[b*C:], B*C, 1, dh.Data[b*S*C:], C)
	})
}

// scoreBackward adds the gradient de of score e_j (query row n, memory row
// b, position j) into its inputs: dq and dk, or for Bahdanau (whose tanh
// values energies left in tr.E) tr.dQP, dk and dv.
func (a Attention[F]) scoreBackward(tr *AttnTrace[F], dq, dk, q mat.Mat[F], m Memory[F], n, b, j int, de F) {
	r := b*m.S + j
	if a.Kind != Bahdanau {
		gemm.Axpy(de, m.K.Row(r), dq.Row(n))
		gemm.Axpy(de, q.Row(n), dk.Row(r))
		return
	}
	e := tr.E.Row(j)
	v, dv := a.V.W.Data[:len(e)], a.V.G.Data[:len(e)]
	dqp, dkr := tr.dQP.Row(n)[:len(e)], dk.Row(r)[:len(e)]
	i0 := 0
	if e32, ok := any(e).([]float32); ok {
		i0 = bahdanauBackF32(e32, any(v).([]float32), any(dv).([]float32), any(dqp).([]float32), any(dkr).([]float32), float32(de))
	}
	for i := i0; i < len(e); i++ {
		ei := e[i]
		dv[i] += de * ei
		dz := de * v[i] * (1 - ei*ei)
		dqp[i] += dz
		dkr[i] += dz
	}
}

// softmax replaces x with softmax(x); an empty x stays empty.
func softmax[F mat.Float](x []F) {
	if len(x) == 0 {
		return
	}
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var sum F
	for i, v := range x {
		x[i] = F(math.Exp(float64(v - m)))
		sum += x[i]
	}
	for i := range x {
		x[i] /= sum
	}
}
