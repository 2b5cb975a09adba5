package bleu

import (
	"math"
	"strconv"
)

// Score is a BLEU score with what sacreBLEU's BLEUScore carries.
type Score struct {
	Score      float64           // BLEU in [0, 100], full precision
	Correct    [MaxOrder]float64 // matches per order, after add-k smoothing
	Total      [MaxOrder]float64 // hypothesis n-grams per order, after add-k smoothing
	Precisions [MaxOrder]float64 // n-gram precisions in percent, after smoothing
	BP         float64           // brevity penalty
	Ratio      float64           // HypLen / RefLen, 0 when RefLen is 0
	HypLen     int
	RefLen     int
	// Signature is sacreBLEU's, e.g.
	// "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0".
	Signature string
}

// Name is "BLEU".
func (Score) Name() string { return "BLEU" }

// Verbose is the part of the line after the score:
// "90.2/70.3/51.5/37.9 (BP = 0.918 ratio = 0.921 hyp_len = 82 ref_len = 89)".
func (s Score) Verbose() string {
	b := []byte{}
	for n, p := range s.Precisions {
		if n > 0 {
			b = append(b, '/')
		}
		b = strconv.AppendFloat(b, p, 'f', 1, 64)
	}
	return string(b) + " (BP = " + fmtFixed(s.BP, 3) + " ratio = " + fmtFixed(s.Ratio, 3) +
		" hyp_len = " + strconv.Itoa(s.HypLen) + " ref_len = " + strconv.Itoa(s.RefLen) + ")"
}

// Format is sacreBLEU's text line with width decimals for the score (its
// default is 1): "BLEU|<signature> = 54.5 <verbose>".
func (s Score) Format(width int) string {
	return formatLine(s.Name(), s.Signature, s.Score, width, s.Verbose())
}

// JSON is sacreBLEU's -f json output for this score.
func (s Score) JSON(width int) string {
	return formatJSON(s.Name(), s.Signature, s.Score, width, s.Verbose())
}

// compute is sacreBLEU's BLEU.compute_bleu on corpus statistics.
func (o Options) compute(st Stats, nrefs int) Score {
	s := Score{HypLen: st.HypLen, RefLen: st.RefLen, Signature: o.signature(nrefs), BP: 1}
	for n := range st.Correct {
		s.Correct[n], s.Total[n] = float64(st.Correct[n]), float64(st.Total[n])
	}
	if st.RefLen > 0 {
		s.Ratio = float64(st.HypLen) / float64(st.RefLen)
	}
	if st.HypLen < st.RefLen {
		s.BP = 0
		if st.HypLen > 0 {
			s.BP = math.Exp(1 - float64(st.RefLen)/float64(st.HypLen))
		}
	}
	if st.Correct == [MaxOrder]int{} { // early stop (sacreBLEU #141)
		return s
	}
	eff := o.precisions(&s)
	sum := 0.0
	for _, p := range s.Precisions[:eff] {
		sum += myLog(p)
	}
	s.Score = s.BP * math.Exp(sum/float64(eff))
	return s
}

// precisions fills s.Precisions (smoothing s.Correct and s.Total for add-k)
// and returns the order the geometric mean runs to.
func (o Options) precisions(s *Score) int {
	v := o.smoothValue()
	smooth, eff := 1.0, MaxOrder
	for n := 1; n <= MaxOrder; n++ {
		if o.Smooth == SmoothAddK && n > 1 {
			s.Correct[n-1] += v
			s.Total[n-1] += v
		}
		c, t := s.Correct[n-1], s.Total[n-1]
		if t == 0 {
			break
		}
		if o.EffectiveOrder {
			eff = n
		}
		switch {
		case c != 0:
			s.Precisions[n-1] = 100 * c / t
		case o.Smooth == SmoothExp:
			smooth *= 2
			s.Precisions[n-1] = 100 / (smooth * t)
		case o.Smooth == SmoothFloor:
			s.Precisions[n-1] = 100 * v / t
		}
	}
	return eff
}

// myLog is sacreBLEU's utils.my_log: log, with log(0) floored.
func myLog(x float64) float64 {
	if x == 0 {
		return -9999999999
	}
	return math.Log(x)
}
