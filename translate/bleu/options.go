package bleu

import (
	"fmt"
	"math"
)

// Smoothing names one of sacreBLEU's BLEU smoothing methods (Chen and
// Cherry, 2014).
type Smoothing string

// The smoothing methods.
const (
	SmoothExp   Smoothing = "exp"   // NIST geometric decay (method 3): the default
	SmoothFloor Smoothing = "floor" // zero counts become the smoothing value (method 1; default 0.1)
	SmoothAddK  Smoothing = "add-k" // add k to counts and totals of orders 2..4 (method 2; default 1)
	SmoothNone  Smoothing = "none"
)

// Valid reports whether s names a smoothing method.
func (s Smoothing) Valid() bool {
	switch s {
	case SmoothExp, SmoothFloor, SmoothAddK, SmoothNone:
		return true
	}
	return false
}

// defaultValue is sacreBLEU's BLEU.SMOOTH_DEFAULTS; ok is false for the
// methods that take no value.
func (s Smoothing) defaultValue() (v float64, ok bool) {
	switch s {
	case SmoothFloor:
		return 0.1, true
	case SmoothAddK:
		return 1, true
	}
	return 0, false
}

// Options configure BLEU. The zero value is sacreBLEU's default: 13a,
// mixed case, exp smoothing, no effective order.
type Options struct {
	// Tokenize is the tokenizer; "" means Tok13a.
	Tokenize Tokenizer
	// Lowercase lowercases hypotheses and references (Python's str.lower).
	Lowercase bool
	// Smooth is the smoothing method; "" means SmoothExp.
	Smooth Smoothing
	// SmoothValue is the value for floor and add-k; nil means the method's
	// default (floor 0.1, add-k 1). Ignored by exp and none. Floor takes a
	// value in [0, 1] and add-k one in [0, maxAddK], so that no precision
	// exceeds 100%, goes negative or overflows.
	SmoothValue *float64
	// EffectiveOrder stops the geometric mean at the highest order with
	// hypothesis n-grams, as sacreBLEU does for sentence BLEU (-sl).
	EffectiveOrder bool
}

// maxAddK is the largest add-k value: 100·(count+k), the numerator of a
// smoothed precision, stays finite for any count up to max(k, 2^63).
const maxAddK = math.MaxFloat64 / 200

// withDefaults fills the zero fields and checks the others.
func (o Options) withDefaults() (Options, error) {
	if o.Tokenize == "" {
		o.Tokenize = Tok13a
	}
	if o.Smooth == "" {
		o.Smooth = SmoothExp
	}
	if !o.Tokenize.Valid() {
		return o, fmt.Errorf("bleu: tokenizer %q is not one of 13a, intl, char, none", o.Tokenize)
	}
	if !o.Smooth.Valid() {
		return o, fmt.Errorf("bleu: smoothing %q is not one of exp, floor, add-k, none", o.Smooth)
	}
	if v := o.smoothValue(); o.Smooth == SmoothFloor && !(v >= 0 && v <= 1) {
		return o, fmt.Errorf("bleu: floor smoothing value %v is not in [0, 1]", v)
	} else if o.Smooth == SmoothAddK && !(v >= 0 && v <= maxAddK) {
		return o, fmt.Errorf("bleu: add-k smoothing value %v is not in [0, %g]", v, maxAddK)
	}
	return o, nil
}

// smoothValue is the value smoothing uses: the option or the default.
func (o Options) smoothValue() float64 {
	if o.SmoothValue != nil {
		return *o.SmoothValue
	}
	v, _ := o.Smooth.defaultValue()
	return v
}

// signature is sacreBLEU's BLEU signature for nrefs references (-1: "var").
func (o Options) signature(nrefs int) string {
	smooth := string(o.Smooth)
	if _, ok := o.Smooth.defaultValue(); ok {
		smooth += "[" + fmtFixed(o.smoothValue(), 2) + "]"
	}
	return "nrefs:" + nrefsString(nrefs) + "|case:" + caseString(o.Lowercase) +
		"|eff:" + yesNo(o.EffectiveOrder) + "|tok:" + string(o.Tokenize) +
		"|smooth:" + smooth + "|version:" + Version
}

func nrefsString(n int) string {
	if n < 0 {
		return "var"
	}
	return fmt.Sprint(n)
}

func caseString(lc bool) string {
	if lc {
		return "lc"
	}
	return "mixed"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
