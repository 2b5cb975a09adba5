#include "textflag.h"

// func gruBwdF32AVX(g, ghn, hp, d, dx, dg, dp []float32, n, h int)
// gruBackward's loop over the first n elements of one row (n a multiple
// of 8): g, dx and dg hold the three gates at strides of h. The operations
// are the loop's, one IEEE single-precision operation each in its order
// (no FMA), so the bits are the same.
TEXT ·gruBwdF32AVX(SB), NOSPLIT, $0-184
	MOVQ h+176(FP), R15
	SHLQ $2, R15 // gate stride in bytes
	MOVQ g_base+0(FP), AX
	LEAQ (AX)(R15*1), BX
	LEAQ (BX)(R15*1), CX
	MOVQ dx_base+96(FP), SI
	LEAQ (SI)(R15*1), DI
	LEAQ (DI)(R15*1), R8
	MOVQ dg_base+120(FP), R9
	LEAQ (R9)(R15*1), R10
	LEAQ (R10)(R15*1), R11
	MOVQ ghn_base+24(FP), R12
	MOVQ hp_base+48(FP), R13
	MOVQ d_base+72(FP), DX
	MOVQ dp_base+144(FP), R14
	MOVL $0x3f800000, R15
	MOVQ R15, X15
	VBROADCASTSS X15, Y15 // 1
	MOVQ n+168(FP), R15
	SHRQ $3, R15
	JZ   done

loop:
	VMOVUPS (AX), Y0    // r
	VMOVUPS (BX), Y1    // z
	VMOVUPS (CX), Y2    // n
	VMOVUPS (DX), Y3    // dh
	VMOVUPS (R13), Y4   // h
	VMOVUPS (R12), Y5   // ghn
	VSUBPS  Y1, Y15, Y6 // 1 − z
	VMULPS  Y6, Y3, Y7  // dh·(1 − z)
	VMULPS  Y2, Y2, Y8
	VSUBPS  Y8, Y15, Y8
	VMULPS  Y8, Y7, Y7  // dn = ·(1 − n²)
	VSUBPS  Y2, Y4, Y8  // h − n
	VMULPS  Y8, Y3, Y8  // dh·(h − n)
	VMULPS  Y1, Y8, Y8  // ·z
	VMULPS  Y6, Y8, Y8  // dz = ·(1 − z)
	VMULPS  Y5, Y7, Y9  // dn·ghn
	VMULPS  Y0, Y9, Y9  // ·r
	VSUBPS  Y0, Y15, Y10
	VMULPS  Y10, Y9, Y9 // dr = ·(1 − r)
	VMOVUPS Y9, (SI)
	VMOVUPS Y8, (DI)
	VMOVUPS Y7, (R8)
	VMOVUPS Y9, (R9)
	VMOVUPS Y8, (R10)
	VMULPS  Y0, Y7, Y7  // dn·r
	VMOVUPS Y7, (R11)
	VMULPS  Y1, Y3, Y3  // dh·z
	VMOVUPS Y3, (R14)
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
	ADDQ    $32, R13
	ADDQ    $32, R14
	DECQ    R15
	JNZ     loop

done:
	VZEROUPPER
	RET
