package layer

import (
	"math/rand/v2"
	"testing"

	"github.com/s2s-nmt/s2s/internal/gradcheck"
	"github.com/s2s-nmt/s2s/internal/mat"
)

// seed fixes every random draw in these tests.
const seed = 7

func newRNG() *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// randMat returns an r×c matrix with entries from U(−1, 1).
func randMat(rng *rand.Rand, r, c int) mat.Mat[float64] {
	m := mat.New[float64](r, c)
	for i := range m.Data {
		m.Data[i] = 2*rng.Float64() - 1
	}
	return m
}

// dotLoss is Σ w⊙y, a scalar whose gradient with respect to y is w.
func dotLoss(w, y []float64) float64 {
	s := 0.0
	for i, v := range y {
		s += w[i] * v
	}
	return s
}

// check runs gradcheck.Check with the default tolerances (1e-6 relative).
func check(t *testing.T, name string, x, g []float64, loss func() float64) {
	t.Helper()
	if err := gradcheck.Check(name, x, g, loss, gradcheck.Options{}); err != nil {
		t.Error(err)
	}
}

// checkParams checks every parameter of ps against loss; run must have
// filled the gradients once.
func checkParams(t *testing.T, ps *mat.Set[float64], loss func() float64) {
	t.Helper()
	for _, p := range ps.List {
		check(t, p.Name, p.W.Data, append([]float64(nil), p.G.Data...), loss)
	}
}

// twice runs backward once more and checks that every parameter gradient
// doubled (backward adds).
func twice(t *testing.T, ps *mat.Set[float64], backward func()) {
	t.Helper()
	once := append([]float64(nil), ps.G...)
	backward()
	for i, g := range ps.G {
		if d := g - 2*once[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("gradient %d: second backward gave %g, want %g", i, g, 2*once[i])
		}
	}
}
