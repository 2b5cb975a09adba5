package translate

import "github.com/s2s-nmt/s2s/internal/mat"

// expandBeam is one step of beam search. Each sentence's alive rows are a
// run of the frontier; of all their one-token extensions it keeps the
// width best by cumulative log-probability (Marian's beam search). An
// extension by EOS finishes a hypothesis, which is set aside and narrows
// the beam by one; the others form the next frontier. At the length bound
// only EOS may follow, so every hypothesis left finishes.
func (s *Searcher[F]) expandBeam(logp mat.Mat[F], t int) {
	for lo := 0; lo < s.cur.len(); {
		hi := s.cur.group(lo)
		b := s.cur.sent[lo]
		sn := &s.sents[b]
		s.top.reset(sn.width)
		for r := lo; r < hi; r++ {
			s.offerRow(logp.Row(r), r, t == sn.maxLen)
		}
		for _, c := range s.top.c {
			nd := add(&s.hist, s.cur.node[c.row], c.token, s.alpha(c.row))
			if c.token == eos {
				sn.done = append(sn.done, final{nd, c.score})
				sn.width--
				continue
			}
			s.next.push(c.row, c.token, b, nd, c.score)
		}
		lo = hi
	}
}

// offerRow offers row r's extensions to s.top: only EOS when forced,
// otherwise every output token (EOS too unless ignored).
func (s *Searcher[F]) offerRow(row []F, r int, forced bool) {
	base := s.cur.logp[r]
	if forced {
		x := float64(row[eos])
		s.top.offer(candidate{base + x, x, r, eos})
		return
	}
	for v := int(firstOut); v < len(row); v++ {
		x := float64(row[v])
		if sc := base + x; s.top.admits(sc) && !(s.opt.IgnoreEOS && v == int(eos)) {
			s.top.offer(candidate{sc, x, r, int32(v)})
		}
	}
}
