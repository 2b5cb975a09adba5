package gemm

import (
	"sync"
	"sync/atomic"
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
// this depends on M, N, the element's place in a tile or the thread count:
// edge tiles run the same kernel on zero-padded panels into a scratch tile.
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
	wsMu    sync.Mutex
	free    []*workspace[F]
	jobs    sync.Pool
}

// workspace holds one goroutine's packed panels and edge tile. Workspaces
// are kept for good on a free list: the pages of a freed buffer would have to
// be faulted in again, which costs ~15 µs a page on this machine.
type workspace[F Float] struct {
	a, b, c []F
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
	return &workspace[F]{
		a: make([]F, mc*cf.kc),
		b: make([]F, cf.kc*nc),
		c: make([]F, cf.mr*cf.nr),
	}
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
			direct := !pr.tB && i1-i0 <= directMaxM
			prepacked := pr.packed != nil
			if !direct && !prepacked {
				packB(ws.b, nr, cf.transB, cf.tbB, pr.tB, kb, nb, pr.b, pr.ldb, pc, jc)
			}
			for ic := i0; ic < i1; ic += mc {
				mb := min(mc, i1-ic)
				packA(ws.a, mr, cf.transA, cf.tkA, cf.gatherA, pr.tA, mb, kb, pr.a, pr.lda, ic, pc)
				for jr := 0; jr < nb; jr += nr {
					cols := min(nr, nb-jr)
					var bp *F
					ldb := nr
					switch {
					case prepacked:
						bp = &pr.packed[pc*packedWidth(cf, pr.n)+(jc+jr)*kb]
					case !direct:
						bp = &ws.b[jr*kb]
					case cols == nr:
						bp, ldb = &pr.b[pc*pr.ldb+jc+jr], pr.ldb
					default: // a partial strip is packed, zero-padded
						packB(ws.b, nr, nil, 0, false, kb, cols, pr.b, pr.ldb, pc, jc+jr)
						bp = &ws.b[0]
					}
					for ir := 0; ir < mb; ir += mr {
						ap := &ws.a[ir*kb]
						rows := min(mr, mb-ir)
						ci := (ic+ir)*pr.ldc + jc + jr
						if rows == mr && cols == nr {
							cf.kern(kb, ap, bp, ldb, &pr.c[ci], pr.ldc, pr.alpha, beta)
							continue
						}
						if k := cf.narrowKern(rows, cols); k != nil {
							k(kb, ap, bp, ldb, &pr.c[ci], pr.ldc, pr.alpha, beta)
							continue
						}
						cf.edge(ws.c, kb, ap, bp, ldb, pr.c[ci:], pr.ldc, rows, cols, pr.alpha, beta)
					}
				}
			}
		}
	}
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

// job splits one call across goroutines into chunks of whole tiles, along
// N or M (see splitAlongN), which the goroutines claim in turn: one slowed
// by another process on its core does fewer.
type job[F Float] struct {
	cf     *config[F]
	pr     problem[F]
	chunks int
	alongN bool
	next   atomic.Int32
	wg     sync.WaitGroup
}

// work runs chunks until none is left.
func (j *job[F]) work() {
	cf, pr := j.cf, &j.pr
	unit, total := cf.mr, pr.m
	if j.alongN {
		unit, total = cf.nr, pr.n
	}
	tiles := (total + unit - 1) / unit
	var ws *workspace[F]
	for {
		i := int(j.next.Add(1)) - 1
		if i >= j.chunks {
			break
		}
		lo := tiles * i / j.chunks * unit
		hi := min(tiles*(i+1)/j.chunks*unit, total)
		if lo >= hi {
			continue
		}
		if ws == nil {
			ws = cf.getWorkspace()
		}
		if j.alongN {
			cf.serial(ws, pr, 0, pr.m, lo, hi)
		} else {
			cf.serial(ws, pr, lo, hi, 0, pr.n)
		}
	}
	if ws != nil {
		cf.putWorkspace(ws)
	}
}

// packedWidth is n rounded up to whole NR-wide strips: the length of one
// packed row of op(B).
func packedWidth[F Float](cf *config[F], n int) int { return (n + cf.nr - 1) / cf.nr * cf.nr }

// directMaxM is the most rows of C for which op(B), when stored k×n, is
// read in place rather than packed.
var directMaxM = 256

// minParallelMACs is the smallest m·n·k worth a second goroutine: 2M
// multiply-adds take ~10 µs on one core, a hand-off a few µs. (A variable
// for the tests.)
var minParallelMACs = 1 << 21

// splitAlongN says whether to give each goroutine a range of columns rather
// than rows. Each goroutine packs all of the operand the split does not
// divide (or reads all of it, where B is read in place or prepacked), so
// duplicate the smaller: op(A) (m·k) when splitting along N, op(B) (k·n)
// along M.
func splitAlongN[F Float](pr problem[F], threads, ntiles, mtiles int) bool {
	if ntiles < threads || mtiles < threads {
		return ntiles >= mtiles
	}
	return pr.m*pr.k <= pr.k*pr.n
}

func (cf *config[F]) gemm(pr problem[F], threads int) {
	ntiles := (pr.n + cf.nr - 1) / cf.nr
	mtiles := (pr.m + cf.mr - 1) / cf.mr
	if threads > 1 && pr.m*pr.n*pr.k >= minParallelMACs && max(ntiles, mtiles) > 1 {
		j, _ := cf.jobs.Get().(*job[F])
		if j == nil {
			j = new(job[F])
		}
		j.cf, j.pr = cf, pr
		j.alongN = splitAlongN(pr, threads, ntiles, mtiles)
		// More chunks than goroutines balance the load; each chunk packs
		// the undivided operand again, cheap along N (op(A) is the smaller
		// there) and less so along M.
		if j.alongN {
			j.chunks = min(ntiles, 3*threads)
		} else {
			j.chunks = min(mtiles, 2*threads)
		}
		j.next.Store(0)
		parallel(j, min(threads, j.chunks)-1, &j.wg)
		j.pr = problem[F]{}
		cf.jobs.Put(j)
		return
	}
	ws := cf.getWorkspace()
	cf.serial(ws, &pr, 0, pr.m, 0, pr.n)
	cf.putWorkspace(ws)
}
