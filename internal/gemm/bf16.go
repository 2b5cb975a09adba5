package gemm

import (
	"math"
	"os"
	"sync/atomic"
	"unsafe"
)

// bf16 products. With precision BF16, Gemm, Pack and GemmPacked round
// float32 operands to bfloat16 (round to nearest even, as VCVTNE2PS2BF16:
// denormals to signed zero, NaN quieted) as they pack them, two steps of
// k to a 32-bit slot, and multiply with VDPBF16PS, which adds each pair of
// products into a float32 accumulator:
//
//	acc = fma(a[2q+1], b[2q+1], acc)   then   acc = fma(a[2q], b[2q], acc)
//
// each an fp32 fused multiply-add rounded to nearest even, with denormal
// inputs read as zero and denormal results flushed to zero (tininess after
// rounding). An odd k is padded with a zero pair half. The blocking (kc =
// 256 steps of k, 128 pairs), the epilogue C = alpha·acc + beta·C and so
// the determinism contract are those of the float32 kernels: a C element's
// bits depend only on its row of op(A), its column of op(B) and k.
//
// Where the CPU lacks AVX512_BF16, kernBF16Emulated computes the same bits
// in Go, many times slower.

// Precision is how Gemm multiplies float32 operands; float64 products
// always run in float64.
type Precision uint8

const (
	FP32 Precision = iota // float32 FMAs (the default)
	BF16                  // operands rounded to bfloat16, VDPBF16PS sums in float32
)

// bf16On is the process's precision for float32 products.
var bf16On atomic.Bool

// SetPrecision makes p the precision of every float32 Gemm, Pack and
// Packed.Mul that starts afterwards, on every goroutine, and returns the
// one before. A Packed keeps the precision it was packed in. The training
// loop sets BF16 only for the span of a training pass (training.precision:
// bf16) and FP32 again before validation, so decoding, dev BLEU and the
// server always multiply in float32; nothing else may run products while
// a pass does. It is a process setting because the products of a pass
// reach the seam from every layer and cell: threading a flag through each
// call would change the signature of every layer.
func SetPrecision(p Precision) (prev Precision) {
	if bf16On.Swap(p == BF16) {
		return BF16
	}
	return FP32
}

// CurrentPrecision returns the precision SetPrecision set last.
func CurrentPrecision() Precision {
	if bf16On.Load() {
		return BF16
	}
	return FP32
}

// activeBF16 is the bf16 configuration in use: AVX512_BF16 where the CPU
// has it, else the emulation; S2S_GEMM_KERNEL=emulated forces the latter.
var activeBF16 = pickConfig(configsBF16(), os.Getenv("S2S_GEMM_KERNEL"))

// KernelBF16 names the bf16 kernel ("avx512bf16", or "emulated" where
// the CPU lacks AVX512_BF16: correct, bit for bit, but slow).
func KernelBF16() string { return activeBF16.name }

// SetKernelBF16 makes the named bf16 kernel ("avx512bf16" or "emulated")
// the one bf16 products use and returns the one used before, so that
// tests can check one path against the other. It reports false, changing
// nothing, for a kernel this CPU does not run. It must not run while a
// product does.
func SetKernelBF16(name string) (prev string, ok bool) {
	prev = activeBF16.name
	for _, c := range configsBF16() {
		if c.name == name {
			activeBF16 = c
			return prev, true
		}
	}
	return prev, false
}

// config32 is the float32 configuration for a product starting now.
func config32() *config[float32] {
	if bf16On.Load() {
		return activeBF16
	}
	return active32
}

// bf16Emulated runs the emulation on the AVX-512 tile (8×48), so that a
// Packed is laid out alike on every path.
var bf16Emulated = &config[float32]{name: "emulated", mr: 8, nr: 48, kc: 256, mc: 128, nc: 3072, kern: kernBF16Emulated, bf16: true}

// RoundBF16 returns the bfloat16 nearest x (ties to even) as VCVTNE2PS2BF16
// rounds: zero and denormals give a zero of x's sign, NaN a quiet NaN.
func RoundBF16(x float32) uint16 {
	b := math.Float32bits(x)
	switch {
	case b&0x7f800000 == 0:
		return uint16(b>>16) & 0x8000
	case b&0x7fffffff > 0x7f800000:
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

// bf16Pair packs x0 (low half) and x1 (high half) into one slot.
func bf16Pair(x0, x1 float32) uint32 { return uint32(RoundBF16(x0)) | uint32(RoundBF16(x1))<<16 }

// bf16Float widens a bfloat16 to float32, reading a denormal as zero.
func bf16Float(h uint32) float32 {
	if h&0x7f80 == 0 {
		h &= 0x8000
	}
	return math.Float32frombits(h << 16)
}

// DotBF16 is one lane of VDPBF16PS: acc plus the products of the bf16
// pairs a and b (low half = element 0, high half = element 1), element 1
// first, each a fused multiply-add with denormals read as and flushed to
// zero. It is the emulation's and the tests' reference.
func DotBF16(acc float32, a, b uint32) float32 {
	acc = fmaFTZ(bf16Float(a>>16), bf16Float(b>>16), acc)
	return fmaFTZ(bf16Float(a&0xffff), bf16Float(b&0xffff), acc)
}

// fmaFTZ is x·y + z rounded once to float32 (nearest even), z read as zero
// when denormal, a result that rounds to below the smallest normal (at
// unbounded exponent) flushed to a zero of its sign.
func fmaFTZ(x, y, z float32) float32 {
	if math.Float32bits(z)&0x7f800000 == 0 {
		z = math.Float32frombits(math.Float32bits(z) & 0x80000000)
	}
	s := fmaOdd(x, y, z)
	if math.Abs(s) >= 0x1p-125 || s != s {
		return float32(s)
	}
	u := float32(s * 0x1p64) // the float32 rounding at unbounded exponent, scaled
	if math.Abs(float64(u)) < 0x1p-62 {
		return math.Float32frombits(math.Float32bits(u) & 0x80000000)
	}
	return u * 0x1p-64
}

// fma32 is x·y + z rounded once to float32 (nearest even), as VFMADD.
func fma32(x, y, z float32) float32 { return float32(fmaOdd(x, y, z)) }

// fmaOdd is x·y + z in float64 rounded to odd: the product is exact in
// float64, the sum is truncated and its last bit set when inexact, so that
// one more rounding to float32 rounds the exact value.
func fmaOdd(x, y, z float32) float64 {
	p, c := float64(x)*float64(y), float64(z)
	s := p + c
	if math.IsInf(s, 0) || s != s {
		return s
	}
	bp := s - c // TwoSum: e is the exact error of s
	e := (p - bp) + (c - (s - bp))
	if e == 0 {
		return s
	}
	b := math.Float64bits(s)
	if (e > 0) != (s > 0) { // s was rounded away from zero: step back
		b--
	}
	return math.Float64frombits(b | 1)
}

// kernBF16Emulated is the kernel contract of kernBF16AVX512 in Go, one
// lane at a time: a and b hold bf16 pairs (see packABF16, packBBF16).
func kernBF16Emulated(kp int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32) {
	const mr, nr = 8, 48
	as := unsafe.Slice((*uint32)(unsafe.Pointer(a)), kp*mr)
	bs := unsafe.Slice((*uint32)(unsafe.Pointer(b)), max(kp-1, 0)*ldb+nr)
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for i := range mr {
		for j := range nr {
			var acc float32
			for q := range kp {
				acc = DotBF16(acc, as[q*mr+i], bs[q*ldb+j])
			}
			ci := &cs[i*ldc+j]
			if beta == 0 {
				*ci = alpha * acc
			} else {
				*ci = fma32(alpha, acc, beta*(*ci))
			}
		}
	}
}

// pairs is the number of bf16 pairs that hold k steps.
func pairs(k int) int { return (k + 1) / 2 }

// asU32 views a float32 buffer (passed as any Float type) as bf16 slots.
func asU32[F Float](s []F) []uint32 {
	return unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// asF32s views bf16 slots as float32, for the float32 packers, which only
// move 32-bit values.
func asF32s(s []uint32) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// asHalves views slots as twice as many bf16 values, low half first.
func asHalves(s []uint32) []uint16 {
	return unsafe.Slice((*uint16)(unsafe.Pointer(unsafe.SliceData(s))), 2*len(s))
}

// transAs, gatherAs and transBs give a configuration's packing helpers the
// element type T they have when F is T (bf16 configurations: float32).
func transAs[T, F Float](f func(dst, src *F, lds int)) func(dst, src *T, lds int) {
	if f == nil {
		return nil
	}
	return any(f).(func(dst, src *T, lds int))
}

func gatherAs[T, F Float](f func(dst, src *F, lds, n int)) func(dst, src *T, lds, n int) {
	if f == nil {
		return nil
	}
	return any(f).(func(dst, src *T, lds, n int))
}

func transBs[T, F Float](f func(dst *F, ldd int, src *F, lds int)) func(dst *T, ldd int, src *T, lds int) {
	if f == nil {
		return nil
	}
	return any(f).(func(dst *T, ldd int, src *T, lds int))
}
