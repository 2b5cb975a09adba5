package translate

import (
	"math"
	"math/rand/v2"

	"github.com/s2s-nmt/s2s/internal/mat"
)

// expandRows is one step of greedy search or sampling: every row chooses
// its own next token (the most probable, or a draw) and finishes at EOS;
// at the length bound it takes EOS.
func (s *Searcher[F]) expandRows(logp mat.Mat[F], t int) {
	for r := 0; r < s.cur.len(); r++ {
		b := s.cur.sent[r]
		sn := &s.sents[b]
		row := logp.Row(r)
		var y int32
		switch {
		case t == sn.maxLen:
			y = eos
		case s.opt.Mode == Greedy:
			y = s.argmax(row)
		default:
			y = s.draw(row, sn.rng)
		}
		lp := s.cur.logp[r] + float64(row[y])
		nd := add(&s.hist, s.cur.node[r], y, s.alpha(r))
		if y == eos {
			sn.done = append(sn.done, final{nd, lp})
			continue
		}
		s.next.push(r, y, b, nd, lp)
	}
}

// allowed reports whether v may be output before the length bound.
func (s *Searcher[F]) allowed(v int) bool {
	return v >= int(firstOut) && !(s.opt.IgnoreEOS && v == int(eos))
}

// argmax returns the most probable allowed token, the smallest on ties.
func (s *Searcher[F]) argmax(row []F) int32 {
	best := -1
	for v, x := range row {
		if s.allowed(v) && (best < 0 || x > row[best]) {
			best = v
		}
	}
	return int32(best)
}

// draw samples an allowed token from softmax(row / Temperature),
// restricted to the TopK most probable when TopK > 0.
func (s *Searcher[F]) draw(row []F, rng *rand.Rand) int32 {
	T := s.opt.Temperature
	if k := s.opt.TopK; k > 0 {
		s.top.reset(k)
		for v, x := range row {
			if s.allowed(v) && s.top.admits(float64(x)) {
				s.top.offer(candidate{score: float64(x), logp: float64(x), token: int32(v)})
			}
		}
		best, sum := s.top.c[0].score, 0.0
		for _, c := range s.top.c {
			sum += math.Exp((c.score - best) / T)
		}
		u := rng.Float64() * sum
		for _, c := range s.top.c {
			if u -= math.Exp((c.score - best) / T); u < 0 {
				return c.token
			}
		}
		return s.top.c[len(s.top.c)-1].token
	}
	return s.drawAll(row, rng, T)
}

// drawAll samples from all allowed tokens.
func (s *Searcher[F]) drawAll(row []F, rng *rand.Rand, T float64) int32 {
	best := float64(row[s.argmax(row)])
	sum := 0.0
	for v, x := range row {
		if s.allowed(v) {
			sum += math.Exp((float64(x) - best) / T)
		}
	}
	u := rng.Float64() * sum
	last := int32(-1)
	for v, x := range row {
		if !s.allowed(v) {
			continue
		}
		last = int32(v)
		if u -= math.Exp((float64(x) - best) / T); u < 0 {
			return last
		}
	}
	return last
}
