//go:build amd64

#include "textflag.h"

// func prefetchF32(x []float32)
// Asks for the cache lines of x (into L1), one PREFETCHT0 per 64 bytes.
TEXT ·prefetchF32(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	LEAQ (SI)(CX*4), DX
pfloop:
	CMPQ SI, DX
	JAE  pfdone
	PREFETCHT0 (SI)
	ADDQ $64, SI
	JMP  pfloop
pfdone:
	RET
