package bleu

import (
	"fmt"
	"strconv"
	"strings"
)

// ChrFOptions configure chrF (Popović 2015) and chrF++ (Popović 2017).
// The zero value is sacreBLEU's default chrF2: 6 character orders, no word
// orders, beta 2, mixed case, whitespace removed, effective-order averaging.
type ChrFOptions struct {
	CharOrder int  // character n-gram order; 0 means 6
	WordOrder int  // word n-gram order; 2 gives chrF++
	Beta      int  // recall weight; 0 means 2
	Lowercase bool // lowercase with Python's str.lower
	// Whitespace keeps whitespace inside character n-grams.
	Whitespace bool
	// EpsSmoothing averages per-order F-scores with epsilon smoothing
	// (chrF++.py, NLTK, Moses) instead of sacreBLEU's effective order.
	EpsSmoothing bool
}

func (o ChrFOptions) withDefaults() (ChrFOptions, error) {
	if o.CharOrder == 0 {
		o.CharOrder = 6
	}
	if o.Beta == 0 {
		o.Beta = 2
	}
	if o.CharOrder < 0 || o.WordOrder < 0 || o.Beta < 0 {
		return o, fmt.Errorf("bleu: chrF orders and beta must be positive, got char %d word %d beta %d",
			o.CharOrder, o.WordOrder, o.Beta)
	}
	return o, nil
}

func (o ChrFOptions) order() int { return o.CharOrder + o.WordOrder }

// name is "chrF2", "chrF2++", ...
func (o ChrFOptions) name() string {
	return "chrF" + strconv.Itoa(o.Beta) + strings.Repeat("+", o.WordOrder)
}

func (o ChrFOptions) signature(nrefs int) string {
	return "nrefs:" + nrefsString(nrefs) + "|case:" + caseString(o.Lowercase) +
		"|eff:" + yesNo(!o.EpsSmoothing) + "|nc:" + strconv.Itoa(o.CharOrder) +
		"|nw:" + strconv.Itoa(o.WordOrder) + "|space:" + yesNo(o.Whitespace) +
		"|version:" + Version
}

// ChrFStats are chrF's sufficient statistics: for each order (character
// orders 1..CharOrder, then word orders 1..WordOrder) the hypothesis n-gram
// count, the reference n-gram count and the matches.
type ChrFStats [][3]int

// Add adds o into s, which must have as many orders or none yet.
func (s *ChrFStats) Add(o ChrFStats) {
	if len(*s) == 0 {
		*s = make(ChrFStats, len(o))
	}
	for i := range o {
		for j := range 3 {
			(*s)[i][j] += o[i][j]
		}
	}
}

// ChrFScore is a chrF or chrF++ score.
type ChrFScore struct {
	Score     float64   // in [0, 100], full precision
	Stats     ChrFStats // the statistics it was computed from
	Signature string    // e.g. "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0"
	name      string
}

// Name is "chrF2", or "chrF2++" for word order 2.
func (s ChrFScore) Name() string { return s.name }

// Format is sacreBLEU's text line: "chrF2|<signature> = 78.6".
func (s ChrFScore) Format(width int) string {
	return formatLine(s.name, s.Signature, s.Score, width, "")
}

// JSON is sacreBLEU's -f json output for this score.
func (s ChrFScore) JSON(width int) string {
	return formatJSON(s.name, s.Signature, s.Score, width, "")
}

// ChrF accumulates corpus chrF one sentence at a time. It is not safe for
// concurrent use.
type ChrF struct {
	opts  ChrFOptions
	stats ChrFStats
	nrefs int
	n     int
}

// NewChrF returns a ChrF for opts, or an error naming a bad option.
func NewChrF(opts ChrFOptions) (*ChrF, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return &ChrF{opts: o}, nil
}

// Add scores hyp against the best of refs (by sentence F-score, the first
// of equals) and adds those statistics to the corpus totals.
func (c *ChrF) Add(hyp string, refs []string) ChrFStats {
	st := c.SentenceStats(hyp, refs)
	c.stats.Add(st)
	switch {
	case c.n == 0:
		c.nrefs = len(refs)
	case c.nrefs != len(refs):
		c.nrefs = -1
	}
	c.n++
	return st
}

// Score returns corpus chrF over everything added so far.
func (c *ChrF) Score() ChrFScore {
	st := c.stats
	if len(st) == 0 {
		st = make(ChrFStats, c.opts.order())
	}
	return ChrFScore{
		Score: c.opts.fScore(st), Stats: st,
		Signature: c.opts.signature(c.nrefs), name: c.opts.name(),
	}
}

// SentenceStats is sacreBLEU's CHRF._compute_segment_statistics: the
// statistics against the reference with the best F-score.
func (c *ChrF) SentenceStats(hyp string, refs []string) ChrFStats {
	hg := c.opts.ngrams(hyp)
	best, bestF := make(ChrFStats, c.opts.order()), -1.0
	for _, r := range refs {
		rg := c.opts.ngrams(r)
		st := make(ChrFStats, len(hg))
		for i := range hg {
			st[i] = matchStats(hg[i], rg[i])
		}
		if f := c.opts.fScore(st); f > bestF {
			best, bestF = st, f
		}
	}
	return best
}

// CorpusChrF returns corpus chrF of hyps against the reference streams refs
// (refs[k][i] is the k-th reference of hyps[i]).
func CorpusChrF(hyps []string, refs [][]string, opts ChrFOptions) (ChrFScore, error) {
	c, err := NewChrF(opts)
	if err != nil {
		return ChrFScore{}, err
	}
	if err := checkLengths(hyps, refs); err != nil {
		return ChrFScore{}, err
	}
	seg := make([]string, len(refs))
	for i, h := range hyps {
		for k := range refs {
			seg[k] = refs[k][i]
		}
		c.Add(h, seg)
	}
	if len(hyps) == 0 {
		c.nrefs = len(refs)
	}
	return c.Score(), nil
}

// SentenceChrF returns chrF of one hypothesis against its references.
func SentenceChrF(hyp string, refs []string, opts ChrFOptions) (ChrFScore, error) {
	c, err := NewChrF(opts)
	if err != nil {
		return ChrFScore{}, err
	}
	c.Add(hyp, refs)
	return c.Score(), nil
}
