package translate

// candidate is one extension of an alive hypothesis: frontier row row
// followed by token, with cumulative log-probability score, of which logp
// is the token's own.
type candidate struct {
	score, logp float64
	row         int
	token       int32
}

// better reports whether a ranks before b: higher score, then higher own
// log-probability (so that a tie made by rounding the sum is broken as
// greedy search breaks it), then earlier row, then smaller token. It is a
// total order, so selection does not depend on the order of offers.
func better(a, b candidate) bool {
	switch {
	case a.score != b.score:
		return a.score > b.score
	case a.logp != b.logp:
		return a.logp > b.logp
	case a.row != b.row:
		return a.row < b.row
	}
	return a.token < b.token
}

// topK keeps the k best candidates offered, best first.
type topK struct {
	c []candidate
	k int
}

// reset empties t for a new selection of k.
func (t *topK) reset(k int) { t.c, t.k = t.c[:0], k }

// admits reports whether a candidate of this score could enter: a cheap
// test before building one.
func (t *topK) admits(score float64) bool {
	return len(t.c) < t.k || score >= t.c[len(t.c)-1].score
}

// offer inserts c if it is among the k best so far.
func (t *topK) offer(c candidate) {
	n := len(t.c)
	if n == t.k {
		if t.k == 0 || !better(c, t.c[n-1]) {
			return
		}
		n--
	} else {
		t.c = append(t.c, candidate{})
	}
	i := n
	for i > 0 && better(c, t.c[i-1]) {
		t.c[i] = t.c[i-1]
		i--
	}
	t.c[i] = c
}
