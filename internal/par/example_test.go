package par_test

import (
	"fmt"

	"github.com/s2s-nmt/s2s/internal/par"
)

// squares returns each chunk's sum of squares of x.
type squares struct{ x []float64 }

func (o *squares) Do(lo, hi int) float64 {
	s := 0.0
	for _, v := range o.x[lo:hi] {
		s += v * v
	}
	return s
}

func Example() {
	// A fan-out: one task per index, each writing only its own slot.
	out := make([]int, 5)
	par.For(len(out), func(i int) { out[i] = i * i })
	fmt.Println(out)

	// A chunked reduction: 1000 scalars in chunks of 100, the chunks'
	// sums added in chunk order whatever the number of cores.
	x := make([]float64, 1000)
	for i := range x {
		x[i] = 0.5
	}
	fmt.Println(par.Sum(len(x), 100, &squares{x}))
	// Output:
	// [0 1 4 9 16]
	// 250
}
