package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// useBF16 runs f once per bf16 kernel this CPU runs, with bf16 precision.
func useBF16(t *testing.T, f func(t *testing.T)) {
	save := activeBF16
	prev := SetPrecision(BF16)
	defer func() { activeBF16 = save; SetPrecision(prev) }()
	for _, c := range configsBF16() {
		activeBF16 = c
		t.Run(c.name, f)
	}
}

func TestRoundBF16(t *testing.T) {
	for _, tc := range []struct {
		in   uint32 // float32 bits
		want uint16
	}{
		{0x3f800000, 0x3f80}, // 1 exactly
		{0x3f808000, 0x3f80}, // tie, even below: down
		{0x3f818000, 0x3f82}, // tie, odd below: up
		{0x3f808001, 0x3f81}, // just above the tie: up
		{0x3f807fff, 0x3f80}, // just below: down
		{0xbf818000, 0xbf82}, // negative tie: away from zero to even
		{0x00000000, 0x0000}, // +0
		{0x80000000, 0x8000}, // −0
		{0x007fffff, 0x0000}, // largest denormal: zero
		{0x807fffff, 0x8000}, // negative denormal: −0
		{0x00800000, 0x0080}, // smallest normal stays
		{0x7f800000, 0x7f80}, // +Inf
		{0x7f7fffff, 0x7f80}, // MaxFloat32 rounds up to +Inf
		{0x7f800001, 0x7fc0}, // signalling NaN: quieted
	} {
		if got := RoundBF16(math.Float32frombits(tc.in)); got != tc.want {
			t.Errorf("RoundBF16(%#08x) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
}

// awkwardFloats returns n float32 of random bits: NaNs, infinities and
// denormals among them, every fourth a rounding tie and every fourth
// zero or denormal.
func awkwardFloats(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		bits := rng.Uint32()
		switch i % 4 {
		case 1:
			bits = bits&0xffff0000 | 0x8000 // a tie
		case 2:
			bits &= 0x807fffff // zero or denormal
		}
		x[i] = math.Float32frombits(bits)
	}
	return x
}

// TestRoundBF16Vec checks the VCVTNE2PS2BF16 path of roundRow against
// RoundBF16 on random bit patterns (NaNs, denormals and infinities among
// them) and on ties, at lengths around the 32-wide step.
func TestRoundBF16Vec(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{1, 31, 32, 33, 64, 95, 1000} {
		src := awkwardFloats(rng, n)
		dst := make([]uint16, n+1)
		dst[n] = 0xffff
		roundRow(dst, src)
		for i, x := range src {
			if want := RoundBF16(x); dst[i] != want {
				t.Fatalf("n=%d: element %d (%#08x) rounds to %#04x, RoundBF16 gives %#04x", n, i, math.Float32bits(x), dst[i], want)
			}
		}
		if dst[n] != 0 {
			t.Fatalf("n=%d: the pad after the row is %#04x, want 0", n, dst[n])
		}
	}
}

// TestPairPanels checks the VCVTNE2PS2BF16 path of pairPanels (widths
// that are multiples of 8) and the Go path against bf16Pair, on random
// bit patterns and ties, with partial last panels and a missing hi row.
func TestPairPanels(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	randRow := func(n int) []float32 { return awkwardFloats(rng, n) }
	for _, w := range []int{7, 8, 16, 48} {
		for _, n := range []int{1, w - 1, w, w + 1, 3 * w, 5*w + 3} {
			if n < 1 {
				continue
			}
			panels := (n + w - 1) / w
			stride := 3*w + 5
			lo, hi := randRow(n), randRow(n)
			for _, h := range [][]float32{hi, nil} {
				dst := make([]uint32, (panels-1)*stride+w)
				for i := range dst {
					dst[i] = 0xdeadbeef
				}
				pairPanels(dst, lo, h, w, stride)
				for s := range panels {
					for c := range w {
						want := uint32(0)
						if i := s*w + c; i < n {
							var y float32
							if h != nil {
								y = h[i]
							}
							want = bf16Pair(lo[i], y)
						}
						if got := dst[s*stride+c]; got != want {
							t.Fatalf("w=%d n=%d hi=%v: panel %d slot %d = %#08x, want %#08x", w, n, h != nil, s, c, got, want)
						}
					}
					if s < panels-1 {
						for i := s*stride + w; i < (s+1)*stride; i++ {
							if dst[i] != 0xdeadbeef {
								t.Fatalf("w=%d n=%d: slot %d between panels was written", w, n, i)
							}
						}
					}
				}
			}
		}
	}
}

// TestDotBF16 checks the emulated lane on sums whose bits are known:
// the order (element 1 first), the rounding of each step, and flushing.
func TestDotBF16(t *testing.T) {
	bf := func(x float32) uint32 { return uint32(RoundBF16(x)) }
	pair := func(x0, x1 float32) uint32 { return bf(x0) | bf(x1)<<16 }
	for _, tc := range []struct {
		name      string
		acc       float32
		a, b      uint32
		want      float32
		wantBits0 bool // want is a zero whose sign is checked
	}{
		{"plain", 1, pair(2, 3), pair(4, 5), 1 + 15 + 8, false},
		// 2^24 + 1·1 (element 1) ties to 2^24, then + 2·1 (element 0) is
		// 2^24+2 exactly; element 0 first would give 2^24+3, which ties
		// to 2^24+4.
		{"order", 0x1p24, pair(2, 1), pair(1, 1), 0x1p24 + 2, false},
		{"ftz", 0, pair(0x1p-70, 0), pair(0x1p-70, 0), 0, true},
		{"daz acc", math.Float32frombits(1), pair(0, 0), pair(0, 0), 0, true},
		{"normal tiny", 0, pair(0x1p-63, 0), pair(0x1p-63, 0), 0x1p-126, false},
	} {
		got := DotBF16(tc.acc, tc.a, tc.b)
		if got != tc.want || (tc.wantBits0 && math.Float32bits(got) != 0) {
			t.Errorf("%s: DotBF16 = %v (%#08x), want %v", tc.name, got, math.Float32bits(got), tc.want)
		}
	}
}

// refGemmBF16 is the scalar definition of a bf16 Gemm: per C element and
// per k block of 256, the bf16 pairs summed with DotBF16 from 0, then
// C = alpha·acc + beta·C (beta 1 after the first block) with one rounding.
func refGemmBF16(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	opA := func(i, p int) float32 {
		if tA {
			return a[p*lda+i]
		}
		return a[i*lda+p]
	}
	opB := func(p, j int) float32 {
		if tB {
			return b[j*ldb+p]
		}
		return b[p*ldb+j]
	}
	for i := range m {
		for j := range n {
			for pc := 0; pc < k; pc += 256 {
				kb := min(256, k-pc)
				var acc float32
				for p := pc; p < pc+kb; p += 2 {
					var a1, b1 float32
					if p+1 < pc+kb {
						a1, b1 = opA(i, p+1), opB(p+1, j)
					}
					acc = DotBF16(acc, bf16Pair(opA(i, p), a1), bf16Pair(opB(p, j), b1))
				}
				bt := beta
				if pc > 0 {
					bt = 1
				}
				ci := &c[i*ldc+j]
				if bt == 0 {
					*ci = alpha * acc
				} else {
					*ci = fma32(alpha, acc, bt*(*ci))
				}
			}
		}
	}
}

// bf16Shapes are awkward m, n, k: tile edges, odd k (a half pair), k past
// one and two blocks of 256; 513 in each place once.
var bf16Shapes = func() [][3]int {
	var s [][3]int
	small := []int{1, 7, 17, 33}
	for _, m := range small {
		for _, n := range small {
			for _, k := range small {
				s = append(s, [3]int{m, n, k})
			}
		}
	}
	return append(s, [3]int{513, 17, 33}, [3]int{7, 513, 17}, [3]int{17, 33, 513}, [3]int{33, 64, 257}, [3]int{9, 96, 512},
		[3]int{300, 3100, 3}) // more than mc rows and nc columns
}()

func TestGemmBF16AgainstReference(t *testing.T) {
	useBF16(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for _, sh := range bf16Shapes {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.75, 0.5}} {
					tA, tB, alpha, beta := tr[0], tr[1], ab[0], ab[1]
					a, lda, b, ldb, c, ldc := operands[float32](rng, tA, tB, m, n, k, 2)
					want := append([]float32(nil), c...)
					refGemmBF16(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
					Gemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
					if i, ok := sameBits(c, want); !ok {
						t.Fatalf("m=%d n=%d k=%d tA=%v tB=%v alpha=%v beta=%v: C[%d] = %v, want %v", m, n, k, tA, tB, alpha, beta, i, c[i], want[i])
					}
				}
			}
		}
	})
}

// TestKernelBF16MatchesEmulation runs the VDPBF16PS kernel and the Go
// emulation on the same panels, with values spread over 2^±140 so that
// products and sums underflow, overflow and flush, and compares bits.
func TestKernelBF16MatchesEmulation(t *testing.T) {
	cs := configsBF16()
	if len(cs) < 2 {
		t.Skip("no AVX512_BF16: only the emulation runs here")
	}
	hw, emu := cs[0], cs[len(cs)-1]
	rng := rand.New(rand.NewPCG(7, 8))
	const mr, nr = 8, 48
	for _, scale := range []int{0, 60, 140} {
		for _, kp := range []int{0, 1, 2, 5, 128} {
			a := make([]uint32, kp*mr)
			b := make([]uint32, kp*nr)
			for i := range a {
				a[i] = randPair(rng, scale)
			}
			for i := range b {
				b[i] = randPair(rng, scale)
			}
			for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.3, -1.7}} {
				c0 := randSlice[float32](rng, mr*nr)
				want, got := append([]float32(nil), c0...), append([]float32(nil), c0...)
				ap, bp := (*float32)(nil), (*float32)(nil)
				if kp > 0 {
					ap, bp = &asF32(a)[0], &asF32(b)[0]
				} else {
					ap, bp = new(float32), new(float32)
				}
				emu.kern(kp, ap, bp, nr, &want[0], nr, ab[0], ab[1])
				hw.kern(kp, ap, bp, nr, &got[0], nr, ab[0], ab[1])
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
						t.Fatalf("scale 2^±%d kp=%d alpha=%v beta=%v: C[%d] = %v (%#08x), emulation %v (%#08x)",
							scale, kp, ab[0], ab[1], i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
					}
				}
			}
		}
	}
}

// randPair returns two random bf16 values with exponents in ±scale.
func randPair(rng *rand.Rand, scale int) uint32 {
	v := func() uint32 {
		x := float32(math.Ldexp(rng.Float64()*2-1, rng.IntN(2*scale+1)-scale))
		return uint32(RoundBF16(x))
	}
	return v() | v()<<16
}

func asF32(s []uint32) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// TestGemmBF16Deterministic runs the determinism checks on the fastest
// bf16 kernel: the driver is shared, and the emulation's bits are the
// kernel's (TestKernelBF16MatchesEmulation).
func TestGemmBF16Deterministic(t *testing.T) {
	save := activeBF16
	defer func() { activeBF16 = save }()
	activeBF16 = configsBF16()[0]
	defer SetPrecision(SetPrecision(BF16))
	checkDeterminism[float32](t)
}

func TestGemmPackedBF16MatchesGemm(t *testing.T) {
	useBF16(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		// n = 3100 spans two blocks of nc = 3072 columns.
		for _, sh := range [][3]int{{7, 513, 33}, {33, 17, 513}, {64, 96, 257}, {1, 48, 1}, {3, 3100, 300}} {
			m, n, k := sh[0], sh[1], sh[2]
			for _, tB := range []bool{false, true} {
				a, lda, b, ldb, c, ldc := operands[float32](rng, false, tB, m, n, k, 1)
				want := append([]float32(nil), c...)
				Gemm(false, tB, m, n, k, 1, a, lda, b, ldb, 1, want, ldc)
				var p Packed[float32]
				p.Pack(tB, k, n, b, ldb)
				SetPrecision(FP32) // a Packed keeps the precision it was packed in
				p.Mul(m, a, lda, 1, c, ldc)
				SetPrecision(BF16)
				if i, ok := sameBits(c, want); !ok {
					t.Fatalf("%dx%dx%d tB=%v: packed C[%d] = %v, Gemm %v", m, n, k, tB, i, c[i], want[i])
				}
			}
		}
	})
}

// BenchmarkGemmBF16 reports GFLOP/s of bf16 products next to float32 at
// training's shapes (see benchShapes), single-threaded, NT and TN.
func BenchmarkGemmBF16(b *testing.B) {
	for _, prec := range []Precision{FP32, BF16} {
		name := map[Precision]string{FP32: "f32", BF16: "bf16"}[prec]
		for _, tr := range benchTrans {
			for _, sh := range benchShapes[:3] {
				m, k, n := sh[0], sh[1], sh[2]
				b.Run(fmt.Sprintf("%s/%s/%dx%dx%d", name, tr.name, m, k, n), func(b *testing.B) {
					defer SetPrecision(SetPrecision(prec))
					benchOne[float32](b, tr.tA, tr.tB, m, k, n)
				})
			}
		}
	}
}
