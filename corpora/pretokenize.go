package corpora

// preTokenize splits s as Hugging Face's ByteLevel pre-tokenizer does with
// add_prefix_space false and use_regex true, that is by GPT-2's regex
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// written out by hand (Go's regexp has no look-ahead) in time linear in
// len(s). It calls fn with each piece, a substring of s, in order.
func preTokenize(s string, fn func(piece string)) {
	for i := 0; i < len(s); {
		n := matchAt(s, i)
		fn(s[i : i+n])
		i += n
	}
}

// matchAt returns the length in bytes of the regex match that starts at i.
func matchAt(s string, i int) int {
	if n := contraction(s, i); n > 0 {
		return n
	}
	c, w := class(s, i)
	start := i
	if s[i] == ' ' && i+1 < len(s) {
		if nc, _ := class(s, i+1); nc != clsSpace {
			c, i = nc, i+1 // " ?" then a run of letters, numbers or others
		}
	}
	if c != clsSpace {
		return runOf(s, i, c) - start
	}
	return spaceRun(s, start, w)
}

// runOf returns the end of the run of class c that starts at i.
func runOf(s string, i, c int) int {
	for i < len(s) {
		k, w := class(s, i)
		if k != c {
			break
		}
		i += w
	}
	return i
}

// spaceRun matches \s+(?!\S)|\s+ at i, where the first space is w bytes:
// the whole run if it ends the string or is followed by a space (never), else
// the run less its last space, or the single space if that leaves nothing.
func spaceRun(s string, i, w int) int {
	last := i
	j := i
	for j < len(s) {
		k, kw := class(s, j)
		if k != clsSpace {
			break
		}
		last = j
		j += kw
	}
	if j == len(s) || last == i {
		if j == len(s) {
			return j - i
		}
		return w
	}
	return last - i
}

// contraction matches 's 't 're 've 'm 'll 'd at i (case-sensitive).
func contraction(s string, i int) int {
	if s[i] != '\'' || i+1 >= len(s) {
		return 0
	}
	switch s[i+1] {
	case 's', 't', 'm', 'd':
		return 2
	}
	if i+2 < len(s) {
		switch s[i+1 : i+3] {
		case "re", "ve", "ll":
			return 3
		}
	}
	return 0
}
