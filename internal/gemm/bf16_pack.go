package gemm

// Packing for the bf16 kernels: the layouts of packA and packB with two
// steps of k per 32-bit slot, op(X)[·, 2q] rounded to bf16 in the low half
// and op(X)[·, 2q+1] in the high half (zero past k); a slot past the rows
// or columns of the block is zero.

// packABF16 packs the mb×kb block of op(A) at (i0, p0) into ⌈mb/mr⌉
// micro-panels of pairs(kb)·mr slots: slot (q, r) of panel s holds
// op(A)[i0+s·mr+r, p0+2q … p0+2q+1].
func packABF16(dst []uint32, mr int, tA bool, mb, kb int, a []float32, lda, i0, p0 int) {
	kw := pairs(kb)
	for s := 0; s*mr < mb; s++ {
		rows := min(mr, mb-s*mr)
		panel := dst[s*mr*kw : (s+1)*mr*kw]
		if tA {
			// op(A)[i, p] = a[p·lda + i]: steps 2q and 2q+1 are two rows of a.
			base := p0*lda + i0 + s*mr
			for q := range kw {
				d := panel[q*mr : q*mr+mr]
				r0 := a[base+2*q*lda:]
				r0 = r0[:rows]
				if 2*q+1 == kb {
					for r, v := range r0 {
						d[r] = uint32(RoundBF16(v))
					}
				} else {
					r1 := a[base+(2*q+1)*lda:]
					r1 = r1[:rows]
					for r, v := range r0 {
						d[r] = bf16Pair(v, r1[r])
					}
				}
				clear(d[rows:])
			}
			continue
		}
		// op(A)[i, p] = a[i·lda + p]: each pair is adjacent in a row.
		for r := range rows {
			row := a[(i0+s*mr+r)*lda+p0:]
			row = row[:kb]
			q := 0
			for ; 2*q+1 < kb; q++ {
				panel[q*mr+r] = bf16Pair(row[2*q], row[2*q+1])
			}
			if q < kw {
				panel[q*mr+r] = uint32(RoundBF16(row[2*q]))
			}
		}
		for r := rows; r < mr; r++ {
			for q := range kw {
				panel[q*mr+r] = 0
			}
		}
	}
}

// packBBF16 packs the kb×nb block of op(B) at (p0, j0) into ⌈nb/nr⌉
// micro-panels of pairs(kb)·nr slots: slot (q, c) of panel t holds
// op(B)[p0+2q … p0+2q+1, j0+t·nr+c].
func packBBF16(dst []uint32, nr int, tB bool, kb, nb int, b []float32, ldb, p0, j0 int) {
	kw := pairs(kb)
	for t := 0; t*nr < nb; t++ {
		cols := min(nr, nb-t*nr)
		panel := dst[t*nr*kw : (t+1)*nr*kw]
		if !tB {
			// op(B)[p, j] = b[p·ldb + j]: steps 2q and 2q+1 are two rows of b.
			base := p0*ldb + j0 + t*nr
			for q := range kw {
				d := panel[q*nr : q*nr+nr]
				r0 := b[base+2*q*ldb:]
				r0 = r0[:cols]
				if 2*q+1 == kb {
					for c, v := range r0 {
						d[c] = uint32(RoundBF16(v))
					}
				} else {
					r1 := b[base+(2*q+1)*ldb:]
					r1 = r1[:cols]
					for c, v := range r0 {
						d[c] = bf16Pair(v, r1[c])
					}
				}
				clear(d[cols:])
			}
			continue
		}
		// op(B)[p, j] = b[j·ldb + p]: each pair is adjacent in a row of b.
		for c := range cols {
			src := b[(j0+t*nr+c)*ldb+p0:]
			src = src[:kb]
			q := 0
			for ; 2*q+1 < kb; q++ {
				panel[q*nr+c] = bf16Pair(src[2*q], src[2*q+1])
			}
			if q < kw {
				panel[q*nr+c] = uint32(RoundBF16(src[2*q]))
			}
		}
		if cols < nr {
			for q := range kw {
				clear(panel[q*nr+cols : q*nr+nr])
			}
		}
	}
}
