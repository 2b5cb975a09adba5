package gemm

// Packing for the bf16 kernels: the layouts of packA and packB with two
// steps of k per 32-bit slot, op(X)[·, 2q] rounded to bf16 in the low half
// and op(X)[·, 2q+1] in the high half (zero past k); a slot past the rows
// or columns of the block is zero. Where a pair is adjacent in memory
// (op(A) = A, op(B) = Bᵀ), the block is rounded row by row into a matrix
// of pairs, t, which the float32 packers then lay out as if it were a
// float32 block of pairs(kb) steps; elsewhere two rows are rounded and
// paired straight into the panels (pairPanels). t holds bf16ScratchLen
// slots.

// bf16ScratchLen is the slots a bf16 workspace's t needs: a kc×nc block
// of op(B) (or an nc×kc block of op(A)) as pairs.
func bf16ScratchLen(kc, nc int) int { return pairs(kc) * nc }

// roundRow sets dst[i] = RoundBF16(src[i]), and dst[len(src)] = 0 when
// dst is longer, so that dst viewed as pairs is complete.
func roundRow(dst []uint16, src []float32) {
	n := roundBF16Vec(dst, src)
	for i := n; i < len(src); i++ {
		dst[i] = RoundBF16(src[i])
	}
	if len(dst) > len(src) {
		dst[len(src)] = 0
	}
}

// packABF16 packs the mb×kb block of op(A) at (i0, p0) into ⌈mb/mr⌉
// micro-panels of pairs(kb)·mr slots: slot (q, r) of panel s holds
// op(A)[i0+s·mr+r, p0+2q … p0+2q+1]. tr, tk and gather are the float32
// packA's.
func packABF16(dst, t []uint32, mr int, tr func(dst *float32, src *float32, lds int), tk int, gather func(dst, src *float32, lds, n int), tA bool, mb, kb int, a []float32, lda, i0, p0 int) {
	kw := pairs(kb)
	if !tA {
		// op(A)[i, p] = a[i·lda + p]: round each row into t (mb × kw).
		for i := range mb {
			roundRow(asHalves(t[i*kw:(i+1)*kw]), a[(i0+i)*lda+p0:(i0+i)*lda+p0+kb])
		}
		packA(asF32s(dst), mr, tr, tk, gather, false, mb, kw, asF32s(t), kw, 0, 0)
		return
	}
	// op(A)[i, p] = a[p·lda + i]: steps 2q and 2q+1 are two rows of a.
	for q := range kw {
		var hi []float32
		if 2*q+1 < kb {
			hi = a[(p0+2*q+1)*lda+i0:][:mb]
		}
		pairPanels(dst[q*mr:], a[(p0+2*q)*lda+i0:][:mb], hi, mr, kw*mr)
	}
}

// packBBF16 packs the kb×nb block of op(B) at (p0, j0) into ⌈nb/nr⌉
// micro-panels of pairs(kb)·nr slots: slot (q, c) of panel s holds
// op(B)[p0+2q … p0+2q+1, j0+s·nr+c]. tr and tb are the float32 packB's.
func packBBF16(dst, t []uint32, nr int, tr func(dst *float32, ldd int, src *float32, lds int), tb int, tB bool, kb, nb int, b []float32, ldb, p0, j0 int) {
	kw := pairs(kb)
	if tB {
		// op(B)[p, j] = b[j·ldb + p]: round each row of b into t (nb × kw).
		for j := range nb {
			roundRow(asHalves(t[j*kw:(j+1)*kw]), b[(j0+j)*ldb+p0:(j0+j)*ldb+p0+kb])
		}
		packB(asF32s(dst), nr, tr, tb, true, kw, nb, asF32s(t), kw, 0, 0)
		return
	}
	// op(B)[p, j] = b[p·ldb + j]: steps 2q and 2q+1 are two rows of b.
	for q := range kw {
		var hi []float32
		if 2*q+1 < kb {
			hi = b[(p0+2*q+1)*ldb+j0:][:nb]
		}
		pairPanels(dst[q*nr:], b[(p0+2*q)*ldb+j0:][:nb], hi, nr, kw*nr)
	}
}

// pairPanels lays out two rows, lo and hi, as the slots of one pair step
// in panels w slots wide, stride slots apart: slot i of panel s,
// dst[s·stride + i], holds lo[s·w+i] in its low half and hi[s·w+i] in
// its high half, both rounded to bf16. A nil hi pairs lo with zeros; the
// slots of the last panel past len(lo) are zero.
func pairPanels(dst []uint32, lo, hi []float32, w, stride int) {
	n := len(lo)
	full := 0
	if hi != nil && pairBF16Vec(dst, lo, hi, w, n/w, stride) {
		full = n / w
	}
	for s := full; s*w < n; s++ {
		d := dst[s*stride : s*stride+w]
		cols := min(w, n-s*w)
		for c := range cols {
			var h float32
			if hi != nil {
				h = hi[s*w+c]
			}
			d[c] = bf16Pair(lo[s*w+c], h)
		}
		clear(d[cols:])
	}
}
