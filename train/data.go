package train

import (
	"fmt"
	"log/slog"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
)

// Prepare reads, tokenizes and encodes a run's data as its model type
// needs it: a parallel corpus for a translation model, a text stream for
// a language model. The tokenizers and the encoded-corpus cache go into
// the run directory. `s2s prepare` and `s2s train` both call it.
func Prepare(t model.Type, c corpora.Config, run rundir.Run, log *slog.Logger) (Data, error) {
	var d Data
	if err := run.Create(); err != nil {
		return d, err
	}
	out := corpora.Paths{SrcTokenizer: run.Path(rundir.SrcTokenizer), TgtTokenizer: run.Path(rundir.TgtTokenizer),
		Data: run.Path(rundir.DataDir)}
	var err error
	if t == model.TypeLM {
		d.Text, err = corpora.PrepareText(c, out, log)
	} else {
		d.Parallel, err = corpora.Prepare(c, out, log)
	}
	return d, err
}

// Describe returns a one-line account of prepared data.
func (d Data) Describe() string {
	if d.Text != nil {
		return fmt.Sprintf("%d training tokens, %d dev tokens, vocabulary %d", len(d.Text.Train), len(d.Text.Dev), d.Text.Tok.VocabSize())
	}
	p := d.Parallel
	s := fmt.Sprintf("%d training pairs, %d dev pairs, %d test lines, vocabulary %d/%d",
		p.Train.Len(), p.Dev.Len(), len(p.Test.Src), p.Src.VocabSize(), p.Tgt.VocabSize())
	if r := p.Files.Tokenizer.Dropout; r > 0 {
		s += fmt.Sprintf(", BPE-dropout %g", r)
	}
	return s
}
