package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/viz"
	"github.com/s2s-nmt/s2s/model"
	"github.com/urfave/cli/v2"
)

// neuronsArgs are the flags of s2s neurons.
type neuronsArgs struct {
	model, text, out string
	layer, cell      int // -1: the top layer; the best-correlated cell
}

func newNeuronsCommand() *cli.Command {
	var a neuronsArgs
	return &cli.Command{
		Name:  "neurons",
		Usage: "colour a text by the activations of a language model's hidden cells (an HTML page)",
		Description: "Runs the language model over --text, records one layer's hidden state h after each token,\n" +
			"and writes --out, a self-contained HTML page colouring each character by a chosen cell\n" +
			"(Karpathy's char-rnn visualisation), with the cells most correlated with simple features of\n" +
			"the text (inside quotes, position in the line, inside brackets, after a newline).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "language model `DIR` (default runs/latest)", Destination: &a.model},
			&cli.StringFlag{Name: "text", Usage: "text `FILE` to run the model over", Destination: &a.text},
			&cli.StringFlag{Name: "out", Usage: "HTML `FILE` to write", Destination: &a.out},
			&cli.IntFlag{Name: "layer", Value: -1, Usage: "layer `L` to record, from 0 (default: the top one)", Destination: &a.layer},
			&cli.IntFlag{Name: "cell", Value: -1, Usage: "cell `N` shown first (default: the best-correlated one)", Destination: &a.cell},
		},
		Action: func(c *cli.Context) error {
			if err := a.check(c.Args().Len()); err != nil {
				return err
			}
			return runNeurons(c.App.Writer, c.App.ErrWriter, a)
		},
	}
}

// check reports misuse of the flags that needs no model as a usage error.
func (a neuronsArgs) check(nargs int) error {
	switch {
	case nargs > 0:
		return usagef("neurons takes no arguments; pass --text FILE and --out FILE.html")
	case a.text == "":
		return usagef("neurons needs --text FILE")
	case a.out == "":
		return usagef("neurons needs --out FILE.html")
	case a.layer < -1 || a.cell < -1:
		return usagef("--layer %d --cell %d: must be ≥ 0", a.layer, a.cell)
	}
	return nil
}

// runNeurons records the activations and writes the page atomically.
func runNeurons(w, warn io.Writer, a neuronsArgs) error {
	m, err := openFP32Model(a.model, model.TypeLM, warn, "neurons")
	if err != nil {
		return err
	}
	L, H := m.LM.Layers(), m.LM.Hidden()
	if a.layer == -1 {
		a.layer = L - 1
	}
	if a.layer >= L {
		return usagef("--layer %d: the model has layers 0 to %d", a.layer, L-1)
	}
	if a.cell >= H {
		return usagef("--cell %d: the model's layers have cells 0 to %d", a.cell, H-1)
	}
	data, err := os.ReadFile(a.text)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("%s: empty text", a.text)
	}
	text, acts, err := activations(m, string(data), a.layer)
	if err != nil {
		return fmt.Errorf("%s: %w", a.text, err)
	}
	f, err := atomicfile.Create(a.out, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	title := fmt.Sprintf("%s: layer %d of %s", filepath.Base(a.text), a.layer, filepath.Base(m.Run.Dir))
	if err := viz.NeuronPage(f, text, acts, viz.NeuronOptions{Title: title, Cell: a.cell}); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	return printCorrelations(w, a, text, acts)
}

// activations runs m over text, one token at a time from a zero state,
// and returns the decoded text and, per byte of it, the layer's hidden
// state after the token that byte belongs to.
func activations(m *loadedModel, text string, layer int) (string, [][]float32, error) {
	ws, carry := m.LM.NewWorkspace(), &model.Carry[float32]{}
	var (
		out  []byte
		acts [][]float32
		one  [1]int32
	)
	for _, id := range m.Tgt.Encode(text) {
		one[0] = id
		m.LM.Step(ws, carry, one[:])
		piece, err := m.Tgt.Decode(one[:])
		if err != nil {
			return "", nil, err
		}
		h := append([]float32(nil), carry.H[layer].Row(0)...)
		for range len(piece) {
			acts = append(acts, h)
		}
		out = append(out, piece...)
	}
	return string(out), acts, nil
}

// printCorrelations says what was written and lists the three cells most
// correlated with each feature.
func printCorrelations(w io.Writer, a neuronsArgs, text string, acts [][]float32) error {
	fmt.Fprintf(w, "wrote %s: %d bytes, layer %d\n", a.out, len(text), a.layer)
	for _, fc := range viz.Correlations(text, acts) {
		fmt.Fprintf(w, "%-20s", fc.Feature)
		for _, c := range fc.Top(3) {
			fmt.Fprintf(w, "  cell %d r=%+.2f", c.Cell, c.R)
		}
		if _, err := fmt.Fprintln(w); err != nil {
			return err
		}
	}
	return nil
}
