package model

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/encoder"
	"github.com/s2s-nmt/s2s/internal/alloctest"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/optim"
)

// benchShape is one of the PyTorch reference's shapes (RefShapes).
type benchShape struct {
	name               string
	emb, enc, dec, V   int
	batch, srcLen, tgt int
}

var benchShapes = []benchShape{
	{"base", 256, 256, 512, 16000, 64, 25, 25},
	{"small", 128, 128, 256, 8000, 64, 20, 20},
}

// torchRef is the PyTorch reference architecture (RefConfig): one-layer
// bidirectional encoder, tanh bridge, Bahdanau attention with query s_t,
// att_t = tanh(W_a [s_t; c_t]), output without bias, no dropout.
func torchRef(sh benchShape, kind cell.Kind) Config {
	c := DefaultConfig()
	c.Encoder = encoder.Config{Cell: kind, Layers: 1, Bidirectional: true, Emb: sh.emb, Hidden: sh.enc}
	c.Decoder = decoder.Config{Cell: kind, Layers: 1, Emb: sh.emb, Hidden: sh.dec, Attention: layer.Bahdanau, Bridge: decoder.BridgeTanh}
	return c
}

// randomBatch is the reference's data: ids in [4, V), fixed lengths, the
// target input shifted right behind BOS.
func randomBatch(rng *rand.Rand, sh benchShape) *Batch {
	b := &Batch{B: sh.batch, S: sh.srcLen, T: sh.tgt}
	b.Src, b.TgtIn, b.TgtOut = make([]int32, b.B*b.S), make([]int32, b.B*b.T), make([]int32, b.B*b.T)
	for i := range b.Src {
		b.Src[i] = int32(4 + rng.IntN(sh.V-4))
	}
	for i := 0; i < b.B; i++ {
		b.SrcLen, b.TgtLen = append(b.SrcLen, b.S), append(b.TgtLen, b.T)
		for t := 0; t < b.T; t++ {
			b.TgtOut[i*b.T+t] = int32(4 + rng.IntN(sh.V-4))
		}
		b.TgtIn[i*b.T] = corpora.BOS
		copy(b.TgtIn[i*b.T+1:(i+1)*b.T], b.TgtOut[i*b.T:])
	}
	return b
}

// BenchmarkTrainStep times one training step as the reference does: Loss
// (forward + backward), clipping to norm 1, Adam. tokens/s counts target
// tokens.
func BenchmarkTrainStep(b *testing.B) {
	for _, sh := range benchShapes {
		for _, kind := range []cell.Kind{cell.GRU, cell.LSTM} {
			b.Run(fmt.Sprintf("%s/%s/f32", sh.name, kind), func(b *testing.B) { benchTrain[float32](b, sh, kind) })
			b.Run(fmt.Sprintf("%s/%s/f64", sh.name, kind), func(b *testing.B) { benchTrain[float64](b, sh, kind) })
		}
	}
}

func benchTrain[F mat.Float](b *testing.B, sh benchShape, kind cell.Kind) {
	rng := rand.New(rand.NewPCG(1234, 1))
	m, err := New[F](torchRef(sh, kind), sh.V, sh.V, rng)
	if err != nil {
		b.Fatal(err)
	}
	batch := randomBatch(rng, sh)
	ps := m.Params()
	opt := optim.NewAdam[F](len(ps.W))
	ws := m.NewWorkspace()
	step := func() {
		ps.ZeroGrad()
		m.Loss(ws, batch, 1/F(batch.Tokens()), Options{})
		optim.ClipGradNorm(ps.G, 1)
		opt.Step(ps.W, ps.G, 1e-3)
	}
	step() // size the workspace
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(batch.Tokens()*b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// TestTrainStepAllocatesNothing: in steady state a training step allocates
// nothing (tiny shapes; the benchmarks report the same at full size). The
// wide vocabulary gives more than optim.Chunk parameters, so that on two
// cores or more clipping and Adam take their parallel path; that tail is
// measured on its own with GOMAXPROCS ≥ 2, since testing.AllocsPerRun runs
// on one (and the loss's own scratch pools may miss once goroutines move
// between Ps).
func TestTrainStepAllocatesNothing(t *testing.T) {
	for _, sh := range []benchShape{{"tiny", 8, 8, 16, 50, 4, 6, 7}, {"wide", 8, 8, 16, 2000, 4, 6, 7}} {
		for _, kind := range cell.Kinds {
			rng := rand.New(rand.NewPCG(1, 1))
			m, err := New[float32](torchRef(sh, kind), sh.V, sh.V, rng)
			if err != nil {
				t.Fatal(err)
			}
			ps := m.Params()
			batch, ws := randomBatch(rng, sh), m.NewWorkspace()
			opt := optim.NewAdam[float32](len(ps.W))
			drop := rand.New(rand.NewPCG(2, 2))
			update := func() {
				optim.ClipGradNorm(ps.G, 1e-3) // clips: the scaling pass runs
				opt.Step(ps.W, ps.G, 1e-3)
			}
			step := func() {
				ps.ZeroGrad()
				m.Loss(ws, batch, 0.01, Options{Rng: drop, Smoothing: 0.1})
				update()
			}
			step()
			if n := testing.AllocsPerRun(5, step); n != 0 {
				t.Errorf("%s/%s: %v allocations per step", sh.name, kind, n)
			}
			if sh.name != "wide" {
				continue
			}
			prev := runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), 2))
			if optim.Serial(len(ps.W)) {
				t.Fatalf("%s: %d parameters take the serial path", sh.name, len(ps.W))
			}
			update()
			n := alloctest.Parallel(5, update)
			runtime.GOMAXPROCS(prev)
			if n != 0 {
				t.Errorf("%s/%s: %v allocations per parallel clip and update", sh.name, kind, n)
			}
		}
	}
}
