package translate

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/s2s-nmt/s2s/internal/cell"
)

// TestLengthPenaltyByHand checks both penalties against scores computed
// by hand; lengths count EOS.
func TestLengthPenaltyByHand(t *testing.T) {
	for _, tc := range []struct {
		p      LengthPenalty
		logp   float64
		length int
		alpha  float64
		want   float64
	}{
		{Marian, -6, 3, 1, -2},
		{Marian, -6, 4, 0.5, -3},
		{Marian, -6, 4, 0, -6},
		{GNMT, -6, 7, 1, -3},            // (5+7)/6 = 2
		{GNMT, -6, 1, 0.6, -6},          // (5+1)/6 = 1
		{GNMT, -6, 13, 2, -6.0 / 9},     // ((5+13)/6)² = 9
		{GNMT, -4.5, 19, 0.5, -4.5 / 2}, // √((5+19)/6) = 2
		{GNMT, -6, 7, 0, -6},
		{"", -6, 3, 1, -2}, // the zero value is Marian's
	} {
		if got := tc.p.Score(tc.logp, tc.length, tc.alpha); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%q.Score(%g, %d, %g) = %g, want %g", tc.p, tc.logp, tc.length, tc.alpha, got, tc.want)
		}
	}
}

// TestRerankIsSearch: beam search's n-best list, reranked with another
// penalty and alpha, is the list a search with those settings returns,
// scores included; and GNMT ranks some sentence differently from Marian.
func TestRerankIsSearch(t *testing.T) {
	m := tinyModel[float64](t, cell.GRU, 3)
	srcs := randomSources(30, 8, 11)
	base := testOptions(Beam, 5, 5)
	base.Alignments = false
	found := mustSearcher(t, m, base).Search(srcs)
	differs := false
	for _, p := range []LengthPenalty{Marian, GNMT} {
		for _, alpha := range []float64{0, 0.4, 1, 2} {
			t.Run(fmt.Sprint(p, alpha), func(t *testing.T) {
				opt := base
				opt.LengthPenalty, opt.Alpha = p, alpha
				want := mustSearcher(t, m, opt).Search(srcs)
				for i := range srcs {
					got := slices.Clone(found[i])
					Rerank(got, p, alpha)
					if len(got) != len(want[i]) {
						t.Fatalf("sentence %d: %d hypotheses, search gives %d", i, len(got), len(want[i]))
					}
					for k := range got {
						if !slices.Equal(got[k].Tokens, want[i][k].Tokens) || got[k].Score != want[i][k].Score {
							t.Errorf("sentence %d rank %d: reranked %v (%g), search %v (%g)", i, k, got[k].Tokens, got[k].Score, want[i][k].Tokens, want[i][k].Score)
						}
					}
					if p == GNMT && alpha == 1 {
						marian := slices.Clone(found[i])
						Rerank(marian, Marian, 1)
						differs = differs || !slices.Equal(marian[0].Tokens, got[0].Tokens)
					}
				}
			})
		}
	}
	if !differs {
		t.Error("GNMT and Marian at alpha 1 pick the same best hypothesis for every sentence")
	}
}
