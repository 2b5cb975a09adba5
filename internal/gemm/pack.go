package gemm

// Packing copies a block of op(A) or op(B) into the layout the micro-kernels
// read: contiguous micro-panels, zero-padded to full tiles so that edge
// tiles run the same kernel (and the same sums) as interior ones.

// packA packs the mb×kb block of op(A) starting at (i0, p0) into dst as
// ⌈mb/mr⌉ micro-panels; panel s holds, for each p in [0, kb), the mr values
// op(A)[i0+s·mr+r, p0+p] (0 past row mb). tr, when not nil, packs a full
// micro-panel tk steps of k at a time (for op(A) = A); gather, when not nil,
// packs a full micro-panel of op(A) = Aᵀ (mr consecutive values from each of
// kb rows of A).
func packA[F Float](dst []F, mr int, tr func(dst *F, src *F, lds int), tk int, gather func(dst, src *F, lds, n int), tA bool, mb, kb int, a []F, lda, i0, p0 int) {
	for s := 0; s*mr < mb; s++ {
		rows := min(mr, mb-s*mr)
		panel := dst[s*mr*kb : (s+1)*mr*kb]
		if tA {
			// op(A)[i, p] = a[p·lda + i]: each p is a contiguous run of rows.
			base := p0*lda + i0 + s*mr
			if rows == mr && gather != nil && kb > 0 {
				_ = a[base+(kb-1)*lda+mr-1] // the last element it reads
				gather(&panel[0], &a[base], lda, kb)
				continue
			}
			if rows == mr { // a loop of mr beats a call to memmove
				for p := range kb {
					d := panel[p*mr : p*mr+mr]
					src := a[base+p*lda:]
					src = src[:len(d)]
					for i := range d {
						d[i] = src[i]
					}
				}
				continue
			}
			for p := range kb {
				d := panel[p*mr : p*mr+mr]
				copy(d, a[base+p*lda:base+p*lda+rows])
				clear(d[rows:])
			}
			continue
		}
		// op(A)[i, p] = a[i·lda + p]: each row is a contiguous run of p.
		src := a[(i0+s*mr)*lda+p0:]
		pFrom := 0
		if tr != nil && rows == mr && kb >= tk {
			_ = src[(mr-1)*lda+kb-1] // the last element any block reads
			for ; pFrom+tk <= kb; pFrom += tk {
				tr(&panel[pFrom*mr], &src[pFrom], lda)
			}
		}
		for r := range rows {
			row := src[r*lda+pFrom : r*lda+kb]
			for p, v := range row {
				panel[(pFrom+p)*mr+r] = v
			}
		}
		for r := rows; r < mr; r++ {
			for p := range kb {
				panel[p*mr+r] = 0
			}
		}
	}
}

// packB packs the kb×nb block of op(B) starting at (p0, j0) into dst as
// ⌈nb/nr⌉ micro-panels; panel t holds, for each p in [0, kb), the nr values
// op(B)[p0+p, j0+t·nr+c] (0 past column nb). tr, when not nil, transposes
// tb×tb blocks (for op(B) = Bᵀ).
func packB[F Float](dst []F, nr int, tr func(dst *F, ldd int, src *F, lds int), tb int, tB bool, kb, nb int, b []F, ldb, p0, j0 int) {
	for t := 0; t*nr < nb; t++ {
		cols := min(nr, nb-t*nr)
		panel := dst[t*nr*kb : (t+1)*nr*kb]
		if !tB {
			// op(B)[p, j] = b[p·ldb + j]: each p is a contiguous run of columns.
			base := p0*ldb + j0 + t*nr
			for p := range kb {
				d := panel[p*nr : p*nr+nr]
				copy(d, b[base+p*ldb:base+p*ldb+cols])
				clear(d[cols:])
			}
			continue
		}
		// op(B)[p, j] = b[j·ldb + p]: each column is a contiguous run of p.
		src := b[(j0+t*nr)*ldb+p0:]
		if tr != nil && cols == nr && nr%tb == 0 && kb >= tb {
			kbt := kb / tb * tb
			_ = src[(cols-1)*ldb+kb-1] // the last element any block reads
			for c := 0; c < nr; c += tb {
				for p := 0; p < kbt; p += tb {
					tr(&panel[p*nr+c], nr, &src[c*ldb+p], ldb)
				}
			}
			if kbt < kb {
				packTransposed(panel[kbt*nr:], nr, cols, kb-kbt, src[kbt:], ldb)
			}
			continue
		}
		packTransposed(panel, nr, cols, kb, src, ldb)
	}
}

// packTransposed writes panel[p·nr + c] = src[c·ld + p] for c < cols and
// p < kb, and zero for cols ≤ c < nr. Four source rows at a time keep the
// writes to one cache line per p.
func packTransposed[F Float](panel []F, nr, cols, kb int, src []F, ld int) {
	c := 0
	for ; c+4 <= cols; c += 4 {
		s0 := src[c*ld : c*ld+kb]
		s1 := src[(c+1)*ld : (c+1)*ld+kb]
		s2 := src[(c+2)*ld : (c+2)*ld+kb]
		s3 := src[(c+3)*ld : (c+3)*ld+kb]
		for p := range kb {
			d := panel[p*nr+c : p*nr+c+4]
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		}
	}
	for ; c < cols; c++ {
		s := src[c*ld : c*ld+kb]
		for p, v := range s {
			panel[p*nr+c] = v
		}
	}
	if cols < nr {
		for p := range kb {
			clear(panel[p*nr+cols : p*nr+nr])
		}
	}
}
