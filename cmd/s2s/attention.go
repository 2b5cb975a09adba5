package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/internal/atomicfile"
	"github.com/s2s-nmt/s2s/internal/viz"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// attentionArgs are the flags of s2s attention.
type attentionArgs struct {
	model, src, out string
	beam            int    // 1: greedy
	precision       string // "": the config's
}

func newAttentionCommand() *cli.Command {
	var a attentionArgs
	return &cli.Command{
		Name:  "attention",
		Usage: "translate one sentence and draw the attention weights as a heatmap PNG",
		Description: "Translates --src (greedy, or beam search with --beam K > 1) recording the attention weights\n" +
			"of every target token, writes --out, a PNG heatmap with the source pieces across and the target\n" +
			"pieces down, and prints the translation and the text alignment (each target piece's most\n" +
			"attended source piece, then the hard alignment in Pharaoh format).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "model", Usage: "translation model `DIR` (default runs/latest)", Destination: &a.model},
			&cli.StringFlag{Name: "src", Usage: "source sentence `TEXT`", Destination: &a.src},
			&cli.StringFlag{Name: "out", Usage: "PNG `FILE` to write", Destination: &a.out},
			&cli.IntFlag{Name: "beam", Value: 1, Usage: "beam size `K` (1: greedy)", Destination: &a.beam},
			precisionFlag(&a.precision),
		},
		Action: func(c *cli.Context) error {
			if err := a.check(c.Args().Len()); err != nil {
				return err
			}
			return runAttention(c.App.Writer, c.App.ErrWriter, a)
		},
	}
}

// check reports misuse of the flags as a usage error.
func (a attentionArgs) check(nargs int) error {
	switch {
	case nargs > 0:
		return usagef("attention takes no arguments; pass the sentence with --src TEXT")
	case strings.TrimSpace(a.src) == "":
		return usagef("attention needs a sentence: --src TEXT")
	case a.out == "":
		return usagef("attention needs --out FILE.png")
	case !strings.EqualFold(filepath.Ext(a.out), ".png"):
		return usagef("--out %s: attention writes PNG; name the file *.png", a.out)
	case a.beam < 1:
		return usagef("--beam %d: must be ≥ 1", a.beam)
	}
	return nil
}

// runAttention translates the sentence, writes the heatmap atomically and
// prints the translation and alignment.
func runAttention(stdout, stderr io.Writer, a attentionArgs) error {
	m, err := openModel(a.model, model.TypeSeq2Seq, stderr)
	if err != nil {
		return err
	}
	if _, err := usePrecision(m, a.precision); err != nil {
		return err
	}
	if m.Config.Model.Decoder.Attention == "none" {
		return fmt.Errorf("%s: the model has no attention (model.decoder.attention: none)", m.Run.Dir)
	}
	in := translate.Input{Tok: m.Src, MaxLen: m.Config.Data.MaxLen, Name: "--src"}
	src, warns := in.Source(0, a.src)
	for _, w := range warns {
		fmt.Fprintln(stderr, "s2s: warning:", w)
	}
	hyp, err := alignedTranslation(m.Net, translate.FromConfig(m.Config.Translate), a.beam, src)
	if err != nil {
		return err
	}
	srcLabels, tgtLabels := pieceLabels(m.Src, src.Tokens), append(pieceLabels(m.Tgt, hyp.Tokens), "</s>")
	weights := make([][]float64, len(hyp.Align))
	for i, row := range hyp.Align {
		weights[i] = make([]float64, len(row))
		for j, v := range row {
			weights[i][j] = float64(v)
		}
	}
	f, err := atomicfile.Create(a.out, 0o644)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := viz.Heatmap(f, weights, srcLabels, tgtLabels, viz.HeatmapOptions{Title: a.src}); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, translate.Detok(m.Tgt, hyp.Tokens))
	return viz.AlignmentText(stdout, weights, srcLabels, tgtLabels)
}

// alignedTranslation returns the best translation of src with the
// attention weights of each target token and of EOS: greedy for beam 1,
// else beam search of that width.
func alignedTranslation(net *model.Seq2Seq[float32], opt translate.Options, beam int, src translate.Source) (translate.Hypothesis, error) {
	opt.Mode, opt.Beam, opt.NBest, opt.Alignments = translate.Beam, beam, 1, true
	if beam == 1 {
		opt.Mode = translate.Greedy
	}
	s, err := translate.NewSearcher(net, opt)
	if err != nil {
		return translate.Hypothesis{}, err
	}
	return s.Search([]translate.Source{src})[0][0], nil
}

// pieceLabels returns each token's text for an axis: decoded, invalid
// UTF-8 (part of a character) shown as U+FFFD, a leading space as ▁.
func pieceLabels(tok *corpora.Tokenizer, ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		s, err := tok.Decode([]int32{id})
		if err != nil {
			s = tok.Piece(id)
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
		if rest, ok := strings.CutPrefix(s, " "); ok {
			s = "▁" + rest
		}
		out[i] = s
	}
	return out
}
