package main

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/urfave/cli/v2"
)

// averageArgs are the arguments of s2s average.
type averageArgs struct {
	out   string   // the model directory to write
	ckpts []string // the model directories to average
}

func newAverageCommand() *cli.Command {
	var a averageArgs
	return &cli.Command{
		Name:      "average",
		Usage:     "average the weights of checkpoints into a model directory",
		ArgsUsage: "CKPT...",
		Description: "Each CKPT is a model directory, usually runs/NAME/checkpoints/step-N (its manifest is verified);\n" +
			"all must share the model config and vocabularies. --out DIR gets config.yaml, the tokenizers,\n" +
			"model.safetensors with the element-wise mean of the weights and their manifest, for --model DIR.",
		Flags: []cli.Flag{&cli.StringFlag{Name: "out", Usage: "model `DIR` to write (must not exist)", Destination: &a.out}},
		Action: func(c *cli.Context) error {
			a.ckpts = c.Args().Slice()
			if a.out == "" || len(a.ckpts) == 0 {
				return usagef("average needs --out DIR and at least one checkpoint, e.g. s2s average --out runs/avg runs/x/checkpoints/step-*")
			}
			return runAverage(a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runAverage averages the weights of a.ckpts into the model directory
// a.out.
func runAverage(a averageArgs, w, warn io.Writer) error {
	first, err := openFP32Model(a.ckpts[0], model.TypeSeq2Seq, warn, "average")
	if err != nil {
		return err
	}
	var mean mat.Mean
	mean.Add(first.Params().W)
	for _, dir := range a.ckpts[1:] {
		m, err := openFP32Model(dir, model.TypeSeq2Seq, warn, "average")
		if err != nil {
			return err
		}
		if err := sameModel(first, m); err != nil {
			return err
		}
		mean.Add(m.Params().W)
	}
	mean.Into(first.Params().W)
	meta := map[string]string{"averaged_from": strings.Join(a.ckpts, " ")}
	if err := rundir.Save(a.out, first.Config, first.Src, first.Tgt, first.Params(), meta); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "averaged %d checkpoints into %s\n", len(a.ckpts), a.out)
	return err
}

// sameModel returns an error unless b has a's model config and
// vocabularies, so that their weights can be averaged.
func sameModel(a, b *loadedModel) error {
	if !reflect.DeepEqual(a.Config.Model, b.Config.Model) {
		return fmt.Errorf("%s: model config differs from %s's: only checkpoints of one model can be averaged", b.Dir, a.Dir)
	}
	for _, side := range []struct {
		name string
		x, y interface{ MarshalJSON() ([]byte, error) }
	}{{rundir.SrcTokenizer, a.Src, b.Src}, {rundir.TgtTokenizer, a.Tgt, b.Tgt}} {
		x, _ := side.x.MarshalJSON()
		y, _ := side.y.MarshalJSON()
		if !bytes.Equal(x, y) {
			return fmt.Errorf("%s: %s differs from %s's: only checkpoints with one vocabulary can be averaged", b.Dir, side.name, a.Dir)
		}
	}
	return nil
}
