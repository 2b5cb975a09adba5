#include "textflag.h"

// func sqF32AVX(x []float32, acc *[4]float64)
// acc[j] += x[i]² (in float64, no FMA) for i ≡ j mod 4, in index order:
// sumSquares' four running sums. len(x) is a multiple of 8.
TEXT ·sqF32AVX(SB), NOSPLIT, $0-32
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ acc+24(FP), AX
	VMOVUPD (AX), Y0
	SHRQ $3, CX
	JZ   sqdone

sqloop:
	VCVTPS2PD (SI), Y1   // x[i..i+3]
	VCVTPS2PD 16(SI), Y2 // x[i+4..i+7]
	VMULPD    Y1, Y1, Y1
	VMULPD    Y2, Y2, Y2
	VADDPD    Y1, Y0, Y0
	VADDPD    Y2, Y0, Y0
	ADDQ      $32, SI
	DECQ      CX
	JNZ       sqloop

sqdone:
	VMOVUPD Y0, (AX)
	VZEROUPPER
	RET

// func addClearSqF32AVX(d, s []float32, acc *[4]float64)
// d[i] += s[i], s[i] = 0, then sqF32AVX's sums over the new d. len(d) is
// a multiple of 8; s is at least as long.
TEXT ·addClearSqF32AVX(SB), NOSPLIT, $0-56
	MOVQ   d_base+0(FP), DI
	MOVQ   d_len+8(FP), CX
	MOVQ   s_base+24(FP), SI
	MOVQ   acc+48(FP), AX
	VMOVUPD (AX), Y0
	VXORPS Y7, Y7, Y7
	SHRQ   $3, CX
	JZ     acdone

acloop:
	VMOVUPS      (DI), Y3
	VADDPS       (SI), Y3, Y3 // d + s
	VMOVUPS      Y7, (SI)
	VMOVUPS      Y3, (DI)
	VCVTPS2PD    X3, Y1
	VEXTRACTF128 $1, Y3, X4
	VCVTPS2PD    X4, Y2
	VMULPD       Y1, Y1, Y1
	VMULPD       Y2, Y2, Y2
	VADDPD       Y1, Y0, Y0
	VADDPD       Y2, Y0, Y0
	ADDQ         $32, DI
	ADDQ         $32, SI
	DECQ         CX
	JNZ          acloop

acdone:
	VMOVUPD Y0, (AX)
	VZEROUPPER
	RET
