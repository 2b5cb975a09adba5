// Package gradcheck compares hand-written gradients with central finite
// differences in float64.
package gradcheck

import (
	"fmt"
	"math"
)

// Options tune Check. The zero value uses the defaults noted on each field.
type Options struct {
	Eps    float64 // step of the central difference; default 1e-6
	RelTol float64 // largest allowed relative error; default 1e-6
	AbsTol float64 // floor below which errors count as zero; default 1e-9
}

func (o Options) withDefaults() Options {
	if o.Eps == 0 {
		o.Eps = 1e-6
	}
	if o.RelTol == 0 {
		o.RelTol = 1e-6
	}
	if o.AbsTol == 0 {
		o.AbsTol = 1e-9
	}
	return o
}

// Check perturbs every element of x (a parameter's weights or an input),
// evaluates loss at x+eps and x−eps, and compares the central difference
// with grad (the analytic gradient of loss with respect to x, already
// computed). It returns an error naming the first element whose relative
// error |a−n| / max(|a|+|n|, AbsTol) exceeds RelTol, where a difference
// below AbsTol counts as zero. loss must be a pure function of x.
func Check(name string, x, grad []float64, loss func() float64, opt Options) error {
	opt = opt.withDefaults()
	if len(x) != len(grad) {
		return fmt.Errorf("%s: %d values but %d gradients", name, len(x), len(grad))
	}
	for i := range x {
		orig := x[i]
		x[i] = orig + opt.Eps
		lp := loss()
		x[i] = orig - opt.Eps
		lm := loss()
		x[i] = orig
		num := (lp - lm) / (2 * opt.Eps)
		if err := compare(name, i, grad[i], num, opt); err != nil {
			return err
		}
	}
	return nil
}

func compare(name string, i int, a, n float64, opt Options) error {
	diff := math.Abs(a - n)
	if diff <= opt.AbsTol {
		return nil
	}
	rel := diff / math.Max(math.Abs(a)+math.Abs(n), opt.AbsTol)
	if rel > opt.RelTol || math.IsNaN(rel) {
		return fmt.Errorf("%s[%d]: analytic %.10g, numeric %.10g, relative error %.3g", name, i, a, n, rel)
	}
	return nil
}
