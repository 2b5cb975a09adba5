package viz

import (
	"cmp"
	"math"
	"slices"
)

// CellR is one hidden cell's Pearson correlation with a feature.
type CellR struct {
	Cell int
	R    float64
}

// FeatureCorr holds every cell's correlation with one feature.
type FeatureCorr struct {
	Feature string
	R       []float64 // (H) Pearson r per cell; NaN where the cell or the feature is constant
}

// Top returns up to n cells with the largest |r|, largest first (lower
// cell index first on ties), leaving out NaN.
func (f FeatureCorr) Top(n int) []CellR {
	var cs []CellR
	for c, r := range f.R {
		if !math.IsNaN(r) {
			cs = append(cs, CellR{c, r})
		}
	}
	slices.SortStableFunc(cs, func(a, b CellR) int { return cmp.Compare(math.Abs(b.R), math.Abs(a.R)) })
	return cs[:min(n, len(cs))]
}

// Correlations returns, for each of Features in order, the Pearson
// correlation between the feature and each hidden cell's activation over
// the characters of text. acts holds one row of H activations per rune of
// text, or per byte (see NeuronPage). It panics if acts fits neither or its
// rows differ in length.
func Correlations(text string, acts [][]float32) []FeatureCorr {
	rs, rows := perRune(text, acts)
	h := cells(rows)
	col := make([]float64, len(rows))
	out := make([]FeatureCorr, len(Features))
	values := make([][]float64, len(Features)) // (F, N)
	for i, f := range Features {
		out[i] = FeatureCorr{Feature: f.Name, R: make([]float64, h)}
		values[i] = f.Value(rs)
	}
	for c := range h {
		for i, row := range rows {
			col[i] = float64(row[c])
		}
		for i := range Features {
			out[i].R[c] = pearson(col, values[i])
		}
	}
	return out
}

// pearson returns the Pearson correlation of x and y (same length), NaN if
// either is constant or they have fewer than two points.
func pearson(x, y []float64) float64 {
	n := float64(len(x))
	if len(x) < 2 {
		return math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}
