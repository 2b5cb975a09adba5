package gemm

// Packing for the bf16 kernels: the layouts of packA and packB with two
// steps of k per 32-bit slot, op(X)[·, 2q] rounded to bf16 in the low half
// and op(X)[·, 2q+1] in the high half (zero past k); a slot past the rows
// or columns of the block is zero. Where a pair is adjacent in memory
// (op(A) = A, op(B) = Bᵀ), the block is rounded row by row into a matrix
// of pairs, t, which the float32 packers then lay out as if it were a
// float32 block of pairs(kb) steps; elsewhere two rows are rounded and
// interleaved straight into the panels. t holds bf16ScratchLen slots.

// bf16ScratchLen is the slots a bf16 workspace's t needs: a kc×nc block
// of op(B) as pairs, or two rows of nc values.
func bf16ScratchLen(kc, nc int) int { return max(pairs(kc)*nc, nc) }

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
	t0, t1 := asHalves(t[:(mb+1)/2]), asHalves(t[(mb+1)/2:mb+1])
	for q := range kw {
		roundRow(t0[:mb], a[(p0+2*q)*lda+i0:(p0+2*q)*lda+i0+mb])
		if 2*q+1 < kb {
			roundRow(t1[:mb], a[(p0+2*q+1)*lda+i0:(p0+2*q+1)*lda+i0+mb])
		} else {
			clear(t1[:mb])
		}
		for s := 0; s*mr < mb; s++ {
			rows := min(mr, mb-s*mr)
			d := dst[s*mr*kw+q*mr : s*mr*kw+q*mr+mr]
			l, h := t0[s*mr:s*mr+rows], t1[s*mr:s*mr+rows]
			for r, v := range l {
				d[r] = uint32(v) | uint32(h[r])<<16
			}
			clear(d[rows:])
		}
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
	t0, t1 := asHalves(t[:(nb+1)/2]), asHalves(t[(nb+1)/2:nb+1])
	for q := range kw {
		roundRow(t0[:nb], b[(p0+2*q)*ldb+j0:(p0+2*q)*ldb+j0+nb])
		if 2*q+1 < kb {
			roundRow(t1[:nb], b[(p0+2*q+1)*ldb+j0:(p0+2*q+1)*ldb+j0+nb])
		} else {
			clear(t1[:nb])
		}
		for s := 0; s*nr < nb; s++ {
			cols := min(nr, nb-s*nr)
			d := dst[s*nr*kw+q*nr : s*nr*kw+q*nr+nr]
			l, h := t0[s*nr:s*nr+cols], t1[s*nr:s*nr+cols]
			for c, v := range l {
				d[c] = uint32(v) | uint32(h[c])<<16
			}
			clear(d[cols:])
		}
	}
}
