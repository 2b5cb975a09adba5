package mat

import (
	"math"
	"math/rand/v2"
)

// InitKind says how a parameter is initialised.
type InitKind int

const (
	// Uniform draws from U(−Scale, Scale), PyTorch's RNN and Linear default
	// with Scale = 1/√fan.
	Uniform InitKind = iota
	// Normal draws from N(0, Scale²), PyTorch's Embedding default with Scale 1.
	Normal
	// Zeros leaves the parameter at 0.
	Zeros
)

// Param is one named weight matrix and its gradient, both views into the
// slabs of the Set that made it. Name is the stable checkpoint key, e.g.
// "encoder.layers.0.fwd.W_ih".
type Param[F Float] struct {
	Name  string
	W, G  Mat[F]
	Init  InitKind
	Scale float64
}

// Set is an ordered list of parameters whose weights and gradients live in
// two flat slabs, so that optimisers, clipping, zeroing and checkpoints loop
// over plain slices. Add parameters, then Alloc once.
type Set[F Float] struct {
	List []*Param[F]
	W, G []F // the slabs; nil before Alloc
}

// Add declares a rows×cols parameter. Its W and G are empty until Alloc.
// It panics if called after Alloc.
func (s *Set[F]) Add(name string, rows, cols int, init InitKind, scale float64) *Param[F] {
	if s.W != nil {
		panic("mat: Set.Add after Alloc")
	}
	p := &Param[F]{Name: name, W: Mat[F]{Rows: rows, Cols: cols}, G: Mat[F]{Rows: rows, Cols: cols}, Init: init, Scale: scale}
	s.List = append(s.List, p)
	return p
}

// Len returns the total number of scalars in the set.
func (s *Set[F]) Len() int {
	n := 0
	for _, p := range s.List {
		n += p.W.Rows * p.W.Cols
	}
	return n
}

// Alloc carves every parameter's W and G out of two zeroed slabs, in order.
func (s *Set[F]) Alloc() {
	n := s.Len()
	s.W, s.G = make([]F, n), make([]F, n)
	off := 0
	for _, p := range s.List {
		sz := p.W.Rows * p.W.Cols
		p.W.Data = s.W[off : off+sz : off+sz]
		p.G.Data = s.G[off : off+sz : off+sz]
		off += sz
	}
}

// AllocWeights carves the weight of each parameter that need accepts out
// of one zeroed slab, in order, and allocates no gradients: a set for
// inference whose other parameters are held in another form (an int8
// model's matrices). The others keep W.Data nil, and every G.Data is nil;
// W is the slab of the accepted weights alone, so training, ShareWeights
// and averaging need Alloc.
func (s *Set[F]) AllocWeights(need func(*Param[F]) bool) {
	n := 0
	for _, p := range s.List {
		if need(p) {
			n += p.W.Rows * p.W.Cols
		}
	}
	s.W = make([]F, n)
	off := 0
	for _, p := range s.List {
		if !need(p) {
			continue
		}
		sz := p.W.Rows * p.W.Cols
		p.W.Data = s.W[off : off+sz : off+sz]
		off += sz
	}
}

// Init fills every weight from rng, in list order, as each parameter's
// InitKind says: the same seed gives the same weights, bit for bit.
func (s *Set[F]) Init(rng *rand.Rand) {
	for _, p := range s.List {
		for i := range p.W.Data {
			switch p.Init {
			case Uniform:
				p.W.Data[i] = F((2*rng.Float64() - 1) * p.Scale)
			case Normal:
				p.W.Data[i] = F(rng.NormFloat64() * p.Scale)
			case Zeros:
				p.W.Data[i] = 0
			}
		}
	}
}

// ZeroGrad sets every gradient to 0.
func (s *Set[F]) ZeroGrad() { clear(s.G) }

// Lookup returns the parameter with the given name, or nil.
func (s *Set[F]) Lookup(name string) *Param[F] {
	for _, p := range s.List {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// InvSqrt returns 1/√n, PyTorch's init bound for a layer with n hidden
// units or inputs.
func InvSqrt(n int) float64 { return 1 / math.Sqrt(float64(n)) }

// ShareWeights points every weight view of s at the same offset of src's
// weight slab, so that s becomes a replica with its own gradients and the
// master's weights (data-parallel workers). Both sets must have been built
// the same way and allocated; it panics otherwise.
func (s *Set[F]) ShareWeights(src *Set[F]) {
	if len(s.W) != len(src.W) || len(s.List) != len(src.List) {
		panic("mat: ShareWeights between sets of different shapes")
	}
	off := 0
	for i, p := range s.List {
		q := src.List[i]
		sz := p.W.Rows * p.W.Cols
		if p.Name != q.Name || p.W.Rows != q.W.Rows || p.W.Cols != q.W.Cols {
			panic("mat: ShareWeights: parameter " + p.Name + " does not match " + q.Name)
		}
		p.W.Data = src.W[off : off+sz : off+sz]
		off += sz
	}
	s.W = src.W
}

// Mean accumulates weight slabs in float64 and writes their element-wise
// mean: the one implementation of checkpoint averaging.
type Mean struct {
	sum []float64
	n   int
}

// Add adds a slab; every slab must have the length of the first.
// It panics otherwise.
func (m *Mean) Add(w []float32) {
	if m.sum == nil {
		m.sum = make([]float64, len(w))
	}
	if len(w) != len(m.sum) {
		panic("mat: Mean.Add of slabs of different lengths")
	}
	for i, x := range w {
		m.sum[i] += float64(x)
	}
	m.n++
}

// N returns the number of slabs added.
func (m *Mean) N() int { return m.n }

// Into writes the mean of the slabs added into dst, rounded once to
// float32. It panics if dst's length differs or nothing was added.
func (m *Mean) Into(dst []float32) {
	if m.n == 0 || len(dst) != len(m.sum) {
		panic("mat: Mean.Into: nothing added or wrong length")
	}
	for i, s := range m.sum {
		dst[i] = float32(s / float64(m.n))
	}
}
