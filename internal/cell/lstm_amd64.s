#include "textflag.h"

// func lstmBwdF32AVX(g, dx, tc, cp, d, dc, dcp []float32, n, h int)
// lstmBackward's loop over the first n elements of one row (n a multiple
// of 8): g and dx hold the four gates at strides of h; dc may be empty
// (zero). The operations are the loop's, one IEEE single-precision
// operation each in its order (no FMA), so the bits are the same.
TEXT ·lstmBwdF32AVX(SB), NOSPLIT, $0-184
	MOVQ h+176(FP), R15
	SHLQ $2, R15 // gate stride in bytes
	MOVQ g_base+0(FP), AX
	LEAQ (AX)(R15*1), BX
	LEAQ (BX)(R15*1), CX
	LEAQ (CX)(R15*1), DX
	MOVQ dx_base+24(FP), SI
	LEAQ (SI)(R15*1), DI
	LEAQ (DI)(R15*1), R8
	LEAQ (R8)(R15*1), R9
	MOVQ tc_base+48(FP), R10
	MOVQ cp_base+72(FP), R11
	MOVQ d_base+96(FP), R12
	MOVQ dc_base+120(FP), R13
	MOVQ dc_len+128(FP), R15
	TESTQ R15, R15
	JNZ  hasdc
	XORQ R13, R13

hasdc:
	MOVL $0x3f800000, R15
	MOVQ R15, X15
	VBROADCASTSS X15, Y15 // 1
	MOVQ dcp_base+144(FP), R14
	MOVQ n+168(FP), R15
	SHRQ $3, R15
	JZ   done

loop:
	VMOVUPS (AX), Y0   // i
	VMOVUPS (BX), Y1   // f
	VMOVUPS (CX), Y2   // g
	VMOVUPS (DX), Y3   // o
	VMOVUPS (R10), Y4  // tanh c'
	VMOVUPS (R12), Y5  // dh
	VMULPS  Y3, Y5, Y6 // dh·o
	VMULPS  Y4, Y4, Y7
	VSUBPS  Y7, Y15, Y7
	VMULPS  Y7, Y6, Y6 // ·(1 − tanh²c')
	TESTQ   R13, R13
	JZ      nodc
	VADDPS  (R13), Y6, Y6 // + dc
	ADDQ    $32, R13

nodc:
	VMULPS  Y2, Y6, Y8 // dc̃·g
	VMULPS  Y0, Y8, Y8 // ·i
	VSUBPS  Y0, Y15, Y9
	VMULPS  Y9, Y8, Y8 // ·(1 − i)
	VMOVUPS Y8, (SI)
	VMOVUPS (R11), Y10 // c
	VMULPS  Y10, Y6, Y8
	VMULPS  Y1, Y8, Y8
	VSUBPS  Y1, Y15, Y9
	VMULPS  Y9, Y8, Y8
	VMOVUPS Y8, (DI)
	VMULPS  Y0, Y6, Y8 // dc̃·i
	VMULPS  Y2, Y2, Y9
	VSUBPS  Y9, Y15, Y9
	VMULPS  Y9, Y8, Y8 // ·(1 − g²)
	VMOVUPS Y8, (R8)
	VMULPS  Y4, Y5, Y8 // dh·tanh c'
	VMULPS  Y3, Y8, Y8 // ·o
	VSUBPS  Y3, Y15, Y9
	VMULPS  Y9, Y8, Y8 // ·(1 − o)
	VMOVUPS Y8, (R9)
	VMULPS  Y1, Y6, Y8 // dc̃·f
	VMOVUPS Y8, (R14)
	ADDQ    $32, AX
	ADDQ    $32, BX
	ADDQ    $32, CX
	ADDQ    $32, DX
	ADDQ    $32, SI
	ADDQ    $32, DI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R10
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $32, R14
	DECQ    R15
	JNZ     loop

done:
	VZEROUPPER
	RET
