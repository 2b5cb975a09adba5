//go:build amd64 && !purego

#include "textflag.h"

// func colSumsF32AVX512(dst *float32, m *float32, rows, cols, ld int)
// dst[j] += m[0·ld+j] + m[1·ld+j] + … in row order, for j < cols, a
// multiple of 16: 64 (then 16) columns held in registers while the rows
// stream past, each addition the scalar loop's own, in its order.
TEXT ·colSumsF32AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ cols+24(FP), CX
	MOVQ ld+32(FP), R9
	SHLQ $2, R9
cs64:
	CMPQ CX, $64
	JLT  cs16
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z1
	VMOVUPS 128(DI), Z2
	VMOVUPS 192(DI), Z3
	MOVQ SI, AX
	MOVQ R8, DX
cs64row:
	TESTQ DX, DX
	JEQ   cs64store
	VADDPS (AX), Z0, Z0
	VADDPS 64(AX), Z1, Z1
	VADDPS 128(AX), Z2, Z2
	VADDPS 192(AX), Z3, Z3
	ADDQ R9, AX
	DECQ DX
	JMP  cs64row
cs64store:
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ $256, DI
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  cs64
cs16:
	CMPQ CX, $16
	JLT  csdone
	VMOVUPS (DI), Z0
	MOVQ SI, AX
	MOVQ R8, DX
cs16row:
	TESTQ DX, DX
	JEQ   cs16store
	VADDPS (AX), Z0, Z0
	ADDQ R9, AX
	DECQ DX
	JMP  cs16row
cs16store:
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	SUBQ $16, CX
	JMP  cs16
csdone:
	VZEROUPPER
	RET
