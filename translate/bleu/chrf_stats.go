package bleu

import "strings"

// ngrams returns the n-gram counts of one segment for every order:
// character orders first, then word orders (sacreBLEU's
// extract_all_char_ngrams and extract_word_ngrams).
func (o ChrFOptions) ngrams(seg string) []map[string]int {
	if o.Lowercase {
		seg = pyLower(seg)
	}
	out := make([]map[string]int, 0, o.order())
	chars := seg
	if !o.Whitespace {
		chars = strings.Join(pyFields(seg), "")
	}
	offs := runeOffsets(chars)
	for n := 1; n <= o.CharOrder; n++ {
		m := map[string]int{}
		for i := 0; i+n < len(offs); i++ {
			m[chars[offs[i]:offs[i+n]]]++
		}
		out = append(out, m)
	}
	if o.WordOrder > 0 {
		words := splitPunct(seg)
		for n := 1; n <= o.WordOrder; n++ {
			m := map[string]int{}
			for i := 0; i+n <= len(words); i++ {
				m[strings.Join(words[i:i+n], " ")]++
			}
			out = append(out, m)
		}
	}
	return out
}

// runeOffsets returns the byte offset of every code point of s, and len(s).
func runeOffsets(s string) []int {
	offs := make([]int, 0, len(s)+1)
	for i := range s {
		offs = append(offs, i)
	}
	return append(offs, len(s))
}

// chrfPuncts is Python's string.punctuation.
const chrfPuncts = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// splitPunct is sacreBLEU's CHRF._remove_punctuation: a word of more than
// one character loses one trailing punctuation mark, or failing that one
// leading one, which becomes a word of its own ("(hi)" → "(hi", ")").
func splitPunct(seg string) []string {
	var out []string
	for _, w := range pyFields(seg) {
		rs := []rune(w)
		switch {
		case len(rs) == 1:
			out = append(out, w)
		case strings.ContainsRune(chrfPuncts, rs[len(rs)-1]):
			out = append(out, w[:len(w)-1], w[len(w)-1:])
		case strings.ContainsRune(chrfPuncts, rs[0]):
			out = append(out, w[:1], w[1:])
		default:
			out = append(out, w)
		}
	}
	return out
}

// matchStats is sacreBLEU's CHRF._get_match_statistics: hypothesis count
// (0 when the reference has no n-gram of this order), reference count and
// clipped matches.
func matchStats(hyp, ref map[string]int) [3]int {
	var match, nh, nr int
	for g, c := range hyp {
		nh += c
		match += min(c, ref[g])
	}
	for _, c := range ref {
		nr += c
	}
	if len(ref) == 0 {
		nh = 0
	}
	return [3]int{nh, nr, match}
}

// fScore is sacreBLEU's CHRF._compute_f_score, in [0, 100].
func (o ChrFOptions) fScore(st ChrFStats) float64 {
	const eps = 1e-16
	factor := float64(o.Beta) * float64(o.Beta) // in float64: Beta*Beta overflows int from 2^31.5
	score, avgPrec, avgRec, eff := 0.0, 0.0, 0.0, 0
	for _, s := range st {
		nh, nr, nm := float64(s[0]), float64(s[1]), float64(s[2])
		prec, rec := eps, eps
		if nh > 0 {
			prec = nm / nh
		}
		if nr > 0 {
			rec = nm / nr
		}
		if d := factor*prec + rec; d > 0 {
			score += (1 + factor) * prec * rec / d
		} else {
			score += eps
		}
		if nh > 0 && nr > 0 {
			avgPrec += prec
			avgRec += rec
			eff++
		}
	}
	if o.EpsSmoothing {
		return 100 * score / float64(len(st))
	}
	if eff > 0 {
		avgPrec /= float64(eff)
		avgRec /= float64(eff)
	}
	if avgPrec+avgRec == 0 {
		return 0
	}
	f := (1 + factor) * avgPrec * avgRec
	f /= factor*avgPrec + avgRec
	return 100 * f
}
