package gemm

import (
	"fmt"
	"unsafe"
)

// Packed is op(B) packed once for many products with the same B, such as a
// recurrent weight matrix across the time steps of a batch or the output
// layer across the steps of a search: GemmPacked then skips the packing
// Gemm does on every call. The zero value is empty; Pack fills it and
// reuses its memory. It must be packed again after B changes. A Packed may
// serve several goroutines at once once packed.
type Packed[F Float] struct {
	k, n int
	cfg  any // the *config that packed it: its kernel must read it
	data []F
}

// PackedB is a right-hand operand op(B), k×n, prepared once for many
// products A·op(B), such as a weight matrix packed for the kernels. Packed
// implements it in F's own precision; other formats (int8, bf16) can
// implement it too. Callers make one call per product, never one per
// element.
type PackedB[F Float] interface {
	// Dims returns op(B)'s shape, k×n; k is 0 while nothing is packed.
	Dims() (k, n int)
	// Mul sets C = A·op(B) + beta·C for A m×k (row stride lda) and C m×n
	// (row stride ldc). It panics if nothing is packed or a slice is too
	// short for its shape.
	Mul(m int, a []F, lda int, beta F, c []F, ldc int)
}

// Dims returns op(B)'s shape, k×n.
func (p *Packed[F]) Dims() (k, n int) { return p.k, p.n }

// Mul sets C = A·op(B) + beta·C, bit for bit what Gemm(false, tB, m, n, k,
// 1, a, lda, B, ldb, beta, c, ldc) gives; see GemmPacked.
func (p *Packed[F]) Mul(m int, a []F, lda int, beta F, c []F, ldc int) {
	GemmPacked(false, m, 1, a, lda, p, beta, c, ldc)
}

// Pack packs op(B), k×n (B stored n×k when tB), with row stride ldb. It
// panics if b is too short for its shape.
func (p *Packed[F]) Pack(tB bool, k, n int, b []F, ldb int) {
	if k < 1 || n < 1 {
		panic(fmt.Sprintf("gemm: Pack of a %d×%d op(B)", k, n))
	}
	if tB {
		checkOperand("b", len(b), n, k, ldb)
	} else {
		checkOperand("b", len(b), k, n, ldb)
	}
	p.k, p.n = k, n
	if unsafe.Sizeof(b[0]) == 4 {
		cf := config32()
		p.cfg = cf
		p.data = grow(p.data, cf.kWidth(k)*packedWidth(cf, n))
		packWhole(cf, as[float32](p.data), tB, k, n, as[float32](b), ldb)
		return
	}
	p.cfg = active64
	p.data = grow(p.data, k*packedWidth(active64, n))
	packWhole(active64, as[float64](p.data), tB, k, n, as[float64](b), ldb)
}

func grow[F Float](s []F, n int) []F {
	if cap(s) < n {
		return make([]F, n)
	}
	return s[:n]
}

// packWhole packs op(B) block by block of kc rows: block pc starts at
// kWidth(pc)·packedWidth, its NR-wide strips one after another, as packB
// lays them.
func packWhole[F Float](cf *config[F], dst []F, tB bool, k, n int, b []F, ldb int) {
	w := packedWidth(cf, n)
	if cf.bf16 {
		// nc columns at a time, as the workspace's scratch holds; nc is a
		// multiple of nr, so the strips land where one call puts them.
		ws := cf.getWorkspace()
		defer cf.putWorkspace(ws)
		for pc := 0; pc < k; pc += cf.kc {
			kb := min(cf.kc, k-pc)
			for j0 := 0; j0 < n; j0 += cf.nc {
				cf.packBFrom(dst[cf.kWidth(pc)*w+j0*cf.kWidth(kb):], ws.t, tB, kb, min(cf.nc, n-j0), b, ldb, pc, j0)
			}
		}
		return
	}
	for pc := 0; pc < k; pc += cf.kc {
		cf.packBFrom(dst[pc*w:], nil, tB, min(cf.kc, k-pc), n, b, ldb, pc, 0)
	}
}

// GemmPacked computes C = alpha·op(A)·B + beta·C as Gemm does, bit for bit,
// with op(B) (k×n) from p and C m×n. It panics if p is empty or a slice is
// too short for its shape.
func GemmPacked[F Float](tA bool, m int, alpha F, a []F, lda int, p *Packed[F], beta F, c []F, ldc int) {
	k, n := p.k, p.n
	if k == 0 {
		panic("gemm: GemmPacked with an empty Packed")
	}
	if m <= 0 {
		if m < 0 {
			panic(fmt.Sprintf("gemm: negative dimension m=%d", m))
		}
		return
	}
	checkOperand("c", len(c), m, n, ldc)
	if alpha == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	if tA {
		checkOperand("a", len(a), k, m, lda)
	} else {
		checkOperand("a", len(a), m, k, lda)
	}
	switch cf := p.cfg.(type) {
	case *config[float32]:
		cf.gemm(problem[float32]{tA: tA, m: m, n: n, k: k, alpha: float32(alpha), a: as[float32](a), lda: lda,
			beta: float32(beta), c: as[float32](c), ldc: ldc, packed: as[float32](p.data)})
	case *config[float64]:
		cf.gemm(problem[float64]{tA: tA, m: m, n: n, k: k, alpha: float64(alpha), a: as[float64](a), lda: lda,
			beta: float64(beta), c: as[float64](c), ldc: ldc, packed: as[float64](p.data)})
	}
}
