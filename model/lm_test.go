package model

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// The LM tests' tiny shapes: B=2 streams of T=4 over a vocabulary of 7
// (ids 4…6 after the specials; id 0 never appears: no padding in a stream).
const lmB, lmT, lmV = 2, 4, 7

// lmConfig is a 2-layer LM with E=H=3 (so that it can be tied).
func lmConfig(kind cell.Kind) Config {
	c := DefaultConfig()
	c.Type = TypeLM
	c.Decoder = decoder.Config{Cell: kind, Layers: 2, Emb: 3, Hidden: 3,
		Attention: layer.NoAttention, Bridge: decoder.BridgeNone}
	return c
}

func newTinyLM(t *testing.T, cfg Config) *LM[float64] {
	t.Helper()
	m, err := NewLM[float64](cfg, lmV, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lmStream returns (B, T) inputs and their next tokens from a random
// stream of ids in [1, lmV) (BOS-like 1 included; never PAD).
func lmStream(B, T int, seed uint64) (x, y []int32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]int32, B*T), make([]int32, B*T)
	for b := 0; b < B; b++ {
		s := make([]int32, T+1)
		for i := range s {
			s[i] = int32(1 + rng.IntN(lmV-1))
		}
		copy(x[b*T:], s[:T])
		copy(y[b*T:], s[1:])
	}
	return x, y
}

// randomCarry returns a non-zero carry for B streams of m.
func randomCarry(m *LM[float64], B int, seed uint64) *Carry[float64] {
	rng := rand.New(rand.NewPCG(seed, 2))
	c := &Carry[float64]{}
	c.Resize(m, B)
	for _, ms := range [][]mat.Mat[float64]{c.H, c.C} {
		for _, s := range ms {
			for i := range s.Data {
				s.Data[i] = 2*rng.Float64() - 1
			}
		}
	}
	return c
}

func cloneCarry(c *Carry[float64]) *Carry[float64] {
	d := &Carry[float64]{}
	for _, m := range c.H {
		d.H = append(d.H, mat.From(m.Rows, m.Cols, append([]float64(nil), m.Data...)))
	}
	for _, m := range c.C {
		d.C = append(d.C, mat.From(m.Rows, m.Cols, append([]float64(nil), m.Data...)))
	}
	return d
}

type lmCase struct {
	name string
	cfg  Config
	opt  Options // Rng is re-seeded per evaluation when dropout is on
}

func lmCases() []lmCase {
	with := func(k cell.Kind, f func(*Config)) Config { c := lmConfig(k); f(&c); return c }
	none := func(*Config) {}
	return []lmCase{
		{name: "rnn", cfg: with(cell.RNN, none)},
		{name: "gru", cfg: with(cell.GRU, none)},
		{name: "lstm", cfg: with(cell.LSTM, none)},
		{name: "lstm-tied", cfg: with(cell.LSTM, func(c *Config) { c.Decoder.TieEmbeddings = true })},
		{name: "gru-dropout", cfg: with(cell.GRU, func(c *Config) { c.Decoder.Dropout = 0.3 }), opt: Options{Rng: rand.New(rand.NewPCG(0, 0))}},
		{name: "lstm-dropout-smoothing", cfg: with(cell.LSTM, func(c *Config) { c.Decoder.Dropout = 0.3 }),
			opt: Options{Rng: rand.New(rand.NewPCG(0, 0)), Smoothing: 0.1}},
	}
}

// options returns c.opt with a freshly seeded Rng (same masks every call).
func (c lmCase) options() Options {
	o := c.opt
	if o.Rng != nil {
		o.Rng = rand.New(rand.NewPCG(9, 9))
	}
	return o
}

// TestLMGrad checks every parameter's gradient of gradScale·loss, from a
// non-zero carry, against central differences.
func TestLMGrad(t *testing.T) {
	const scale = 0.25
	x, y := lmStream(lmB, lmT, 1)
	for _, c := range lmCases() {
		t.Run(c.name, func(t *testing.T) {
			m := newTinyLM(t, c.cfg)
			carry0 := randomCarry(m, lmB, 5)
			ws := m.NewWorkspace()
			m.Params().ZeroGrad()
			m.Loss(ws, x, y, lmB, lmT, cloneCarry(carry0), scale, c.options())
			loss := func() float64 {
				l, _ := m.Loss(m.NewWorkspace(), x, y, lmB, lmT, cloneCarry(carry0), 0, c.options())
				return scale * l
			}
			for _, p := range m.Params().List {
				g := append([]float64(nil), p.G.Data...)
				if err := gradcheck.Check(p.Name, p.W.Data, g, loss, checkOpts); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestLMCarry checks that two chunks of T with the carry handed on give
// the loss and final state of one chunk of 2T, for Eval and for Loss's
// forward, and that an empty carry means zeros.
func TestLMCarry(t *testing.T) {
	const T = 2 * lmT
	x, y := lmStream(lmB, T, 2)
	half := func(s []int32, i int) []int32 { // chunk i of each stream
		out := make([]int32, 0, lmB*lmT)
		for b := 0; b < lmB; b++ {
			out = append(out, s[b*T+i*lmT:b*T+(i+1)*lmT]...)
		}
		return out
	}
	for _, c := range lmCases()[:4] {
		t.Run(c.name, func(t *testing.T) {
			m := newTinyLM(t, c.cfg)
			ws := m.NewWorkspace()
			start := randomCarry(m, lmB, 6)
			whole := cloneCarry(start)
			want, n := m.Eval(ws, x, y, lmB, T, whole)
			for _, loss := range []bool{false, true} {
				chunked := cloneCarry(start)
				got, gn := 0.0, 0
				for i := 0; i < 2; i++ {
					var l float64
					var k int
					if loss {
						l, k = m.Loss(ws, half(x, i), half(y, i), lmB, lmT, chunked, 0, Options{})
					} else {
						l, k = m.Eval(ws, half(x, i), half(y, i), lmB, lmT, chunked)
					}
					got, gn = got+l, gn+k
				}
				if gn != n || math.Abs(got-want) > 1e-9*math.Abs(want) {
					t.Errorf("loss=%v: two chunks %v over %d, one chunk %v over %d", loss, got, gn, want, n)
				}
				assertCarryEqual(t, chunked, whole)
			}
			zero := &Carry[float64]{}
			zero.Resize(m, lmB)
			a, _ := m.Eval(ws, x, y, lmB, T, zero)
			b, _ := m.Eval(ws, x, y, lmB, T, &Carry[float64]{})
			c, _ := m.Eval(ws, x, y, lmB, T, nil)
			if a != b || a != c {
				t.Errorf("zero carry %v, empty carry %v, nil carry %v", a, b, c)
			}
		})
	}
}

func assertCarryEqual(t *testing.T, got, want *Carry[float64]) {
	t.Helper()
	for _, p := range [][2][]mat.Mat[float64]{{got.H, want.H}, {got.C, want.C}} {
		if len(p[0]) != len(p[1]) {
			t.Fatalf("carry has %d layers, want %d", len(p[0]), len(p[1]))
		}
		for l := range p[0] {
			for i, v := range p[0][l].Data {
				if math.Abs(v-p[1][l].Data[i]) > 1e-12 {
					t.Fatalf("carry layer %d element %d: %v, want %v", l, i, v, p[1][l].Data[i])
				}
			}
		}
	}
}

// TestLMStep checks that Step, fed the gold inputs one at a time,
// reproduces Eval: per token (against Eval over chunks of one) and in sum
// (against Eval over the whole chunk), ending in the same carry.
func TestLMStep(t *testing.T) {
	x, y := lmStream(lmB, lmT, 3)
	for _, c := range lmCases()[:4] {
		t.Run(c.name, func(t *testing.T) {
			m := newTinyLM(t, c.cfg)
			ws, ews := m.NewWorkspace(), m.NewWorkspace()
			start := randomCarry(m, lmB, 7)
			whole := cloneCarry(start)
			want, _ := m.Eval(ews, x, y, lmB, lmT, whole)
			stepped, single := cloneCarry(start), cloneCarry(start)
			tok, gold := make([]int32, lmB), make([]int32, lmB)
			sum := 0.0
			for tt := 0; tt < lmT; tt++ {
				for b := 0; b < lmB; b++ {
					tok[b], gold[b] = x[b*lmT+tt], y[b*lmT+tt]
				}
				logp := m.Step(ws, stepped, tok)
				one, _ := m.Eval(ews, tok, gold, lmB, 1, single)
				nll := 0.0
				for b := 0; b < lmB; b++ {
					nll -= logp.At(b, int(gold[b]))
				}
				if math.Abs(nll-one) > 1e-12 {
					t.Errorf("step %d: Step NLL %v, Eval %v", tt, nll, one)
				}
				sum += nll
			}
			if math.Abs(sum-want) > 1e-9*math.Abs(want) {
				t.Errorf("Step NLL summed %v, Eval %v", sum, want)
			}
			assertCarryEqual(t, stepped, whole)
		})
	}
}

// TestLMNoAllocs checks that steady-state Loss, Eval and Step allocate
// nothing.
func TestLMNoAllocs(t *testing.T) {
	x, y := lmStream(lmB, lmT, 4)
	for _, c := range lmCases() {
		m := newTinyLM(t, c.cfg)
		ws, carry := m.NewWorkspace(), &Carry[float64]{}
		opt := c.opt
		if opt.Rng != nil {
			opt.Rng = rand.New(rand.NewPCG(1, 1))
		}
		tok := x[:lmB]
		for name, f := range map[string]func(){
			"Loss": func() { m.Loss(ws, x, y, lmB, lmT, carry, 0.1, opt) },
			"Eval": func() { m.Eval(ws, x, y, lmB, lmT, carry) },
			"Step": func() { m.Step(ws, carry, tok) },
		} {
			f()
			if n := testing.AllocsPerRun(5, f); n != 0 {
				t.Errorf("%s: %s allocates %v times", c.name, name, n)
			}
		}
	}
}

// TestLMConfig checks lm validation: the decoder must be attention none,
// bridge none, no input feeding, and the encoder section is ignored.
func TestLMConfig(t *testing.T) {
	ok := lmConfig(cell.LSTM)
	ok.Encoder.Cell = "bogus" // ignored for an lm
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid lm config: %v", err)
	}
	bad := ok
	bad.Decoder = decoder.DefaultConfig() // bahdanau, tanh bridge
	bad.Decoder.InputFeeding = true
	err := bad.Validate()
	for _, key := range []string{"decoder.attention", "decoder.bridge", "decoder.input_feeding"} {
		if !hasField(err, key) {
			t.Errorf("missing error for %s in %v", key, err)
		}
	}
	if _, err := NewLM[float64](DefaultConfig(), lmV, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), "lm") {
		t.Errorf("NewLM of a seq2seq config: %v", err)
	}
	names := []string{}
	for _, p := range newTinyLM(t, lmConfig(cell.GRU)).Params().List {
		names = append(names, p.Name)
	}
	want := "lm.embedding.weight lm.layers.0.W_ih lm.layers.0.W_hh lm.layers.0.b_ih lm.layers.0.b_hh " +
		"lm.layers.1.W_ih lm.layers.1.W_hh lm.layers.1.b_ih lm.layers.1.b_hh lm.output.weight"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("parameter names\n got %s\nwant %s", got, want)
	}
}

// hasField reports whether the joined error err holds a *FieldError at key.
func hasField(err error, key string) bool {
	var j interface{ Unwrap() []error }
	if !errors.As(err, &j) {
		return false
	}
	for _, e := range j.Unwrap() {
		var fe *FieldError
		if errors.As(e, &fe) && fe.Key == key {
			return true
		}
	}
	return false
}
