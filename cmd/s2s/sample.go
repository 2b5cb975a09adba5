package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// sampleArgs are the flags of s2s sample.
type sampleArgs struct {
	model       string  // "" for runs/latest
	prime       string  // fed first and printed
	length      int     // tokens to generate
	temperature float64 // 0: greedy
	topK        int     // 0: all
	seed        uint64
	seeded      bool // --seed was given
}

func newSampleCommand() *cli.Command {
	var a sampleArgs
	return &cli.Command{
		Name:  "sample",
		Usage: "generate text from a language model (model.type lm), streaming it as it goes",
		Description: "Feeds --prime (printed first; without it a newline, not printed), then draws --length tokens\n" +
			"(characters for a character model) one at a time from the model's distribution divided by\n" +
			"--temperature (0 takes the most probable token: greedy), cut to the --top-k most probable.\n" +
			"With --seed the text is reproducible; without, the seed drawn is printed to standard error.\n" +
			"--model takes a run, a checkpoint or an averaged model of a language model; default runs/latest.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "language model `DIR` (default runs/latest)", Destination: &a.model},
			&cli.StringFlag{Name: "prime", Usage: "`TEXT` to start from, printed as is", Destination: &a.prime},
			&cli.IntFlag{Name: "length", Value: 1000, Usage: "tokens to generate", Destination: &a.length},
			&cli.Float64Flag{Name: "temperature", Value: 0.8, Usage: "sampling temperature T ≥ 0 (0: greedy)", Destination: &a.temperature},
			&cli.IntFlag{Name: "top-k", Usage: "draw from the `K` most probable tokens (0: all)", Destination: &a.topK},
			&cli.Uint64Flag{Name: "seed", Usage: "random seed (default: from the clock)", Destination: &a.seed},
		},
		Action: func(c *cli.Context) error {
			a.seeded = c.IsSet("seed")
			if err := a.check(c.Args().Len()); err != nil {
				return err
			}
			return runSample(c.App.Writer, c.App.ErrWriter, a)
		},
	}
}

// check reports misuse of the flags as a usage error.
func (a sampleArgs) check(nargs int) error {
	switch {
	case nargs > 0:
		return usagef("sample takes no arguments; give the start text with --prime TEXT")
	case a.length < 0:
		return usagef("--length %d: must be ≥ 0", a.length)
	case !(a.temperature >= 0):
		return usagef("--temperature %g: must be ≥ 0 (0: greedy)", a.temperature)
	case a.topK < 0:
		return usagef("--top-k %d: must be ≥ 0 (0: all tokens)", a.topK)
	}
	return nil
}

// runSample opens the language model and streams its text to w. Without
// --seed it prints the seed it drew to errw, so the run can be repeated.
func runSample(w, errw io.Writer, a sampleArgs) error {
	m, err := openModel(a.model, model.TypeLM, errw)
	if err != nil {
		return err
	}
	seed := a.seed
	if !a.seeded {
		seed = uint64(time.Now().UnixNano())
		if _, err := fmt.Fprintf(errw, "seed: %d\n", seed); err != nil {
			return err
		}
	}
	g := &generator{m: m.LM, tok: m.Tgt, out: &textStream{w: w},
		s:   translate.Sampler[float32]{Temperature: a.temperature, TopK: a.topK, NoEOS: true},
		rng: rand.New(rand.NewPCG(seed, 0))}
	return g.run(a.prime, a.length)
}

// generator feeds an LM its own samples, one stream (B = 1).
type generator struct {
	m     *model.LM[float32]
	tok   *corpora.Tokenizer
	out   *textStream
	s     translate.Sampler[float32]
	rng   *rand.Rand
	ws    *model.LMWorkspace[float32]
	carry model.Carry[float32]
	one   [1]int32 // Step's input
}

// run feeds prime (printed; "" feeds an unprinted newline) and then n
// drawn tokens, writing each as soon as its text is whole.
func (g *generator) run(prime string, n int) error {
	g.ws = g.m.NewWorkspace()
	ids := g.tok.Encode(prime)
	if len(ids) == 0 {
		ids = g.tok.Encode("\n")
	} else if _, err := io.WriteString(g.out.w, prime); err != nil {
		return err
	}
	var logp []float32
	for _, id := range ids {
		logp = g.feed(id)
	}
	for range n {
		id := g.s.Draw(logp, g.rng)
		if err := g.out.token(g.tok, id); err != nil {
			return err
		}
		logp = g.feed(id)
	}
	return g.out.end()
}

// feed advances the state by one token and returns the next token's
// log-probabilities.
func (g *generator) feed(id int32) []float32 {
	g.one[0] = id
	return g.m.Step(g.ws, &g.carry, g.one[:]).Row(0)
}

// textStream writes tokens' bytes as they come, holding back an
// incomplete UTF-8 sequence until its last byte arrives (a byte-level
// model emits a multi-byte character one byte at a time).
type textStream struct {
	w       io.Writer
	pending []byte
	wrote   byte // the last byte written, to end with a newline
}

// token appends id's bytes and writes every whole character.
func (s *textStream) token(tok *corpora.Tokenizer, id int32) error {
	text, err := tok.Decode([]int32{id})
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	s.pending = append(s.pending, text...)
	n := 0
	for n < len(s.pending) && utf8.FullRune(s.pending[n:]) {
		_, size := utf8.DecodeRune(s.pending[n:]) // an invalid byte goes out alone
		n += size
	}
	return s.write(n)
}

// write writes and drops the first n pending bytes.
func (s *textStream) write(n int) error {
	if n == 0 {
		return nil
	}
	if _, err := s.w.Write(s.pending[:n]); err != nil {
		return err
	}
	s.wrote = s.pending[n-1]
	s.pending = append(s.pending[:0], s.pending[n:]...)
	return nil
}

// end writes what is held back and a final newline if the text lacks one.
func (s *textStream) end() error {
	if err := s.write(len(s.pending)); err != nil {
		return err
	}
	if s.wrote != '\n' {
		_, err := io.WriteString(s.w, "\n")
		return err
	}
	return nil
}
