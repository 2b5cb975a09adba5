#include "textflag.h"

// func adamF32AVX(w, g, m, v []float32, clear bool, c *[9]float32)
// c: step, sq, b1, 1-b1, b2, 1-b2, eps, wd, gradient scale. len(w) is a multiple of 8;
// g, m and v are at least as long. The operations are adam's, one IEEE
// single-precision operation each (no FMA), so the bits are the same.
// With clear, g is zeroed as it is read.
TEXT ·adamF32AVX(SB), NOSPLIT, $0-112
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), CX
	MOVQ g_base+24(FP), SI
	MOVQ m_base+48(FP), R8
	MOVQ v_base+72(FP), R9
	MOVBQZX clear+96(FP), R10
	MOVQ c+104(FP), AX
	VXORPS Y7, Y7, Y7
	VBROADCASTSS 0(AX), Y8
	VBROADCASTSS 4(AX), Y9
	VBROADCASTSS 8(AX), Y10
	VBROADCASTSS 12(AX), Y11
	VBROADCASTSS 16(AX), Y12
	VBROADCASTSS 20(AX), Y13
	VBROADCASTSS 24(AX), Y14
	VBROADCASTSS 28(AX), Y15
	VBROADCASTSS 32(AX), Y6
	SHRQ $3, CX
	JZ   done

loop:
	VMOVUPS (DI), Y0        // w
	VMULPS  Y15, Y0, Y1     // wd·w
	VMOVUPS (SI), Y5
	VMULPS  Y6, Y5, Y5      // g·scale, rounded alone
	TESTQ   R10, R10
	JZ      kept
	VMOVUPS Y7, (SI)        // clear g

kept:
	VADDPS  Y1, Y5, Y1      // gi = g·scale + wd·w
	VMOVUPS (R8), Y5
	VMULPS  Y5, Y10, Y2     // b1·m
	VMULPS  Y1, Y11, Y3     // (1−b1)·gi
	VADDPS  Y3, Y2, Y2      // mi
	VMOVUPS Y2, (R8)
	VMOVUPS (R9), Y5
	VMULPS  Y5, Y12, Y3     // b2·v
	VMULPS  Y1, Y13, Y4     // (1−b2)·gi
	VMULPS  Y1, Y4, Y4      // ·gi
	VADDPS  Y4, Y3, Y3      // vi
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y3
	VMULPS  Y9, Y3, Y3      // √vi·sq
	VADDPS  Y14, Y3, Y3     // + eps
	VMULPS  Y2, Y8, Y2      // step·mi
	VDIVPS  Y3, Y2, Y2      // / (√vi·sq + eps)
	VSUBPS  Y2, Y0, Y0      // w − …
	VMOVUPS Y0, (DI)
	ADDQ    $32, DI
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	DECQ    CX
	JNZ     loop

done:
	VZEROUPPER
	RET
