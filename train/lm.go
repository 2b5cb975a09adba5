package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/internal/par"
	"github.com/s2s-nmt/s2s/internal/safetensors"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
)

// lmWorker is one data-parallel replica of a language model. It always
// trains the same rows (streams) of every chunk, so it carries their
// hidden state from chunk to chunk.
type lmWorker struct {
	m        *model.LM[float32]
	ws       *model.LMWorkspace[float32]
	lo, hi   int // its rows
	carry    model.Carry[float32]
	loss     float64
	ntok     int
	evalCary model.Carry[float32]
}

// lmPosition is where an LM's data stands: the epoch (from 0) and the next
// chunk of it.
type lmPosition struct {
	Epoch int `json:"epoch"`
	Chunk int `json:"chunk"`
}

// lmTask trains a language model with truncated BPTT: the training stream
// is cut into B rows, each row read in chunks of T tokens, and the hidden
// state is carried from one chunk of a row to the next.
type lmTask struct {
	spec    *Spec
	dir     rundir.Run
	tok     *corpora.Tokenizer
	train   []int32
	dev     []int32
	B, T    int
	chunks  int // per epoch
	pos     lmPosition
	model   *model.LM[float32]
	workers []*lmWorker
	xs, ys  [][]int32 // the loaded update's chunks, (B, T) each
	nload   int
}

// newLMTask builds the language model, its workers and the stream layout.
func newLMTask(spec *Spec, d *corpora.TextData, run rundir.Run, threads int) (*lmTask, error) {
	c := spec.Training
	k := &lmTask{spec: spec, dir: run, tok: d.Tok, train: d.Train, dev: d.Dev}
	k.B = min(c.BatchSize, len(d.Train)-1)
	rowLen := (len(d.Train) - 1) / k.B
	k.T = min(c.BPTT, rowLen)
	k.chunks = rowLen / k.T
	newModel := func() (*model.LM[float32], error) {
		return model.NewLM[float32](spec.Model, d.Tok.VocabSize(), rand.New(rand.NewPCG(c.Seed, 0x5eed)))
	}
	var err error
	if k.model, err = newModel(); err != nil {
		return nil, err
	}
	n := min(threads, k.B)
	for i := range n {
		m := k.model
		if i > 0 {
			if m, err = newModel(); err != nil {
				return nil, err
			}
			m.Params().ShareWeights(k.model.Params())
		}
		k.workers = append(k.workers, &lmWorker{m: m, ws: m.NewWorkspace(), lo: i * k.B / n, hi: (i + 1) * k.B / n})
	}
	return k, nil
}

func (k *lmTask) params() *mat.Set[float32] { return k.model.Params() }

func (k *lmTask) replicas() []*mat.Set[float32] {
	var s []*mat.Set[float32]
	for _, w := range k.workers {
		s = append(s, w.m.Params())
	}
	return s
}

// next loads training.accumulate chunks; a new epoch starts every row from
// a zero state.
func (k *lmTask) next() (tokens, epoch int, ok bool) {
	c := k.spec.Training
	k.nload = 0
	for i := range c.Accumulate {
		if k.pos.Chunk >= k.chunks {
			k.pos = lmPosition{Epoch: k.pos.Epoch + 1}
		}
		if c.Epochs > 0 && k.pos.Epoch >= c.Epochs {
			if i == 0 {
				return 0, 0, false
			}
			break
		}
		if k.pos.Chunk == 0 {
			for _, w := range k.workers {
				w.carry.Zero()
			}
		}
		for len(k.xs) <= i {
			k.xs, k.ys = append(k.xs, make([]int32, k.B*k.T)), append(k.ys, make([]int32, k.B*k.T))
		}
		cutChunk(k.xs[i], k.ys[i], k.train, k.B, k.T, k.pos.Chunk)
		k.pos.Chunk++
		k.nload++
		tokens += k.B * k.T
		epoch = k.pos.Epoch + 1
	}
	return tokens, epoch, true
}

// cutChunk fills x and y (B, T) with chunk j of stream s cut into B rows of
// (len(s)−1)/B tokens: y is x shifted by one token.
func cutChunk(x, y, s []int32, B, T, j int) {
	rowLen := (len(s) - 1) / B
	for b := range B {
		at := b*rowLen + j*T
		copy(x[b*T:(b+1)*T], s[at:at+T])
		copy(y[b*T:(b+1)*T], s[at+1:at+T+1])
	}
}

func (k *lmTask) pass(o passOptions) float64 {
	var sum float64
	for i := range k.nload {
		sum += k.run(k.xs[i], k.ys[i], k.T, o, false)
	}
	return sum
}

// run runs one (B, T) chunk on all workers (on package par's pool), each
// on its rows from its carry (the evaluation carry when eval is set), and
// returns the summed loss, added in worker order.
func (k *lmTask) run(x, y []int32, T int, o passOptions, eval bool) float64 {
	par.For(len(k.workers), func(i int) {
		w := k.workers[i]
		wx, wy, rows := x[w.lo*T:w.hi*T], y[w.lo*T:w.hi*T], w.hi-w.lo
		if eval {
			w.loss, w.ntok = w.m.Eval(w.ws, wx, wy, rows, T, &w.evalCary)
			return
		}
		opt := model.Options{Rng: workerRng(o, i), Smoothing: o.labelSmoothing}
		w.loss, w.ntok = w.m.Loss(w.ws, wx, wy, rows, T, &w.carry, o.gradScale, opt)
	})
	var sum float64
	for _, w := range k.workers {
		sum += w.loss
	}
	return sum
}

// evaluate is the dev loss per token: the dev stream cut into the same B
// rows (fewer when it is short), read chunk by chunk from a zero state.
func (k *lmTask) evaluate() (validation, error) {
	var v validation
	if len(k.dev) < k.B+1 {
		return v, fmt.Errorf("the dev text has %d tokens, too few for %d streams; lower training.batch_size or data.dev_fraction", len(k.dev), k.B)
	}
	rowLen := (len(k.dev) - 1) / k.B
	T := min(k.T, rowLen)
	x, y := make([]int32, k.B*T), make([]int32, k.B*T)
	for _, w := range k.workers {
		w.evalCary.Zero()
	}
	var sum float64
	var n int
	for j := range rowLen / T {
		cutChunk(x, y, k.dev, k.B, T, j)
		sum += k.run(x, y, T, passOptions{}, true)
		n += k.B * T
	}
	v.loss = sum / float64(n)
	v.ppl = math.Exp(v.loss)
	return v, nil
}

func (k *lmTask) position() json.RawMessage {
	b, _ := json.Marshal(k.pos)
	return b
}

func (k *lmTask) seek(raw json.RawMessage) error {
	if err := json.Unmarshal(raw, &k.pos); err != nil {
		return fmt.Errorf("data position: %w", err)
	}
	if k.pos.Epoch < 0 || k.pos.Chunk < 0 || k.pos.Chunk > k.chunks {
		return fmt.Errorf("data position %+v does not fit %d chunks per epoch (was the text or training.batch_size/bptt changed?)", k.pos, k.chunks)
	}
	return nil
}

// saveExtra writes the carried state of all B rows, layer by layer.
func (k *lmTask) saveExtra(dir string) error {
	var ts []safetensors.Tensor[float32]
	for l := range k.model.Layers() {
		for _, part := range []string{"h", "c"} {
			var data []float32
			for _, w := range k.workers {
				w.carry.Resize(w.m, w.hi-w.lo) // a fresh run's empty carry is zeros
				if m := carryPart(&w.carry, part, l); m != nil {
					data = append(data, m.Data...)
				}
			}
			if data != nil {
				ts = append(ts, safetensors.Tensor[float32]{Name: fmt.Sprintf("carry.%s.%d", part, l), Shape: []int{k.B, k.model.Hidden()}, Data: data})
			}
		}
	}
	return safetensors.WriteFile(filepath.Join(dir, rundir.CarryFile), ts, nil)
}

// loadExtra restores the carried state saved by saveExtra.
func (k *lmTask) loadExtra(dir string) error {
	f, err := safetensors.Open(filepath.Join(dir, rundir.CarryFile))
	if err != nil {
		return err
	}
	for _, w := range k.workers {
		w.carry.Resize(w.m, w.hi-w.lo)
	}
	H := k.model.Hidden()
	for l := range k.model.Layers() {
		for _, part := range []string{"h", "c"} {
			if carryPart(&k.workers[0].carry, part, l) == nil {
				continue
			}
			full := make([]float32, k.B*H)
			if err := safetensors.Fill(full, f, fmt.Sprintf("carry.%s.%d", part, l), k.B, H); err != nil {
				return err
			}
			for _, w := range k.workers {
				copy(carryPart(&w.carry, part, l).Data, full[w.lo*H:w.hi*H])
			}
		}
	}
	return nil
}

// carryPart returns layer l's h or c of a carry, nil when it has none.
func carryPart(c *model.Carry[float32], part string, l int) *mat.Mat[float32] {
	if part == "h" && l < len(c.H) {
		return &c.H[l]
	}
	if part == "c" && l < len(c.C) {
		return &c.C[l]
	}
	return nil
}

// samples prints text drawn from the best weights at temperature 0.8,
// never a special token (translate.Sampler).
func (k *lmTask) samples(w io.Writer, n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := safetensors.LoadSet(k.dir.Path(rundir.WeightsFile), k.model.Params()); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(k.spec.Training.Seed, 0x5a4d))
	smp := translate.Sampler[float32]{Temperature: 0.8, NoEOS: true}
	ws := k.model.NewWorkspace()
	var carry model.Carry[float32]
	tok := []int32{k.dev[0]}
	out := []int32{tok[0]}
	for range 80 * n {
		lp := k.model.Step(ws, &carry, tok)
		tok[0] = smp.Draw(lp.Row(0), rng)
		out = append(out, tok[0])
	}
	text, err := k.tok.Decode(out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "sample from the best weights (temperature 0.8):\n%s\n", text)
	return err
}
