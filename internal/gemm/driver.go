package gemm

import (
	"sync"
	"unsafe"
)

// config is one micro-kernel with its blocking.
//
// Loops, outermost first (as in BLIS): columns of C in blocks of nc; k in
// blocks of kc (op(B)'s block packed, ~L3); rows of C in blocks of mc
// (op(A)'s block packed, ~L2); then NR-wide micro-panels of B (one ~L1) and
// MR-tall micro-panels of A, one kernel call per MR×NR tile.
//
// Determinism: every C element sums its k products in kc-sized blocks, in
// order; within a block the kernel sums from 0 in k order in the element's own
// lane, then C = alpha·acc + beta·C (beta 1 after the first block). None of
// this depends on M, N or the element's place in a tile: edge tiles run the same kernel on zero-padded panels into a scratch tile.
type config[F Float] struct {
	name       string
	mr, nr     int
	kc, mc, nc int
	kern       func(kc int, a, b *F, ldb int, c *F, ldc int, alpha, beta F)
	transB     func(dst *F, ldd int, src *F, lds int) // a tbB×tbB transpose, or nil
	tbB        int
	transA     func(dst *F, src *F, lds int) // packs mr rows of tkA steps of k, or nil
	tkA        int
	gatherA    func(dst, src *F, lds, n int) // packs a full micro-panel of op(A) = Aᵀ, or nil
	// narrow[i] is kern on an mr×(i+1)·narrowW tile, for the last strip of
	// C when it is that wide (the same per-lane operations, so the same
	// bits as the full tile); nil entries or none: the strip goes to edge.
	narrow  []func(kc int, a, b *F, ldb int, c *F, ldc int, alpha, beta F)
	narrowW int
	// bf16 (float32 only): operands are packed as bf16 pairs of k (see
	// bf16.go), op(B) is never read in place, and kern's kc counts pairs.
	bf16 bool
	wsMu sync.Mutex
	free []*workspace[F]
}

// workspace holds one call's packed panels and edge tile (about 3 MB for
// float32, 3.5 MB for float64), so as many exist as goroutines have run
// products at once. Workspaces are kept for good on a free list: the pages
// of a freed buffer would have to be faulted in again, which costs ~15 µs a
// page on this machine.
type workspace[F Float] struct {
	a, b, c []F
	t       []uint32 // bf16 configurations: op(X) rounded to pairs (see bf16_pack.go)
}

func (cf *config[F]) getWorkspace() *workspace[F] {
	cf.wsMu.Lock()
	defer cf.wsMu.Unlock()
	if n := len(cf.free); n > 0 {
		ws := cf.free[n-1]
		cf.free = cf.free[:n-1]
		return ws
	}
	mc := (cf.mc + cf.mr - 1) / cf.mr * cf.mr
	nc := (cf.nc + cf.nr - 1) / cf.nr * cf.nr
	ws := &workspace[F]{
		a: make([]F, mc*cf.kc),
		b: make([]F, cf.kc*nc),
		c: make([]F, cf.mr*cf.nr),
	}
	if cf.bf16 {
		ws.t = make([]uint32, bf16ScratchLen(cf.kc, max(nc, mc)))
	}
	return ws
}

func (cf *config[F]) putWorkspace(ws *workspace[F]) {
	cf.wsMu.Lock()
	cf.free = append(cf.free, ws)
	cf.wsMu.Unlock()
}

// problem is one Gemm call's operands.
type problem[F Float] struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta F
	a, b, c     []F
	lda, ldb    int
	ldc         int
	packed      []F // op(B) packed whole (see Packed), or nil
}

// serial computes the block of C with rows [i0, i1) and columns [j0, j1)
// on the calling goroutine.
func (cf *config[F]) serial(ws *workspace[F], pr *problem[F], i0, i1, j0, j1 int) {
	// With several k blocks, every block reads and writes all of the C
	// block again: when that is far larger than a core's cache (the output
	// layer's dW = dyᵀ·x, 16000×512), run it in bands of rows whose C block
	// stays cached, repacking op(B) for each. Each element's sum is the
	// same: only the order in which elements are computed changes.
	if band := cf.rowBand(j1 - j0); pr.k > cf.kc && band >= minBandRows && band < i1-i0 &&
		(i1-i0)*min(j1-j0, cf.nc)*int(unsafe.Sizeof(pr.alpha)) > minBandedC {
		for i := i0; i < i1; i += band {
			cf.serialBlock(ws, pr, i, min(i+band, i1), j0, j1)
		}
		return
	}
	cf.serialBlock(ws, pr, i0, i1, j0, j1)
}

// Banding (see serial): a band's C block holds cBandBytes; C blocks
// smaller than minBandedC are left whole, and so are those whose band would
// be under minBandRows rows (op(B) repacked too often).
const (
	cBandBytes  = 2 << 20
	minBandedC  = 8 << 20
	minBandRows = 512
)

// rowBand is the number of rows of C, a multiple of mc, whose block of n
// (at most nc) columns fits in cBandBytes.
func (cf *config[F]) rowBand(n int) int {
	var z F
	row := min(n, cf.nc) * int(unsafe.Sizeof(z))
	return max(cBandBytes/row/cf.mc, 1) * cf.mc
}

// serialBlock is serial without banding.
func (cf *config[F]) serialBlock(ws *workspace[F], pr *problem[F], i0, i1, j0, j1 int) {
	mr, nr, kc, mc, nc := cf.mr, cf.nr, cf.kc, cf.mc, cf.nc
	k := pr.k
	for jc := j0; jc < j1; jc += nc {
		nb := min(nc, j1-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			beta := pr.beta
			if pc > 0 {
				beta = 1
			}
			// With few rows, each B micro-panel serves few tiles: read op(B)
			// in place when it is stored k×n rather than pack it.
			direct := !pr.tB && i1-i0 <= directMaxM && !cf.bf16
			prepacked := pr.packed != nil
			kw := cf.kWidth(kb) // the kernel's steps: kb, or its bf16 pairs
			if !direct && !prepacked {
				cf.packB(ws, pr, kb, nb, pc, jc)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				cf.packA(ws, pr, mb, kb, ic, pc)
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					var bp *F
					ldb := nr
					switch {
					case prepacked:
						bp = &pr.packed[cf.kWidth(pc)*packedWidth(cf, pr.n)+(jc+jr)*kw]
					case !direct:
						bp = &ws.b[jr*kw]
					case cols == nr:
						bp, ldb = &pr.b[pc*pr.ldb+jc+jr], pr.ldb
					default: // a partial strip is packed, zero-padded
						packB(ws.b, nr, nil, 0, false, kb, cols, pr.b, pr.ldb, pc, jc+jr)
						bp = &ws.b[0]
					}
					for ir := 0; ir < mb; ir += mr {
						ap := &ws.a[ir*kw]
						rows := min(mr, mb-ir)
						ci := (ic+ir)*pr.ldc + jc + jr
						if rows == mr && cols == nr {
							cf.kern(kw, ap, bp, ldb, &pr.c[ci], pr.ldc, pr.alpha, beta)
							continue
						}
						if k := cf.narrowKern(rows, cols); k != nil {
							k(kw, ap, bp, ldb, &pr.c[ci], pr.ldc, pr.alpha, beta)
							continue
						}
						cf.edge(ws.c, kw, ap, bp, ldb, pr.c[ci:], pr.ldc, rows, cols, pr.alpha, beta)
					}
				}
			}
		}
	}
}

// kWidth is the number of kernel steps that hold kb steps of k: kb, or
// its bf16 pairs.
func (cf *config[F]) kWidth(kb int) int {
	if cf.bf16 {
		return pairs(kb)
	}
	return kb
}

// packA packs the mb×kb block of op(A) at (i0, p0) into ws.a for the kernel.
func (cf *config[F]) packA(ws *workspace[F], pr *problem[F], mb, kb, i0, p0 int) {
	if cf.bf16 {
		packABF16(asU32(ws.a), ws.t, cf.mr, transAs[float32](cf.transA), cf.tkA, gatherAs[float32](cf.gatherA),
			pr.tA, mb, kb, as[float32](pr.a), pr.lda, i0, p0)
		return
	}
	packA(ws.a, cf.mr, cf.transA, cf.tkA, cf.gatherA, pr.tA, mb, kb, pr.a, pr.lda, i0, p0)
}

// packB packs the kb×nb block of op(B) at (p0, j0) into ws.b for the kernel.
func (cf *config[F]) packB(ws *workspace[F], pr *problem[F], kb, nb, p0, j0 int) {
	cf.packBFrom(ws.b, ws.t, pr.tB, kb, nb, pr.b, pr.ldb, p0, j0)
}

func (cf *config[F]) packBFrom(dst []F, t []uint32, tB bool, kb, nb int, b []F, ldb, p0, j0 int) {
	if cf.bf16 {
		packBBF16(asU32(dst), t, cf.nr, transBs[float32](cf.transB), cf.tbB, tB, kb, nb, as[float32](b), ldb, p0, j0)
		return
	}
	packB(dst, cf.nr, cf.transB, cf.tbB, tB, kb, nb, b, ldb, p0, j0)
}

// narrowKern returns the narrow kernel for a full-height tile of cols
// columns, or nil.
func (cf *config[F]) narrowKern(rows, cols int) func(kc int, a, b *F, ldb int, c *F, ldc int, alpha, beta F) {
	if rows != cf.mr || cf.narrowW == 0 || cols%cf.narrowW != 0 || cols/cf.narrowW > len(cf.narrow) {
		return nil
	}
	return cf.narrow[cols/cf.narrowW-1]
}

// edge runs the kernel for a tile with only rows×cols inside C: the full
// tile goes to the scratch t, then its valid part to c.
func (cf *config[F]) edge(t []F, kb int, ap, bp *F, ldb int, c []F, ldc, rows, cols int, alpha, beta F) {
	nr := cf.nr
	if beta != 0 {
		for i := range rows {
			copy(t[i*nr:i*nr+cols], c[i*ldc:i*ldc+cols])
		}
	}
	cf.kern(kb, ap, bp, ldb, &t[0], nr, alpha, beta)
	for i := range rows {
		copy(c[i*ldc:i*ldc+cols], t[i*nr:i*nr+cols])
	}
}

// packedWidth is n rounded up to whole NR-wide strips: the length of one
// packed row of op(B).
func packedWidth[F Float](cf *config[F], n int) int { return (n + cf.nr - 1) / cf.nr * cf.nr }

// directMaxM is the most rows of C for which op(B), when stored k×n, is
// read in place rather than packed.
var directMaxM = 256

// gemm computes pr on the calling goroutine, with a workspace from the
// free list.
func (cf *config[F]) gemm(pr problem[F]) {
	ws := cf.getWorkspace()
	cf.serial(ws, &pr, 0, pr.m, 0, pr.n)
	cf.putWorkspace(ws)
}
