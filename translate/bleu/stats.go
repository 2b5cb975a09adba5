package bleu

// Stats are BLEU's sufficient statistics for one sentence or, summed with
// Add, for a corpus: sacreBLEU's [sys_len, ref_len, correct..., total...].
type Stats struct {
	HypLen  int           // hypothesis tokens
	RefLen  int           // tokens of the closest reference (ties go to the shorter)
	Correct [MaxOrder]int // clipped n-gram matches, index n-1 for order n
	Total   [MaxOrder]int // hypothesis n-grams, index n-1 for order n
}

// Add adds o into s.
func (s *Stats) Add(o Stats) {
	s.HypLen += o.HypLen
	s.RefLen += o.RefLen
	for n := range s.Correct {
		s.Correct[n] += o.Correct[n]
		s.Total[n] += o.Total[n]
	}
}

// closestRefLen is sacreBLEU's BLEU._get_closest_ref_len.
func closestRefLen(hypLen int, refLens []int) int {
	bestDiff, best := -1, -1
	for _, l := range refLens {
		d := hypLen - l
		if d < 0 {
			d = -d
		}
		if bestDiff == -1 || d < bestDiff || d == bestDiff && l < best {
			bestDiff, best = d, l
		}
	}
	return best
}
