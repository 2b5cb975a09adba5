package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// quantizeArgs are the arguments of s2s quantize.
type quantizeArgs struct {
	model string // the fp32 model directory
	out   string // the int8 model directory to write
}

func newQuantizeCommand() *cli.Command {
	var a quantizeArgs
	return &cli.Command{
		Name:  "quantize",
		Usage: "write an int8 copy of a translation model for faster decoding",
		Description: "--out DIR gets the config (translate.precision: int8), the tokenizers and model.safetensors\n" +
			"in which both embeddings and the decoder's matrices (W_ih, W_hh, the attention query, W_a, W_o)\n" +
			"are I8 with an F32 scale per row (NAME and NAME.scale; tied embeddings are stored once); the\n" +
			"rest stays F32. translate, eval, serve and attention load it as it is, holding no fp32 copy of\n" +
			"the int8 matrices; training from it, average and neurons need the fp32 model.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "fp32 model `DIR` (default runs/latest)", Destination: &a.model},
			&cli.StringFlag{Name: "out", Usage: "model `DIR` to write (must not exist)", Destination: &a.out},
		},
		Action: func(c *cli.Context) error {
			if a.out == "" {
				return usagef("quantize needs --out DIR, e.g. s2s quantize --model runs/en-ru --out runs/en-ru-int8")
			}
			return runQuantize(a, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// runQuantize writes the int8 model directory a.out from a.model.
func runQuantize(a quantizeArgs, w, warn io.Writer) error {
	m, err := openModel(a.model, model.TypeSeq2Seq, warn)
	if err != nil {
		return err
	}
	if m.Precision == rundir.PrecisionInt8 {
		return inputError{fmt.Errorf("%s is already an int8 model (s2s quantize); quantize the fp32 model it came from", m.Dir)}
	}
	m.Config.Translate.Precision = translate.Int8
	if err := rundir.SaveInt8(a.out, m.Config, m.Src, m.Tgt, m.Net, m.Meta); err != nil {
		return err
	}
	in, _ := os.Stat(filepath.Join(m.Dir, rundir.WeightsFile))
	out, err := os.Stat(filepath.Join(a.out, rundir.WeightsFile))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "wrote %s: %s %.1f MB (fp32: %.1f MB)\n", a.out, rundir.WeightsFile, mb(out.Size()), mb(in.Size()))
	return err
}

// mb returns n bytes in megabytes.
func mb(n int64) float64 { return float64(n) / 1e6 }
