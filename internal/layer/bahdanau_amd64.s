#include "textflag.h"

// func bahdanauBackF32AVX(e, v, dv, dqp, dk []float32, de float32)
// For i < len(e) (a non-zero multiple of 8), in 8 lanes, the scalar loop's
// operations in its order (no fused multiply-add, so the same bits):
//   dv[i] += de·e[i]; dz = (de·v[i])·(1 − e[i]·e[i]); dqp[i] += dz; dk[i] += dz
TEXT ·bahdanauBackF32AVX(SB), NOSPLIT, $0-124
	MOVQ e_base+0(FP), SI
	MOVQ e_len+8(FP), CX
	MOVQ v_base+24(FP), R8
	MOVQ dv_base+48(FP), R9
	MOVQ dqp_base+72(FP), R10
	MOVQ dk_base+96(FP), R11
	VBROADCASTSS de+120(FP), Y15
	MOVL $0x3f800000, AX
	MOVL AX, X14
	VBROADCASTSS X14, Y14
	SHRQ $3, CX

loop:
	VMOVUPS (SI), Y0          // e
	VMULPS  Y0, Y15, Y1       // de·e
	VADDPS  (R9), Y1, Y1      // dv + de·e
	VMOVUPS Y1, (R9)
	VMULPS  Y0, Y0, Y2        // e·e
	VSUBPS  Y2, Y14, Y2       // 1 − e·e
	VMULPS  (R8), Y15, Y3     // de·v
	VMULPS  Y2, Y3, Y3        // dz
	VADDPS  (R10), Y3, Y4
	VMOVUPS Y4, (R10)
	VADDPS  (R11), Y3, Y5
	VMOVUPS Y5, (R11)
	ADDQ $32, SI
	ADDQ $32, R8
	ADDQ $32, R9
	ADDQ $32, R10
	ADDQ $32, R11
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func addF32AVX(dst, x, y []float32)
// dst[i] = x[i] + y[i] for i < len(dst), a non-zero multiple of 8.
TEXT ·addF32AVX(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	SHRQ $3, CX

addloop:
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, DI
	DECQ CX
	JNZ  addloop
	VZEROUPPER
	RET

// func affineF32AVX(dst, x []float32, a, c float32)
// dst[i] = a·x[i] − c for i < len(dst), a non-zero multiple of 8: the
// product rounded, then the difference, as the scalar loop.
TEXT ·affineF32AVX(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ x_base+24(FP), SI
	VBROADCASTSS a+48(FP), Y14
	VBROADCASTSS c+52(FP), Y15
	SHRQ $3, CX

affloop:
	VMULPS  (SI), Y14, Y0
	VSUBPS  Y15, Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  affloop
	VZEROUPPER
	RET

// func dotF32AVX(x, y []float32) float32
// Σ x[i]·y[i] for i < len(x), a non-zero multiple of 16: two 8-lane running
// sums (x·y rounded, then added: no fused multiply-add), added lane by lane,
// then the 8 lanes folded in a fixed order. The order depends only on
// len(x), so equal rows give equal sums wherever they lie.
TEXT ·dotF32AVX(SB), NOSPLIT, $0-52
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	SHRQ $4, CX

dotloop:
	VMOVUPS (SI), Y2
	VMULPS  (DX), Y2, Y2
	VADDPS  Y2, Y0, Y0
	VMOVUPS 32(SI), Y3
	VMULPS  32(DX), Y3, Y3
	VADDPS  Y3, Y1, Y1
	ADDQ $64, SI
	ADDQ $64, DX
	DECQ CX
	JNZ  dotloop
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VADDPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VADDSS X1, X0, X0
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET
