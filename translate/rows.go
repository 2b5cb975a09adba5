package translate

import "github.com/s2s-nmt/s2s/internal/mat"

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
			y = s.smp.Draw(row, sn.rng)
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
