package model

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/s2s-nmt/s2s/decoder"
	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/internal/optim"
)

// A character LM over bytes: id = byte + 4 (after the specials), as a
// corpora tokenizer with no merges numbers them.
const (
	charVocab   = 256 + 4
	charB       = 16   // streams
	charT       = 32   // BPTT length
	charSteps   = 150  // chosen by trying: ≈ 0.01 nats/char at 150 steps, in < 2 s
	charLR      = 1e-2 // Adam, constant
	charMaxLoss = 0.1  // nats per character on held-out chunks
)

// charText is a repetitive text: a char LM with a carried state should
// predict it almost exactly.
var charText = strings.Repeat("To be, or not to be, that is the question:\n"+
	"Whether 'tis nobler in the mind to suffer\n", 200)

// charStreams cuts text into B streams read in parallel, as the trainer
// does: stream b starts at b·len/B.
type charStreams struct {
	ids  []int32
	pos  []int
	x, y []int32
}

func newCharStreams(text string, B int) *charStreams {
	s := &charStreams{pos: make([]int, B), x: make([]int32, B*charT), y: make([]int32, B*charT)}
	for _, c := range []byte(text) {
		s.ids = append(s.ids, int32(c)+4)
	}
	for b := range s.pos {
		s.pos[b] = b * len(s.ids) / B
	}
	return s
}

// next fills x and y with each stream's next T tokens (wrapping around).
func (s *charStreams) next() {
	for b, p := range s.pos {
		for t := 0; t < charT; t++ {
			s.x[b*charT+t] = s.ids[(p+t)%len(s.ids)]
			s.y[b*charT+t] = s.ids[(p+t+1)%len(s.ids)]
		}
		s.pos[b] = (p + charT) % len(s.ids)
	}
}

// TestLMLearnsText trains a float32 GRU char LM with truncated BPTT and a
// carried state, then checks its loss on further chunks.
func TestLMLearnsText(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Type = TypeLM
	cfg.Decoder = decoder.Config{Cell: cell.GRU, Layers: 1, Emb: 32, Hidden: 64,
		Attention: layer.NoAttention, Bridge: decoder.BridgeNone}
	m, err := NewLM[float32](cfg, charVocab, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	ps, ws, carry := m.Params(), m.NewWorkspace(), &Carry[float32]{}
	adam := optim.NewAdam[float32](len(ps.W))
	data := newCharStreams(charText, charB)
	start := time.Now()
	for s := 0; s < charSteps; s++ {
		data.next()
		ps.ZeroGrad()
		m.Loss(ws, data.x, data.y, charB, charT, carry, 1/float32(charB*charT), Options{})
		optim.ClipGradNorm(ps.G, 5)
		adam.Step(ps.W, ps.G, charLR)
	}
	sum, n := 0.0, 0
	for i := 0; i < 4; i++ {
		data.next()
		l, k := m.Eval(ws, data.x, data.y, charB, charT, carry)
		sum, n = sum+l, n+k
	}
	loss := sum / float64(n)
	t.Logf("%.4f nats/char after %d steps in %v", loss, charSteps, time.Since(start))
	if loss > charMaxLoss {
		t.Fatalf("loss %.4f nats/char > %v", loss, charMaxLoss)
	}
}
