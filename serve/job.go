package serve

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/s2s-nmt/s2s/internal/layer"
	"github.com/s2s-nmt/s2s/translate"
)

// job is a translation request of either API, checked against the limits.
type job struct {
	texts      []string
	beam       int // 0: the server's default
	nbest      int // 0: 1
	alignments bool
}

// line is one line of a text, translated: its source tokens and its
// hypotheses, best first. An empty line (whitespace alone) has no
// tokens and one empty hypothesis of log-probability 0, as in
// `s2s translate`.
type line struct {
	src  []int32
	hyps []translate.Hypothesis
}

// statusClientGone is the status logged for a request whose client went
// away before its answer (nginx's convention); the client never sees it.
const statusClientGone = 499

// translate translates j's texts, each split into its lines, and returns
// the backend that did it and the lines of each text. A request that
// meets a batcher closed by a reload is translated again on the new
// model.
func (s *Server) translate(ctx context.Context, j job) (*backend, [][]line, error) {
	for {
		b := s.cur.Load()
		out, err := s.run(ctx, b, j)
		if errors.Is(err, ErrClosed) && s.cur.Load() != b {
			continue
		}
		if err != nil {
			return b, nil, s.translateError(err)
		}
		if n := noteOf(ctx); n != nil {
			n.sentences = countLines(out)
		}
		return b, out, nil
	}
}

func countLines(texts [][]line) int {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	return n
}

// run translates j on b.
func (s *Server) run(ctx context.Context, b *backend, j job) ([][]line, error) {
	opt, err := s.options(b, j)
	if err != nil {
		return nil, err
	}
	in := translate.Input{Tok: b.m.Src, MaxLen: b.m.Config.Data.MaxLen, Name: "request"}
	for _, o := range b.ms[1:] {
		in.Others = append(in.Others, translate.SourceTok{Tok: o.Src, MaxLen: o.Config.Data.MaxLen})
	}
	out := make([][]line, len(j.texts))
	var srcs []translate.Source
	var at [][2]int // for each of srcs, its text and line
	for i, t := range j.texts {
		ls := strings.Split(t, "\n")
		out[i] = make([]line, len(ls))
		for k, l := range ls {
			src, _ := in.Source(len(srcs), l)
			out[i][k] = line{src: src.Tokens, hyps: []translate.Hypothesis{{}}}
			if len(src.Tokens) > 0 {
				srcs = append(srcs, src)
				at = append(at, [2]int{i, k})
			}
		}
	}
	if len(srcs) == 0 {
		return out, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Deadline)
	defer cancel()
	hyps, err := b.batcher.Translate(ctx, srcs, opt)
	if err != nil {
		return nil, err
	}
	for n, p := range at {
		out[p[0]][p[1]].hyps = hyps[n]
	}
	return out, nil
}

// translateError is the answer to a failed translation.
func (s *Server) translateError(err error) error {
	switch {
	case errors.Is(err, ErrQueueFull):
		return errorf(http.StatusServiceUnavailable,
			"the server is busy: its queue holds %d sentences (--max-queue); retry after Retry-After seconds", s.cfg.Batcher.MaxQueue)
	case errors.Is(err, ErrClosed):
		return errorf(http.StatusServiceUnavailable, "the server is shutting down: retry on another instance")
	case errors.Is(err, ErrSearch):
		return errorf(http.StatusInternalServerError, "the search failed on the server (%v): the other requests are unaffected; report the text that caused it", err)
	case errors.Is(err, context.DeadlineExceeded):
		return errorf(http.StatusGatewayTimeout,
			"the translation did not finish within the %v deadline: send fewer or shorter texts, or retry later", s.cfg.Deadline)
	case errors.Is(err, context.Canceled):
		return errorf(statusClientGone, "the client closed the request")
	}
	return err
}

// options returns the search options of j on b's model: the model
// config's, then the server's default beam, then j's.
func (s *Server) options(b *backend, j job) (translate.Options, error) {
	o := translate.FromConfig(b.m.Config.Translate)
	if s.cfg.Beam > 0 {
		o.Beam = s.cfg.Beam
	}
	if j.beam > 0 {
		o.Beam = j.beam
	}
	o.NBest = max(j.nbest, 1)
	if o.NBest > o.Beam {
		return o, errorf(http.StatusBadRequest, "n_best %d is more than the beam size %d: ask for \"beam\": %d", o.NBest, o.Beam, o.NBest)
	}
	o.Alignments = j.alignments
	if o.Alignments && b.m.Net.Dec.Cfg.Attention == layer.NoAttention {
		return o, errorf(http.StatusBadRequest, "this model has no attention, so no alignments: leave \"alignments\" out")
	}
	if err := o.Validate(); err != nil {
		return o, errorf(http.StatusBadRequest, "%v", err)
	}
	return o, nil
}

// detok returns the text of h, as `s2s translate` writes it.
func detok(b *backend, h translate.Hypothesis) string {
	return translate.Detok(b.m.Tgt, h.Tokens)
}

// joinBest returns the text of t's lines, each its best hypothesis.
func joinBest(b *backend, t []line) string {
	return joinNth(b, t, 0)
}

// joinNth returns the text of t's lines, each its n-th hypothesis (its
// last when it has fewer).
func joinNth(b *backend, t []line, n int) string {
	var sb strings.Builder
	for k, l := range t {
		if k > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(detok(b, l.hyps[min(n, len(l.hyps)-1)]))
	}
	return sb.String()
}
