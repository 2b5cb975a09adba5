package main

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/s2s-nmt/s2s/internal/modeldir"
	"github.com/urfave/cli/v2"
)

func init() { register(newAverageCommand()) }

func newAverageCommand() *cli.Command {
	return &cli.Command{
		Name:      "average",
		Usage:     "average the weights of checkpoints into a model directory",
		ArgsUsage: "CKPT...",
		Description: "Each CKPT is a model directory, usually runs/NAME/checkpoints/step-N (its manifest is verified);\n" +
			"all must share the model config and vocabularies. --out DIR gets config.yaml, the tokenizers\n" +
			"and model.safetensors with the element-wise mean of the weights, for --model DIR.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Usage: "model `DIR` to write (must not exist)"}},
		Action: func(c *cli.Context) error {
			out, ckpts := c.String("out"), c.Args().Slice()
			if out == "" || len(ckpts) == 0 {
				return usagef("average needs --out DIR and at least one checkpoint, e.g. s2s average --out runs/avg runs/x/checkpoints/step-*")
			}
			return runAverage(out, ckpts, c.App.Writer)
		},
	}
}

// runAverage averages the weights of ckpts into the model directory out.
func runAverage(out string, ckpts []string, w io.Writer) error {
	first, err := modeldir.Open[float32](ckpts[0])
	if err != nil {
		return err
	}
	sum := make([]float64, len(first.Net.Params().W))
	add := func(ws []float32) {
		for i, x := range ws {
			sum[i] += float64(x)
		}
	}
	add(first.Net.Params().W)
	for _, dir := range ckpts[1:] {
		m, err := modeldir.Open[float32](dir)
		if err != nil {
			return err
		}
		if err := sameModel(first, m); err != nil {
			return err
		}
		add(m.Net.Params().W)
	}
	ws := first.Net.Params().W
	for i, s := range sum {
		ws[i] = float32(s / float64(len(ckpts)))
	}
	meta := map[string]string{"averaged_from": strings.Join(ckpts, " ")}
	if err := modeldir.Save(out, first.Config, first.Src, first.Tgt, first.Net, meta); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "averaged %d checkpoints into %s\n", len(ckpts), out)
	return err
}

// sameModel returns an error unless b has a's model config and
// vocabularies, so that their weights can be averaged.
func sameModel(a, b *modeldir.Model[float32]) error {
	if !reflect.DeepEqual(a.Config.Model, b.Config.Model) {
		return fmt.Errorf("%s: model config differs from %s's: only checkpoints of one model can be averaged", b.Dir, a.Dir)
	}
	for _, side := range []struct {
		name string
		x, y interface{ MarshalJSON() ([]byte, error) }
	}{{modeldir.SrcTokenizer, a.Src, b.Src}, {modeldir.TgtTokenizer, a.Tgt, b.Tgt}} {
		x, _ := side.x.MarshalJSON()
		y, _ := side.y.MarshalJSON()
		if !bytes.Equal(x, y) {
			return fmt.Errorf("%s: %s differs from %s's: only checkpoints with one vocabulary can be averaged", b.Dir, side.name, a.Dir)
		}
	}
	return nil
}
