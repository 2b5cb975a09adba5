//go:build amd64 && !purego

#include "textflag.h"

// func gatherF32x8(dst *float32, src *float32, lds int, n int)
// dst[p·8 + r] = src[p·lds + r] for p < n, r < 8: 8 consecutive values of
// each of n rows lds apart, one 32-byte move each, four rows a turn.
TEXT ·gatherF32x8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), R9
	SHLQ $2, R9
	MOVQ n+24(FP), CX
	LEAQ (R9)(R9*2), R10
	CMPQ CX, $4
	JLT  tail
loop4:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(R9*1), Y1
	VMOVUPS (SI)(R9*2), Y2
	VMOVUPS (SI)(R10*1), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	LEAQ    (SI)(R9*4), SI
	ADDQ    $128, DI
	SUBQ    $4, CX
	CMPQ    CX, $4
	JGE     loop4
tail:
	TESTQ CX, CX
	JEQ   done
tail1:
	VMOVUPS (SI), Y0
	VMOVUPS Y0, (DI)
	ADDQ    R9, SI
	ADDQ    $32, DI
	DECQ    CX
	JNE     tail1
done:
	VZEROUPPER
	RET
