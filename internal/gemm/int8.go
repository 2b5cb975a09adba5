package gemm

import (
	"fmt"
	"math"
	"os"
	"sync"
	"unsafe"
)

// Int8Packed is a float32 right-hand operand op(B), k×n, quantized to int8
// once for many products A·op(B), such as a decoder's weight matrix.
//
// Quantization. Column j of op(B) (one output of the layer: one row of its
// weight W when op(B) = Wᵀ) has the scale sb[j] = max_k |b[k,j]| / 127 and
// the values q[k,j] = clamp(roundHalfEven(b[k,j] / sb[j]), -127, 127). Row i
// of A is quantized on every Mul with sa[i] = max_k |a[i,k]| / 63 and
// u[i,k] = clamp(roundHalfEven(a[i,k] / sa[i]), -63, 63) + 64, seven
// unsigned bits in [1, 127] around the zero-point 64. Every division is
// float32, every rounding half to even (as math.RoundToEven), on every
// path.
// A row or column whose scale is 0 (all zeros, or a maximum so small that
// max/63 or max/127 underflows to 0) quantizes to q = 0 and u = 64.
//
// Product. With colsum[j] = Σ_k q[k,j], fixed at Pack time,
//
//	t[i,j] = Σ_k u[i,k]·q[k,j] − 64·colsum[j]    (exact int32)
//	C[i,j] = (sa[i]·sb[j])·float32(t[i,j])       (two float32 roundings)
//	C[i,j] = that + beta·C[i,j]                  (when beta ≠ 0)
//
// in exactly this order, with no fused multiply-add, on every path. The
// integer sums are exact, so every kernel (VPDPBUSD, VPMADDUBSW/VPMADDWD on
// zmm or ymm, or portable Go) gives the same bits, at any m, for any row's neighbours.
// Seven-bit u keeps VPMADDUBSW's int16 pair sums within 2·127·127 = 32258,
// so it never saturates; |u·q| ≤ 127·127 bounds k to int8MaxK so that
// int32 never overflows. NaN and ±Inf inputs are not supported.
//
// Storage: k is padded to kp, a multiple of 4, and n to np, a multiple of
// int8NR = 48. Strip s (columns 48s … 48s+47) holds kp/4 quads of 192
// bytes; quad g holds, for each column c of the strip in order, the four
// values q[4g … 4g+3, 48s+c] (zero past k and n). Padded columns have scale
// 0 and colsum 0.
//
// The zero value is empty; Pack fills it and reuses its memory. A packed
// Int8Packed may serve several goroutines at once.
type Int8Packed struct {
	k, n, kp, np int
	data         []int8
	scale        []float32 // sb, np long
	corr         []int32   // 64·colsum, np long
}

const (
	// int8MR×int8NR is the kernels' output tile.
	int8MR = 6
	int8NR = 48
	// int8MaxK is the largest k whose sums fit int32: 127·127·k < 2³¹.
	int8MaxK = 1 << 17
	// int8Zero is the activations' zero-point.
	int8Zero = 64
)

// int8Kernel computes one int8MR×int8NR tile of C from kq quads: u is
// int8MR rows of 4·kq unsigned bytes with row stride ldu, b one strip,
// sa int8MR row scales, sb and corr int8NR column scales and 64·colsums;
// C gets the formula of Int8Packed, reading C only when beta ≠ 0.
type int8Kernel func(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int)

type int8Config struct {
	name string
	kern int8Kernel
}

var int8Generic = &int8Config{name: "generic", kern: kernI8Generic}

// activeI8 is the int8 kernel in use: the fastest this CPU runs, unless
// S2S_GEMM_KERNEL names another int8 kernel it runs ("avx512bw", "avx2"
// or "generic"; "avx2" and "generic" also force the float32 kernel of
// that name). Tests set it to
// force each path.
var activeI8 = pickI8(configsI8(), os.Getenv("S2S_GEMM_KERNEL"))

func pickI8(cs []*int8Config, name string) *int8Config {
	for _, c := range cs {
		if c.name == name {
			return c
		}
	}
	return cs[0]
}

// KernelInt8 names the int8 kernel Int8Packed.Mul uses ("vnni",
// "avx512bw", "avx2" or "generic").
func KernelInt8() string { return activeI8.name }

// KernelsInt8 names the int8 kernels this CPU runs, fastest first.
func KernelsInt8() []string {
	var names []string
	for _, c := range configsI8() {
		names = append(names, c.name)
	}
	return names
}

// SetKernelInt8 makes the named int8 kernel (one of KernelsInt8) the one
// Int8Packed.Mul uses and returns the one used before, so that tests of
// other packages can run each path. It reports false, changing nothing,
// for a kernel this CPU does not run. It must not run while a Mul does.
func SetKernelInt8(name string) (prev string, ok bool) {
	prev = activeI8.name
	for _, c := range configsI8() {
		if c.name == name {
			activeI8 = c
			return prev, true
		}
	}
	return prev, false
}

// Dims returns op(B)'s shape, k×n; k is 0 while nothing is packed.
func (p *Int8Packed) Dims() (k, n int) { return p.k, p.n }

// Pack quantizes and packs op(B), k×n (B stored n×k when tB), with row
// stride ldb. It panics if b is too short for its shape or k exceeds
// 2¹⁷.
func (p *Int8Packed) Pack(tB bool, k, n int, b []float32, ldb int) {
	if tB {
		checkOperand("b", len(b), n, k, ldb)
	} else {
		checkOperand("b", len(b), k, n, ldb)
	}
	p.reset(k, n)
	col := make([]float32, k)
	q := make([]int8, k)
	for j := range n {
		if tB {
			col = b[j*ldb : j*ldb+k]
		} else {
			for kk := range k {
				col[kk] = b[kk*ldb+j]
			}
		}
		p.place(j, q, quantizeCol(q, col))
	}
}

// QuantizeWeights quantizes w, n rows of k values with row stride ldw, as
// Pack(true, k, n, w, ldw) does: row j of w (column j of op(B), one output
// of a layer y = x·wᵀ) becomes q[j·k : (j+1)·k] with the scale scale[j],
// so that w[j,kk] ≈ scale[j]·q[j·k+kk]. PackQuantized(k, n, q, scale)
// then packs exactly what Pack packs. It panics if a slice is too short.
func QuantizeWeights(q []int8, scale []float32, n, k int, w []float32, ldw int) {
	checkOperand("w", len(w), n, k, ldw)
	_, _ = q[n*k-1], scale[n-1]
	for j := range n {
		scale[j] = quantizeCol(q[j*k:(j+1)*k], w[j*ldw:j*ldw+k])
	}
}

// PackQuantized packs op(B), k×n, from weights QuantizeWeights quantized:
// q holds n rows of k values (row j is column j of op(B)), scale their n
// scales. It panics if k or n is out of range or a slice is too short.
func (p *Int8Packed) PackQuantized(k, n int, q []int8, scale []float32) {
	if n >= 1 && k >= 1 {
		_, _ = q[n*k-1], scale[n-1]
	}
	p.reset(k, n)
	for j := range n {
		p.place(j, q[j*k:(j+1)*k], scale[j])
	}
}

// reset shapes p for a k×n op(B), all zeros.
func (p *Int8Packed) reset(k, n int) {
	if k < 1 || n < 1 || k > int8MaxK {
		panic(fmt.Sprintf("gemm: Int8Packed.Pack of a %d×%d op(B)", k, n))
	}
	kp := (k + 3) &^ 3
	np := (n + int8NR - 1) / int8NR * int8NR
	p.k, p.n, p.kp, p.np = k, n, kp, np
	p.data = growT(p.data, kp*np)
	p.scale = growT(p.scale, np)
	p.corr = growT(p.corr, np)
	clear(p.data)
	clear(p.scale)
	clear(p.corr)
}

// quantizeCol sets q (len(col)) to one column of op(B) quantized with the
// scale s = max|col| / 127, and returns s.
func quantizeCol(q []int8, col []float32) (s float32) {
	var mx float32
	for _, x := range col {
		mx = max(mx, abs32(x))
	}
	s = mx / 127
	for kk, x := range col {
		q[kk] = 0
		if s != 0 {
			q[kk] = int8(quantize(x, s, 127))
		}
	}
	return s
}

// place stores column j of op(B), quantized to q (k values) with scale s,
// in its strip, with its scale and zero-point correction.
func (p *Int8Packed) place(j int, q []int8, s float32) {
	p.scale[j] = s
	strip := p.data[j/int8NR*p.kp*int8NR:]
	c := j % int8NR
	var sum int32
	for kk, v := range q[:p.k] {
		strip[kk/4*4*int8NR+c*4+kk%4] = v
		sum += int32(v)
	}
	p.corr[j] = int8Zero * sum
}

// quantize returns clamp(roundHalfEven(x/s), -lim, lim).
func quantize(x, s float32, lim float64) int32 {
	return int32(max(-lim, min(lim, math.RoundToEven(float64(x/s)))))
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

func growT[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// QuantizeRow quantizes one row of activations as Int8Packed.Mul does:
// u[k] = clamp(roundHalfEven(a[k]/s), -63, 63) + 64 for the returned
// scale s = max|a| / 63 (u = 64 and s = 0 when s would be 0). u must be
// at least len(a) long.
func QuantizeRow(u []uint8, a []float32) (s float32) {
	// The largest magnitude by its bits: for non-NaN floats the order of
	// the bits of |x| as integers is the order of |x|.
	var mb uint32
	for _, x := range a {
		mb = max(mb, math.Float32bits(x)&^(1<<31))
	}
	s = math.Float32frombits(mb) / 63
	u = u[:len(a)]
	if s == 0 {
		for i := range u {
			u[i] = int8Zero
		}
		return 0
	}
	for i, x := range a {
		// x/s clamped to [-63, 63], then rounded half to even: adding
		// and subtracting 1.5·2²³ leaves float32 no fraction bits, and
		// the float32 addition rounds half to even.
		q := x / s
		if q > 63 {
			q = 63
		} else if q < -63 {
			q = -63
		}
		q = float32(q+roundMagic) - roundMagic
		u[i] = uint8(int32(q) + int8Zero)
	}
	return s
}

// roundMagic is 1.5·2²³: for |x| < 2²², float32(x+roundMagic) − roundMagic
// is x rounded half to even.
const roundMagic float32 = 1 << 23 * 1.5

// int8Scratch is Mul's working memory: the quantized rows of A and their
// scales, and one edge tile.
type int8Scratch struct {
	u    []uint8
	sa   []float32
	tile [int8MR * int8NR]float32
}

var int8Pool = sync.Pool{New: func() any { return new(int8Scratch) }}

// Mul sets C = A·op(B) + beta·C for A m×k (row stride lda) and C m×n (row
// stride ldc), quantizing A by rows as Int8Packed describes. It runs on the
// calling goroutine. It panics if nothing is packed or a slice is too short
// for its shape.
func (p *Int8Packed) Mul(m int, a []float32, lda int, beta float32, c []float32, ldc int) {
	if p.k == 0 {
		panic("gemm: Int8Packed.Mul with nothing packed")
	}
	if m <= 0 {
		if m < 0 {
			panic(fmt.Sprintf("gemm: negative dimension m=%d", m))
		}
		return
	}
	checkOperand("a", len(a), m, p.k, lda)
	checkOperand("c", len(c), m, p.n, ldc)
	kern := activeI8.kern
	s := int8Pool.Get().(*int8Scratch)
	defer int8Pool.Put(s)
	k, kp, n := p.k, p.kp, p.n
	mp := (m + int8MR - 1) / int8MR * int8MR
	s.u = growT(s.u, mp*kp)
	s.sa = growT(s.sa, mp)
	for i := range mp {
		row := s.u[i*kp : (i+1)*kp]
		if i < m {
			s.sa[i] = QuantizeRow(row, a[i*lda:i*lda+k])
			clear(row[k:])
		} else {
			s.sa[i] = 0
			clear(row)
		}
	}
	kq := kp / 4
	for j0 := 0; j0 < n; j0 += int8NR {
		b := &p.data[j0*kp]
		sb, corr := &p.scale[j0], &p.corr[j0]
		w := min(int8NR, n-j0)
		for i0 := 0; i0 < m; i0 += int8MR {
			h := min(int8MR, m-i0)
			if h == int8MR && w == int8NR {
				kern(kq, &s.u[i0*kp], kp, b, &s.sa[i0], sb, corr, beta, &c[i0*ldc+j0], ldc)
				continue
			}
			kern(kq, &s.u[i0*kp], kp, b, &s.sa[i0], sb, corr, 0, &s.tile[0], int8NR)
			for i := range h {
				dst := c[(i0+i)*ldc+j0 : (i0+i)*ldc+j0+w]
				src := s.tile[i*int8NR : i*int8NR+w]
				if beta == 0 {
					copy(dst, src)
					continue
				}
				for j, x := range src {
					dst[j] = x + float32(beta*dst[j])
				}
			}
		}
	}
}

// kernI8Generic is the portable int8Kernel.
func kernI8Generic(kq int, u *uint8, ldu int, b *int8, sa, sb *float32, corr *int32, beta float32, c *float32, ldc int) {
	us := unsafe.Slice(u, (int8MR-1)*ldu+4*kq)
	bs := unsafe.Slice(b, kq*4*int8NR)
	sas := unsafe.Slice(sa, int8MR)
	sbs := unsafe.Slice(sb, int8NR)
	cs := unsafe.Slice(corr, int8NR)
	cc := unsafe.Slice(c, (int8MR-1)*ldc+int8NR)
	var acc [int8NR]int32
	for i := range int8MR {
		clear(acc[:])
		row := us[i*ldu : i*ldu+4*kq]
		for g := range kq {
			u0, u1, u2, u3 := int32(row[4*g]), int32(row[4*g+1]), int32(row[4*g+2]), int32(row[4*g+3])
			q := bs[g*4*int8NR : (g+1)*4*int8NR]
			for j := range acc {
				acc[j] += u0*int32(q[4*j]) + u1*int32(q[4*j+1]) + u2*int32(q[4*j+2]) + u3*int32(q[4*j+3])
			}
		}
		out := cc[i*ldc : i*ldc+int8NR]
		for j, t := range acc {
			x := float32(sas[i]*sbs[j]) * float32(t-cs[j])
			if beta != 0 {
				x += float32(beta * out[j])
			}
			out[j] = x
		}
	}
}
